/** Inspect, tag, list and remove images. */
import type Docker from 'dockerode';
import type { ImageInfo } from '../../core/ports/docker.ts';
import { engineCall, engineFailure, engineStatus } from './engine-errors.ts';

/** null when the engine has no image by that reference or id. */
export async function inspectImage(docker: Docker, ref: string): Promise<ImageInfo | null> {
  try {
    const info = await docker.getImage(ref).inspect();
    return {
      id: info.Id,
      tags: info.RepoTags ?? [],
      labels: { ...(info.Config?.Labels ?? {}) },
      createdAt: Date.parse(info.Created),
    };
  } catch (error) {
    if (engineStatus(error) === 404) return null;
    throw engineFailure(`inspecting image ${ref}`, error);
  }
}

/** Add `repo:tag` to an existing image (same id). */
export async function tagImage(docker: Docker, ref: string, repo: string, tag: string): Promise<void> {
  await engineCall(`tagging image ${ref} as ${repo}:${tag}`, () => docker.getImage(ref).tag({ repo, tag }));
}

/** Images carrying every label given. */
export async function listImages(docker: Docker, labels: readonly string[]): Promise<ImageInfo[]> {
  const images = await engineCall(`listing images labelled ${labels.join(', ')}`, () => docker.listImages({ filters: JSON.stringify({ label: labels }) }));
  return images.map((image) => ({
    id: image.Id,
    tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
    labels: { ...(image.Labels ?? {}) },
    createdAt: image.Created * 1000,
  }));
}

/** Remove one reference (a tag or an id); `in-use` when a container still uses the image. */
export async function removeImage(docker: Docker, ref: string): Promise<'removed' | 'absent' | 'in-use'> {
  try {
    await docker.getImage(ref).remove({ noprune: false });
    return 'removed';
  } catch (error) {
    const status = engineStatus(error);
    if (status === 404) return 'absent';
    if (status === 409) return 'in-use';
    throw engineFailure(`removing image ${ref}`, error);
  }
}
