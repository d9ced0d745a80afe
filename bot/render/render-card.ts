/**
 * Render a card view as Telegram HTML (every interpolated value escaped) or as plain text (the
 * console notifier), in en or ru. One renderer, two formats, so the console shows what the chat shows.
 */
import type { Locale } from '../../core/config/config.ts';
import type { CardView, StepState } from '../../core/notify/card-view.ts';
import { escapeHtml, plain } from './escape-html.ts';
import { localizeEvent } from './event-text.ts';
import { formatCardAge, labelsFor } from './labels.ts';
import { approverNames, type NameOf } from './person-name.ts';
import { rollbackLabelsFor, utcTime } from './rollback-labels.ts';
import { displayText } from '../../core/display-text.ts';
import { trackerName } from './tracker-name.ts';

export type CardFormat = 'html' | 'text';

/** What the card shows beyond the store's view: the running agent's last log line (read by the bot). */
export interface CardExtras {
  readonly logLine?: string | null;
  /** A person's display name as learnt from the chat (null: unknown, the id is shown). */
  readonly names?: NameOf;
}

const STEP_ICON: Record<StepState, string> = { done: '✅', current: '▶️', pending: '⏳' };

export function renderCard(view: CardView, locale: Locale, now: number, format: CardFormat, extras: CardExtras = {}): string {
  const esc = format === 'html' ? escapeHtml : plain;
  const bold = (s: string): string => (format === 'html' ? `<b>${s}</b>` : s);
  const L = labelsFor(locale);
  const age = (ms: number): string => esc(formatCardAge(ms, locale)); // "<1 min" needs escaping too
  const { task } = view;
  const lines: string[] = [];
  lines.push(`🧩 ${bold(esc(task.id))} · ${esc(task.title)}`);

  const current = view.steps.find((s) => s.state === 'current');
  if (task.stage === 'done') {
    const deployed = view.steps.some((s) => s.step === 'deploy');
    lines.push(`${L.delivered(deployed)} · ${L.deliveredVia(deployed)}`);
    // The finished card keeps the story: how many rollbacks it took and what the last one asked for.
    if (task.rollbacks > 0) lines.push(`🔁 ${L.rollbacks} ${task.rollbacks}/${view.maxRollbacks}${task.mustFix ? ` · ${L.lastMustFix}: ${esc(firstLine(task.mustFix).replace(/^[-*•]\s+/, ''))}` : ''}`);
  }
  else if (task.stage === 'cancelled') lines.push(L.cancelled);
  else {
    const parts = [`${task.escalated ? '🆘' : '▶️'} ${current ? (current.step === 'approval' ? L.approvalPending : L.steps[current.step]) : esc(task.stage)}`];
    if (view.attempt > 0) parts.push(`${L.attempt} ${view.attempt}`);
    parts.push(`${L.rollbacks} ${task.rollbacks}/${view.maxRollbacks}`);
    parts.push(L.inStage(age(now - task.stageEnteredAt)));
    lines.push(parts.join(' · '));
  }
  lines.push(view.steps.map((s) => `${STEP_ICON[s.state]} ${L.steps[s.step]}`).join(' → '));

  const why = waitingText(view, locale, now, esc, age, extras);
  if (why) lines.push(why);
  if (task.stagingVerdict && (task.stage === 'deploy-staging' || task.stage === 'deploy' || task.stage === 'done')) {
    lines.push(L.stagingVerdict(esc(task.stagingVerdict), esc((task.stagingWaived ?? []).join(', '))));
  }
  if (view.rollback) {
    const r = view.rollback;
    lines.push(esc(rollbackLabelsFor(locale).cardLine(r.state, r.targetRef, displayText(r.byName), utcTime(r.at), (r.outcome ?? '').slice(0, 300))));
  }
  if (task.stage === 'development' && task.rollbacks > 0 && task.mustFix && !task.escalated) {
    lines.push(`🔁 ${L.mustFix}: ${esc(firstLine(task.mustFix))}`);
  }
  lines.push(`${L.last}: ${esc(localizeEvent(task.lastEvent, locale))} · ${L.ago(age(now - task.lastEventAt))}`);

  const links: string[] = [];
  const link = (label: string, url: string | null): string => (format === 'html' && url ? `<a href="${escapeHtml(url)}">${label}</a>` : label);
  const { urls } = view;
  if (urls.tracker) links.push(format === 'html' ? link(trackerName(task), urls.tracker) : `${trackerName(task)} ${urls.tracker}`);
  if (task.prNumber !== null) links.push(link(`PR #${task.prNumber}`, urls.pr));
  else links.push(link(esc(task.branch), urls.branch));
  if (view.links.brd) links.push(link('BRD', urls.brd));
  lines.push(`🔗 ${links.join(' · ')}`);
  return lines.join('\n');
}

function waitingText(view: CardView, locale: Locale, now: number, esc: (s: string) => string, age: (ms: number) => string, extras: CardExtras): string | null {
  const L = labelsFor(locale);
  const logLine = extras.logLine ?? null;
  const w = view.waiting;
  switch (w.type) {
    case 'agent': {
      const base = w.state === 'running' ? L.agentRunning(w.role, age(now - w.since)) : L.agentQueued(w.role, age(now - w.since));
      const said = w.state === 'running' && logLine ? ` — "${esc(logLine)}"` : '';
      return `⏳ ${L.waitingFor(base)}${said}${w.retryAt && w.retryAt > now ? ` · ${L.retryIn(age(w.retryAt - now))}` : ''}`;
    }
    case 'approval':
      return `⏳ ${L.waitingFor((w.gate === 'deploy' ? L.deployApprovalBy : L.approvalBy)(approverNames(w.approvers, locale, esc, extras.names)))}`;
    case 'ci':
      return `⏳ ${L.waitingFor(L.ciPending(w.sha ? w.sha.slice(0, 7) : '?', w.local))}`;
    case 'merge-lease':
      return L.mergeQueued(esc(w.holder), w.position);
    case 'staging':
      return `⏳ ${L.waitingFor(L.stagingRun(w.state, age(now - w.since)))}`;
    case 'deploy':
      return `⏳ ${L.waitingFor(L.deployRun(w.state, age(now - w.since)))}`;
    case 'deploy-after-rollback':
      return `⏳ ${L.waitingFor(L.deployAfterRollback(esc(w.rollbackOf)))}`;
    case 'merge':
      return `⏳ ${L.waitingFor(w.leaseHolder ? L.mergeLease(esc(w.leaseHolder)) : L.merging)}`;
    case 'escalated':
      return `${L.escalated}: ${esc(localizeEvent(w.reason, locale).slice(0, 300))}`;
    case 'blocked':
      return `⛔ ${L.blocked}`;
    default:
      return null;
  }
}

/** The first non-empty line of a must-fix text, at most 200 characters. */
function firstLine(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}
