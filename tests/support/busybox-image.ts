/**
 * Test-only Docker helpers on dockerode directly (until the DockerPort adapter is on main): build a
 * FROM-scratch image holding busybox-static, and a DockerPort subset (inspect, tag) with the
 * port's contract: null for an absent image, the id unchanged by a tag.
 */
import Docker from 'dockerode';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DockerPort, ImageInfo } from '../../core/ports/docker.ts';

export const DOCKER_HOST = process.env.DOCKER_HOST ?? 'unix:///work/docker-dev/docker.sock';

export function dockerClient(): Docker {
  return new Docker({ socketPath: DOCKER_HOST.replace(/^unix:\/\//, '') });
}

/** Build `tag` from scratch + /bin/busybox (+ `extra` Dockerfile lines); returns the image id. */
export async function buildBusyboxImage(
  docker: Docker,
  tag: string,
  labels: Record<string, string>,
  extra = '',
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-busybox-'));
  try {
    await copyFile('/bin/busybox', path.join(dir, 'busybox'));
    await writeFile(
      path.join(dir, 'Dockerfile'),
      `FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n${extra}\n`,
    );
    const stream = await docker.buildImage({ context: dir, src: ['Dockerfile', 'busybox'] }, { t: tag, labels, forcerm: true });
    const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (err, res) =>
        err ? reject(err) : resolve(res as { error?: string }[]),
      ),
    );
    const failed = output.find((entry) => entry.error);
    if (failed) throw new Error(`building ${tag}: ${failed.error}`);
    return (await docker.getImage(tag).inspect()).Id;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** inspectImage and tagImage with the DockerPort contract. */
export function imagePort(docker: Docker): Pick<DockerPort, 'inspectImage' | 'tagImage'> {
  return {
    async inspectImage(ref: string): Promise<ImageInfo | null> {
      try {
        const info = await docker.getImage(ref).inspect();
        return {
          id: info.Id,
          tags: info.RepoTags ?? [],
          labels: info.Config.Labels ?? {},
          createdAt: Date.parse(info.Created),
        };
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return null;
        throw error;
      }
    },
    async tagImage(ref: string, repo: string, tag: string): Promise<void> {
      await docker.getImage(ref).tag({ repo, tag });
    },
  };
}

/** Remove every image carrying `label` (forced). */
export async function removeImagesLabelled(docker: Docker, label: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [label] } });
  for (const image of images)
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
}
