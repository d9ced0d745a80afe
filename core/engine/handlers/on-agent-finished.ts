import type { DomainEvent } from '../../domain/events.ts';
import { stageOfRole, STAGE_SPECS } from '../../domain/stage.ts';
import { artifactsDirOf, type Task } from '../../domain/task.ts';
import { brdGate } from '../../gates/brd-gate.ts';
import type { GateResult } from '../../gates/gate-result.ts';
import { reviewGate } from '../../gates/review-gate.ts';
import { testsGate } from '../../gates/tests-gate.ts';
import type { Draft } from '../draft.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { advance, onRed } from '../task-moves.ts';
import { STAGE_RULES } from '../transition-table.ts';
import { evaluateCi } from './on-ci-status.ts';

type AgentRunFinished = Extract<DomainEvent, { type: 'AgentRunFinished' }>;

/** An agent exited 0: judge its artefacts with the stage's gate. */
export function decideAgentRunFinished(d: Draft, event: AgentRunFinished): EngineOutcome {
  const task = d.facts.task;
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
      if (gate.type !== 'green') return red(d, { ...task, ...pushed }, gate, `analyst: ${reasonOf(gate)}`);
      const round = attempt;
      const approvalId = d.newId();
      d.add({ type: 'insert-approval', approval: { id: approvalId, taskId: task.id, gate: 'brd', round, summary: summarize(content ?? '') } });
      d.outbox('approval-request', task.id, { approvalId });
      const next = d.move(task, { ...pushed, phase: 'awaiting-approval', lastEvent: 'BRD ready for approval' }, 'BRD written; approval requested', `agent:${role}`);
      return d.applied(next.id);
    }
    case 'await-ci': {
      const next = d.move(task, { ...pushed, phase: 'awaiting-ci', lastEvent: `developer pushed ${short(event.facts.headSha)}` }, 'developer finished; waiting for CI', `agent:${role}`);
      const project = d.project(task);
      if (project.ciCommand && next.headSha) {
        d.enqueue({
          kind: 'ci',
          taskId: task.id,
          payload: { sha: next.headSha, attempt },
          idempotencyKey: `${task.id}:ci:developer-${attempt}`,
        });
      } else if (d.rules.forgeEnabled) {
        // A status may have arrived before this push was recorded (out of order): judge it now.
        evaluateCi(d, next);
      }
      if (d.rules.forgeEnabled && next.prNumber === null) {
        d.enqueue({ kind: 'forge', taskId: task.id, payload: { action: 'open-pr' }, idempotencyKey: `${task.id}:forge:open-pr`, maxAttempts: 8 });
      }
      return d.applied(task.id);
    }
    case 'gate': {
      const gate = stage === 'review' ? reviewGate(content, artifactPath) : testsGate(content, artifactPath);
      const withHead = { ...task, ...pushed };
      if (gate.type === 'green') {
        const label = stage === 'review' ? 'review approved' : 'tests passed';
        return d.applied(advance(d, withHead, `${stage} gate green`, `agent:${role}`, label).id);
      }
      return red(d, withHead, gate, stage === 'review' ? `review: ${reasonOf(gate)}` : `testing: ${reasonOf(gate)}`);
    }
    case 'staging-verdict':
    case 'deploy-verdict':
    case undefined:
      return noop(`no agent gate for ${stage}`);
  }
}

function red(d: Draft, task: Task, gate: GateResult, label: string): EngineOutcome {
  const reason = reasonOf(gate);
  const mustFix = gate.type === 'red' ? gate.mustFix : undefined;
  return d.applied(onRed(d, task, reason, mustFix, 'gate', label).id);
}

function reasonOf(gate: GateResult): string {
  return gate.type === 'green' ? 'green' : gate.reason;
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
