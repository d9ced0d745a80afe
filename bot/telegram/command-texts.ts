/** Replies to commands, per locale. */
import type { Locale } from '../../core/config/config.ts';
import type { ReconcileReport } from '../../core/ports/reconciler.ts';
import { localizeEvent } from '../render/event-text.ts';

function report(r: ReconcileReport, ru: boolean): string {
  const reason = (text: string): string => localizeEvent(text, ru ? 'ru' : 'en');
  const head = r.dryRun
    ? ru ? `🔎 Сверка (пробный проход, ничего не изменено): проверено ${r.examined}, ${r.durationMs} мс` : `🔎 Reconcile dry run (nothing changed): examined ${r.examined} in ${r.durationMs} ms`
    : ru ? `🔁 Сверка: проверено ${r.examined}, ${r.durationMs} мс` : `🔁 Reconcile pass: examined ${r.examined} in ${r.durationMs} ms`;
  const verb = r.dryRun ? (ru ? 'продвинул бы' : 'would unblock') : ru ? 'продвинуто' : 'unblocked';
  const lines = [head];
  lines.push(r.unblocked.length === 0 ? (ru ? 'Продвигать нечего.' : 'Nothing to unblock.') : `${verb}: ${r.unblocked.map((u) => `${u.taskId} (${reason(u.reason)})`).join(', ')}`);
  if (r.skipped.length > 0) lines.push(`${ru ? 'пропущено' : 'skipped'}: ${r.skipped.slice(0, 20).map((s) => `${s.taskId} (${reason(s.reason)})`).join(', ')}${r.skipped.length > 20 ? ' …' : ''}`);
  return lines.join('\n');
}

const en = {
  newUsage: (projects: readonly string[]) => `Usage: /new <project> <title>${projects.length ? ` — projects here: ${projects.join(', ')}` : ''}`,
  notApprover: (project: string) => `Only ${project}'s approvers can do that.`,
  created: (id: string) => `🧩 ${id} created; its card follows.`,
  refused: (why: string) => `Not done: ${why}`,
  trackerFailed: (why: string) => `No task created: the tracker issue could not be created (${why}). Try again later.`,
  unknownTask: (id: string) => `No task ${id || '(give an id, e.g. /status SHOP-42)'} in this chat.`,
  retrying: (id: string) => `🔁 ${id}: counter reset, running the stage again.`,
  cancelled: (id: string) => `✖️ ${id} cancelled: no more agent runs; its worktree is removed, the branch stays.`,
  adminsOnly: 'Only admins (ORCH_ADMIN_IDS) can run the reconciler.',
  reconcileReport: (r: ReconcileReport) => report(r, false),
};

const ru: typeof en = {
  newUsage: (projects) => `Использование: /new <проект> <название>${projects.length ? ` — проекты здесь: ${projects.join(', ')}` : ''}`,
  notApprover: (project) => `Это могут только подтверждающие проекта ${project}.`,
  created: (id) => `🧩 ${id} создана; карточка ниже.`,
  refused: (why) => `Не выполнено: ${why}`,
  trackerFailed: (why) => `Задача не создана: не удалось создать задачу в трекере (${why}). Попробуйте позже.`,
  unknownTask: (id) => `Задачи ${id || '(укажите id, например /status SHOP-42)'} в этом чате нет.`,
  retrying: (id) => `🔁 ${id}: счётчик сброшен, этап запущен заново.`,
  cancelled: (id) => `✖️ ${id} отменена: агенты больше не запускаются; рабочая копия удалена, ветка осталась.`,
  adminsOnly: 'Сверку запускают только администраторы (ORCH_ADMIN_IDS).',
  reconcileReport: (r) => report(r, true),
};

export function commandTexts(locale: Locale): typeof en {
  return locale === 'ru' ? ru : en;
}

export function helpText(locale: Locale): string {
  return locale === 'ru'
    ? [
        'Conveyor ведёт задачи агентов от BRD до слияния.',
        '/new <проект> <название> — новая задача',
        '/queue — агенты, очередь, этапы, эскалации, сверка',
        '/status <ID> — карточка задачи',
        '/retry <ID> — перезапустить эскалированную задачу',
        '/cancel <ID> [причина] — отменить задачу',
        '/reconcile — сверка сейчас (админы); /reconcile dry — только отчёт',
        '/help — эта справка',
      ].join('\n')
    : [
        'Conveyor takes agent tasks from BRD to merge.',
        '/new <project> <title> — create a task',
        '/queue — agents, queue, stages, escalations, reconciler',
        '/status <ID> — a task card',
        '/retry <ID> — run an escalated task again',
        '/cancel <ID> [reason] — stop a task for good',
        '/reconcile — a reconciler pass now (admins); /reconcile dry — report only',
        '/help — this text',
      ].join('\n');
}
