/** Create, replace, inspect, list and remove containers. */
import type Docker from 'dockerode';
import type { ContainerSpec, ContainerState } from '../../core/ports/docker.ts';
import { engineCall, engineFailure, engineStatus } from './engine-errors.ts';

/** Seconds a container gets between SIGTERM and SIGKILL on stop (with an init this is enough). */
const STOP_GRACE_S = 5;

/** Processes a hardened container may run (a fork bomb stops here). */
const HARDENED_PIDS_LIMIT = 1024;

/** The Engine API create body of `spec`. */
export function createOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  return {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    ...(spec.command ? { Cmd: [...spec.command] } : {}),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    Labels: { ...(spec.labels ?? {}) },
    HostConfig: {
      Init: spec.init,
      NetworkMode: spec.networkMode,
      ...(spec.memoryMb ? { Memory: spec.memoryMb * 1024 * 1024 } : {}),
      Binds: (spec.mounts ?? []).map((m) => `${m.source}:${m.target}:${m.readOnly ? 'ro' : 'rw'}`),
      ...(spec.hardened ? { CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], PidsLimit: HARDENED_PIDS_LIMIT } : {}),
    },
  };
}

/** null when no container has that name (or id). */
export async function containerState(docker: Docker, name: string): Promise<ContainerState | null> {
  try {
    const info = await docker.getContainer(name).inspect();
    return { id: info.Id, image: info.Config.Image, running: info.State.Running, labels: { ...(info.Config.Labels ?? {}) } };
  } catch (error) {
    if (engineStatus(error) === 404) return null;
    throw engineFailure(`inspecting container ${name}`, error);
  }
}

/** Force-remove (stopping it first); nothing when absent. */
export async function removeContainer(docker: Docker, name: string): Promise<void> {
  const container = docker.getContainer(name);
  try {
    await container.stop({ t: STOP_GRACE_S });
  } catch (error) {
    const status = engineStatus(error);
    // 304: already stopped; 404: absent (then remove says so too).
    if (status !== 304 && status !== 404) throw engineFailure(`stopping container ${name}`, error);
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = engineStatus(error);
    // 404: gone; 409: removal already in progress (AutoRemove or a concurrent remove).
    if (status !== 404 && status !== 409) throw engineFailure(`removing container ${name}`, error);
  }
}

/** Remove any container named `spec.name`, then create and start one from `spec`. */
export async function replaceContainer(docker: Docker, spec: ContainerSpec): Promise<ContainerState> {
  await removeContainer(docker, spec.name);
  const container = await engineCall(`creating container ${spec.name} from ${spec.image}`, () => docker.createContainer(createOptions(spec)));
  try {
    await engineCall(`starting container ${spec.name}`, () => container.start());
  } catch (error) {
    await removeContainer(docker, spec.name).catch(() => undefined);
    throw error;
  }
  const state = await containerState(docker, spec.name);
  if (!state) throw engineFailure(`starting container ${spec.name}`, new Error('the container vanished right after it started'));
  return state;
}

/** Containers carrying every label given (running or not). */
export async function listContainers(docker: Docker, labels: readonly string[]): Promise<(ContainerState & { name: string })[]> {
  const containers = await engineCall(`listing containers labelled ${labels.join(', ')}`, () =>
    docker.listContainers({ all: true, filters: JSON.stringify({ label: labels }) }),
  );
  return containers.map((c) => ({
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    image: c.Image,
    running: c.State === 'running',
    labels: { ...(c.Labels ?? {}) },
  }));
}
