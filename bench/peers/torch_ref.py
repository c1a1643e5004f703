"""Reference timing for the feature benchmark: torch.stft + Mel matmul + dB on the CPU.

Decodes every file with soundfile (not timed here: librosa_ref.py reports decoding), builds the Mel
basis once with librosa (Slaney, as librosa's default), then times STFT -> power -> Mel -> dB per clip
after one warm-up call. Prints one JSON object. Usage: torch_ref.py --files list.txt [--sr --n-fft --hop --n-mels --top-db]
"""
import json

import librosa
import torch

from reference_harness import decode, parse_args, time_log_mel


def main() -> None:
    args = parse_args()
    clips = [torch.from_numpy(clip) for clip in decode(args)[0]]
    mel_basis = torch.from_numpy(librosa.filters.mel(sr=args.sr, n_fft=args.n_fft, n_mels=args.n_mels))
    window = torch.hann_window(args.n_fft)

    @torch.inference_mode()
    def log_mel(clip):
        spectrum = torch.stft(clip, args.n_fft, hop_length=args.hop, window=window, center=True, pad_mode="constant", return_complex=True)
        mel = mel_basis @ spectrum.abs().square()
        db = 10.0 * torch.log10(torch.clamp(mel, min=1e-10))
        return torch.maximum(db, db.max() - args.top_db)

    timing = time_log_mel(log_mel, clips)
    print(json.dumps({"tool": f"torch {torch.__version__} ({torch.get_num_threads()} threads)", **timing}))


if __name__ == "__main__":
    main()
