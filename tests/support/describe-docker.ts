/**
 * `describeDocker(name, fn)`: a suite that needs the real engine. It runs against the run's engine
 * (docker-global-setup.ts) and is skipped when there is none (the global setup printed why, once;
 * under CI it already failed the run). `fn` receives the engine's `DOCKER_HOST`.
 */
import { describe, inject } from 'vitest';

/** The run's engine, or null when Docker suites are skipped. */
export function testDockerHost(): string | null {
  return inject('dockerHost');
}

/** A describe block that needs a Docker engine. */
export function describeDocker(name: string, fn: (dockerHost: string) => void): void {
  const dockerHost = testDockerHost();
  if (dockerHost === null) {
    describe.skip(name, () => fn(''));
    return;
  }
  describe(name, () => fn(dockerHost));
}
