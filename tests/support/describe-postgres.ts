/**
 * `describePostgres(name, fn)`: a suite that needs a real PostgreSQL server. `fn` receives the
 * binaries' directory (pg-global-setup.ts) to start its private cluster with; the suite is skipped
 * when there are none (the global setup printed why, once; under CI it already failed the run).
 */
import { describe, inject } from 'vitest';

/** A describe block that needs PostgreSQL's server binaries. */
export function describePostgres(name: string, fn: (pgBinDir: string) => void): void {
  const binDir = inject('pgBinDir');
  if (binDir === null) {
    describe.skip(name, () => fn(''));
    return;
  }
  describe(name, () => fn(binDir));
}
