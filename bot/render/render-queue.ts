/** `/queue` as Telegram HTML (design §7 layout). */
import type { Locale } from '../../core/config/config.ts';
import type { QueueView } from '../../core/notify/queue-view.ts';
import { escapeHtml as esc } from './escape-html.ts';
import { formatAge, labelsFor } from './labels.ts';

export function renderQueue(view: QueueView, locale: Locale, now: number): string {
  const L = labelsFor(locale);
  const age = (at: number) => formatAge(now - at, locale);
  const lines = [`🚦 ${locale === 'ru' ? 'Очередь' : 'Queue'} — ${view.running.length}/${view.capacity} ${locale === 'ru' ? 'агентов занято' : 'agents busy'}`];
  if (view.running.length > 0) lines.push(view.running.map((r) => `▶️ ${esc(r.taskId)} ${esc(r.role)} · ${age(r.since)}`).join('    '));
  for (const q of view.queued) lines.push(`⏳ ${esc(q.taskId)} ${esc(q.role)} · ${q.retry ? (locale === 'ru' ? 'повтор' : 'retry') : locale === 'ru' ? 'в очереди' : 'queued'} ${age(q.since)}`);
  const stageNames: Record<string, string> = { analysis: 'analysis', development: 'development', review: 'review', testing: 'testing', 'deploy-staging': 'staging', deploy: 'deploy' };
  lines.push(
    `${locale === 'ru' ? 'Этапы' : 'Stages'}: ${Object.entries(view.perStage)
      .map(([stage, n]) => `${locale === 'ru' ? L.steps[stage as keyof typeof L.steps] : stageNames[stage]} ${n}`)
      .join(' · ')}`,
  );
  if (view.escalated.length > 0) lines.push(`${L.escalated}: ${view.escalated.map((e) => `${esc(e.taskId)} (${esc(e.reason.slice(0, 80))})`).join(', ')}`);
  for (const lease of view.leases) lines.push(`🔒 ${esc(lease.name)}: ${esc(lease.holder)} · ${age(lease.since)}`);
  for (const q of view.mergeQueues) {
    const waiting = q.waiting.map((id, i) => `${i + 1}. ${esc(id)}`).join(', ');
    lines.push(`🔒 ${esc(q.projectId)} ${locale === 'ru' ? 'очередь слияния' : 'merge queue'}: ${L.mergeQueue(esc(q.holder ?? '—'), waiting)}`);
  }
  const r = view.reconciler;
  if (r) {
    const last = r.lastPassAt ? `${locale === 'ru' ? 'последний проход' : 'last pass'} ${age(r.lastPassAt)} ${locale === 'ru' ? 'назад' : 'ago'} (${r.lastPassMs ?? 0} ms)` : locale === 'ru' ? 'ещё не запускался' : 'no pass yet';
    const unblocked = `${locale === 'ru' ? 'разблокировано' : 'unblocked'} ${r.unblockedTotal}`;
    const lastTask = r.lastUnblocked ? ` · ${locale === 'ru' ? 'последний' : 'last'} ${esc(r.lastUnblocked.taskId)} (${esc(r.lastUnblocked.reason)})` : '';
    lines.push(`🔁 ${locale === 'ru' ? 'Сверка' : 'Reconciler'}: ${last} · ${unblocked}${lastTask}`);
  } else {
    lines.push(`🔁 ${locale === 'ru' ? 'Сверка: ещё не запускалась' : 'Reconciler: no pass yet'}`);
  }
  return lines.join('\n');
}
