/**
 * vitest global setup: finds the PostgreSQL server binaries once per run and hands their directory
 * to test files through `inject('pgBinDir')`; each PostgreSQL suite starts its own private cluster
 * (pg-cluster.ts, about a second). Without binaries those suites are skipped with one printed
 * line; under `CI=true` a missing server fails the run instead.
 */
import type { TestProject } from 'vitest/node';
import { findPgBinaries } from './pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL binaries' directory, or null when the PostgreSQL suites are skipped. */
    pgBinDir: string | null;
  }
}

export default function setup(project: TestProject): void {
  const lookup = findPgBinaries();
  if (lookup.type === 'none') {
    if (process.env.CI === 'true') throw new Error(`CI=true and no PostgreSQL server: ${lookup.reason}`);
    console.log(`postgres suites skipped: ${lookup.reason}`);
    project.provide('pgBinDir', null);
    return;
  }
  project.provide('pgBinDir', lookup.binDir);
}
