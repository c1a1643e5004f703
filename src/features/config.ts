// Feature settings, with librosa's meaning and (where it has one) librosa's default.

export type WindowName = 'hann' | 'hamming';
export type FeatureKind = 'stft' | 'mel' | 'logmel' | 'mfcc';

export interface FeatureConfig {
  /** The clips' sample rate (resample first: see resample.ts). */
  sampleRate: number;
  /** FFT size, a power of two (256 .. 4096 tested). */
  nFft: number;
  hop: number;
  /** The window's length, <= nFft; it is zero-padded to nFft, centred, as librosa. */
  winLength: number;
  window: WindowName;
  /** 'stft': |X|^power [nFft/2 + 1 bins]; 'mel': mel power; 'logmel': power_to_db(mel); 'mfcc': DCT-II of logmel. */
  kind: FeatureKind;
  /** Exponent of the STFT magnitude for kind 'stft' (mel kinds always use the power spectrogram, as librosa's defaults). */
  power: 1 | 2;
  nMels: number;
  fMin: number;
  /** Defaults to sampleRate / 2. */
  fMax: number;
  /** HTK mel scale instead of Slaney's. */
  htk: boolean;
  /** 'slaney': each mel filter has unit area (librosa's default); null: peak 1. */
  norm: 'slaney' | null;
  nMfcc: number;
  /** power_to_db: 10·log10(S / ref); 'max' = each clip's maximum (librosa's ref=np.max). librosa's default is 1. */
  ref: number | 'max';
  amin: number;
  /** power_to_db floors every clip at its maximum minus topDb; null: no floor. */
  topDb: number | null;
  /** librosa.effects.preemphasis coefficient (0.97 is usual); 0 = off. */
  preEmphasis: number;
  /** Scale each clip to peak 1 or RMS 1 (measured before pre-emphasis) before anything else. */
  normalize: 'peak' | 'rms' | null;
  /** Append delta (1) or delta and delta-delta (2) rows (librosa.feature.delta, width 9, mode 'interp'). */
  deltas: 0 | 1 | 2;
  deltaWidth: number;
}

export function featureConfig(overrides: Partial<FeatureConfig> = {}): FeatureConfig {
  const sampleRate = overrides.sampleRate ?? 16000;
  const nFft = overrides.nFft ?? 1024;
  const config: FeatureConfig = {
    sampleRate,
    nFft,
    hop: 256,
    winLength: nFft,
    window: 'hann',
    kind: 'logmel',
    power: 2,
    nMels: 64,
    fMin: 0,
    fMax: sampleRate / 2,
    htk: false,
    norm: 'slaney',
    nMfcc: 40,
    ref: 1,
    amin: 1e-10,
    topDb: 80,
    preEmphasis: 0,
    normalize: null,
    deltas: 0,
    deltaWidth: 9,
    ...overrides,
  };
  checkConfig(config);
  return config;
}

function checkConfig(c: FeatureConfig): void {
  const problems: string[] = [];
  if (!Number.isInteger(Math.log2(c.nFft)) || c.nFft < 32) problems.push(`nFft ${c.nFft} is not a power of two >= 32`);
  if (!Number.isInteger(c.hop) || c.hop < 1) problems.push(`hop ${c.hop} is not a positive integer`);
  if (!Number.isInteger(c.winLength) || c.winLength < 1 || c.winLength > c.nFft) problems.push(`winLength ${c.winLength} is not in 1..nFft`);
  if (!(c.fMin >= 0 && c.fMin < c.fMax && c.fMax <= c.sampleRate / 2)) problems.push(`need 0 <= fMin < fMax <= sampleRate/2, got ${c.fMin}, ${c.fMax}`);
  if (c.kind === 'mfcc' && !(c.nMfcc >= 1 && c.nMfcc <= c.nMels)) problems.push(`nMfcc ${c.nMfcc} is not in 1..nMels`);
  if (c.deltaWidth < 3 || c.deltaWidth % 2 !== 1) problems.push(`deltaWidth ${c.deltaWidth} is not an odd integer >= 3`);
  if (!(c.amin > 0)) problems.push(`amin ${c.amin} is not positive`);
  if (problems.length > 0) throw new Error(`feature config: ${problems.join('; ')}`);
}
