"""Reference timing for the feature benchmark: librosa log-Mel over a list of audio files.

Decodes every file with soundfile first (timed apart), then times librosa.feature.melspectrogram +
power_to_db over the decoded clips, so the feature time excludes decoding. Prints one JSON object.
Usage: librosa_ref.py --files list.txt [--sr 16000 --n-fft 1024 --hop 256 --n-mels 64 --top-db 80]
"""
import json

import librosa

from reference_harness import decode, parse_args, time_log_mel


def main() -> None:
    args = parse_args()
    clips, decode_s = decode(args)

    def log_mel(clip):
        power = librosa.feature.melspectrogram(y=clip, sr=args.sr, n_fft=args.n_fft, hop_length=args.hop, n_mels=args.n_mels)
        return librosa.power_to_db(power, top_db=args.top_db)

    timing = time_log_mel(log_mel, clips)
    audio_s = sum(len(c) for c in clips) / args.sr
    print(json.dumps({"tool": f"librosa {librosa.__version__}", "audio_s": audio_s, "decode_s": decode_s, **timing}))


if __name__ == "__main__":
    main()
