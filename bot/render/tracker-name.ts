/** How a tracker link is labelled in chat: the name of the tracker the task came from. */
import type { Task } from '../../core/domain/task.ts';

export function trackerName(task: Pick<Task, 'source'>): string {
  return task.source === 'github' ? 'GitHub' : 'Plane';
}
