/**
 * Button data: `<action>:<id>:<mac>` (an approval id, or a task id for the roll-back buttons), at most 64 bytes, unforgeable. The MAC is
 * an HMAC-SHA256 over action and id with a key derived from the bot token, truncated to 12 bytes,
 * compared in constant time. Parsing never throws.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type ApprovalAction = 'approve' | 'reject';
/** The card's `↩️ Roll back` and its confirmation (ADR 0034); the id is the task's. */
export type RollbackAction = 'rollback' | 'rollback-confirm' | 'rollback-cancel';
export type CallbackAction = ApprovalAction | RollbackAction;

const CODES: Record<CallbackAction, string> = { approve: 'a', reject: 'r', rollback: 'b', 'rollback-confirm': 'c', 'rollback-cancel': 'x' };
const ROLLBACK_BY_CODE: Record<string, RollbackAction> = { b: 'rollback', c: 'rollback-confirm', x: 'rollback-cancel' };
const MAC_BYTES = 12;

export type ParsedCallback =
  | { type: 'approval'; action: ApprovalAction; approvalId: string }
  | { type: 'rollback'; action: RollbackAction; taskId: string }
  | { type: 'invalid'; reason: string };

export class CallbackSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'conveyor/callback-data/v1').update(secret).digest();
  }

  sign(action: CallbackAction, approvalId: string): string {
    const data = `${CODES[action]}:${approvalId}:${this.mac(CODES[action], approvalId).toString('base64url')}`;
    if (Buffer.byteLength(data) > 64) throw new Error(`callback data over 64 bytes for approval ${approvalId}`);
    return data;
  }

  parse(data: string | undefined): ParsedCallback {
    if (!data || Buffer.byteLength(data) > 64) return { type: 'invalid', reason: 'missing or oversized data' };
    const match = /^([arbcx]):([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16})$/.exec(data);
    if (!match) return { type: 'invalid', reason: 'malformed data' };
    const [, code = '', approvalId = '', mac = ''] = match;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(code, approvalId);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { type: 'invalid', reason: 'bad signature' };
    const rollback = ROLLBACK_BY_CODE[code];
    if (rollback) return { type: 'rollback', action: rollback, taskId: approvalId };
    return { type: 'approval', action: code === 'a' ? 'approve' : 'reject', approvalId };
  }

  private mac(code: string, approvalId: string): Buffer {
    return createHmac('sha256', this.key).update(`${code}:${approvalId}`).digest().subarray(0, MAC_BYTES);
  }
}
