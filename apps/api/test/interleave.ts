/** A step of a generated interleaving: which of the providers takes it, and what it does. */
export interface Step<Op> {
  provider: number;
  op: Op;
}

/**
 * Runs generated steps in waves: consecutive steps of different providers start together and
 * run concurrently against the database; a wave ends where a provider comes round again, so
 * each provider's own steps run in the order generated. What one provider sees then depends
 * on its own steps only, whatever the others do meanwhile: a model per provider predicts it.
 */
export async function runInterleaved<Op>(
  steps: ReadonlyArray<Step<Op>>,
  run: (step: Step<Op>, index: number) => Promise<void>,
): Promise<void> {
  let wave: Array<Promise<void>> = [];
  let inWave = new Set<number>();
  for (const [index, step] of steps.entries()) {
    if (inWave.has(step.provider)) {
      await settleAll(wave);
      wave = [];
      inWave = new Set();
    }
    inWave.add(step.provider);
    wave.push(run(step, index));
  }
  await settleAll(wave);
}

/** Waits for every promise, then throws the first failure: no step is left running behind. */
async function settleAll(promises: ReadonlyArray<Promise<void>>): Promise<void> {
  const outcomes = await Promise.allSettled(promises);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}
