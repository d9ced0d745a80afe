/** `/queue` as Telegram HTML (design §7 layout). */
import type { Locale } from '../../core/config/config.ts';
import type { QueueView } from '../../core/notify/queue-view.ts';
import { escapeHtml as esc } from './escape-html.ts';
import { localizeEvent } from './event-text.ts';
import { formatAge, labelsFor } from './labels.ts';
import { approverNames, type NameOf } from './person-name.ts';
import { renderWorkers } from './render-workers.ts';

export function renderQueue(view: QueueView, locale: Locale, now: number, names?: NameOf): string {
  const L = labelsFor(locale);
  const ru = locale === 'ru';
  const age = (at: number) => formatAge(now - at, locale);
  const role = (r: string): string => (r === 'ci' ? 'CI' : r in L.roles ? L.roles[r as keyof typeof L.roles] : esc(r));
  const reason = (text: string, max: number): string => esc(localizeEvent(text, locale).slice(0, max));
  const lines = [`🚦 ${ru ? 'Очередь' : 'Queue'} — ${view.running.length}/${view.capacity} ${ru ? 'агентов занято' : 'agents busy'}`];
  if (view.running.length > 0) lines.push(view.running.map((r) => `▶️ ${esc(r.taskId)} ${role(r.role)} · ${age(r.since)}`).join('    '));
  for (const q of view.queued) lines.push(`⏳ ${esc(q.taskId)} ${role(q.role)} · ${q.retry ? (ru ? 'повтор' : 'retry') : ru ? 'в очереди' : 'queued'} ${age(q.since)}`);
  for (const a of view.awaitingApproval) lines.push(`📝 ${esc(a.taskId)} · ${L.waitingFor(L.approvalBy(approverNames(a.approvers, locale, esc, names)))}`);
  const stageNames: Record<string, string> = { analysis: 'analysis', development: 'development', review: 'review', testing: 'testing', 'deploy-staging': 'staging', deploy: 'deploy' };
  lines.push(
    `${ru ? 'Этапы' : 'Stages'}: ${Object.entries(view.perStage)
      .map(([stage, n]) => `${ru ? L.steps[stage as keyof typeof L.steps] : stageNames[stage]} ${n}`)
      .join(' · ')}`,
  );
  if (view.escalated.length > 0) lines.push(`${L.escalated}: ${view.escalated.map((e) => `${esc(e.taskId)} (${reason(e.reason, 80)})`).join(', ')}`);
  for (const lease of view.leases) {
    const project = lease.name.startsWith('merge:') ? lease.name.slice('merge:'.length) : null;
    const label = project ? `${ru ? 'Слияние' : 'Merge lease'} ${esc(project)}` : esc(lease.name);
    lines.push(`🔒 ${label}: ${esc(lease.holder)} · ${age(lease.since)}`);
  }
  for (const q of view.mergeQueues) {
    const waiting = q.waiting.map((id, i) => `${i + 1}. ${esc(id)}`).join(', ');
    lines.push(`🔒 ${esc(q.projectId)} ${locale === 'ru' ? 'очередь слияния' : 'merge queue'}: ${L.mergeQueue(esc(q.holder ?? '—'), waiting)}`);
  }
  const r = view.reconciler;
  if (r) {
    const last = r.lastPassAt ? `${ru ? 'последний проход' : 'last pass'} ${age(r.lastPassAt)} ${ru ? 'назад' : 'ago'} (${r.lastPassMs ?? 0} ${ru ? 'мс' : 'ms'})` : ru ? 'ещё не запускался' : 'no pass yet';
    const unblocked = `${ru ? 'разблокировано' : 'unblocked'} ${r.unblockedTotal}`;
    const lastTask = r.lastUnblocked ? ` · ${ru ? 'последний' : 'last'} ${esc(r.lastUnblocked.taskId)} (${reason(r.lastUnblocked.reason, 300)})` : '';
    lines.push(`🔁 ${ru ? 'Сверка' : 'Reconciler'}: ${last} · ${unblocked}${lastTask}`);
  } else {
    lines.push(`🔁 ${ru ? 'Сверка: ещё не запускалась' : 'Reconciler: no pass yet'}`);
  }
  lines.push(...renderWorkers(view.workers, locale, now));
  return lines.join('\n');
}
