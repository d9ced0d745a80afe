/**
 * The processes part of `/queue` (ADR 0055): the leader, then one line per process on the
 * database — id (`<host>:<pid>:<random>`, so it names the host), role, kinds, last heartbeat,
 * running jobs. Ids, hosts and kinds are identifiers: escaped, in <code>.
 */
import type { Locale } from '../../core/config/config.ts';
import { ALL_JOB_KINDS } from '../../core/config/worker-kinds.ts';
import { isLive, type WorkersView } from '../../core/notify/workers-view.ts';
import { escapeHtml as esc } from './escape-html.ts';
import { formatAge } from './labels.ts';

export function renderWorkers(view: WorkersView, locale: Locale, now: number): string[] {
  const ru = locale === 'ru';
  const code = (text: string) => `<code>${esc(text)}</code>`;
  const live = view.processes.filter((p) => isLive(p, now)).length;
  const leader = view.leader && view.leader.expiresAt > now ? code(view.leader.holder) : ru ? 'нет' : 'none';
  const lines = [`🖥 ${ru ? 'Процессы' : 'Processes'}: ${live} ${ru ? 'живы' : 'live'} · 👑 ${ru ? 'ведущий' : 'leader'} ${leader}`];
  for (const p of view.processes) {
    const role = p.role === 'worker' ? (ru ? 'исполнитель' : 'worker') : ru ? 'основной' : 'start';
    const kinds = p.kinds === '' ? (ru ? 'без задач' : 'no jobs') : p.kinds === ALL_JOB_KINDS.join(',') ? (ru ? 'все задачи' : 'all jobs') : code(p.kinds);
    const beat = `♥ ${formatAge(now - p.heartbeatAt, locale)} ${ru ? 'назад' : 'ago'}${isLive(p, now) ? '' : ru ? ' ⚠️ молчит' : ' ⚠️ silent'}`;
    // The id is `<host>:<pid>:<random>`: the host is said apart only when it differs.
    const host = p.id.startsWith(`${p.host}:`) ? '' : ` · ${code(p.host)}`;
    lines.push(`• ${code(p.id)}${host} · ${role} · ${kinds} · ${beat} · ${ru ? 'в работе' : 'running'} ${p.runningJobs}`);
  }
  return lines;
}
