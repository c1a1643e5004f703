import { describe, expect, it } from 'vitest';
import { filterVocalChannel, parseRavdessName, RAVDESS_EMOTIONS } from '../../src/data/index.js';

describe('RAVDESS file names', () => {
  it('parses every field of MM-VV-EE-II-SS-RR-AA', () => {
    expect(parseRavdessName('Actor_12/03-01-06-02-01-02-12.wav')).toEqual({
      modality: 'audio-only',
      vocalChannel: 'speech',
      emotion: 5,
      emotionName: 'fearful',
      intensity: 'strong',
      statement: 1,
      repetition: 2,
      actor: 12,
      gender: 'female',
    });
  });

  it('maps emotion codes 01..08 to indices 0..7 in RAVDESS order', () => {
    expect(RAVDESS_EMOTIONS).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']);
    for (let code = 1; code <= 8; code++) {
      const meta = parseRavdessName(`03-01-0${code}-01-01-01-01.flac`);
      expect(meta?.emotion).toBe(code - 1);
      expect(meta?.emotionName).toBe(RAVDESS_EMOTIONS[code - 1]);
    }
  });

  it('reads song, other modalities, odd actors as male, and zip member and Windows paths', () => {
    const song = parseRavdessName('archive.zip:Actor_23/01-02-08-01-02-01-23.wav');
    expect(song).toMatchObject({ modality: 'audio-video', vocalChannel: 'song', emotionName: 'surprised', actor: 23, gender: 'male' });
    expect(parseRavdessName('C:\\data\\Actor_02\\02-01-01-01-01-01-02.wav')).toMatchObject({ modality: 'video-only', actor: 2 });
  });

  it('returns null for names that are not RAVDESS', () => {
    for (const name of [
      'OAF_back_angry.wav',
      '03-01-01-01-01-01.wav', // six fields
      '03-01-09-01-01-01-01.wav', // emotion 09
      '03-03-01-01-01-01-01.wav', // vocal channel 03
      '03-01-01-01-01-01-25.wav', // actor 25
      '03-01-01-01-03-01-01.wav', // statement 03
      '03-01-01-01-01-01-01-extra.wav',
    ]) {
      expect(parseRavdessName(name), name).toBeNull();
    }
  });

  it('filters speech or song, dropping items without RAVDESS metadata', () => {
    const items = ['03-01-01-01-01-01-01.wav', '03-02-01-01-01-01-01.wav', 'other.wav'].map((source) => ({
      source,
      meta: parseRavdessName(source) ?? undefined,
    }));
    expect(filterVocalChannel(items, 'speech').map((item) => item.source)).toEqual(['03-01-01-01-01-01-01.wav']);
    expect(filterVocalChannel(items, 'song').map((item) => item.source)).toEqual(['03-02-01-01-01-01-01.wav']);
  });
});
