/**
 * Images for tests without a registry: `FROM scratch` plus the host's static `/bin/busybox`
 * (Debian's busybox-static), so containers have `sh`, `wget`, `sleep`… Every image carries the
 * run's label so a test removes what it built.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DockerPort } from '../../core/ports/docker.ts';

/** The Dockerfile lines that give a scratch image a busybox userland (`/bin/sh`, `/tmp`). */
export const BUSYBOX_BASE = [
  'FROM scratch',
  'COPY busybox /bin/busybox',
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
  'RUN ["/bin/busybox", "mkdir", "-p", "/tmp", "/etc"]',
  'RUN ["/bin/busybox", "chmod", "1777", "/tmp"]',
].join('\n');

/** A temporary build context holding busybox, a Dockerfile and `files`; the caller removes it. */
export async function busyboxContext(extraDockerfile = '', files: Readonly<Record<string, string>> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-ctx-'));
  await copyFile('/bin/busybox', path.join(dir, 'busybox'));
  await writeFile(path.join(dir, 'Dockerfile'), `${BUSYBOX_BASE}\n${extraDockerfile}\n`);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

/** Build a busybox image tagged `tag` with `labels`; returns its id (throws when the build fails). */
export async function buildBusyboxImage(docker: DockerPort, tag: string, labels: Readonly<Record<string, string>>, extraDockerfile = ''): Promise<string> {
  const dir = await busyboxContext(extraDockerfile);
  try {
    const outcome = await docker.buildImage({ contextDir: dir, dockerfile: 'Dockerfile', tag, labels, buildArgs: {}, timeoutMs: 120_000 });
    if (outcome.type !== 'built') throw new Error(`building test image ${tag} failed: ${outcome.reason}\n${outcome.logTail}`);
    return outcome.imageId;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A label value unique to this test process, for names and clean-up. */
export function runLabel(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

/** Remove every container and image labelled `label=value` (containers first). */
export async function removeLabelled(docker: DockerPort, label: string, value: string): Promise<void> {
  for (const container of await docker.listContainers([`${label}=${value}`])) await docker.removeContainer(container.name);
  for (const image of await docker.listImages([`${label}=${value}`])) {
    for (const tag of image.tags) await docker.removeImage(tag);
    await docker.removeImage(image.id);
  }
}
