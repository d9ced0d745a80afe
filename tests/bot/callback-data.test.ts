/** Approval button data: at most 64 bytes, unforgeable, parsed without throwing. */
import { describe, expect, it } from 'vitest';
import { CallbackSigner } from '../../bot/telegram/callback-data.ts';

const signer = new CallbackSigner('123456789:TEST-sandbox-token-not-a-secret');

describe('callback data', () => {
  it('round-trips an approval id and fits in 64 bytes', () => {
    const data = signer.sign('reject', 'AbCdEfGhIjKlMnOp');
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(signer.parse(data)).toEqual({
      type: 'approval',
      action: 'reject',
      approvalId: 'AbCdEfGhIjKlMnOp',
    });
  });

  it('refuses a flipped action, a changed id, a MAC from another key, and junk', () => {
    const data = signer.sign('reject', 'appr1');
    const [, id, mac] = data.split(':');
    expect(signer.parse(`a:${id}:${mac}`).type).toBe('invalid');
    expect(signer.parse(`r:appr2:${mac}`).type).toBe('invalid');
    expect(new CallbackSigner('987654321:another-token-entirely-xx').parse(data).type).toBe('invalid');
    const forged = [`a:${id}:${mac}`, `r:appr2:${mac}`, undefined, '', 'r:appr1', 'x'.repeat(65), 'r:appr1:!!!!!!!!!!!!!!!!'];
    const accepted = forged.filter((d) => signer.parse(d).type !== 'invalid').length + (new CallbackSigner('987654321:another-token-entirely-xx').parse(data).type === 'invalid' ? 0 : 1);
    console.log(`[figure] forged callback data: ${forged.length + 1} variants, accepted ${accepted}; genuine data ${data.length} bytes (limit 64)`);
    for (const junk of [undefined, '', 'r:appr1', 'x'.repeat(65), 'r:appr1:!!!!!!!!!!!!!!!!'])
      expect(signer.parse(junk).type).toBe('invalid');
  });

  it('signs the roll-back buttons with the task id; approval data signed before them still parses', () => {
    for (const action of ['rollback', 'rollback-confirm', 'rollback-cancel'] as const) {
      const data = signer.sign(action, 'SHOP-42');
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(signer.parse(data)).toEqual({ type: 'rollback', action, taskId: 'SHOP-42' });
    }
    // A roll-back MAC does not confirm: the action is signed.
    const [, id, mac] = signer.sign('rollback', 'SHOP-42').split(':');
    expect(signer.parse(`c:${id}:${mac}`).type).toBe('invalid');
    expect(signer.parse(signer.sign('approve', 'appr1'))).toEqual({ type: 'approval', action: 'approve', approvalId: 'appr1' });
  });
});
