/**
 * Forge facts (Gitea, GitHub) → engine events (issue 4, design §9):
 * - status: stored (latest per context wins), then the COMBINED state of the commit goes to the
 *   task whose head it is. An unknown sha falls back to the one task of the repository waiting
 *   for CI (its head is recorded first); none or several → unresolved. When the forge can be asked,
 *   the fallback is confirmed against the branch head, so a late status of an older commit
 *   cannot rewind a task.
 * - push: `task/<ID>` → BranchPushed; the default branch → DefaultBranchMoved; deletes ignored.
 * - pull_request: opened → PullRequestOpened; closed and merged → Merged; closed unmerged → noted.
 * The CI verdict honours the project's required contexts (`requiredChecks`).
 */
import { mapInOrder } from '../map-in-order.ts';
import type { ProjectConfig } from '../config/projects.ts';
import { ciVerdict } from '../gates/ci-verdict.ts';
import { recordStatus, statusesFor } from '../store/ci-status-repo.ts';
import type { Reader } from '../store/store.ts';
import {
  emit,
  handled,
  short,
  type DeliveryResult,
  type EffectContext,
  type EmittedEvent,
} from './delivery-effects.ts';
import type { ForgeFact } from './inbound-fact.ts';
import { ask, type InboundLookups } from './inbound-lookups.ts';
import { projectsOfRepo, taskOfBranch, tasksAtHead, tasksAwaitingCi } from './task-finder.ts';

type StatusFact = Extract<ForgeFact, { type: 'status' }>;
type PushFact = Extract<ForgeFact, { type: 'push' }>;

/** The forge's word on the fallback candidate, asked before the transaction. */
export type HeadCheck =
  | { readonly type: 'none' }
  | { readonly type: 'checked'; readonly taskId: string; readonly head: string | null };

/** For a status whose sha no task has as head: ask the forge where the one candidate's branch is. */
export async function checkFallbackHead(
  db: Reader,
  projects: ReadonlyMap<string, ProjectConfig>,
  fact: StatusFact,
  lookups: InboundLookups,
  onError: (e: unknown) => void,
): Promise<HeadCheck> {
  const ids = projectsOfRepo(projects, fact.repo).map((p) => p.id);
  if ((await tasksAtHead(db, ids, fact.sha)).length > 0) return { type: 'none' };
  const candidates = await tasksAwaitingCi(db, ids);
  const only = candidates.length === 1 ? candidates[0] : undefined;
  if (!only) return { type: 'none' };
  return {
    type: 'checked',
    taskId: only.id,
    head: await ask(lookups.branchHead, [fact.repo, only.branch], onError),
  };
}

/** Apply a forge fact inside the delivery's transaction. */
export async function applyForgeFact(ctx: EffectContext, fact: ForgeFact, check: HeadCheck): Promise<DeliveryResult> {
  switch (fact.type) {
    case 'pr-closed':
      return { type: 'ignored', reason: `PR #${fact.number} of ${fact.repo} (${fact.headBranch}) was closed without merging` };
    case 'status':
      return await applyStatus(ctx, fact, check);
    case 'push':
      return await applyPush(ctx, fact);
    case 'pr-opened':
    case 'pr-merged': {
      const task = await taskOfBranch(ctx.tx, ctx.projects, fact.repo, fact.headBranch);
      if (!task)
        return {
          type: 'unresolved',
          reason: `PR #${fact.number} of ${fact.repo}: ${fact.headBranch} is not a known task branch`,
        };
      if (fact.type === 'pr-opened')
        return handled([
          await emit(ctx, {
            type: 'PullRequestOpened',
            key: ctx.key,
            taskId: task.id,
            number: fact.number,
            actor: ctx.actor,
          }),
        ]);
      // The sha now on the default branch (a squash or merge commit) is what the card shows.
      const sha = fact.mergeSha ?? fact.headSha ?? task.headSha ?? '';
      return handled([await emit(ctx, { type: 'Merged', key: ctx.key, taskId: task.id, sha, actor: ctx.actor })]);
    }
  }
}

async function applyStatus(ctx: EffectContext, fact: StatusFact, check: HeadCheck): Promise<DeliveryResult> {
  const projects = projectsOfRepo(ctx.projects, fact.repo);
  const first = projects[0];
  if (!first) return { type: 'ignored', reason: `${fact.repo} is not a configured repository` };
  // Stored under the configured spelling, which is what the engine reads back.
  const repo = first.repo;
  await recordStatus(ctx.tx, {
    repo,
    sha: fact.sha,
    context: fact.context,
    state: fact.state,
    description: fact.description,
    targetUrl: fact.targetUrl,
    statusId: fact.statusId,
    updatedAt: ctx.now,
  });
  const ids = projects.map((p) => p.id);
  const emitted: EmittedEvent[] = [];
  let targets = await tasksAtHead(ctx.tx, ids, fact.sha);
  if (targets.length === 0) {
    const candidates = await tasksAwaitingCi(ctx.tx, ids);
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (!only)
      return {
        type: 'unresolved',
        reason: `no task has ${short(fact.sha)} as head and ${candidates.length} tasks of ${fact.repo} await CI`,
      };
    if (
      check.type === 'checked' &&
      check.taskId === only.id &&
      check.head !== null &&
      check.head !== fact.sha
    ) {
      return {
        type: 'unresolved',
        reason: `${short(fact.sha)} is not the head of ${only.branch} (the forge says ${short(check.head)})`,
      };
    }
    emitted.push(
      await emit(ctx, {
        type: 'BranchPushed',
        key: `${ctx.key}:head`,
        taskId: only.id,
        sha: fact.sha,
        actor: ctx.actor,
      }),
    );
    targets = [only];
  }
  for (const task of targets) {
    const project = ctx.projects.get(task.projectId);
    const stored = await statusesFor(ctx.tx, project?.repo ?? repo, fact.sha);
    const verdict = ciVerdict(stored, project?.requiredChecks);
    const key = targets.length === 1 ? ctx.key : `${ctx.key}:${task.id}`;
    emitted.push(
      await emit(ctx, {
        type: 'CiStatusReported',
        key,
        taskId: task.id,
        sha: fact.sha,
        state: verdict.state,
        detail: verdict.detail,
        actor: ctx.actor,
      }),
    );
  }
  return handled(emitted);
}

async function applyPush(ctx: EffectContext, fact: PushFact): Promise<DeliveryResult> {
  if (fact.deleted) return { type: 'ignored', reason: `branch ${fact.branch} deleted` };
  const task = await taskOfBranch(ctx.tx, ctx.projects, fact.repo, fact.branch);
  if (task)
    return handled([
      await emit(ctx, { type: 'BranchPushed', key: ctx.key, taskId: task.id, sha: fact.after, actor: ctx.actor }),
    ]);
  const moved = projectsOfRepo(ctx.projects, fact.repo).filter((p) => p.defaultBranch === fact.branch);
  if (moved.length === 0)
    return {
      type: fact.branch.startsWith('task/') ? 'unresolved' : 'ignored',
      reason: `push to ${fact.branch} of ${fact.repo} is not about a known task`,
    };
  return handled(
    await mapInOrder(moved, async (p) =>
      await emit(ctx, {
        type: 'DefaultBranchMoved',
        key: `${ctx.key}:${p.id}`,
        projectId: p.id,
        sha: fact.after,
        actor: ctx.actor,
      }),
    ),
  );
}
