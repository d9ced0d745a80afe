/**
 * The Telegram sandbox's injected faults answer exactly as the real Bot API (or the network in
 * front of it) does: 409 on getUpdates, 401 for a revoked token, 5xx as JSON or nginx's HTML page,
 * and an outage that closes or refuses connections. Run once per control flavour.
 */
import { Bot, GrammyError, HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxFault, TelegramSandboxControl } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { PermanentError } from '../../core/errors.ts';
import { callApi, TOKEN } from './telegram-sandbox.contract.ts';

const CHAT = 4242;
const TERMINATED = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
}

/** Runs the fault cases with control calls made through `connect(sandbox)`. */
export function describeTelegramSandboxFaults(flavour: string, connect: (sandbox: TelegramSandbox) => TelegramSandboxControl): void {
  describe(`Telegram sandbox faults (${flavour} control)`, () => {
    const opened: TelegramSandbox[] = [];
    afterEach(async () => {
      for (const sandbox of opened.splice(0)) await sandbox.close();
    });

    async function setup() {
      const sandbox = await startTelegramSandbox({ token: TOKEN });
      opened.push(sandbox);
      const control = connect(sandbox);
      await control.registerChat({ id: CHAT, type: 'private', title: 'Alice' });
      const bot = new Bot(TOKEN, { client: { apiRoot: sandbox.apiRoot } });
      return { sandbox, control, root: sandbox.apiRoot, bot };
    }

    it('conflict: getUpdates answers 409 like a second instance polling (a waiting poll too); sends still work', async () => {
      const { control, root, bot } = await setup();
      const waiting = callApi(root, 'getUpdates', { timeout: 20 });
      await new Promise((r) => setTimeout(r, 100));
      await control.setFault({ type: 'conflict' });
      expect(await control.fault()).toEqual({ type: 'conflict' });
      const conflict = { status: 409, body: { ok: false, error_code: 409, description: TERMINATED } };
      expect(await waiting).toEqual(conflict);
      expect(await callApi(root, 'getUpdates', { timeout: 0 })).toEqual(conflict);
      const error = await failureOf(bot.api.getUpdates({ timeout: 0 }));
      expect(error).toBeInstanceOf(GrammyError);
      expect((error as GrammyError).error_code).toBe(409);
      expect((await callApi(root, 'sendMessage', { chat_id: CHAT, text: 'still here' })).status).toBe(200);
      await control.setFault(null);
      expect(await callApi(root, 'getUpdates', { timeout: 0 })).toEqual({ status: 200, body: { ok: true, result: [] } });
      expect((await control.requests()).map((r) => [r.method, r.status])).toEqual([
        ['getUpdates', 409],
        ['getUpdates', 409],
        ['getUpdates', 409],
        ['sendMessage', 200],
        ['getUpdates', 200],
      ]);
    });

    it('unauthorized: every method answers 401 Unauthorized, as for a revoked token', async () => {
      const { control, root, bot } = await setup();
      await control.setFault({ type: 'unauthorized' });
      const refused = { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
      expect(await callApi(root, 'getMe')).toEqual(refused);
      expect(await callApi(root, 'sendMessage', { chat_id: CHAT, text: 'x' })).toEqual(refused);
      const error = await failureOf(bot.api.getMe());
      expect((error as GrammyError).error_code).toBe(401);
      await control.setFault(null);
      expect((await callApi(root, 'getMe')).status).toBe(200);
    });

    it('server error: 502 Bad Gateway as Telegram JSON by default, or as nginx HTML (grammY: HttpError)', async () => {
      const { control, root, bot } = await setup();
      await control.setFault({ type: 'server-error' });
      expect(await callApi(root, 'sendMessage', { chat_id: CHAT, text: 'x' })).toEqual({ status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
      expect(((await failureOf(bot.api.getMe())) as GrammyError).error_code).toBe(502);
      await control.setFault({ type: 'server-error', status: 503 });
      expect((await callApi(root, 'getMe')).body).toEqual({ ok: false, error_code: 503, description: 'Service Unavailable' });
      await control.setFault({ type: 'server-error', html: true });
      const page = await fetch(`${root}/bot${TOKEN}/getMe`);
      expect(page.status).toBe(502);
      expect(page.headers.get('content-type')).toBe('text/html');
      expect(await page.text()).toContain('<head><title>502 Bad Gateway</title></head>');
      expect(await failureOf(bot.api.getMe())).toBeInstanceOf(HttpError);
      await control.setFault(null);
      expect((await callApi(root, 'getMe')).status).toBe(200);
      const chat = await control.chat(CHAT);
      expect(chat?.messages ?? []).toHaveLength(0); // nothing was applied during the fault
    });

    it('outage (reset): connections close without an answer, logged with status 0; the control API still answers', async () => {
      const { control, root, bot } = await setup();
      await control.setFault({ type: 'outage' });
      await expect(fetch(`${root}/bot${TOKEN}/getMe`)).rejects.toThrow(/fetch failed/);
      expect(await failureOf(bot.api.sendMessage(CHAT, 'lost'))).toBeInstanceOf(HttpError);
      expect((await control.requests()).map((r) => [r.method, r.status])).toEqual([
        ['getMe', 0],
        ['sendMessage', 0],
      ]);
      await control.setFault(null);
      expect((await bot.api.sendMessage(CHAT, 'back')).text).toBe('back');
    });

    it('outage (refused): the port refuses connections until cleared (in-process control only)', async () => {
      const { sandbox, control, root } = await setup();
      const refused: SandboxFault = { type: 'outage', mode: 'refused' };
      if (control !== sandbox) {
        await expect(control.setFault(refused)).rejects.toBeInstanceOf(PermanentError);
        return;
      }
      await control.setFault(refused);
      const error = await failureOf(fetch(`${root}/bot${TOKEN}/getMe`));
      expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
      await control.setFault(null);
      expect((await callApi(root, 'getMe')).status).toBe(200);
    });
  });
}
