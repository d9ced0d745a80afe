/**
 * vitest global setup: one Docker engine for the whole run (docker-engine.ts), handed to test
 * files through `inject('dockerHost')`. Without an engine the Docker suites are skipped with one
 * printed line; under `CI=true` a missing engine fails the run instead.
 */
import type { TestProject } from 'vitest/node';
import { findOrStartEngine } from './docker-engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `DOCKER_HOST` of the run's engine, or null when the Docker suites are skipped. */
    dockerHost: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lookup = await findOrStartEngine(process.env);
  if (lookup.type === 'none') {
    if (process.env.CI === 'true') throw new Error(`CI=true and no Docker engine: ${lookup.reason}`);
    console.log(`docker suites skipped: ${lookup.reason}`);
    project.provide('dockerHost', null);
    return async () => undefined;
  }
  project.provide('dockerHost', lookup.engine.dockerHost);
  return () => lookup.engine.stop();
}
