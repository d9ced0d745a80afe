/**
 * What the demo prints after the run: the chat as its members saw it, the summary, the staging
 * verdict and the image's trail to production, one line about the webhooks, what Plane and Gitea
 * saw, a metrics excerpt, the verdict, and what to try next.
 */

/** Everything gathered while the demo ran, ready to print. */
export interface DemoFindings {
  readonly chatTitle: string;
  /** Whose closing look `world` is ("Plane and Gitea", "GitHub"). */
  readonly systems: string;
  readonly transcript: string;
  readonly summary: string;
  readonly taskId: string | null;
  /** Staging report lines; null when staging was skipped. */
  readonly staging: readonly string[] | null;
  /** The image id at staging and in production; null without a deploy. */
  readonly images: readonly string[] | null;
  readonly webhooks: string;
  /** Where the full webhook list was written (only when the folder is kept). */
  readonly webhookFile: string | null;
  readonly world: string;
  readonly metricsUrl: string;
  readonly metrics: string;
  readonly problems: readonly string[];
  readonly ok: boolean;
  readonly finalStage: string | null;
}

export function printFindings(f: DemoFindings, write: (text: string) => void): void {
  write(`\nThe chat "${f.chatTitle}" as its members see it:\n${f.transcript}${f.summary}`);
  if (f.staging) write(`\nStaging report (docs/work-items/${f.taskId ?? '?'}/14-staging-report.md):\n${f.staging.map((l) => `  ${l}\n`).join('') || '  (no report on main)\n'}`);
  if (f.images) write(`\nThe image, staging to production (from the engine):\n${f.images.map((l) => `${l}\n`).join('')}`);
  write(`\nWebhooks: ${f.webhooks}${f.webhookFile ? `; each one: ${f.webhookFile}` : ''}\n`);
  write(`\nWhat ${f.systems} saw:\n${f.world}\nFrom ${f.metricsUrl}/metrics:\n${f.metrics}`);
  for (const problem of f.problems) write(`⚠️  ${problem}\n`);
  write(`\n${f.ok ? '✅ task reached done' : `❌ task did not reach done (${f.finalStage ?? 'no task'})`}\n`);
}

/** The closing lines: where to go from here (README sections and commands). */
export function nextSteps(kept: boolean): string {
  return (
    '\nNext:\n' +
    '  · npx conveyor sandbox, then npx conveyor start: the same stand-ins, and you press the buttons (README "Try `start` against the stand-ins")\n' +
    '  · README "Run it for real" and "Configuration": your own bot, chat, Gitea, Plane and projects file\n' +
    (kept ? '' : '  · npm run demo -- --keep: keep this run\'s database and work tree to look inside\n')
  );
}
