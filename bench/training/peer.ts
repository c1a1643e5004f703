// What every peer of the training-step benchmark offers and reports.
export interface StepTiming {
  msPerStep: number;
  clipsPerSecond: number;
}

/** A framework set up to train the bench network on the bench batch. */
export interface TrainingPeer {
  adapter: string;
  /** One step, waiting for its loss. */
  stepWithLoss(): Promise<number>;
  /** `repeats` steps back to back, waiting only for the last. */
  time(repeats: number): Promise<StepTiming>;
}
