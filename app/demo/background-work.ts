/**
 * A demo forge's background work: webhook sends run one after another (a forge delivers in
 * order), CI runs beside them (a runner picks jobs up on its own); `settle` waits until both have
 * drained, including work queued while it waited. Failures become lines in `problems`.
 */
export interface BackgroundWork {
  /** Queue `work` after everything queued before it. */
  readonly later: (what: string, work: () => Promise<void>) => void;
  /** Start `work` now, beside the queue. */
  readonly beside: (what: string, work: () => Promise<void>) => void;
  readonly settle: () => Promise<void>;
}

export function backgroundWork(problems: string[]): BackgroundWork {
  let chain: Promise<void> = Promise.resolve();
  const runs = new Set<Promise<void>>();
  const note = (what: string) => (error: unknown) =>
    void problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  return {
    later: (what, work) => {
      chain = chain.then(work).catch(note(what));
    },
    beside: (what, work) => {
      const run: Promise<void> = work()
        .catch(note(what))
        .finally(() => runs.delete(run));
      runs.add(run);
    },
    settle: async () => {
      for (let current = chain; ; current = chain) {
        await Promise.all([current, ...runs]);
        if (current === chain && runs.size === 0) return;
      }
    },
  };
}
