"""Golden tensors for time stretching and pitch shifting (src/ops/phase-vocoder.ts, src/ops/augment-resample.ts,
src/augment/pitch-stretch.ts): librosa 0.11's stft, phase_vocoder, istft, effects.time_stretch, resample
(soxr) and effects.pitch_shift's composition, on a harmonic test signal with a noise floor (so every bin's
phase is well defined), in float64 from the float32 input. n_fft 512, hop 128 at 16 kHz.

Rates are multiples of 2^-16, as the kernels take them (q / 65536); pitch_shift is written out as librosa
does it (time_stretch by 2^(-n/12), resample from sr / rate to sr, fix_length) with that quantised rate."""
import librosa
import numpy as np

from .common import f32

SR = 16000
N_FFT = 512
HOP = 128
LENGTH = 4800


def test_signal():
    t = np.arange(LENGTH) / SR
    f0 = 150 + 100 * t / t[-1]  # a glide, as an intonation contour
    phase = 2 * np.pi * np.cumsum(f0) / SR
    y = sum(np.sin(h * phase + h) / h for h in range(1, 11))
    y *= 0.3 * (1 + 0.3 * np.sin(2 * np.pi * 3 * t))
    y += 3e-3 * np.random.default_rng(7).standard_normal(LENGTH)
    return f32(y)


def quantised(rate):
    return round(rate * 65536) / 65536


def complex_pairs(D):
    """[bins, frames] complex -> [frames, bins, 2] float32 (the kernels' frame-major layout)."""
    return f32(np.stack([D.real.T, D.imag.T], axis=-1))


def pitch_shift(y, semitones):
    rate = quantised(2.0 ** (-semitones / 12))
    stretched = librosa.effects.time_stretch(y, rate=rate, n_fft=N_FFT, hop_length=HOP)
    shifted = librosa.resample(stretched, orig_sr=SR / rate, target_sr=SR, res_type="soxr_hq")
    return librosa.util.fix_length(shifted, size=len(y))


def generate():
    y32 = test_signal()
    y = y32.astype(np.float64)
    out = {"pv.y": y32}
    D = librosa.stft(y, n_fft=N_FFT, hop_length=HOP)
    out["pv.stft"] = complex_pairs(D)
    out["pv.istft"] = f32(librosa.istft(D, hop_length=HOP, length=LENGTH))
    for name, rate in (("slow", quantised(0.8)), ("fast", 1.25)):
        out[f"pv.rate.{name}"] = np.array([rate])
        out[f"pv.vocoder.{name}"] = complex_pairs(librosa.phase_vocoder(D, rate=rate, hop_length=HOP, n_fft=N_FFT))
        out[f"pv.stretch.{name}"] = f32(librosa.effects.time_stretch(y, rate=rate, n_fft=N_FFT, hop_length=HOP))
    for name, semitones in (("up3", 3.0), ("down2_5", -2.5)):
        out[f"pv.semitones.{name}"] = np.array([semitones])
        out[f"pv.pitch.{name}"] = f32(pitch_shift(y, semitones))
    # An octave's rate (0.5) is exactly a multiple of 2^-16: librosa's own pitch_shift, unchanged.
    out["pv.pitch_librosa.up12"] = f32(librosa.effects.pitch_shift(y, sr=SR, n_steps=12, n_fft=N_FFT, hop_length=HOP))
    for name, semitones in (("up3", 3.0), ("down2_5", -2.5)):
        rate = quantised(2.0 ** (-semitones / 12))
        out[f"pv.resample_rate.{name}"] = np.array([rate])
        out[f"pv.resample.{name}"] = f32(librosa.resample(y, orig_sr=SR, target_sr=SR * rate, res_type="soxr_vhq"))
    return out
