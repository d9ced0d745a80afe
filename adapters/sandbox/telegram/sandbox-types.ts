/**
 * The shapes the Telegram sandbox shows to tests and the demo: chats and messages as members see
 * them, the request log, and the control surface shared by the in-process sandbox and the HTTP client.
 */
import type { MessageEntity } from 'grammy/types';

/** Flood limits; the sandbox counts sendMessage and edits against all three. */
export interface RateLimits {
  /** Accepted calls per chat within any one-second window. */
  readonly perChatPerSecond: number;
  /** Accepted calls per group chat (negative id) within any one-minute window. */
  readonly perGroupPerMinute: number;
  /** Accepted calls across all chats within any one-second window. */
  readonly globalPerSecond: number;
}

/** Telegram's published limits: 1 message/s per chat, 20/min per group, 30/s overall. */
export const TELEGRAM_DEFAULT_LIMITS: RateLimits = Object.freeze({
  perChatPerSecond: 1,
  perGroupPerMinute: 20,
  globalPerSecond: 30,
});

/** The Bot API methods that count against the flood limits. */
export const RATE_LIMITED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
]);

/** The chat kinds the sandbox plays (no channels). */
export type SandboxChatType = 'private' | 'group' | 'supergroup';

/** A person in the sandbox (never a bot). */
export interface SandboxUser {
  readonly id: number;
  readonly first_name: string;
  readonly username?: string;
}

/** A chat the sandbox knows; for a private chat `title` is the other person's first name. */
export interface SandboxChat {
  readonly id: number;
  readonly type: SandboxChatType;
  readonly title: string;
  readonly username?: string;
}

/** What registering a chat needs; type defaults from the id's sign, title from the id. */
export interface RegisterChatInput {
  readonly id: number;
  readonly type?: SandboxChatType;
  readonly title?: string;
  readonly username?: string;
}

/** One inline keyboard button as members see it. */
export interface SandboxButton {
  readonly text: string;
  readonly callback_data?: string;
  readonly url?: string;
  /** A Mini App button (private chats only on Telegram; https only). */
  readonly web_app?: { readonly url: string };
}

/** A version of a message that an edit replaced, and when. */
export interface MessageRevision {
  readonly text: string;
  readonly plain: string;
  readonly buttons: SandboxButton[][];
  readonly replacedAt: number;
}

/** A message as the chat's members see it (times are sandbox-clock milliseconds). */
export interface SandboxMessage {
  readonly messageId: number;
  readonly chatId: number;
  readonly from: SandboxUser & { readonly is_bot: boolean };
  /** The text exactly as sent (HTML source in HTML mode). */
  readonly text: string;
  /** The visible text: tags stripped, HTML entities decoded. */
  readonly plain: string;
  readonly parseMode?: 'HTML';
  readonly entities: MessageEntity[];
  readonly buttons: SandboxButton[][];
  /** Sent with `disable_notification`. */
  readonly silent: boolean;
  readonly linkPreviewDisabled: boolean;
  readonly sentAt: number;
  readonly editedAt?: number;
  readonly edits: MessageRevision[];
  readonly deleted: boolean;
  readonly deletedAt?: number;
}

/** A chat and its messages, oldest first, deleted ones included and flagged. */
export interface ChatView {
  readonly chat: SandboxChat;
  readonly messages: SandboxMessage[];
}

/** One Bot API request the sandbox answered. */
export interface RequestLogEntry {
  readonly seq: number;
  readonly method: string;
  readonly chatId?: number;
  readonly messageId?: number;
  /** Sandbox-clock milliseconds when the request was decided. */
  readonly at: number;
  /** The HTTP status of the answer: 200 means the call was applied; 0 means the connection was closed unanswered (an outage). */
  readonly status: number;
  readonly description?: string;
  readonly retryAfter?: number;
}

/** A person posting a text message (a `message` update). */
export interface PostMessageInput {
  readonly chatId: number;
  /** Used when the chat is new to the sandbox. */
  readonly chatType?: SandboxChatType;
  readonly chatTitle?: string;
  readonly from: SandboxUser;
  readonly text: string;
}

/** The ids a posted message and its update got. */
export interface PostedMessage {
  readonly messageId: number;
  readonly updateId: number;
}

/** A person pressing an inline button (a `callback_query` update). */
export interface PressInput {
  readonly chatId: number;
  readonly messageId: number;
  readonly from: SandboxUser;
  readonly data: string;
  /** How long to wait (wall-clock ms) for the bot's answerCallbackQuery; default 5000. */
  readonly timeoutMs?: number;
}

/** What the person saw after pressing: the bot's answer, if it came in time. */
export interface PressResult {
  readonly queryId: string;
  readonly updateId: number;
  readonly answered: boolean;
  readonly text?: string;
  readonly show_alert?: boolean;
}

/** The webhook as the sandbox sees it; url is '' when none is set. */
export interface WebhookState {
  readonly url: string;
  readonly hasSecret: boolean;
  readonly pendingUpdateCount: number;
  readonly deliveredCount: number;
  readonly lastErrorMessage?: string;
}

/** One setMyCommands list: scope (default `{ type: 'default' }`), language ('' for all). */
export interface BotCommandSet {
  readonly scope: unknown;
  readonly languageCode: string;
  readonly commands: { command: string; description: string }[];
}

/**
 * A fault the sandbox plays until cleared, answered exactly as the real Bot API (or the network in
 * front of it) answers. Setting one ends a waiting long poll with the fault's answer.
 */
export type SandboxFault =
  /** getUpdates answers 409 "Conflict: terminated by other getUpdates request; …" (another instance polls). */
  | { readonly type: 'conflict' }
  /** Every method answers 401 Unauthorized (the token was revoked). */
  | { readonly type: 'unauthorized' }
  /** Every method answers a 5xx (default 502): Telegram's JSON error, or with `html` nginx's error page. */
  | { readonly type: 'server-error'; readonly status?: 500 | 502 | 503 | 504; readonly html?: boolean }
  /**
   * The Bot API is unreachable: `reset` (default) closes each connection without an answer;
   * `refused` stops listening, so connections are refused (the control API too: in-process control only).
   */
  | { readonly type: 'outage'; readonly mode?: 'reset' | 'refused' };

/**
 * What a test or the demo can do to the sandbox. The in-process sandbox and
 * `TelegramSandboxClient` (over HTTP) both implement it. Misuse (pressing a button
 * that does not exist) rejects with a PermanentError.
 */
export interface TelegramSandboxControl {
  registerChat(input: RegisterChatInput): Promise<SandboxChat>;
  chats(): Promise<SandboxChat[]>;
  /** The chat as members see it, or undefined when the sandbox does not know it. */
  chat(chatId: number): Promise<ChatView | undefined>;
  postMessage(input: PostMessageInput): Promise<PostedMessage>;
  press(input: PressInput): Promise<PressResult>;
  requests(): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  /** The sandbox clock in epoch milliseconds. */
  now(): Promise<number>;
  /** Moves the sandbox clock forward; returns the new time. */
  advanceClock(ms: number): Promise<number>;
  limits(): Promise<RateLimits>;
  setLimits(limits: Partial<RateLimits>): Promise<RateLimits>;
  webhook(): Promise<WebhookState>;
  commands(): Promise<BotCommandSet[]>;
  /** Plays `fault` from now on (null: the Bot API answers normally again). */
  setFault(fault: SandboxFault | null): Promise<void>;
  /** The fault being played, if any. */
  fault(): Promise<SandboxFault | null>;
}
