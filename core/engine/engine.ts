/**
 * The stage engine: every domain event is handled in one transaction that writes the task row,
 * the transition log, the jobs and the outbox rows together. Handling is duplicate check → load
 * facts → decide (pure) → apply (ADR 0056). Replaying an event whose key already produced a
 * transition changes nothing. See core/ARCHITECTURE.md for the invariants.
 */
import { randomBytes } from 'node:crypto';
import type { DomainEvent } from '../domain/events.ts';
import type { Clock } from '../ports/clock.ts';
import type { Store, Tx } from '../store/store.ts';
import { hasEventKey } from '../store/transition-log.ts';
import { applyDecision } from './apply-decision.ts';
import { decide } from './decide.ts';
import type { EngineDeps } from './engine-deps.ts';
import { loadFacts } from './facts/load-facts.ts';
import type { EngineOutcome } from './outcome.ts';

export type { EngineDeps, EngineRules } from './engine-deps.ts';

/** A short unguessable id (approval ids travel in callback data). */
export function randomId(): string {
  return randomBytes(9).toString('base64url');
}

export class Engine {
  private readonly listeners = new Set<(event: DomainEvent, outcome: EngineOutcome) => void>();

  constructor(
    private readonly store: Store,
    private readonly deps: EngineDeps,
    private readonly clock: Clock,
  ) {}

  /** Handle one event in its own transaction. */
  async handle(event: DomainEvent): Promise<EngineOutcome> {
    return await this.store.transaction(async (tx) => await this.handleInTx(tx, event));
  }

  /** Handle inside the caller's transaction (a worker completing its job atomically with the event). */
  async handleInTx(tx: Tx, event: DomainEvent): Promise<EngineOutcome> {
    if (await hasEventKey(tx, event.key)) return { type: 'duplicate' };
    const now = this.clock.now();
    const facts = await loadFacts(tx, event, this.deps, this.deps.queue, now);
    const decision = decide(event, facts, this.deps, this.deps.newId);
    await applyDecision(tx, decision, { queue: this.deps.queue, event, now });
    const outcome = decision.outcome;
    this.deps.logger.debug({ event: event.type, key: event.key, outcome: outcome.type }, 'event handled');
    // Listeners hear of it once the caller's transaction has committed (never of a rolled-back one).
    if (this.listeners.size > 0) tx.afterCommit(() => this.listeners.forEach((l) => l(event, outcome)));
    return outcome;
  }

  /** Be told of every handled event once its transaction has committed (wake the notifier, metrics). */
  onHandled(listener: (event: DomainEvent, outcome: EngineOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
