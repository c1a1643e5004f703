"""Reference timing for the feature benchmark: torch.stft + Mel matmul + dB on the CPU.

Decodes every file with soundfile (not timed here: librosa_ref.py reports decoding), builds the Mel
basis once with librosa (Slaney, as librosa's default), then times STFT -> power -> Mel -> dB per clip after one warm-up call.
Prints one JSON object. Usage: torch_ref.py --files list.txt [--sr --n-fft --hop --n-mels --top-db]
"""
import argparse
import json
import time

import librosa
import soundfile
import torch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", required=True)
    parser.add_argument("--sr", type=int, default=16000)
    parser.add_argument("--n-fft", type=int, default=1024)
    parser.add_argument("--hop", type=int, default=256)
    parser.add_argument("--n-mels", type=int, default=64)
    parser.add_argument("--top-db", type=float, default=80.0)
    args = parser.parse_args()
    with open(args.files, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]

    clips = []
    for path in paths:
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
        mono = samples.mean(axis=1)
        clips.append(torch.from_numpy(mono if rate == args.sr else librosa.resample(mono, orig_sr=rate, target_sr=args.sr)))
    mel_basis = torch.from_numpy(librosa.filters.mel(sr=args.sr, n_fft=args.n_fft, n_mels=args.n_mels))
    window = torch.hann_window(args.n_fft)

    @torch.inference_mode()
    def log_mel(clip):
        spectrum = torch.stft(clip, args.n_fft, hop_length=args.hop, window=window, center=True, pad_mode="constant", return_complex=True)
        mel = mel_basis @ spectrum.abs().square()
        db = 10.0 * torch.log10(torch.clamp(mel, min=1e-10))
        return torch.maximum(db, db.max() - args.top_db)

    # The first call initialises torch's FFT plans and thread pool: time it apart.
    start = time.perf_counter()
    log_mel(clips[0])
    warmup_s = time.perf_counter() - start

    start, cpu_start = time.perf_counter(), time.process_time()
    frames = 0
    for clip in clips:
        frames += log_mel(clip).shape[1]
    features_s = time.perf_counter() - start
    # CPU time of every thread: steadier than wall time when other work shares the machine.
    features_cpu_s = time.process_time() - cpu_start

    print(json.dumps({
        "tool": f"torch {torch.__version__} ({torch.get_num_threads()} threads)",
        "clips": len(clips),
        "warmup_s": warmup_s,
        "features_s": features_s,
        "features_cpu_s": features_cpu_s,
        "frames": frames,
    }))


if __name__ == "__main__":
    main()
