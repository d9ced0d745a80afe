/**
 * Finding a task's BRD approval message in a chat. Its heading changes once decided (`📝 BRD ready
 * for approval` → `📝 BRD approved` / `📝 BRD rejected`, ru likewise), so it is found by what stays:
 * a bot message whose first line starts with `📝 BRD ` and names the task as `— <id> ·`.
 */
import type { SandboxMessage } from '../../adapters/sandbox/telegram/sandbox-types.ts';

export function isApprovalOf(message: SandboxMessage, taskId: string): boolean {
  const first = message.plain.split('\n')[0] ?? '';
  return message.from.is_bot && first.startsWith('📝 BRD ') && first.includes(` — ${taskId} · `);
}
