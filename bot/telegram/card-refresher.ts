/**
 * While an agent runs, nothing happens in the store, yet its card's elapsed time and last log line
 * move on. Once a minute (design §7: at most once a minute) this writes a `card` outbox row for each
 * task with a running agent job or an active deploy job; the drain and the card publisher do the rest, and skip the edit
 * when the render did not change. A task that already has a card row waiting gets no second one.
 */
import { describeError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { JobQueue } from '../../core/queue/job-queue.ts';
import type { Store } from '../../core/store/store.ts';
import { addOutbox } from '../../core/store/outbox-repo.ts';

export const CARD_REFRESH_MS = 60_000;

export interface CardRefresherDeps {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Between refreshes; default one minute. */
  readonly intervalMs?: number;
  /** Told after a tick queued rows (wakes the outbox drain). */
  readonly onQueued?: () => void;
}

export class CardRefresher {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: CardRefresherDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.deps.intervalMs ?? CARD_REFRESH_MS);
    this.timer.unref?.();
  }

  private async refresh(): Promise<void> {
    try {
      if ((await this.tick()) > 0) this.deps.onQueued?.();
    } catch (error) {
      this.deps.logger.warn({ error: describeError(error) }, 'card refresh failed');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Queue a card row for every task whose agent is running; returns how many were queued. */
  async tick(): Promise<number> {
    const { store, queue, clock } = this.deps;
    const running = new Set(
      (await queue
        .active())
        .flatMap((job) =>
          // A deploy job sits queued (deferred) while a self-deploy's detached hook runs.
          (job.kind === 'agent' && job.state === 'running') || job.kind === 'deploy' ? (job.taskId ? [job.taskId] : []) : [],
        ),
    );
    if (running.size === 0) return 0;
    const now = clock.now();
    return await store.transaction(async (tx) => {
      let queued = 0;
      for (const taskId of running) {
        if (await tx.read.outbox.hasPendingCard(taskId)) continue;
        await addOutbox(tx, 'card', taskId, { reason: 'refresh' }, now);
        queued += 1;
      }
      return queued;
    });
  }
}
