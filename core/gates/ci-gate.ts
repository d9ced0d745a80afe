/**
 * The development gate: CI on the branch head. A failure goes back to the developer with the
 * reported detail; no status yet means wait, never green.
 */
import { unreadableReason } from '../artifacts/unreadable.ts';
import { MUST_FIX_LIMIT, truncateWithPointer } from '../artifacts/truncate.ts';
import type { CiState } from '../domain/events.ts';
import { green, red, wait } from './gate-result.ts';
import type { GateResult } from './gate-result.ts';

/**
 * Judges the combined CI state of the branch head (null when none was reported). `detail` is
 * the failure excerpt or description; on failure it becomes the must-fix text, truncated with a
 * pointer to `logPointer`.
 */
export function ciGate(state: CiState | null, detail: string, logPointer = 'the CI log'): GateResult {
  switch (state) {
    case 'success':
      return green;
    case 'failure': {
      const usable = detail.trim() !== '' && unreadableReason(detail) === null;
      return red('CI failed', usable ? truncateWithPointer(detail, MUST_FIX_LIMIT, logPointer) : undefined);
    }
    case 'pending':
      return wait('CI is still running');
    case null:
      return wait('no CI status yet');
    default:
      // Unreachable for typed callers; state arrives from webhooks, so fail closed anyway.
      return wait(`unknown CI state ${JSON.stringify(String(state)).slice(0, 40)}`);
  }
}
