export { labelVocabulary, scanCorpus, type CorpusItem, type ScanOptions } from './corpus.js';
export { readLabelCsv, type LabelRow } from './label-csv.js';
export { loadCorpus, type LoadedClip, type LoadFailure, type LoadOptions } from './load.js';
export {
  filterVocalChannel,
  parseRavdessName,
  RAVDESS_EMOTIONS,
  type RavdessEmotion,
  type RavdessMeta,
  type VocalChannel,
} from './ravdess.js';
export { actorFolds, assertActorsDisjoint, splitByActors, type ActorFold, type ActorSplit } from './splits.js';
