"""Golden tensors of the feature stages (src/features/): librosa 0.11 STFT, mel, power_to_db, MFCC and deltas,
scipy's resample_poly, each stage alone (from librosa's own output of the stage before, as its S= arguments)
and chained, on two real RAVDESS excerpts and on synthetic signals.

References run in float64 (the inputs are float32 values), so the goldens are librosa's mathematics without
librosa's own float32 rounding; librosa's mel basis is float32 whatever the input, as ours is.
Batch tensors are [clips, bands, max_frames], zero beyond each clip's frames, like src/features output.
"""
import pathlib

import librosa
import numpy as np
import scipy.signal
import soundfile

from .common import f32

RAVDESS = pathlib.Path(__file__).resolve().parents[4] / "shared" / "data" / "ravdess"
SR = 16000
# 1.0 s and 0.94 s from 0.5 s into two clips: half a second of near-silence, then speech. Neither length is a
# multiple of any hop used below.
EXCERPTS = {
    "ravdess_a": ("Actor_01/03-01-05-02-01-01-01.flac", 8000, 16000),
    "ravdess_b": ("Actor_02/03-01-08-02-02-01-02.flac", 8000, 15001),
}


def ravdess(name: str) -> np.ndarray:
    path, start, length = EXCERPTS[name]
    y, sr = soundfile.read(RAVDESS / path, dtype="float32")
    assert sr == SR, f"{path}: {sr} Hz"
    return y[start:start + length]


def synthetic() -> dict:
    """3000-sample (0.19 s) test signals at 16 kHz."""
    t = np.arange(3000) / SR
    rng = np.random.default_rng(7)
    impulse = np.zeros(3000)
    impulse[1234] = 1.0
    return {
        "sine": 0.5 * np.sin(2 * np.pi * 440.0 * t),
        "chirp": scipy.signal.chirp(t, f0=50.0, t1=t[-1], f1=7900.0, method="logarithmic"),
        "impulse": impulse,
        "silence": np.zeros(3000),
        # A sine driven into hard clipping, plus a little noise: a dense spectrum of harmonics.
        "clipping": np.clip(3.0 * np.sin(2 * np.pi * 300.0 * t), -1, 1) + 0.01 * rng.standard_normal(3000),
    }


def batch(per_clip: list) -> np.ndarray:
    """Stacks [bands, frames_i] arrays into [clips, bands, max_frames], zero-padded."""
    frames = max(a.shape[1] for a in per_clip)
    out = np.zeros((len(per_clip), per_clip[0].shape[0], frames))
    for i, a in enumerate(per_clip):
        out[i, :, :a.shape[1]] = a
    return out


def stft_power(y, n_fft, hop, window="hann", power=2.0, win_length=None):
    return np.abs(librosa.stft(y.astype(np.float64), n_fft=n_fft, hop_length=hop, window=window, win_length=win_length)) ** power


def log_mel(y, *, n_fft=1024, hop=256, n_mels=64, window="hann", htk=False, norm="slaney", ref=1.0, top_db=80.0, fmin=0.0, fmax=None):
    S = librosa.feature.melspectrogram(y=y.astype(np.float64), sr=SR, n_fft=n_fft, hop_length=hop, window=window,
                                       n_mels=n_mels, htk=htk, norm=norm, fmin=fmin, fmax=fmax)
    return librosa.power_to_db(S, ref=ref, top_db=top_db)


def generate():
    out = {}
    clips = {name: ravdess(name) for name in EXCERPTS}
    clips.update(synthetic())
    for name, y in clips.items():
        out[f"input.{name}"] = f32(y)

    # STFT alone: |X| and |X|², n_fft 256 .. 1024, Hann and Hamming, hops that divide no length.
    out["stft.n256_h100_hann_mag.chirp"] = f32(batch([stft_power(clips["chirp"], 256, 100, power=1.0)]))
    out["stft.n512_h200_hamming_pow.impulse+clipping"] = f32(batch([stft_power(clips[c], 512, 200, "hamming") for c in ("impulse", "clipping")]))
    out["stft.n1024_h300_win800_pow.sine"] = f32(batch([stft_power(clips["sine"], 1024, 300, win_length=800)]))

    # Mel alone, from librosa's power spectrogram above (S=); the filterbanks themselves.
    S = np.stack([stft_power(clips[c], 512, 200, "hamming") for c in ("impulse", "clipping")])
    mel_htk = librosa.feature.melspectrogram(S=S, sr=SR, n_fft=512, n_mels=40, htk=True, norm=None, fmin=60.0, fmax=7000.0)
    out["mel.n512_h200_htk_nonorm.impulse+clipping"] = f32(mel_htk)
    out["filters.mel_slaney_n256_32"] = f32(librosa.filters.mel(sr=SR, n_fft=256, n_mels=32))
    out["filters.mel_htk_n256_32_fmin100_fmax6000_nonorm"] = f32(librosa.filters.mel(sr=SR, n_fft=256, n_mels=32, fmin=100.0, fmax=6000.0, htk=True, norm=None))

    # power_to_db alone, per clip (ref=np.max is each clip's own maximum), from the mel power above.
    out["db.refmax_top80.impulse+clipping"] = f32(np.stack([librosa.power_to_db(m, ref=np.max, top_db=80.0) for m in mel_htk]))
    out["db.ref1_notop.impulse+clipping"] = f32(np.stack([librosa.power_to_db(m, ref=1.0, top_db=None) for m in mel_htk]))

    # MFCC alone (S= the dB mel) and deltas alone (of librosa's MFCCs).
    s_db = np.stack([log_mel(clips[c]) for c in ("chirp", "clipping")])
    out["mfcc.in.chirp+clipping"] = f32(s_db)
    mf = np.stack([librosa.feature.mfcc(S=s, n_mfcc=20) for s in s_db])
    out["mfcc.n20.chirp+clipping"] = f32(mf)
    out["delta.order1.chirp+clipping"] = f32(np.stack([librosa.feature.delta(m, width=9, order=1) for m in mf]))
    out["delta.order2.chirp+clipping"] = f32(np.stack([librosa.feature.delta(m, width=9, order=2) for m in mf]))

    # Chained from the samples: the default pipeline (n_fft 1024, hop 256, 64 Slaney mels) on RAVDESS, and variants.
    real = [clips["ravdess_a"], clips["ravdess_b"]]
    out["logmel.default.ravdess_a+ravdess_b"] = f32(batch([log_mel(y) for y in real]))
    # MFCC (the first 40 rows) with its deltas stacked below.
    mfccs = [librosa.feature.mfcc(y=y.astype(np.float64), sr=SR, n_mfcc=40, n_fft=1024, hop_length=256, n_mels=64) for y in real]
    out["mfcc.default40_deltas2.ravdess_a+ravdess_b"] = f32(batch([
        np.concatenate([m, librosa.feature.delta(m), librosa.feature.delta(m, order=2)]) for m in mfccs]))
    out["logmel.n2048_h512_htk_refmax.ravdess_a+ravdess_b"] = f32(batch([log_mel(y, n_fft=2048, hop=512, htk=True, ref=np.max) for y in real]))
    out["logmel.n4096_h1000_hamming_96.ravdess_a+ravdess_b"] = f32(batch([log_mel(y, n_fft=4096, hop=1000, window="hamming", n_mels=96) for y in real]))
    out["logmel.n256_h64_32.silence+sine+impulse"] = f32(batch([log_mel(clips[c], n_fft=256, hop=64, n_mels=32) for c in ("silence", "sine", "impulse")]))
    out["logmel.refmax.silence+chirp"] = f32(batch([log_mel(clips[c], ref=np.max) for c in ("silence", "chirp")]))
    # Peak normalisation, then pre-emphasis (coef 0.97), then log-mel.
    prepared = librosa.effects.preemphasis(librosa.util.normalize(clips["ravdess_b"].astype(np.float64)), coef=0.97)
    out["logmel.peak_preemph.ravdess_b"] = f32(log_mel(prepared)[None])

    # Resampling to 16 kHz from a log chirp through the whole band plus white noise, 0.04 s.
    rng = np.random.default_rng(11)
    for rate in (48000, 22050, 44100):
        t = np.arange(rate // 25) / rate
        x = (0.5 * scipy.signal.chirp(t, f0=20.0, t1=t[-1], f1=0.49 * rate, method="logarithmic") + 0.1 * rng.standard_normal(t.size)).astype(np.float32)
        out[f"resample.{rate}.in"] = f32(x)
        out[f"resample.{rate}.out"] = f32(scipy.signal.resample_poly(x.astype(np.float64), SR, rate))
    return out
