/** One reconciler pass: what it changed (or, dry, would change), and what it skipped and why. */
export interface ReconcileReport {
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly examined: number;
  readonly unblocked: readonly { readonly taskId: string; readonly reason: string }[];
  readonly skipped: readonly { readonly taskId: string; readonly reason: string }[];
}

/** Runs reconciler passes on demand (`/reconcile`, `/reconcile dry`). */
export interface ReconcilerPort {
  runPass(options: { dryRun: boolean; actor: string }): Promise<ReconcileReport>;
}
