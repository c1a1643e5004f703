"""What the two feature peers of `ser-gpu bench --peers` (librosa_ref.py, torch_ref.py) share: arguments, decoding and
the timed loop."""
import argparse
import time

import librosa
import soundfile


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", required=True, help="a text file naming one audio file per line")
    parser.add_argument("--sr", type=int, default=16000)
    parser.add_argument("--n-fft", type=int, default=1024)
    parser.add_argument("--hop", type=int, default=256)
    parser.add_argument("--n-mels", type=int, default=64)
    parser.add_argument("--top-db", type=float, default=80.0)
    return parser.parse_args()


def decode(args: argparse.Namespace):
    """Mono float32 clips at the feature rate, decoded with soundfile, and the seconds it took."""
    with open(args.files, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    start = time.perf_counter()
    clips = []
    for path in paths:
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
        mono = samples.mean(axis=1)
        # The benchmark corpus is already at the feature rate; resample only if it is not.
        clips.append(mono if rate == args.sr else librosa.resample(mono, orig_sr=rate, target_sr=args.sr))
    return clips, time.perf_counter() - start


def time_log_mel(log_mel, clips) -> dict:
    """The first call (lazy imports, cached tables, FFT plans) is timed apart, as the TypeScript side times
    its pipeline compilation apart; then every clip once."""
    start = time.perf_counter()
    first = log_mel(clips[0])
    warmup_s = time.perf_counter() - start

    start, cpu_start = time.perf_counter(), time.process_time()
    frames = 0
    for clip in clips:
        frames += log_mel(clip).shape[1]
    features_s = time.perf_counter() - start
    # CPU time of every thread: steadier than wall time when other work shares the machine.
    features_cpu_s = time.process_time() - cpu_start
    # The first clip's [bands, frames] features, which ser-gpu checks against its own before using the timing.
    first_values = [float(v) for v in first.reshape(-1)]
    return {"clips": len(clips), "warmup_s": warmup_s, "features_s": features_s, "features_cpu_s": features_cpu_s, "frames": frames,
            "first": first_values, "first_shape": list(first.shape)}
