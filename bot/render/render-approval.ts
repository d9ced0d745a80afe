/** The approval message (design §7): BRD summary, links, then the decision once taken. */
import type { Locale } from '../../core/config/config.ts';
import type { ApprovalRow } from '../../core/store/approval-repo.ts';
import type { Task } from '../../core/domain/task.ts';
import { escapeHtml, plain } from './escape-html.ts';
import { localizeEvent } from './event-text.ts';
import { labelsFor } from './labels.ts';
import { markdownToTelegramHtml, visibleLength } from './markdown-html.ts';
import type { CardFormat } from './render-card.ts';
import { isPublicUrl } from '../../core/links/public-url.ts';
import { trackerName } from './tracker-name.ts';

/** Links of the approval message; each is shown only when it passes `isPublicUrl`. */
export interface ApprovalLinks {
  readonly brd: string | null;
  readonly tracker: string | null;
}

export function renderApproval(
  task: Task,
  approval: ApprovalRow,
  links: ApprovalLinks,
  locale: Locale,
  format: CardFormat,
  timeZone = 'UTC',
): string {
  const esc = format === 'html' ? escapeHtml : plain;
  const L = labelsFor(locale);
  const decidedAt = approval.state !== 'pending' ? approval.decidedAt : null;
  const heading = decidedAt ? L.brdDecided(approval.state === 'approved') : L.brdReady;
  const lines = [`${heading} — ${format === 'html' ? `<b>${esc(task.id)}</b>` : task.id} · ${esc(task.title)}`, ''];
  const summary = approval.summary.trim();
  if (summary) lines.push(format === 'html' ? '<brd>' : summary, '');
  const linkParts: string[] = [];
  if (isPublicUrl(links.brd)) linkParts.push(format === 'html' ? `<a href="${escapeHtml(links.brd)}">BRD</a>` : `BRD ${links.brd}`);
  const tracker = trackerName(task);
  if (isPublicUrl(links.tracker)) linkParts.push(format === 'html' ? `<a href="${escapeHtml(links.tracker)}">${tracker}</a>` : `${tracker} ${links.tracker}`);
  if (linkParts.length > 0) lines.push(`🔗 ${linkParts.join(' · ')}`);
  if (decidedAt) {
    const at = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(decidedAt);
    const who = esc(approval.decidedByName ?? approval.decidedBy ?? '?');
    lines.push(approval.state === 'approved' ? L.approvedBy(who, at) : L.rejectedBy(who, at));
    if (approval.reason) lines.push(esc(localizeEvent(approval.reason, locale)));
  }
  const text = lines.join('\n').trimEnd();
  // A placeholder no escaped value can contain ("<" is always escaped). The BRD excerpt gets what the rest of the message leaves of Telegram's limit.
  return format === 'html' && summary ? text.replace('<brd>', () => markdownToTelegramHtml(summary, MESSAGE_LIMIT - visibleLength(text.replace('<brd>', '')))) : text;
}

/** Telegram's limit on a message's visible text (after entity parsing), with room for safety. */
const MESSAGE_LIMIT = 4000;
