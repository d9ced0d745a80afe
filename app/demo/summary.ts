/** The demo's closing summary: time per stage, runs per role, rollbacks, from the transition log. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../core/store/store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';

export async function printSummary(store: Store, taskId: string, workdir: string, write: (text: string) => void): Promise<void> {
  const task = await getTask(store.db, taskId);
  const log = await transitionsOf(store.db, taskId);
  if (!task || log.length === 0) return;
  const spent = new Map<string, number>();
  for (let i = 0; i < log.length; i += 1) {
    const row = log[i];
    if (!row) continue;
    const end = log[i + 1]?.at ?? row.at;
    spent.set(row.toStage, (spent.get(row.toStage) ?? 0) + (end - row.at));
  }
  write(`\nSummary for ${task.id} · ${task.title}\n`);
  write(`  final: ${task.stage}${task.escalated ? ' (escalated)' : ''} · rollbacks ${task.rollbacks} · transitions ${log.length}\n`);
  write(`  runs:  ${Object.entries(task.attempts).map(([role, n]) => `${role} ${n}`).join(' · ')}\n`);
  write('  time per stage:\n');
  for (const [stage, ms] of spent) write(`    ${stage.padEnd(12)} ${(ms / 1000).toFixed(1)} s\n`);
  write('  transitions:\n');
  for (const row of log) write(`    ${new Date(row.at).toISOString().slice(11, 23)}  ${(row.fromStage ?? '·').padEnd(11)} → ${row.toStage.padEnd(11)} ${row.toPhase.padEnd(17)} ${row.actor.padEnd(16)} ${row.reason.split('\n')[0]?.slice(0, 90) ?? ''}\n`);
  const mustFix = mustFixOfRun(workdir, taskId, (task.attempts.developer ?? 0));
  if (mustFix) write(`  rollback: the developer's last run (attempt ${task.attempts.developer ?? 0}) got this in its task file:\n${mustFix.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
}

/** The must-fix section of a developer run's task file, if it had one. */
function mustFixOfRun(workdir: string, taskId: string, attempt: number): string | null {
  try {
    const file = readFileSync(join(workdir, 'runs', taskId, `developer-${attempt}.task.md`), 'utf8');
    const at = file.indexOf('## Must fix');
    return at >= 0 ? file.slice(at).trim() : null;
  } catch {
    return null;
  }
}
