/**
 * Promotion by retag (design §10): the image staging validated is tagged `<deploy.image>:<sha>`
 * before the hook runs and `<deploy.image>:current` after a successful deploy. Nothing is ever
 * rebuilt, so the image id in production equals the staging image id. The tag is put on the image
 * id staging recorded, not on a tag that may have moved since (the seed's ORCH-058: a stale
 * staging image promoted); an image that is gone or carries another revision is refused.
 */
import type { DockerPort } from '../ports/docker.ts';

/** The OCI label staging sets to the validated revision. */
export const REVISION_LABEL = 'org.opencontainers.image.revision';

/** What promotion needs to know. */
export interface PromoteInput {
  /** `sha256:…` recorded by staging. */
  readonly validatedImageId: string;
  /** The validated revision: the tag and the hook's EXPECTED_REVISION. */
  readonly sha: string;
  /** `deploy.image` (a repository without tag). */
  readonly deployImage: string;
}

export type PromoteOutcome =
  | { readonly type: 'promoted'; readonly targetImage: string; readonly imageId: string }
  /** The validated image cannot be promoted as is: staging must run again. */
  | { readonly type: 'refused'; readonly reason: string };

/** The production reference of a revision. */
export function targetImageOf(deployImage: string, sha: string): string {
  return `${deployImage}:${sha}`;
}

/** Tag the validated image `<deploy.image>:<sha>` (before the hook). */
export async function promoteForDeploy(
  docker: Pick<DockerPort, 'inspectImage' | 'tagImage'>,
  input: PromoteInput,
): Promise<PromoteOutcome> {
  const image = await docker.inspectImage(input.validatedImageId);
  if (!image)
    return {
      type: 'refused',
      reason: `the validated image ${input.validatedImageId} is no longer in the engine`,
    };
  const revision = image.labels[REVISION_LABEL];
  if (revision !== undefined && revision !== input.sha) {
    return {
      type: 'refused',
      reason: `the validated image ${input.validatedImageId} carries revision ${revision}, not ${input.sha}`,
    };
  }
  await docker.tagImage(image.id, input.deployImage, input.sha);
  const target = targetImageOf(input.deployImage, input.sha);
  const tagged = await docker.inspectImage(target);
  if (tagged?.id !== image.id)
    return {
      type: 'refused',
      reason: `${target} does not point at ${image.id} after tagging (found ${tagged?.id ?? 'nothing'})`,
    };
  return { type: 'promoted', targetImage: target, imageId: image.id };
}

/** Tag the deployed image `<deploy.image>:current` (after health passed). */
export async function markCurrent(
  docker: Pick<DockerPort, 'inspectImage' | 'tagImage'>,
  deployImage: string,
  imageId: string,
): Promise<PromoteOutcome> {
  await docker.tagImage(imageId, deployImage, 'current');
  const current = await docker.inspectImage(`${deployImage}:current`);
  if (current?.id !== imageId)
    return { type: 'refused', reason: `${deployImage}:current does not point at ${imageId} after tagging` };
  return { type: 'promoted', targetImage: `${deployImage}:current`, imageId };
}
