/**
 * The task file an agent reads (ORCH_TASK_FILE): title, description, the approval notes and the
 * must-fix text of the last red gate, verbatim.
 */
import type { Task } from '../domain/task.ts';
import type { Role } from '../domain/stage.ts';
import { artifactsDirOf } from '../domain/task.ts';

export function renderTaskFile(task: Task, role: Role, attempt: number): string {
  const lines = [
    `# ${task.id}: ${task.title}`,
    '',
    `- role: ${role}`,
    `- attempt: ${attempt}`,
    `- branch: ${task.branch}`,
    `- artifacts: ${artifactsDirOf(task.id)}`,
    ...(task.externalUrl ? [`- tracker: ${task.externalUrl}`] : []),
    '',
    '## Description',
    '',
    task.description.trim() || '(no description)',
  ];
  if (task.notes) lines.push('', '## Notes from the approver', '', task.notes);
  if (task.mustFix && (role === 'developer' || role === 'reviewer')) {
    lines.push('', '## Must fix (from the last red gate, verbatim)', '', task.mustFix);
  }
  return `${lines.join('\n')}\n`;
}
