/**
 * The production approval message (design §10): title, staging verdict and waived checks, the
 * image (staging ref, id, production tag) and revision, links, and `[✅ Deploy] [❌ Reject]` while
 * pending; after the decision who took it, and no buttons. Every interpolated value is escaped.
 * Rendering only: the bot signs the buttons' callback data when it sends the message.
 */
import type { Locale } from '../../core/config/config.ts';
import type { ApprovalRow } from '../../core/store/approval-repo.ts';
import { escapeHtml, plain } from './escape-html.ts';
import { deployLabelsFor } from './deploy-labels.ts';
import { isPublicUrl } from '../../core/links/public-url.ts';
import type { CardFormat } from './render-card.ts';

/** What the production approval message shows. */
export interface DeployApprovalView {
  readonly taskId: string;
  readonly title: string;
  readonly staging: { readonly verdict: 'SUCCESS' | 'FAILED'; readonly waived: readonly string[] };
  /** The validated staging image: its ref (`conveyor/shop:<sha>`) and id (`sha256:…`). */
  readonly image: { readonly ref: string; readonly id: string };
  /** `<deploy.image>:<sha>`. */
  readonly targetImage: string;
  readonly revision: string;
  readonly fourEyes: boolean;
  readonly links: {
    readonly tracker: string | null;
    /** The tracker link's label (default Plane). */
    readonly trackerName?: string;
    readonly pr: string | null;
    readonly report: string | null;
  };
}

/** A button of the message; the bot turns `action` into signed callback data. */
export interface DeployApprovalButton {
  readonly text: string;
  readonly action: 'approve' | 'reject';
}

export interface RenderedDeployApproval {
  readonly text: string;
  /** Empty once decided: the edited message loses its buttons. */
  readonly buttons: readonly DeployApprovalButton[];
}

export function renderDeployApproval(
  view: DeployApprovalView,
  approval: Pick<ApprovalRow, 'state' | 'decidedBy' | 'decidedByName' | 'decidedAt' | 'reason'>,
  locale: Locale,
  format: CardFormat,
  timeZone = 'UTC',
): RenderedDeployApproval {
  const esc = format === 'html' ? escapeHtml : plain;
  const code = (value: string) => (format === 'html' ? `<code>${escapeHtml(value)}</code>` : value);
  const L = deployLabelsFor(locale);
  const id = format === 'html' ? `<b>${esc(view.taskId)}</b>` : view.taskId;
  const lines = [`${L.ready} — ${id} · ${esc(view.title)}`, ''];
  const verdict = view.staging.verdict === 'SUCCESS' ? L.stagingPassed : L.stagingFailed;
  const waived = view.staging.waived.length > 0 ? ` (${L.waived(esc(view.staging.waived.join(', ')))})` : '';
  lines.push(`${verdict}${waived}`);
  lines.push(
    `${L.image}: ${code(view.image.ref)} · ${L.imageId} ${code(shortId(view.image.id))} · ${L.target} ${code(view.targetImage)}`,
  );
  lines.push(`${L.revision}: ${code(view.revision)}`);
  if (view.fourEyes) lines.push(L.fourEyes);
  const links = linkParts(view.links, format, L.stagingReport);
  if (links.length > 0) lines.push(`🔗 ${links.join(' · ')}`);
  if (approval.state !== 'pending' && approval.decidedAt) {
    const at = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(
      approval.decidedAt,
    );
    const who = esc(approval.decidedByName ?? approval.decidedBy ?? '?');
    lines.push('', approval.state === 'approved' ? L.deployedBy(who, at) : L.rejectedBy(who, at));
    if (approval.reason) lines.push(esc(approval.reason));
  }
  const buttons: DeployApprovalButton[] =
    approval.state === 'pending'
      ? [
          { text: L.deploy, action: 'approve' },
          { text: L.reject, action: 'reject' },
        ]
      : [];
  return { text: lines.join('\n').trimEnd(), buttons };
}

/** `sha256:` and the first 12 hex digits, as `docker images` shows ids. */
function shortId(id: string): string {
  return id.replace(/^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/, 'sha256:$2');
}

function linkParts(links: DeployApprovalView['links'], format: CardFormat, reportName: string): string[] {
  const named: [string, string | null][] = [
    [links.trackerName ?? 'Plane', links.tracker],
    ['PR', links.pr],
    [reportName, links.report],
  ];
  return named
    .filter((entry): entry is [string, string] => isPublicUrl(entry[1]))
    .map(([name, url]) =>
      format === 'html' ? `<a href="${escapeHtml(url)}">${name}</a>` : `${name} ${url}`,
    );
}
