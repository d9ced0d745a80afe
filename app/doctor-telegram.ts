/**
 * `conveyor doctor`'s Telegram check: the Bot API answers at TELEGRAM_API_ROOT, it accepts the
 * token (getMe), and the bot can see each project's chat (getChat answers "chat not found" for a
 * chat the bot is not a member of). Short timeouts; the token never reaches a message.
 */
import type { Config } from '../core/config/config.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import { describeError } from '../core/errors.ts';
import type { DoctorCheck } from './doctor.ts';

const TIMEOUT_MS = 5_000;

type Answer =
  | { type: 'ok'; result: Record<string, unknown> }
  | { type: 'refused'; status: number; description: string }
  | { type: 'unreachable'; reason: string };

/** The Telegram check, or null when no token is set (the configuration check names that). */
export async function checkTelegram(
  config: Config,
  projects: readonly ProjectConfig[],
): Promise<DoctorCheck | null> {
  const token = config.telegram.botToken;
  if (token === null) return null;
  const root = config.telegram.apiRoot.replace(/\/+$/, '');
  const call = (method: string, params: Record<string, string> = {}) =>
    callBotApi(root, token, method, params);
  const me = await call('getMe');
  const name = `telegram (${root})`;
  if (me.type === 'unreachable')
    return { name, problems: [`TELEGRAM_API_ROOT: cannot reach ${root} (${me.reason})`] };
  if (me.type === 'refused') {
    return {
      name,
      problems: [
        me.status === 401 || me.status === 404
          ? `TELEGRAM_BOT_TOKEN: Telegram refused the token (${me.status} ${me.description}); get a new one from @BotFather`
          : `TELEGRAM_API_ROOT: getMe answered ${me.status} ${me.description}`,
      ],
    };
  }
  const problems: string[] = [];
  const notes = [`bot @${field(me.result, 'username')} (id ${field(me.result, 'id')})`];
  const seen = new Set<string>();
  for (const project of projects) {
    if (seen.has(project.chatId)) continue;
    seen.add(project.chatId);
    const chat = await call('getChat', { chat_id: project.chatId });
    const at = `projects[${project.id}].chatId`;
    if (chat.type === 'ok') notes.push(`chat ${project.chatId} (${field(chat.result, 'title')}) reachable`);
    else if (chat.type === 'refused')
      problems.push(
        `${at}: the bot cannot see chat ${project.chatId} (${chat.description}); add the bot to the group, then check the id`,
      );
    else problems.push(`${at}: checking chat ${project.chatId} failed (${chat.reason})`);
  }
  return { name, problems, notes };
}

async function callBotApi(
  root: string,
  token: string,
  method: string,
  params: Record<string, string>,
): Promise<Answer> {
  try {
    const response = await fetch(`${root}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => null)) as {
      ok?: boolean;
      result?: Record<string, unknown>;
      description?: string;
    } | null;
    if (body?.ok === true) return { type: 'ok', result: body.result ?? {} };
    return {
      type: 'refused',
      status: response.status,
      description: strip(body?.description ?? response.statusText, token),
    };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { type: 'unreachable', reason: strip(describeError(cause ?? error).split('\n')[0] ?? '', token) };
  }
}

/** A string or number field of a Bot API result, as text. */
function field(result: Record<string, unknown>, key: string): string {
  const value = result[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
}

function strip(text: string, token: string): string {
  return text.split(token).join('***');
}
