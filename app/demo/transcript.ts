/** The demo chat as its members see it: each message, who sent it, silent or not, buttons, edits. */
import type { SandboxMessage } from '../../adapters/sandbox/telegram/sandbox-types.ts';

export function renderTranscript(messages: readonly SandboxMessage[], botName: string): string {
  const out: string[] = [];
  for (const m of messages) {
    const who = m.from.is_bot ? botName : m.from.first_name;
    const flags = [m.silent ? 'silent' : 'notifies', m.edits.length > 0 ? `edited ${m.edits.length}×` : '', m.deleted ? 'deleted' : ''].filter(Boolean).join(', ');
    out.push(`┌─ #${m.messageId} ${who} (${flags})`);
    for (const line of m.plain.split('\n')) out.push(`│ ${line}`);
    const buttons = m.buttons.flat();
    if (buttons.length > 0) out.push(`│ ${buttons.map((b) => `[${b.text}]`).join(' ')}`);
    if (m.edits.length > 0 && m.plain.startsWith('🧩')) {
      out.push('│ earlier versions (oldest first):');
      for (const revision of m.edits) {
        const [, status = '', , ...rest] = revision.plain.split('\n');
        out.push(`│   · ${[status, ...rest.filter((l) => /^(⏳|🔁|last|последнее)/.test(l))].join(' | ')}`);
      }
    }
    out.push('└─');
  }
  return `${out.join('\n')}\n`;
}
