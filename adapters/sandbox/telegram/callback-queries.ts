/**
 * Button presses waiting for the bot's answerCallbackQuery. A query can be answered once and only
 * while it is fresh on the sandbox clock; afterwards Telegram calls it "too old".
 */

/** What the bot answered to a press. */
export interface CallbackAnswer {
  readonly text?: string;
  readonly show_alert?: boolean;
}

/** Whether answerCallbackQuery was accepted. */
export type AnswerOutcome = { readonly type: 'answered' } | { readonly type: 'invalid' };

/** A press just made: its query id, and its answer (undefined if it never came or came too late). */
export interface OpenedQuery {
  readonly id: string;
  readonly answer: Promise<CallbackAnswer | undefined>;
}

interface OpenQuery {
  readonly pressedAt: number;
  readonly settle: (answer: CallbackAnswer | undefined) => void;
}

// Telegram's query ids are long decimal strings; a fixed base keeps ours recognisable.
const ID_BASE = 4_209_000_000_000_000;

/** Open button presses by query id. */
export class CallbackQueries {
  private readonly open = new Map<string, OpenQuery>();
  private counter = 0;

  /** @param ttlMs how long (sandbox clock) the bot has to answer a press. */
  constructor(private readonly ttlMs: number) {}

  /** Opens a query for a press made at `pressedAt`. */
  create(pressedAt: number): OpenedQuery {
    const id = String(ID_BASE + ++this.counter);
    const answer = new Promise<CallbackAnswer | undefined>((settle) =>
      this.open.set(id, { pressedAt, settle }),
    );
    return { id, answer };
  }

  /** Records the bot's answer if the query exists, is unanswered and not too old. */
  answer(id: string, answer: CallbackAnswer, now: number): AnswerOutcome {
    const query = this.open.get(id);
    if (!query) return { type: 'invalid' };
    this.open.delete(id);
    if (now - query.pressedAt > this.ttlMs) {
      query.settle(undefined);
      return { type: 'invalid' };
    }
    query.settle(answer);
    return { type: 'answered' };
  }

  /** Settles every waiting press unanswered (the sandbox is closing). */
  closeAll(): void {
    for (const query of this.open.values()) query.settle(undefined);
    this.open.clear();
  }
}
