/** Facts in, effects out: fixtures for the engine's deciders (no database). */
import type { ProjectConfig } from '../../core/config/projects.ts';
import type { DomainEvent } from '../../core/domain/events.ts';
import type { Task } from '../../core/domain/task.ts';
import { decide } from '../../core/engine/decide.ts';
import type { Decision, Effect } from '../../core/engine/decision.ts';
import type { EngineRules } from '../../core/engine/engine-deps.ts';
import type { EventFacts } from '../../core/engine/facts/event-facts.ts';
import { makeProject } from './engine-harness.ts';

export const NOW = 1_700_000_000_000;

export function taskAt(overrides: Partial<Task> = {}): Task {
  return {
    id: 'SHOP-1',
    projectId: 'SHOP',
    title: 'Add a coupon field',
    description: '',
    source: 'chat',
    externalId: null,
    externalUrl: null,
    stage: 'analysis',
    phase: 'working',
    attempts: { analyst: 1 },
    rollbacks: 0,
    escalated: false,
    escalationReason: null,
    blocked: false,
    mustFix: null,
    notes: null,
    branch: 'task/SHOP-1',
    headSha: null,
    behindDefault: false,
    prNumber: null,
    mergeQueuedAt: null,
    stagingImageId: null,
    stagingImageRef: null,
    stagingRevision: null,
    stagingVerdict: null,
    stagingWaived: null,
    requestedBy: 'telegram:111',
    lastEvent: 'created from the chat',
    lastEventAt: NOW - 60_000,
    stageEnteredAt: NOW - 60_000,
    createdAt: NOW - 60_000,
    updatedAt: NOW - 60_000,
    version: 3,
    ...overrides,
  };
}

export function rulesFor(options: { project?: Record<string, unknown>; maxRetries?: number; forge?: boolean; tracker?: boolean } = {}): EngineRules & { project: ProjectConfig } {
  const project = makeProject(options.project);
  return {
    project,
    projects: new Map([[project.id, project]]),
    maxDeveloperRetries: options.maxRetries ?? 3,
    trackerEnabled: options.tracker ?? false,
    forgeEnabled: options.forge ?? false,
  };
}

/** Decide `event` on `facts` (the time is {@link NOW}); approval ids are `id1`, `id2`, … */
export function decideOn(event: DomainEvent, facts: Omit<EventFacts, 'now'>, rules: EngineRules = rulesFor()): Decision {
  let ids = 0;
  return decide(event, { now: NOW, ...facts }, rules, () => `id${++ids}`);
}

/** The effect types in order: the shape of a decision at a glance. */
export function kinds(decision: Decision): string[] {
  return decision.effects.map((e) => (e.type === 'outbox' ? `outbox:${e.kind}` : e.type === 'enqueue' ? `enqueue:${e.job.kind}` : e.type));
}

export function effectsOf<T extends Effect['type']>(decision: Decision, type: T): Extract<Effect, { type: T }>[] {
  return decision.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}
