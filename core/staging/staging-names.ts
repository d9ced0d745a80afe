/**
 * Names and labels of what staging leaves on the engine (design §10): the image
 * `conveyor/<project lower-case>:<sha>`, the container `conveyor-staging-<project lower-case>`,
 * and the labels that let cleanup and freshness checks find them again.
 */

/** The OCI label carrying the exact revision an image was built from. */
export const REVISION_LABEL = 'org.opencontainers.image.revision';
/** The task an image or container was built for. */
export const TASK_LABEL = 'io.conveyor.task';
/** The project an image or container belongs to. */
export const PROJECT_LABEL = 'io.conveyor.project';
/** Marks staging containers (as opposed to agent containers). */
export const ROLE_LABEL = 'io.conveyor.role';

/** `conveyor/<project lower-case>` — the repository part of every staging image of a project. */
export function stagingRepo(projectId: string): string {
  return `conveyor/${projectId.toLowerCase()}`;
}

/** `conveyor/<project lower-case>:<sha>` */
export function stagingImageRef(projectId: string, sha: string): string {
  return `${stagingRepo(projectId)}:${sha}`;
}

/** `conveyor-staging-<project lower-case>`: one staging container per project. */
export function stagingContainerName(projectId: string): string {
  return `conveyor-staging-${projectId.toLowerCase()}`;
}

/** The labels given to the build (not an ARG: a changing sha must not bust the layer cache). */
export function stagingImageLabels(projectId: string, taskId: string, sha: string): Record<string, string> {
  return { [REVISION_LABEL]: sha, [TASK_LABEL]: taskId, [PROJECT_LABEL]: projectId };
}
