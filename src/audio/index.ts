export type { AudioClip } from './clip.js';
export { AudioDecodeError } from './errors.js';
export { AUDIO_EXTENSIONS, decodeAudio, isAudioFileName, listZipAudio, readAudio, readZipMember } from './read.js';
export { splitZipSource, zipSource } from './zip.js';
