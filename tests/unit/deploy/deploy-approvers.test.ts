import { describe, expect, it } from 'vitest';
import { deployDecisionRight, mayRollBack } from '../../../core/deploy/deploy-approvers.ts';

describe('deploy approvers and four-eyes', () => {
  it.each<[string, { approvers: number[]; fourEyes: boolean }, number, number | null, string]>([
    ['an approver', { approvers: [111, 222], fourEyes: false }, 222, null, 'allowed'],
    ['a non-approver', { approvers: [111], fourEyes: false }, 333, null, 'not-approver'],
    ['the requester without four-eyes', { approvers: [111], fourEyes: false }, 111, 111, 'allowed'],
    ['the requester with four-eyes', { approvers: [111, 222], fourEyes: true }, 111, 111, 'requester'],
    ['another approver with four-eyes', { approvers: [111, 222], fourEyes: true }, 222, 111, 'allowed'],
    ['unknown requester with four-eyes', { approvers: [111], fourEyes: true }, 111, null, 'allowed'],
    [
      'a non-approver requester with four-eyes',
      { approvers: [111], fourEyes: true },
      333,
      333,
      'not-approver',
    ],
  ])('%s', (_name, deploy, user, requester, expected) => {
    expect(deployDecisionRight(deploy, user, requester).type).toBe(expected);
  });

  it('lets deploy approvers roll back, nobody else', () => {
    expect(mayRollBack({ approvers: [111] }, 111)).toBe(true);
    expect(mayRollBack({ approvers: [111] }, 222)).toBe(false);
  });
});
