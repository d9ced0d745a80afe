/**
 * The deploy job's verdict (design §10, ADR 0032): delivered → the merge step (still holding the
 * lease; done after the merge); the hook failed (exit 1/2, or failed health after the restore) →
 * development with the reason; unknown production state → escalation; an image that can no
 * longer be promoted → staging again. The tracker hears of each outcome.
 */
import { MUST_FIX_LIMIT, truncateWithPointer } from '../../artifacts/truncate.ts';
import type { DomainEvent } from '../../domain/events.ts';
import { artifactsDirOf } from '../../domain/task.ts';
import { escapeHtml } from '../../escape-html.ts';
import { clearDeployMarkers } from '../deploy-moves.ts';
import type { Draft } from '../draft.ts';
import { startMerge, startStaging } from '../merge-moves.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { escalate, onRed, trackerComment } from '../task-moves.ts';

type DeployFinished = Extract<DomainEvent, { type: 'DeployFinished' }>;

export function decideDeployFinished(d: Draft, event: DeployFinished): EngineOutcome {
  const found = d.facts.task;
  if (!found) return noop(`unknown task ${event.taskId}`);
  if (found.stage !== 'deploy' || found.phase !== 'working' || found.escalated)
    return noop(`stale deploy result for ${found.id} (${found.stage}/${found.phase})`);
  if (d.deployState()?.attempt !== event.attempt) return noop(`deploy attempt ${event.attempt} of ${found.id} is not the current pass`);
  const f = event.facts;
  const task = f.headSha ? { ...found, headSha: f.headSha } : found;
  const head = f.headSha ? { headSha: f.headSha } : {};
  const tail = lastLine(f.logTail);
  const comment = (text: string): void => trackerComment(d, task, `conveyor-deploy-${event.attempt}-${f.outcome}`, `<p>${escapeHtml(text)}</p>`);
  switch (f.outcome) {
    case 'delivered': {
      comment(`Deployed to production: ${f.targetImage ?? '?'} (${f.imageId ?? '?'})`);
      const lastEvent = withTail(`deployed ${f.targetImage ?? ''}; merging`, tail);
      return d.applied(startMerge(d, task, 'deployed to production', 'deploy', { ...head, lastEvent }).id);
    }
    case 'rollback': {
      clearDeployMarkers(d);
      const reason = f.reason ?? 'the deploy hook failed';
      comment(`Production deploy failed, back to development: ${reason}`);
      const pointer = `${artifactsDirOf(task.id)}/15-deploy-report.md`;
      const mustFix = truncateWithPointer(`Production deploy failed: ${reason}${f.logTail ? `\n\nHook output (tail):\n${f.logTail}` : ''}`, MUST_FIX_LIMIT, pointer);
      return d.applied(onRed(d, task, `deploy failed: ${firstLine(reason)}`, mustFix, 'deploy', withTail('deploy failed', tail)).id);
    }
    case 'escalate': {
      clearDeployMarkers(d);
      const reason = f.reason ?? 'production state unknown';
      comment(`Production deploy needs a person: ${reason}`);
      return d.applied(escalate(d, task, `deploy: ${reason}`, 'deploy', withTail('deploy state unknown', tail)).id);
    }
    case 'restage': {
      clearDeployMarkers(d);
      const lastEvent = `validated image not deployable (${f.reason ?? 'stale'}); staging again`;
      comment(`Production deploy not started, staging again: ${f.reason ?? 'the validated image is stale'}`);
      return d.applied(startStaging(d, task, lastEvent, 'deploy', { ...head, lastEvent }).id);
    }
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 200);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function withTail(event: string, tail: string): string {
  return tail ? `${event} · ${tail}` : event;
}
