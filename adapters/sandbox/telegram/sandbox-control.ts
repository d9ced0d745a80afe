/**
 * The control surface run in-process: people post and press, tests read chats and the request log,
 * move the clock and change the limits. The HTTP control API and `TelegramSandboxClient` mirror it.
 */
import type { MessageEntity, Update } from 'grammy/types';
import { PermanentError } from '../../../core/errors.ts';
import type { SandboxState } from './sandbox-state.ts';
import type {
  BotCommandSet,
  ChatView,
  PostedMessage,
  PostMessageInput,
  PressInput,
  PressResult,
  RateLimits,
  RegisterChatInput,
  RequestLogEntry,
  SandboxChat,
  SandboxFault,
  TelegramSandboxControl,
  WebhookState,
} from './sandbox-types.ts';
import { telegramMessage, telegramUser } from './telegram-objects.ts';

const DEFAULT_PRESS_TIMEOUT_MS = 5000;

const COMMAND = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?/;

/** TelegramSandboxControl over a sandbox's state, in the same process. */
export class SandboxControl implements TelegramSandboxControl {
  constructor(protected readonly state: SandboxState) {}

  async registerChat(input: RegisterChatInput): Promise<SandboxChat> {
    return this.state.chats.register(input);
  }

  async chats(): Promise<SandboxChat[]> {
    return this.state.chats.list();
  }

  async chat(chatId: number): Promise<ChatView | undefined> {
    return this.state.chats.view(chatId);
  }

  async postMessage(input: PostMessageInput): Promise<PostedMessage> {
    const { chats, updates, clock } = this.state;
    if (input.text === '') throw new PermanentError(`posting to chat ${input.chatId}: the text is empty`);
    const chat =
      chats.get(input.chatId) ??
      chats.register({
        id: input.chatId,
        ...(input.chatType ? { type: input.chatType } : {}),
        title:
          input.chatTitle ??
          (input.chatType === 'private' || input.chatId > 0 ? input.from.first_name : undefined),
      });
    const command = COMMAND.exec(input.text);
    const entities: MessageEntity[] = command
      ? [{ type: 'bot_command', offset: 0, length: command[0].length }]
      : [];
    const message = chats.append(chat.id, {
      from: { ...input.from, is_bot: false },
      text: input.text,
      plain: input.text,
      entities,
      buttons: [],
      silent: false,
      linkPreviewDisabled: false,
      sentAt: clock.now(),
    });
    // A private or group chat, never a channel, which is what Update['message'] promises.
    const update = { message: telegramMessage(message, chat) as NonNullable<Update['message']> };
    const updateId = updates.push(update);
    return { messageId: message.messageId, updateId };
  }

  async press(input: PressInput): Promise<PressResult> {
    const { chats, callbacks, updates, clock, bot } = this.state;
    const doing = `pressing "${input.data}" on message ${input.messageId} in chat ${input.chatId}`;
    const chat = chats.get(input.chatId);
    if (!chat) throw new PermanentError(`${doing}: the sandbox does not know the chat`);
    const message = chats.live(chat.id, input.messageId);
    if (!message) throw new PermanentError(`${doing}: no such message (or it was deleted)`);
    if (!message.buttons.some((row) => row.some((button) => button.callback_data === input.data))) {
      throw new PermanentError(`${doing}: the message has no button with that callback_data`);
    }
    const query = callbacks.create(clock.now());
    const updateId = updates.push({
      callback_query: {
        id: query.id,
        from: telegramUser({ ...input.from, is_bot: false }),
        message: telegramMessage(message, chat),
        chat_instance: `${Math.abs(chat.id)}${bot.id % 1000}`,
        data: input.data,
      },
    });
    const answer = await withTimeout(query.answer, input.timeoutMs ?? DEFAULT_PRESS_TIMEOUT_MS);
    return {
      queryId: query.id,
      updateId,
      answered: answer !== undefined,
      ...(answer?.text !== undefined ? { text: answer.text } : {}),
      ...(answer?.show_alert !== undefined ? { show_alert: answer.show_alert } : {}),
    };
  }

  async requests(): Promise<RequestLogEntry[]> {
    return this.state.log.list();
  }

  async clearRequests(): Promise<void> {
    this.state.log.clear();
  }

  async now(): Promise<number> {
    return this.state.clock.now();
  }

  async advanceClock(ms: number): Promise<number> {
    return this.state.clock.advance(ms);
  }

  async limits(): Promise<RateLimits> {
    return this.state.limiter.limits();
  }

  async setLimits(limits: Partial<RateLimits>): Promise<RateLimits> {
    return this.state.limiter.setLimits(limits);
  }

  async webhook(): Promise<WebhookState> {
    return this.state.webhook.state();
  }

  async commands(): Promise<BotCommandSet[]> {
    return structuredClone([...this.state.commands.values()]);
  }

  async setFault(fault: SandboxFault | null): Promise<void> {
    if (fault?.type === 'outage' && fault.mode === 'refused') {
      throw new PermanentError('an outage that refuses connections needs the in-process sandbox (the control API would be refused too)');
    }
    this.state.setFault(fault);
  }

  async fault(): Promise<SandboxFault | null> {
    return this.state.fault;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
