/**
 * An in-process async mutex per key: operations on one key run one after another, different
 * keys run in parallel. Used to serialise git operations on one project's mirror.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `action` once every earlier action on `key` has settled; resolves with its result. */
  async run<T>(key: string, action: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    try {
      await previous;
      return await action();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow with every task.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
