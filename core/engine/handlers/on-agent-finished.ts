import type { DomainEvent } from '../../domain/events.ts';
import { stageOfRole, STAGE_SPECS } from '../../domain/stage.ts';
import { artifactsDirOf, type Task } from '../../domain/task.ts';
import { brdGate } from '../../gates/brd-gate.ts';
import type { GateResult } from '../../gates/gate-result.ts';
import { reviewGate } from '../../gates/review-gate.ts';
import { testsGate } from '../../gates/tests-gate.ts';
import { insertApproval } from '../../store/approval-repo.ts';
import { getTask } from '../../store/task-repo.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { advance, onRed } from '../task-moves.ts';
import { STAGE_RULES } from '../transition-table.ts';
import { evaluateCi } from './on-ci-status.ts';

type AgentRunFinished = Extract<DomainEvent, { type: 'AgentRunFinished' }>;

/** An agent exited 0: judge its artefacts with the stage's gate. */
export async function onAgentRunFinished(ctx: EngineContext, event: AgentRunFinished): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  const { role, attempt } = event.facts;
  const stage = stageOfRole(role);
  if (task.stage !== stage || task.phase !== 'working' || task.escalated || (task.attempts[role] ?? 0) !== attempt) {
    return noop(`stale ${role} run ${attempt} for ${task.id} (now ${task.stage}/${task.phase})`);
  }
  const pushed = event.facts.headSha ? { headSha: event.facts.headSha } : {};
  const artifactName = STAGE_SPECS[stage].artifact;
  const artifactPath = artifactName ? `${artifactsDirOf(task.id)}/${artifactName}` : '';
  const content = artifactName ? (event.facts.artifacts[artifactName] ?? null) : null;

  switch (STAGE_RULES[stage]?.afterRun) {
    case 'gate-then-approval': {
      const gate = brdGate(content);
      if (gate.type !== 'green') return await red(ctx, { ...task, ...pushed }, gate, `analyst: ${reasonOf(gate)}`);
      const round = attempt;
      const approvalId = ctx.deps.newId();
      await insertApproval(ctx.tx, { id: approvalId, taskId: task.id, gate: 'brd', round, state: 'pending', summary: summarize(content ?? ''), createdAt: ctx.now });
      await ctx.outbox('approval-request', task.id, { approvalId });
      const next = await ctx.move(task, { ...pushed, phase: 'awaiting-approval', lastEvent: 'BRD ready for approval' }, 'BRD written; approval requested', `agent:${role}`);
      return applied(ctx, next);
    }
    case 'await-ci': {
      const next = await ctx.move(task, { ...pushed, phase: 'awaiting-ci', lastEvent: `developer pushed ${short(event.facts.headSha)}` }, 'developer finished; waiting for CI', `agent:${role}`);
      const project = ctx.project(task);
      if (project.ciCommand && next.headSha) {
        await ctx.enqueue({
          kind: 'ci',
          taskId: task.id,
          payload: { sha: next.headSha, attempt },
          idempotencyKey: `${task.id}:ci:developer-${attempt}`,
        });
      } else if (ctx.deps.forgeEnabled) {
        // A status may have arrived before this push was recorded (out of order): judge it now.
        await evaluateCi(ctx, next);
      }
      if (ctx.deps.forgeEnabled && next.prNumber === null) {
        await ctx.enqueue({ kind: 'forge', taskId: task.id, payload: { action: 'open-pr' }, idempotencyKey: `${task.id}:forge:open-pr`, maxAttempts: 8 });
      }
      return applied(ctx, await getTask(ctx.tx, task.id) ?? next);
    }
    case 'gate': {
      const gate = stage === 'review' ? reviewGate(content, artifactPath) : testsGate(content, artifactPath);
      const withHead = { ...task, ...pushed };
      if (gate.type === 'green') {
        const label = stage === 'review' ? 'review approved' : 'tests passed';
        return applied(ctx, await advance(ctx, withHead, `${stage} gate green`, `agent:${role}`, label));
      }
      return await red(ctx, withHead, gate, stage === 'review' ? `review: ${reasonOf(gate)}` : `testing: ${reasonOf(gate)}`);
    }
    case 'staging-verdict':
    case 'deploy-verdict':
    case undefined:
      return noop(`no agent gate for ${stage}`);
  }
}

async function red(ctx: EngineContext, task: Task, gate: GateResult, label: string): Promise<EngineOutcome> {
  const reason = reasonOf(gate);
  const mustFix = gate.type === 'red' ? gate.mustFix : undefined;
  return applied(ctx, await onRed(ctx, task, reason, mustFix, 'gate', label));
}

function reasonOf(gate: GateResult): string {
  return gate.type === 'green' ? 'green' : gate.reason;
}

function applied(ctx: EngineContext, task: Task): EngineOutcome {
  return { type: 'applied', taskId: task.id, transitions: ctx.transitions };
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '(no commit)';
}

/**
 * The BRD's opening for the approval message (frontmatter dropped, blank lines kept for its
 * Markdown): whole lines up to SUMMARY_MAX characters; the bot renders and fits it to Telegram's limit.
 */
function summarize(brd: string): string {
  const body = brd.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n(---|\.\.\.)\r?\n/, '').replace(/\r\n/g, '\n').trim();
  if (body.length <= SUMMARY_MAX) return body;
  const cut = body.slice(0, SUMMARY_MAX);
  const lineEnd = cut.lastIndexOf('\n');
  return `${lineEnd > SUMMARY_MAX / 2 ? cut.slice(0, lineEnd) : cut}\n…`;
}

const SUMMARY_MAX = 3500;
