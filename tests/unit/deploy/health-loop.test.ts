import { describe, expect, it } from 'vitest';
import {
  probeBudgetMs,
  recordProbe,
  startHealthLoop,
  type HealthLoop,
  type HealthStep,
} from '../../../core/deploy/health-loop.ts';

const health = { command: 'true', timeoutS: 10, successes: 3 };

/** Feed probes (passed?, ended at ms) through the loop; returns every step's type. */
function run(
  probes: readonly [boolean, number][],
  interval = 1000,
): { steps: string[]; last: HealthStep | null } {
  let loop: HealthLoop = startHealthLoop(health, 0);
  const steps: string[] = [];
  let last: HealthStep | null = null;
  for (const [passed, at] of probes) {
    last = recordProbe(loop, { passed, output: passed ? 'ok' : `down at ${at}` }, at, interval);
    steps.push(last.type);
    loop = last.loop;
    if (last.type !== 'probe-again') break;
  }
  return { steps, last };
}

describe('health loop', () => {
  it.each<[string, [boolean, number][], string[]]>([
    [
      'three in a row',
      [
        [true, 100],
        [true, 1200],
        [true, 2300],
      ],
      ['probe-again', 'probe-again', 'healthy'],
    ],
    [
      'a failure resets the run',
      [
        [true, 100],
        [true, 1200],
        [false, 2300],
        [true, 3400],
        [true, 4500],
        [true, 5600],
      ],
      ['probe-again', 'probe-again', 'probe-again', 'probe-again', 'probe-again', 'healthy'],
    ],
    [
      'the last needed success lands on the deadline',
      [
        [false, 7000],
        [true, 8000],
        [true, 8500],
        [true, 10_000],
      ],
      ['probe-again', 'probe-again', 'probe-again', 'healthy'],
    ],
    [
      'never healthy',
      [
        [false, 3000],
        [false, 6000],
        [false, 9000],
      ],
      ['probe-again', 'probe-again', 'unhealthy'],
    ],
    [
      'two successes then out of time',
      [
        [false, 7000],
        [true, 8000],
        [true, 9100],
      ],
      ['probe-again', 'probe-again', 'unhealthy'],
    ],
  ])('%s', (_name, probes, expected) => {
    expect(run(probes).steps).toEqual(expected);
  });

  it('says how far it got and the last failure in the reason', () => {
    const { last } = run([
      [true, 1000],
      [false, 5000],
      [true, 9500],
    ]);
    expect(last?.type).toBe('unhealthy');
    if (last?.type !== 'unhealthy') return;
    expect(last.reason).toContain(
      'did not pass 3 time(s) in a row within 10 s (3 probe(s), 1 in a row at the end)',
    );
    expect(last.reason).toContain('last failure: down at 5000');
  });

  it('asks to wait the interval between probes and bounds a probe by what is left', () => {
    const loop = startHealthLoop(health, 1000);
    const step = recordProbe(loop, { passed: true, output: '' }, 1500, 2000);
    expect(step).toMatchObject({ type: 'probe-again', waitMs: 2000 });
    expect(probeBudgetMs(loop, 4000)).toBe(7000);
    expect(probeBudgetMs(loop, 20_000)).toBe(1);
  });

  it('one success is enough when one is asked for', () => {
    expect(
      recordProbe(startHealthLoop({ ...health, successes: 1 }, 0), { passed: true, output: '' }, 50).type,
    ).toBe('healthy');
  });
});
