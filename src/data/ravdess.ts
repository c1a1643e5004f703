// RAVDESS file names encode everything about a clip: MM-VV-EE-II-SS-RR-AA
// (modality, vocal channel, emotion, intensity, statement, repetition, actor).
import { basename, extname } from 'node:path';

/** Emotion names in RAVDESS code order; a clip's label index is its code minus one. */
export const RAVDESS_EMOTIONS = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'] as const;
export type RavdessEmotion = (typeof RAVDESS_EMOTIONS)[number];

const MODALITIES = ['audio-video', 'video-only', 'audio-only'] as const;
const VOCAL_CHANNELS = ['speech', 'song'] as const;
const INTENSITIES = ['normal', 'strong'] as const;
const ACTOR_COUNT = 24;

export type VocalChannel = (typeof VOCAL_CHANNELS)[number];

export interface RavdessMeta {
  modality: (typeof MODALITIES)[number];
  vocalChannel: VocalChannel;
  /** 0..7, index into RAVDESS_EMOTIONS. */
  emotion: number;
  emotionName: RavdessEmotion;
  intensity: (typeof INTENSITIES)[number];
  /** 1 = "Kids are talking by the door", 2 = "Dogs are sitting by the door". */
  statement: 1 | 2;
  repetition: 1 | 2;
  /** 1..24. */
  actor: number;
  /** Odd-numbered actors are male. */
  gender: 'male' | 'female';
}

const NAME_PATTERN = /^(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)$/;

/** Parses a RAVDESS file name (a path or "archive.zip:member" works too); null if it is not one. */
export function parseRavdessName(path: string): RavdessMeta | null {
  const base = basename(path.replaceAll('\\', '/'));
  const match = NAME_PATTERN.exec(base.slice(0, base.length - extname(base).length));
  if (!match) return null;
  const [modality, vocalChannel, emotion, intensity, statement, repetition, actor] = match.slice(1).map(Number);
  const valid =
    modality >= 1 && modality <= MODALITIES.length &&
    vocalChannel >= 1 && vocalChannel <= VOCAL_CHANNELS.length &&
    emotion >= 1 && emotion <= RAVDESS_EMOTIONS.length &&
    intensity >= 1 && intensity <= INTENSITIES.length &&
    (statement === 1 || statement === 2) &&
    (repetition === 1 || repetition === 2) &&
    actor >= 1 && actor <= ACTOR_COUNT;
  if (!valid) return null;
  return {
    modality: MODALITIES[modality - 1],
    vocalChannel: VOCAL_CHANNELS[vocalChannel - 1],
    emotion: emotion - 1,
    emotionName: RAVDESS_EMOTIONS[emotion - 1],
    intensity: INTENSITIES[intensity - 1],
    statement: statement as 1 | 2,
    repetition: repetition as 1 | 2,
    actor,
    gender: actor % 2 === 1 ? 'male' : 'female',
  };
}

/** Keeps only RAVDESS items of one vocal channel (speech or song); items without RAVDESS metadata are dropped. */
export function filterVocalChannel<T extends { meta?: RavdessMeta }>(items: readonly T[], channel: VocalChannel): T[] {
  return items.filter((item) => item.meta?.vocalChannel === channel);
}
