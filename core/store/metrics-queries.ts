/**
 * What `/metrics` and `/healthz` read from the store (app/observability.ts): the alerting gauges'
 * sources and the stage changes behind `conveyor_stage_duration_seconds`. Through the port, so
 * they work on every store (ADR 0054).
 */
import type { Reader } from './store.ts';

/** A transition that moved a task out of `fromStage`. */
export interface StageChange {
  readonly id: number;
  readonly taskId: string;
  readonly fromStage: string;
  readonly at: number;
}

/** Metrics reads of the store port. */
export interface MetricsQueries {
  /** `created_at` of the oldest pending outbox row, or null when none is pending. */
  oldestPendingOutboxAt(): Promise<number | null>;
  /** Tasks escalated and neither done nor cancelled. */
  escalatedOpenTasks(): Promise<number>;
  /** The highest transition id, 0 when there is none. */
  latestTransitionId(): Promise<number>;
  /** Stage-changing transitions (from a stage to another) after transition `afterId`, oldest first. */
  stageChangesAfter(afterId: number): Promise<StageChange[]>;
  /** When `taskId` last entered `stage` before transition `beforeId`, or null. */
  stageEnteredAt(taskId: string, stage: string, beforeId: number): Promise<number | null>;
}

export async function oldestPendingOutboxAt(reader: Reader): Promise<number | null> {
  return await reader.read.metrics.oldestPendingOutboxAt();
}

export async function escalatedOpenTasks(reader: Reader): Promise<number> {
  return await reader.read.metrics.escalatedOpenTasks();
}

export async function latestTransitionId(reader: Reader): Promise<number> {
  return await reader.read.metrics.latestTransitionId();
}

export async function stageChangesAfter(reader: Reader, afterId: number): Promise<StageChange[]> {
  return await reader.read.metrics.stageChangesAfter(afterId);
}

export async function stageEnteredAt(reader: Reader, taskId: string, stage: string, beforeId: number): Promise<number | null> {
  return await reader.read.metrics.stageEnteredAt(taskId, stage, beforeId);
}
