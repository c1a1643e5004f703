"""Reference timing for the feature benchmark: librosa log-Mel over a list of audio files.

Decodes every file with soundfile first (timed apart), then times librosa.feature.melspectrogram +
power_to_db over the decoded clips, so the feature time excludes decoding. Prints one JSON object.
Usage: librosa_ref.py --files list.txt [--sr 16000 --n-fft 1024 --hop 256 --n-mels 64 --top-db 80]
"""
import argparse
import json
import time

import librosa
import soundfile


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", required=True, help="a text file naming one audio file per line")
    parser.add_argument("--sr", type=int, default=16000)
    parser.add_argument("--n-fft", type=int, default=1024)
    parser.add_argument("--hop", type=int, default=256)
    parser.add_argument("--n-mels", type=int, default=64)
    parser.add_argument("--top-db", type=float, default=80.0)
    args = parser.parse_args()
    with open(args.files, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]

    start = time.perf_counter()
    clips = []
    for path in paths:
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
        mono = samples.mean(axis=1)
        # The benchmark corpus is already at the feature rate; resample only if it is not.
        clips.append(mono if rate == args.sr else librosa.resample(mono, orig_sr=rate, target_sr=args.sr))
    decode_s = time.perf_counter() - start

    def log_mel(clip):
        power = librosa.feature.melspectrogram(y=clip, sr=args.sr, n_fft=args.n_fft, hop_length=args.hop, n_mels=args.n_mels)
        return librosa.power_to_db(power, top_db=args.top_db)

    # The first call pays for lazy imports and the cached Mel basis (about a second): time it apart,
    # as the TypeScript side times its pipeline compilation apart.
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
        "tool": f"librosa {librosa.__version__}",
        "clips": len(clips),
        "audio_s": sum(len(c) for c in clips) / args.sr,
        "decode_s": decode_s,
        "warmup_s": warmup_s,
        "features_s": features_s,
        "features_cpu_s": features_cpu_s,
        "frames": frames,
    }))


if __name__ == "__main__":
    main()
