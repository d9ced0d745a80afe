import type { OutboxMessage } from '../notify/outbox-message.ts';

/**
 * Delivers outbox messages to people. `deliver` resolves only once the message is accepted
 * (the outbox row is marked done afterwards, so a crash re-delivers, never loses).
 * Throw RetryableError to be called again later (with its delay, if it has one).
 */
export interface NotifierPort {
  deliver(message: OutboxMessage): Promise<void>;
}
