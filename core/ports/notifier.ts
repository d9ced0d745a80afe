import type { OutboxMessage } from '../notify/outbox-message.ts';

/**
 * Delivers outbox messages to people. `deliver` resolves only once the message is accepted
 * (the outbox row is marked done afterwards, so a crash re-delivers, never loses).
 * Throw RetryableError to be called again later (with its delay, if it has one).
 *
 * `signal` is the drain stopping: a delivery still waiting to send (for a rate-limit slot) rejects
 * with an AbortError and sends nothing; a send already under way is finished, never cut off.
 */
export interface NotifierPort {
  deliver(message: OutboxMessage, signal?: AbortSignal): Promise<void>;
}
