/** A task's transition log as a timeline: each entry with the time until the next, and time per stage. */
import type { TransitionRow } from '../store/transition-log.ts';

export interface TimelineEntry {
  readonly at: number;
  readonly fromStage: string | null;
  readonly toStage: string;
  readonly toPhase: string;
  readonly reason: string;
  readonly actor: string;
  /** Until the next transition (or `now` for the last one of an open task); null when finished there. */
  readonly durationMs: number | null;
}

/** A rollback: a red gate that sent the task back. */
export interface RollbackEntry {
  readonly at: number;
  readonly fromStage: string | null;
  readonly toStage: string;
  readonly reason: string;
}

const FINAL = new Set(['done', 'cancelled']);

/** Timeline entries, oldest first. */
export function timelineOf(rows: readonly TransitionRow[], now: number): TimelineEntry[] {
  return rows.map((row, i) => {
    const next = rows[i + 1];
    const durationMs = next ? next.at - row.at : FINAL.has(row.toStage) ? null : Math.max(0, now - row.at);
    return { at: row.at, fromStage: row.fromStage, toStage: row.toStage, toPhase: row.toPhase, reason: row.reason, actor: row.actor, durationMs };
  });
}

/** Milliseconds spent in each stage (summed over visits), in first-visit order. */
export function timePerStage(timeline: readonly TimelineEntry[]): { stage: string; ms: number }[] {
  const totals = new Map<string, number>();
  for (const entry of timeline) {
    if (entry.durationMs === null) continue;
    totals.set(entry.toStage, (totals.get(entry.toStage) ?? 0) + entry.durationMs);
  }
  return [...totals].map(([stage, ms]) => ({ stage, ms }));
}

/** Red gates that moved the task (the engine logs them as `red: <reason>`). */
export function rollbacksOf(rows: readonly TransitionRow[]): RollbackEntry[] {
  return rows
    .filter((r) => r.reason.startsWith('red: '))
    .map((r) => ({ at: r.at, fromStage: r.fromStage, toStage: r.toStage, reason: r.reason.slice('red: '.length) }));
}
