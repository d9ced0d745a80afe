/**
 * `docs/work-items/<ID>/15-deploy-report.md` (design §10): frontmatter `deploy_status`, `image`,
 * `image_id`, `revision`, `previous_image`, then what the hook and the health loop did, and a last
 * line `VERDICT: SUCCESS` or `VERDICT: FAILED`. Pure; values are written as plain text (the file is
 * markdown in the repository, never sent with a parse mode).
 */

/** What the report tells. */
export interface DeployReportInput {
  readonly taskId: string;
  readonly status: 'SUCCESS' | 'FAILED';
  /** `<deploy.image>:<sha>` */
  readonly image: string;
  readonly imageId: string;
  readonly revision: string;
  readonly previousImage: string | null;
  /** One line per step, in order (`hook: exit 0 in 12 s`, `health: 3 in a row after 4 probes`). */
  readonly steps: readonly string[];
  /** Why it failed; null on SUCCESS. */
  readonly reason: string | null;
  /** The hook's output tail. */
  readonly hookOutput: string;
}

/** The report's file name inside the task's artefacts folder. */
export const DEPLOY_REPORT_FILE = '15-deploy-report.md';

export function renderDeployReport(input: DeployReportInput): string {
  const lines = [
    '---',
    `deploy_status: ${input.status}`,
    `image: ${oneLine(input.image)}`,
    `image_id: ${oneLine(input.imageId)}`,
    `revision: ${oneLine(input.revision)}`,
    `previous_image: ${oneLine(input.previousImage ?? '')}`,
    '---',
    '',
    `# Deploy report: ${oneLine(input.taskId)}`,
    '',
    ...input.steps.map((step) => `- ${oneLine(step)}`),
  ];
  if (input.reason) lines.push('', `Reason: ${oneLine(input.reason)}`);
  if (input.hookOutput.trim()) lines.push('', 'Hook output (tail):', '', fence(input.hookOutput.trimEnd()));
  lines.push('', `VERDICT: ${input.status}`, '');
  return lines.join('\n');
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** A code fence longer than any backtick run inside, so the output cannot close it early. */
function fence(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}\n${text}\n${marks}`;
}
