/**
 * The demo's record of webhooks: what Gitea, Plane or GitHub sent, what the listener answered, and what
 * the inbox processor made of each delivery (in processing order, which is arrival order).
 */
import type { DeliveryResult } from '../../core/inbound/delivery-effects.ts';
import type { EngineOutcome } from '../../core/engine/outcome.ts';
import type { InboxRow } from '../../core/store/inbox-repo.ts';

/** One webhook as its sender saw it. */
export interface WebhookSent {
  readonly source: 'gitea' | 'plane' | 'github';
  readonly deliveryId: string;
  /** A short description (`push task/SHOP-1 1a2b3c4`). */
  readonly what: string;
  /** The listener's HTTP status and body. */
  readonly status: number;
  readonly answer: string;
}

const SENDERS = { gitea: 'Gitea', plane: 'Plane', github: 'GitHub' } as const;

/** Collects sends and processing results; renders them side by side. */
export class WebhookLog {
  private readonly sent = new Map<string, WebhookSent>();
  private readonly processed: { row: InboxRow; result: DeliveryResult }[] = [];

  /** A sender's view of one delivery. */
  record(sent: WebhookSent): void {
    this.sent.set(`${sent.source}:${sent.deliveryId}`, sent);
  }

  /** The processor's result for one stored delivery (InboxProcessor's `onProcessed`). */
  onProcessed(row: InboxRow, result: DeliveryResult): void {
    this.processed.push({ row, result });
  }

  /** Deliveries the processor handled; `sent` is consulted for what the sender said and heard. */
  render(): string {
    const lines = this.processed.map(({ row, result }) => {
      const sent = this.sent.get(`${row.source}:${row.deliveryId}`);
      const what = sent?.what ?? (row.source === 'plane' ? describePlaneDelivery(row.payload) : row.event);
      const answer = sent ? `${sent.status} ${statusWord(sent.answer)}` : 'stored';
      return `  ${row.source.padEnd(5)} ${fit(what, 56)} → ${answer.padEnd(12)} → ${describeResult(result)}`;
    });
    return `${lines.join('\n')}\n`;
  }

  /** One line with counts: how many came from where, and what they did to the task. */
  summary(): string {
    const from = { gitea: 0, plane: 0, github: 0 };
    const did = { created: 0, moved: 0, nothing: 0 };
    for (const { row, result } of this.processed) {
      from[row.source === 'plane' || row.source === 'github' ? row.source : 'gitea'] += 1;
      did[effectOf(result)] += 1;
    }
    const refused = [...this.sent.values()].filter((s) => s.status >= 300).length;
    const senders = (['gitea', 'plane', 'github'] as const).filter((source) => from[source] > 0).map((source) => `${SENDERS[source]} ${from[source]}`);
    return (
      `${this.processed.length} signed webhooks (${senders.join(', ')}) verified, stored and processed${refused > 0 ? `, ${refused} refused` : ''}: ` +
      `${did.created} created the task, ${did.moved} moved it, ${did.nothing} needed nothing (CI statuses of commits already past, Conveyor's own changes echoed back)`
    );
  }

  /** How many deliveries were processed. */
  get count(): number {
    return this.processed.length;
  }
}

function effectOf(result: DeliveryResult): 'created' | 'moved' | 'nothing' {
  if (result.type !== 'handled') return 'nothing';
  if (result.events.some((e) => e.outcome.type === 'created')) return 'created';
  return result.events.some((e) => e.outcome.type === 'applied' && e.outcome.transitions > 0) ? 'moved' : 'nothing';
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function statusWord(answer: string): string {
  try {
    const parsed = JSON.parse(answer) as { status?: unknown };
    return typeof parsed.status === 'string' ? parsed.status : '';
  } catch {
    return '';
  }
}

function describeResult(result: DeliveryResult): string {
  if (result.type !== 'handled') return `${result.type}: ${result.reason}`;
  return result.events
    .map((e) => `${e.event}${e.taskId ? ` ${e.taskId}` : ''}: ${describeOutcome(e.outcome)}`)
    .join('; ');
}

function describeOutcome(outcome: EngineOutcome): string {
  switch (outcome.type) {
    case 'applied':
      return outcome.transitions > 0
        ? `applied (${outcome.transitions} transition${outcome.transitions === 1 ? '' : 's'})`
        : 'applied';
    case 'created':
      return 'task created';
    case 'noop':
    case 'rejected':
      return `${outcome.type === 'noop' ? 'no change' : 'rejected'} (${outcome.reason.slice(0, 60)})`;
    default:
      return outcome.type;
  }
}

/** `issue created "…" by Priya` / `issue updated: state → Done by conveyor-bot (API)`. */
export function describePlaneDelivery(payload: string): string {
  try {
    const body = JSON.parse(payload) as {
      action?: string;
      data?: { name?: string; state?: { name?: string } };
      activity?: { field?: string | null; actor?: { display_name?: string } };
    };
    const who = body.activity?.actor?.display_name ?? 'someone';
    if (body.action === 'created') return `issue created by ${who}: "${body.data?.name ?? ''}"`;
    const via = body.activity?.field === 'state' ? ' (API)' : '';
    return `issue ${body.action ?? '?'}: ${body.activity?.field ?? '?'} → ${body.data?.state?.name ?? '?'} by ${who}${via}`;
  } catch {
    return 'plane delivery';
  }
}
