/**
 * The chats the sandbox knows and their messages as members see them: ids increase per chat, edits
 * keep the versions they replaced, deleted messages stay listed with a flag so tests can see them go.
 */
import type { MessageEntity } from 'grammy/types';
import type {
  ChatView,
  MessageRevision,
  RegisterChatInput,
  SandboxButton,
  SandboxChat,
  SandboxMessage,
} from './sandbox-types.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A stored message; only the store mutates it. */
export type StoredMessage = Mutable<SandboxMessage>;

/** The fields a new message brings. */
export type MessageDraft = Omit<
  SandboxMessage,
  'messageId' | 'chatId' | 'edits' | 'deleted' | 'editedAt' | 'deletedAt'
>;

/** What an edit replaces. */
export interface MessageContent {
  readonly text: string;
  readonly plain: string;
  readonly parseMode?: 'HTML';
  readonly entities: MessageEntity[];
  readonly buttons: SandboxButton[][];
}

interface ChatRecord {
  chat: SandboxChat;
  readonly messages: StoredMessage[];
  nextMessageId: number;
}

/** The sandbox's chats and their messages; hands out copies, never its own records. */
export class ChatStore {
  private readonly records = new Map<number, ChatRecord>();

  /** Adds the chat or updates its type, title and username; returns it. */
  register(input: RegisterChatInput): SandboxChat {
    const existing = this.records.get(input.id);
    const type = input.type ?? existing?.chat.type ?? (input.id < 0 ? 'supergroup' : 'private');
    const title =
      input.title ?? existing?.chat.title ?? (type === 'private' ? `User ${input.id}` : `Chat ${input.id}`);
    const username = input.username ?? existing?.chat.username;
    const chat: SandboxChat = Object.freeze({ id: input.id, type, title, ...(username ? { username } : {}) });
    if (existing) existing.chat = chat;
    else this.records.set(input.id, { chat, messages: [], nextMessageId: 1 });
    return chat;
  }

  get(chatId: number): SandboxChat | undefined {
    return this.records.get(chatId)?.chat;
  }

  /** Finds the chat a `chat_id` parameter names: a number, a numeric string or `@username`. */
  resolve(ref: unknown): SandboxChat | undefined {
    if (typeof ref === 'number') return this.get(ref);
    if (typeof ref !== 'string') return undefined;
    if (ref.startsWith('@')) {
      const username = ref.slice(1).toLowerCase();
      return this.list().find((chat) => chat.username?.toLowerCase() === username);
    }
    return /^-?\d+$/.test(ref) ? this.get(Number(ref)) : undefined;
  }

  list(): SandboxChat[] {
    return [...this.records.values()].map((record) => record.chat);
  }

  /** Appends a message to a known chat with the chat's next message id. */
  append(chatId: number, draft: MessageDraft): StoredMessage {
    const record = this.records.get(chatId);
    if (!record) throw new Error(`appending to chat ${chatId}: the sandbox does not know it`);
    const message: StoredMessage = {
      ...draft,
      messageId: record.nextMessageId++,
      chatId,
      edits: [],
      deleted: false,
    };
    record.messages.push(message);
    return message;
  }

  /** A message that has not been deleted. */
  live(chatId: number, messageId: number): StoredMessage | undefined {
    const message = this.records.get(chatId)?.messages.find((m) => m.messageId === messageId);
    return message && !message.deleted ? message : undefined;
  }

  /** Replaces the message's content, keeping the old version in its edit history. */
  revise(message: StoredMessage, content: MessageContent, at: number): void {
    const previous: MessageRevision = {
      text: message.text,
      plain: message.plain,
      buttons: message.buttons,
      replacedAt: at,
    };
    message.edits.push(previous);
    Object.assign(message, content, { editedAt: at });
    if (!content.parseMode) delete message.parseMode;
  }

  markDeleted(message: StoredMessage, at: number): void {
    message.deleted = true;
    message.deletedAt = at;
  }

  /** A copy of the chat and its messages, safe to hand out. */
  view(chatId: number): ChatView | undefined {
    const record = this.records.get(chatId);
    return record ? structuredClone({ chat: record.chat, messages: record.messages }) : undefined;
  }
}
