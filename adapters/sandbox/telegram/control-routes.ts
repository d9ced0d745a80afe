/**
 * The HTTP control API under `/control/*`: a thin JSON mapping onto SandboxControl, so a demo or a
 * test in another process can drive the sandbox. Bad input answers 400 `{ error }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PermanentError, describeError } from '../../../core/errors.ts';
import {
  clockSchema,
  faultSchema,
  limitsSchema,
  parseWith,
  postMessageSchema,
  pressSchema,
  registerChatSchema,
} from './control-schemas.ts';
import { readJsonBody, writeJson } from './http-json.ts';
import type { SandboxControl } from './sandbox-control.ts';

type Reply = { readonly status: number; readonly body: unknown };
type Route = (control: SandboxControl, body: unknown) => Promise<Reply>;

const found = (body: unknown): Reply => ({ status: 200, body });

function withBody<T>(schema: Parameters<typeof parseWith<T>>[0], run: (value: T) => Promise<unknown>) {
  return async (_control: SandboxControl, body: unknown): Promise<Reply> => {
    const parsed = parseWith(schema, body);
    if (parsed.type === 'invalid') return { status: 400, body: { error: parsed.reason } };
    return found(await run(parsed.value));
  };
}

function routes(control: SandboxControl): Record<string, Route> {
  return {
    'GET /control/chats': async () => found(await control.chats()),
    'POST /control/chats': withBody(registerChatSchema, (input) => control.registerChat(input)),
    'POST /control/messages': withBody(postMessageSchema, (input) => control.postMessage(input)),
    'POST /control/press': withBody(pressSchema, (input) => control.press(input)),
    'GET /control/requests': async () => found(await control.requests()),
    'DELETE /control/requests': async () => found(await control.clearRequests().then(() => ({}))),
    'GET /control/clock': async () => found({ now: await control.now() }),
    'POST /control/clock': withBody(clockSchema, async (input) => ({
      now: await control.advanceClock(input.advanceMs),
    })),
    'GET /control/limits': async () => found(await control.limits()),
    'POST /control/limits': withBody(limitsSchema, (input) => control.setLimits(input)),
    'GET /control/webhook': async () => found(await control.webhook()),
    'GET /control/commands': async () => found(await control.commands()),
    'GET /control/fault': async () => found({ fault: await control.fault() }),
    'POST /control/fault': withBody(faultSchema, async (input) => {
      await control.setFault(input.fault);
      return { fault: input.fault };
    }),
  };
}

const CHAT_PATH = /^\/control\/chats\/(-?\d+)$/;

/** Answers one control request. */
export async function handleControl(
  control: SandboxControl,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    const reply = await route(control, request, url);
    writeJson(response, reply.status, reply.body);
  } catch (error) {
    if (error instanceof PermanentError) writeJson(response, 400, { error: error.message });
    else writeJson(response, 500, { error: describeError(error) });
  }
}

async function route(control: SandboxControl, request: IncomingMessage, url: URL): Promise<Reply> {
  const method = request.method ?? 'GET';
  const chatId = CHAT_PATH.exec(url.pathname)?.[1];
  if (chatId !== undefined && method === 'GET') {
    const view = await control.chat(Number(chatId));
    return view
      ? found(view)
      : { status: 404, body: { error: `chat ${chatId} is not known to the sandbox` } };
  }
  const handler = routes(control)[`${method} ${url.pathname}`];
  if (!handler) return { status: 404, body: { error: `no control route ${method} ${url.pathname}` } };
  const body = await readJsonBody(request);
  if (body.type === 'invalid') return { status: 400, body: { error: body.reason } };
  return handler(control, body.value);
}
