/**
 * `/dash` in a private chat: a signed link to the dashboard for use outside Telegram, valid for
 * ORCH_DASHBOARD_LINK_TTL_S. Only people who may see a project get one; anyone else hears nothing
 * (as in any chat the bot does not serve). Runs before the chat access check, which would silence
 * private chats.
 */
import type { Bot } from 'grammy';
import type { Config } from '../../core/config/config.ts';
import type { DashboardRights } from '../../core/dashboard/dashboard-rights.ts';
import type { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import type { BotContext } from './bot-context.ts';

export interface DashCommandDeps {
  readonly config: Config;
  readonly rights: DashboardRights;
  readonly tokens: DashboardTokens;
  readonly now: () => number;
}

export function installDashCommand(bot: Bot<BotContext>, deps: DashCommandDeps): void {
  bot.chatType('private').command('dash', async (ctx) => {
    const from = ctx.from;
    if (deps.rights.visibleProjects(from.id).length === 0) return;
    const ru = deps.config.locale === 'ru';
    const base = deps.config.publicUrl?.replace(/\/+$/, '');
    if (!base) {
      await ctx.reply(ru ? 'Панель недоступна: не задан ORCH_PUBLIC_URL.' : 'The dashboard is not reachable: ORCH_PUBLIC_URL is not set.');
      return;
    }
    const ttlS = deps.config.dashboard.linkTtlS;
    const name = [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || String(from.id);
    const token = deps.tokens.sign('link', { userId: from.id, name, expiresAt: deps.now() + ttlS * 1000 });
    const minutes = Math.max(1, Math.round(ttlS / 60));
    const link = `${base}/app/link?t=${token}`;
    // Plain text (no parse mode): nothing to escape, and Telegram makes the URL clickable.
    await ctx.reply(ru ? `Панель (ссылка действует ${minutes} мин, только для вас):\n${link}` : `Dashboard (this link works for ${minutes} min, for you only):\n${link}`, {
      link_preview_options: { is_disabled: true },
    });
  });
}
