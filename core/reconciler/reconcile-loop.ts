/** Runs reconciler passes every interval, started and stopped with the process. */
import { describeError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { ReconcilerPort } from '../ports/reconciler.ts';

export class ReconcileLoop {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly reconciler: ReconcilerPort,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.reconciler
        .runPass({ dryRun: false, actor: 'reconciler' })
        .catch((error: unknown) => this.logger.error({ error: describeError(error) }, 'reconciler pass failed'))
        .finally(() => {
          this.current = null;
          this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
