/**
 * Applies {@link imagesToRemove} through the Docker port for one project: keeps the images of
 * tasks in flight, of every container of the project (the current staging container), and of the
 * caller's keep set; removes the rest tag by tag. Called from the cleanup job (ADR 0026).
 */
import { describeError } from '../errors.ts';
import type { DockerPort } from '../ports/docker.ts';
import { imagesToRemove } from './image-retention.ts';
import { PROJECT_LABEL } from './staging-names.ts';

/** What a prune did. `failed` lists `ref: reason` for removals the engine refused. */
export interface PruneReport {
  readonly removed: readonly string[];
  readonly inUse: readonly string[];
  readonly failed: readonly string[];
  readonly kept: number;
}

/** The project whose images to prune, and what must stay. */
export interface PruneRequest {
  readonly projectId: string;
  /** Task ids not yet done or cancelled. */
  readonly activeTasks: ReadonlySet<string>;
  /** Image ids or references production runs and the deploy history rollback needs. */
  readonly keep?: ReadonlySet<string>;
}

/** Remove the project's finished staging images. Listing errors throw (the job retries). */
export async function pruneStagingImages(docker: DockerPort, request: PruneRequest): Promise<PruneReport> {
  const label = `${PROJECT_LABEL}=${request.projectId}`;
  const [images, containers] = await Promise.all([docker.listImages([label]), docker.listContainers([label])]);
  const keep = new Set([...(request.keep ?? []), ...containers.map((c) => c.image)]);
  const doomed = imagesToRemove({ projectId: request.projectId, images, activeTasks: request.activeTasks, keep });
  const removed: string[] = [];
  const inUse: string[] = [];
  const failed: string[] = [];
  for (const image of doomed) {
    for (const ref of image.tags.length > 0 ? image.tags : [image.id]) {
      try {
        const outcome = await docker.removeImage(ref);
        if (outcome === 'removed') removed.push(ref);
        if (outcome === 'in-use') inUse.push(ref);
      } catch (error) {
        failed.push(`${ref}: ${describeError(error)}`);
      }
    }
  }
  return { removed, inUse, failed, kept: images.length - doomed.length };
}
