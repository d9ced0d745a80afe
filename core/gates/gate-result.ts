/**
 * The outcome of a gate: green lets the task leave its stage, red sends it back with a reason
 * (and the must-fix text the next developer run sees), wait means not decided yet.
 */
export type GateResult =
  | { readonly type: 'green' }
  | { readonly type: 'red'; readonly reason: string; readonly mustFix?: string }
  | { readonly type: 'wait'; readonly reason: string };

export const green: GateResult = Object.freeze({ type: 'green' });

export function red(reason: string, mustFix?: string): GateResult {
  return mustFix === undefined ? { type: 'red', reason } : { type: 'red', reason, mustFix };
}

export function wait(reason: string): GateResult {
  return { type: 'wait', reason };
}
