/**
 * What the engine asks to tell people. Written to the outbox in the same transaction as the
 * state change; the notifier delivers it afterwards.
 * - `card`: the task's card must show its current state (coalesced: the latest state wins).
 * - `approval-request`: a notifying message with Approve / Reject buttons.
 * - `approval-decided`: edit the approval message to show the decision, buttons removed.
 * - `escalation`: one notifying message to the approvers.
 * - `notice`: a silent informational message in the project's chat (reconciler unblocks).
 *   `notify` makes it notifying (a roll-back's outcome, ADR 0034).
 */
export type OutboxMessage =
  | { readonly kind: 'card'; readonly outboxId: number; readonly taskId: string }
  | { readonly kind: 'approval-request'; readonly outboxId: number; readonly taskId: string; readonly approvalId: string }
  | { readonly kind: 'approval-decided'; readonly outboxId: number; readonly taskId: string; readonly approvalId: string }
  | { readonly kind: 'escalation'; readonly outboxId: number; readonly taskId: string; readonly reason: string }
  | { readonly kind: 'notice'; readonly outboxId: number; readonly taskId: string; readonly text: string; readonly notify?: boolean };

export type OutboxKind = OutboxMessage['kind'];
