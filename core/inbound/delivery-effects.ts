/**
 * The shared vocabulary of turning one stored delivery into engine events: the transaction-bound
 * context, what processing came to, and `emit`, which hands one event to the engine inside the
 * delivery's transaction and records what it did.
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { Engine } from '../engine/engine.ts';
import type { EngineOutcome } from '../engine/outcome.ts';
import type { Tx } from '../store/store.ts';

/** Everything an effect needs, bound to the delivery's transaction. */
export interface EffectContext {
  readonly tx: Tx;
  readonly engine: Engine;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly now: number;
  /** `inbox:<source>:<deliveryId>`: the delivery's event key (a replay finds it and does nothing). */
  readonly key: string;
  /** Who the transition log names (`gitea`, `plane:<person>`). */
  readonly actor: string;
}

/** One event handed to the engine and what it came to. */
export interface EmittedEvent {
  readonly event: DomainEvent['type'];
  readonly key: string;
  readonly taskId: string | null;
  readonly outcome: EngineOutcome;
}

/** What processing one delivery came to. Every kind marks the row processed. */
export type DeliveryResult =
  /** Events went to the engine (each may still have been a no-op there). */
  | { readonly type: 'handled'; readonly events: readonly EmittedEvent[] }
  /** About Conveyor's work, but no task could be matched (an unknown sha, a task never created). */
  | { readonly type: 'unresolved'; readonly reason: string }
  /** Not Conveyor's business (another project, a deleted branch, its own tracker change). */
  | { readonly type: 'ignored'; readonly reason: string };

/** Hand `event` to the engine inside the delivery's transaction. */
export async function emit(ctx: EffectContext, event: DomainEvent): Promise<EmittedEvent> {
  const outcome = await ctx.engine.handleInTx(ctx.tx, event);
  const taskId =
    'taskId' in event ? event.taskId : 'taskId' in outcome && outcome.taskId ? outcome.taskId : null;
  return { event: event.type, key: event.key, taskId, outcome };
}

/** A result listing the events emitted. */
export function handled(events: readonly EmittedEvent[]): DeliveryResult {
  return { type: 'handled', events };
}

/** The first seven characters of a commit id, for messages. */
export function short(sha: string): string {
  return sha.slice(0, 7);
}
