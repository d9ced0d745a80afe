import { describe, expect, it } from 'vitest';
import { combineCiStates } from '../../../core/gates/ci-combine.ts';

const of = (...states: string[]) => states.map((state, i) => ({ context: `ci/${i}`, state }));

describe('combineCiStates', () => {
  it.each([
    [[], 'pending'],
    [['success'], 'success'],
    [['success', 'warning', 'skipped'], 'success'],
    [['SUCCESS', ' Warning '], 'success'],
    [['success', 'failure'], 'failure'],
    [['success', 'error'], 'failure'],
    [['pending', 'error'], 'failure'],
    [['weird', 'failure'], 'failure'],
    [['success', 'pending'], 'pending'],
    [['success', 'cancelled'], 'pending'],
    [['skipped', ''], 'pending'],
    [['warning'], 'success'],
  ])('%j → %s', (states, expected) => {
    expect(combineCiStates(of(...states))).toBe(expected);
  });
});
