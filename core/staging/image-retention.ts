/**
 * Which staging images may go (design §10 "cleaned up", ADR 0026). Pure. An image is removed only
 * when all of these hold:
 * - it is Conveyor's (labelled with `io.conveyor.task`) and its task has finished;
 * - no container uses it (the project's current staging container keeps its image);
 * - it is not in the caller's keep set (what production runs, the deploy history rollback needs);
 * - every tag it carries is a staging tag (`conveyor/<project>:…`): an image promoted by retag
 *   (`<deploy.image>:<sha>`, `:current`) is deployment history and stays.
 */
import type { ImageInfo } from '../ports/docker.ts';
import { TASK_LABEL, stagingRepo } from './staging-names.ts';

/** What retention decides from. */
export interface RetentionInput {
  readonly projectId: string;
  /** The project's images (labelled `io.conveyor.project=<ID>`). */
  readonly images: readonly ImageInfo[];
  /** Tasks still in flight: their images stay. */
  readonly activeTasks: ReadonlySet<string>;
  /** Image ids or references to keep whatever their task (production, rollback history, containers). */
  readonly keep: ReadonlySet<string>;
}

/** The images to remove, oldest first. */
export function imagesToRemove(input: RetentionInput): readonly ImageInfo[] {
  const prefix = `${stagingRepo(input.projectId)}:`;
  return input.images
    .filter((image) => {
      const task = image.labels[TASK_LABEL];
      if (task === undefined || task === '' || input.activeTasks.has(task)) return false;
      if (input.keep.has(image.id) || image.tags.some((t) => input.keep.has(t))) return false;
      return image.tags.every((t) => t.startsWith(prefix));
    })
    .sort((a, b) => a.createdAt - b.createdAt);
}
