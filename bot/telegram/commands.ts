/**
 * Chat commands (design §7): /new, /queue, /status, /retry, /reconcile [dry], /help. The access
 * middleware has already checked the chat and the person; each command checks its own role.
 */
import { trackerOf } from '../../core/config/tracker-of.ts';
import type { CommandContext, Composer } from 'grammy';
import type { User } from 'grammy/types';
import type { Task } from '../../core/domain/task.ts';
import type { EngineOutcome } from '../../core/engine/outcome.ts';
import type { Config, Locale } from '../../core/config/config.ts';
import type { Engine } from '../../core/engine/engine.ts';
import { cancelTask, retryTask, type ActionResult, type TaskActionDeps } from '../../core/actions/task-actions.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { buildQueueView } from '../../core/notify/queue-view.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { ReconcilerPort } from '../../core/ports/reconciler.ts';
import type { TrackerPort } from '../../core/ports/tracker.ts';
import { errorSentence } from '../../core/errors.ts';
import type { JobQueue } from '../../core/queue/job-queue.ts';
import type { Store } from '../../core/store/store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { hasEventKey } from '../../core/store/transition-log.ts';
import { escapeHtml as esc } from '../render/escape-html.ts';
import { localizeEvent } from '../render/event-text.ts';
import { wellFormed } from '../../core/display-text.ts';
import { renderCard } from '../render/render-card.ts';
import type { NameOf } from '../render/person-name.ts';
import { renderQueue } from '../render/render-queue.ts';
import type { Access } from './access.ts';
import { runningAgentLine, type AgentLogReader } from './agent-log-line.ts';
import { actorOf, type BotContext } from './bot-context.ts';
import { commandTexts, helpText } from './command-texts.ts';
import { dashboardButton } from './dashboard-menu.ts';
import type { ForgeLinksOf } from '../../core/ports/forge-links.ts';

export interface CommandDeps {
  readonly config: Config;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly engine: Engine;
  readonly access: Access;
  readonly clock: Clock;
  readonly reconciler: ReconcilerPort;
  /** The forge repository's browser links of a project, or null. */
  readonly forgeLinks: ForgeLinksOf;
  readonly tracker: TrackerPort | null;
  readonly trackerIssueUrl: (projectId: string, issueId: string) => string | null;
  readonly agentLogLine?: AgentLogReader;
  /** People's names learnt from the chat (ids are shown without it). */
  readonly names?: NameOf;
}

export const COMMANDS = [
  { command: 'new', description: 'Create a task: /new <project> <title>' },
  { command: 'queue', description: 'Agents, queue, stages, escalations, reconciler' },
  { command: 'status', description: 'A task card: /status <ID>' },
  { command: 'retry', description: 'Run an escalated task again: /retry <ID>' },
  { command: 'cancel', description: 'Stop a task for good: /cancel <ID> [reason]' },
  { command: 'reconcile', description: 'Admins: run a reconciler pass (/reconcile dry: report only)' },
  { command: 'help', description: 'What the bot can do' },
] as const;

const RU_DESCRIPTIONS: Readonly<Record<(typeof COMMANDS)[number]['command'], string>> = {
  new: 'Новая задача: /new <проект> <название>',
  queue: 'Агенты, очередь, этапы, эскалации, сверка',
  status: 'Карточка задачи: /status <ID>',
  retry: 'Перезапустить эскалированную задачу: /retry <ID>',
  cancel: 'Отменить задачу: /cancel <ID> [причина]',
  reconcile: 'Админы: проход сверки (/reconcile dry — только отчёт)',
  help: 'Что умеет бот',
};

/** The command menu in the configured language. */
export function commandMenu(locale: Locale): { command: string; description: string }[] {
  return COMMANDS.map((c) => ({ command: c.command, description: locale === 'ru' ? RU_DESCRIPTIONS[c.command] : c.description }));
}

export function installCommands(bot: Composer<BotContext>, deps: CommandDeps): void {
  const T = commandTexts(deps.config.locale);
  const html = { parse_mode: 'HTML' as const, disable_notification: true, link_preview_options: { is_disabled: true } };

  bot.command('new', async (ctx) => {
    const [projectId = '', ...words] = ctx.match.trim().split(/\s+/);
    // Stored and sent to the tracker as the database will hold it (a lone surrogate is U+FFFD).
    const title = wellFormed(words.join(' ').trim());
    const project = deps.access.project(projectId);
    const here = deps.access.projectsInChat(String(ctx.chat.id));
    if (!project || !title) return void (await ctx.reply(esc(T.newUsage(here.map((p) => p.id))), html));
    if (!ctx.from || !deps.access.isApprover(project, ctx.from.id)) return void (await ctx.reply(esc(T.notApprover(project.id)), html));
    const key = `telegram:${ctx.chat.id}:${ctx.msg.message_id}`;
    // A redelivered update must not create a second tracker issue.
    if (await hasEventKey(deps.store.db, key)) return;
    let issue: { issueId: string; sequenceId: number } | null = null;
    if (trackerOf(project) && deps.tracker) {
      // The tracker numbers the task (SHOP-<sequence id>), so chat and tracker ids never collide.
      try {
        issue = await deps.tracker.createIssue(project.id, title);
      } catch (error) {
        return void (await ctx.reply(esc(T.trackerFailed(errorSentence(error))), html));
      }
    }
    const url = issue ? deps.trackerIssueUrl(project.id, issue.issueId) : null;
    const outcome = await deps.engine.handle({
      type: 'TaskRequested',
      key,
      projectId: project.id,
      title,
      source: issue ? (trackerOf(project)?.kind ?? 'plane') : 'chat',
      ...(issue ? { externalId: issue.issueId, number: issue.sequenceId } : {}),
      ...(url ? { externalUrl: url } : {}),
      actor: actorOf(ctx.from),
    });
    if (outcome.type === 'created' || outcome.type === 'duplicate') await ctx.reply(esc(T.created(outcome.taskId ?? '?')), html);
    else await ctx.reply(esc(T.refused(outcome.type === 'rejected' ? outcome.reason : outcome.type)), html);
  });

  bot.command('queue', async (ctx) => {
    const approversOf = (projectId: string) => deps.access.project(projectId)?.approvers ?? [];
    const button = dashboardButton(deps.config.publicUrl, String(ctx.chat.id), ctx.me.username, null);
    const markup = button ? { reply_markup: { inline_keyboard: [[button]] } } : {};
    await ctx.reply(renderQueue(await buildQueueView(deps.store, deps.queue, deps.config.maxConcurrency, approversOf), deps.config.locale, deps.clock.now(), deps.names), { ...html, ...markup });
  });

  bot.command('status', async (ctx) => {
    const id = ctx.match.trim().toUpperCase();
    const task = id ? await getTask(deps.store.db, id) : null;
    if (!task || !deps.access.projectsInChat(String(ctx.chat.id)).some((p) => p.id === task.projectId)) return void (await ctx.reply(esc(T.unknownTask(id)), html));
    const view = await buildCardView(deps.store, deps.queue, new Map(deps.access.projectsInChat(String(ctx.chat.id)).map((p) => [p.id, p])), task.id, deps.config.maxDeveloperRetries, deps.forgeLinks(task.projectId));
    if (view) await ctx.reply(renderCard(view, deps.config.locale, deps.clock.now(), 'html', { logLine: runningAgentLine(view.waiting, task.id, deps.agentLogLine), ...(deps.names ? { names: deps.names } : {}) }), html);
  });

  /** The task named in the command if it is this chat's; otherwise replies that it is unknown. */
  const chatTask = async (ctx: CommandContext<BotContext>, id: string): Promise<Task | null> => {
    const task = id ? await getTask(deps.store.db, id) : null;
    const project = task ? deps.access.project(task.projectId) : undefined;
    if (task && project && project.chatId === String(ctx.chat.id)) return task;
    await ctx.reply(esc(T.unknownTask(id)), html);
    return null;
  };
  const refusal = (outcome: EngineOutcome) => T.refused(localizeEvent(outcome.type === 'rejected' || outcome.type === 'noop' ? outcome.reason : outcome.type, deps.config.locale));
  /** The shared action's answer (core/actions/task-actions.ts, also behind the dashboard's controls). */
  const answer = (result: ActionResult, id: string, success: string): string =>
    result.type === 'outcome'
      ? result.outcome.type === 'applied'
        ? success
        : refusal(result.outcome)
      : result.type === 'not-approver'
        ? T.notApprover(result.projectId)
        : T.unknownTask(id);
  const actions: TaskActionDeps = { store: deps.store, engine: deps.engine, project: (id) => deps.access.project(id) };
  const actorFrom = (from: User) => ({ userId: from.id, actor: actorOf(from) });

  bot.command('retry', async (ctx) => {
    const task = await chatTask(ctx, ctx.match.trim().toUpperCase());
    if (!task) return;
    if (!ctx.from) return void (await ctx.reply(esc(T.notApprover(task.projectId)), html));
    const result = await retryTask(actions, task.id, actorFrom(ctx.from), `telegram:${ctx.chat.id}:${ctx.msg.message_id}`);
    await ctx.reply(esc(answer(result, task.id, T.retrying(task.id))), html);
  });

  bot.command('cancel', async (ctx) => {
    const [id = '', ...words] = ctx.match.trim().split(/\s+/);
    const task = await chatTask(ctx, id.toUpperCase());
    if (!task) return;
    if (!ctx.from) return void (await ctx.reply(esc(T.notApprover(task.projectId)), html));
    const reason = wellFormed(words.join(' ').trim()) || `cancelled by ${ctx.from.first_name}`;
    const result = await cancelTask(actions, task.id, actorFrom(ctx.from), `telegram:${ctx.chat.id}:${ctx.msg.message_id}`, reason);
    await ctx.reply(esc(answer(result, task.id, T.cancelled(task.id))), html);
  });

  bot.command('reconcile', async (ctx) => {
    if (!ctx.from || !deps.access.isAdmin(ctx.from.id)) return void (await ctx.reply(esc(T.adminsOnly), html));
    const dryRun = ctx.match.trim().toLowerCase() === 'dry';
    const report = await deps.reconciler.runPass({ dryRun, actor: actorOf(ctx.from) });
    await ctx.reply(esc(T.reconcileReport(report)), html);
  });

  bot.command(['help', 'start'], async (ctx) => {
    await ctx.reply(esc(helpText(deps.config.locale)), html);
  });

  // Any other command gets the help text.
  bot.on('message:entities:bot_command', async (ctx) => {
    if (ctx.msg.entities[0]?.offset === 0) await ctx.reply(esc(helpText(deps.config.locale)), html);
  });
}
