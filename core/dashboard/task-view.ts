/**
 * The dashboard's task page, as data: the timeline with time per stage, every job run (agents, CI,
 * staging, merge, deploy), rollbacks with the must-fix text, CI statuses of the head, the staging
 * verdict, deploy history and links. Log tails come through a reader the adapter supplies.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { artifactsDirOf, type Task } from '../domain/task.ts';
import { hasApproval, pendingApproval } from '../store/approval-repo.ts';
import { statusesFor, type CiStatusRow } from '../store/ci-status-repo.ts';
import type { Store } from '../store/store.ts';
import { getTask } from '../store/task-repo.ts';
import { transitionsOf } from '../store/transition-log.ts';
import { publicLink } from '../links/public-url.ts';
import type { RepoLinks } from '../ports/forge-links.ts';
import { rollbacksOf, timelineOf, timePerStage, type RollbackEntry, type TimelineEntry } from './task-timeline.ts';

/** The last lines of an agent run's log, or null when there is none. */
export type RunLogReader = (taskId: string, role: string, attempt: number) => string | null;

export interface RunEntry {
  readonly id: number;
  readonly kind: string;
  readonly role: string | null;
  readonly attempt: number | null;
  readonly state: string;
  readonly startedAt: number | null;
  readonly durationMs: number | null;
  /** `0` for a finished run, the error for a failed one, null while it runs. */
  readonly exit: string | null;
  readonly logTail: string | null;
}

export interface TaskView {
  readonly task: Task;
  readonly timeline: readonly TimelineEntry[];
  readonly perStage: readonly { stage: string; ms: number }[];
  readonly runs: readonly RunEntry[];
  readonly rollbacks: readonly RollbackEntry[];
  /** The must-fix text the next (or last) developer run got. */
  readonly mustFix: string | null;
  readonly ci: readonly CiStatusRow[];
  readonly staging: { readonly verdict: string; readonly waived: readonly string[]; readonly imageRef: string | null; readonly revision: string | null } | null;
  readonly deploys: readonly { readonly at: number; readonly ref: string; readonly outcome: string }[];
  /** The pending BRD approval's id (the approve/reject controls act on it), or null. */
  readonly pendingBrd: string | null;
  /** Browser links, each only when it may be shown (core/links/public-url.ts); `head` is the branch head's commit. */
  readonly links: { readonly tracker: string | null; readonly pr: string | null; readonly brd: string | null; readonly branch: string | null; readonly head: string | null };
}

/** The page of `taskId`; null when unknown. `forge` builds the repository's browser links, or null. */
export async function buildTaskView(store: Store, project: ProjectConfig, taskId: string, now: number, forge: RepoLinks | null, readLog: RunLogReader): Promise<TaskView | null> {
  const task = await getTask(store.db, taskId);
  if (!task || task.projectId !== project.id) return null;
  const rows = await transitionsOf(store.db, task.id);
  const timeline = timelineOf(rows, now);
  const brd = await hasApproval(store.db, task.id, 'brd') ? `${artifactsDirOf(task.id)}/01-brd.md` : null;
  return {
    task,
    timeline,
    perStage: timePerStage(timeline),
    runs: await runsOf(store, task.id, now, readLog),
    rollbacks: rollbacksOf(rows),
    mustFix: task.mustFix,
    ci: task.headSha ? await statusesFor(store.db, project.repo, task.headSha) : [],
    staging: task.stagingVerdict
      ? { verdict: task.stagingVerdict, waived: task.stagingWaived ?? [], imageRef: task.stagingImageRef, revision: task.stagingRevision }
      : null,
    deploys: (await store.db.read.dashboard.deploysOfTask(project.id, task.id)).map((d) => ({ at: d.deployedAt, ref: d.ref, outcome: d.outcome })),
    pendingBrd: (await pendingApproval(store.db, task.id, 'brd'))?.id ?? null,
    links: {
      tracker: publicLink(task.externalUrl),
      pr: forge && task.prNumber !== null ? publicLink(forge.pr(task.prNumber)) : null,
      brd: forge && brd ? publicLink(forge.file(task.branch, brd)) : null,
      branch: forge ? publicLink(forge.branch(task.branch)) : null,
      head: forge && task.headSha ? publicLink(forge.commit(task.headSha)) : null,
    },
  };
}

const RUN_KINDS = new Set(['agent', 'ci', 'staging', 'merge', 'deploy']);

async function runsOf(store: Store, taskId: string, now: number, readLog: RunLogReader): Promise<RunEntry[]> {
  return (await store.db.read.dashboard.jobsOfTask(taskId))
    .filter((j) => RUN_KINDS.has(j.kind) && j.state !== 'cancelled')
    .map((j) => {
      const role = typeof j.payload.role === 'string' ? j.payload.role : null;
      const attempt = j.payload.attempt === undefined ? null : Number(j.payload.attempt);
      const finished = j.state === 'succeeded' || j.state === 'dead';
      return {
        id: j.id,
        kind: j.kind,
        role,
        attempt,
        state: j.state,
        startedAt: j.startedAt,
        durationMs: j.startedAt === null ? null : (j.finishedAt ?? (finished ? j.updatedAt : now)) - j.startedAt,
        exit: j.state === 'succeeded' ? '0' : (j.lastError ?? null),
        logTail: j.kind === 'agent' && role && attempt !== null ? readLog(taskId, role, attempt) : null,
      };
    });
}
