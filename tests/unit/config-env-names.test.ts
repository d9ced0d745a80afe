import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_ORCH_VARIABLES, unknownOrchVariables } from '../../core/config/env-names.ts';

describe('known ORCH_* variables', () => {
  it('lists every ORCH_* variable the configuration reads', () => {
    // config.ts copies the environment before reading it, so its source is the record of names.
    const source = readFileSync(join(import.meta.dirname, '../../core/config/config.ts'), 'utf8');
    const read = [...new Set([...source.matchAll(/'(ORCH_[A-Z0-9_]+)'/g)].map((m) => m[1] ?? ''))];
    expect(read.length).toBeGreaterThan(20);
    expect(read.filter((name) => !KNOWN_ORCH_VARIABLES.includes(name))).toEqual([]);
    expect(KNOWN_ORCH_VARIABLES).toContain('ORCH_RECONCILE_GRACE_DEPLOY_STAGING_S');
  });

  it('names only the misspelled ones', () => {
    expect(
      unknownOrchVariables({
        ORCH_RECONCILE_GRACE_FOO_S: '5',
        ORCH_RECONCILE_GRACE_REVIEW_S: '5',
        ORCH_DB_PATH: 'x',
        PATH: '/bin',
      }),
    ).toEqual(['ORCH_RECONCILE_GRACE_FOO_S']);
  });
});
