/**
 * ORCH_WORKER_KINDS (ADR 0055): which job kinds this process claims. Comma-separated kinds, `all`
 * (the default) or `none` (a `start` that runs no jobs, for machines dedicated to workers).
 */
import { HEAVY_KINDS, LIGHT_KINDS, STAGING_KINDS, type JobKind } from '../queue/job.ts';

/** Every job kind a worker can run, in pool order. */
export const ALL_JOB_KINDS: readonly JobKind[] = Object.freeze([...HEAVY_KINDS, ...LIGHT_KINDS, ...STAGING_KINDS]);

/** The parsed kinds, or the one problem naming the variable and the valid kinds. */
export type WorkerKindsParse = { readonly type: 'kinds'; readonly kinds: readonly JobKind[] } | { readonly type: 'invalid'; readonly problem: string };

const NAME = 'ORCH_WORKER_KINDS';

export function parseWorkerKinds(raw: string | null): WorkerKindsParse {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'all') return { type: 'kinds', kinds: ALL_JOB_KINDS };
  if (value === 'none') return { type: 'kinds', kinds: [] };
  const parts = value.split(',').map((p) => p.trim());
  const valid = `valid kinds: ${ALL_JOB_KINDS.join(', ')} (or all, or none)`;
  if (parts.some((p) => p === '')) return { type: 'invalid', problem: `${NAME}: an empty entry in "${value}"; ${valid}` };
  const unknown = parts.filter((p) => !(ALL_JOB_KINDS as readonly string[]).includes(p));
  if (unknown.length > 0) return { type: 'invalid', problem: `${NAME}: unknown job kind ${unknown.map((u) => `"${u}"`).join(', ')}; ${valid}` };
  const chosen = new Set(parts);
  return { type: 'kinds', kinds: ALL_JOB_KINDS.filter((kind) => chosen.has(kind)) };
}

/** How the kinds are stored on the instance row and shown (`/queue`, `/metrics`). */
export function kindsText(kinds: readonly JobKind[]): string {
  return kinds.join(',');
}
