/**
 * `conveyor doctor`'s Docker engine check, run when any project enables a Docker stage
 * (`deploy-staging` or `deploy`): the engine answers, its API is recent enough, and it can build
 * (a tiny `FROM scratch` image from a temp dir, removed again: no side effect left behind).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerodeDocker } from '../adapters/docker/dockerode-docker.ts';
import { describeHost } from '../adapters/docker/engine-client.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import { ConfigError, describeError } from '../core/errors.ts';
import type { DockerPort } from '../core/ports/docker.ts';
import type { DoctorCheck } from './doctor.ts';
import { doctorConfig } from './doctor-config.ts';
import { loadProjects } from './load-projects.ts';

/** Oldest Engine API the staging stage is tested against (Docker 19.03). */
export const MIN_DOCKER_API = '1.40';

/** Projects that need the engine. */
export function dockerProjects(projects: readonly ProjectConfig[]): readonly ProjectConfig[] {
  return projects.filter((p) => p.stages.includes('deploy-staging') || p.stages.includes('deploy'));
}

/**
 * The engine check, or null when no project enables a Docker stage. `host` is what DOCKER_HOST
 * says (or the local socket), shown in problems; `connect` makes the port (the dockerode adapter).
 */
export async function checkDockerEngine(projects: readonly ProjectConfig[], host: string, connect: () => DockerPort): Promise<DoctorCheck | null> {
  const users = dockerProjects(projects).map((p) => p.id);
  if (users.length === 0) return null;
  const name = `docker engine (${host}, for ${users.join(', ')})`;
  let docker: DockerPort;
  try {
    docker = connect();
    const info = await docker.info();
    if (compareApi(info.apiVersion, MIN_DOCKER_API) < 0) {
      return { name, problems: [`DOCKER_HOST: the engine speaks API ${info.apiVersion}; staging needs ${MIN_DOCKER_API} or newer (Docker 19.03+)`] };
    }
    const build = await probeBuild(docker);
    return build === null ? { name, problems: [], notes: [`Docker ${info.version}, API ${info.apiVersion}, can build`] } : { name, problems: [build] };
  } catch (error) {
    if (error instanceof ConfigError) return { name, problems: [...error.problems] };
    return { name, problems: [`DOCKER_HOST: cannot reach the Docker engine at ${host} (${describeError(error).split('\n')[0] ?? ''}); start dockerd or set DOCKER_HOST=unix:///path/to/docker.sock`] };
  }
}

/**
 * The engine check for `conveyor doctor` from the environment: none when the configuration or the
 * projects file is invalid (the doctor's other checks name that) or no project needs the engine.
 */
export async function engineDoctorChecks(env: Readonly<Record<string, string | undefined>>): Promise<DoctorCheck[]> {
  let projects: readonly ProjectConfig[];
  try {
    const { config } = doctorConfig(env);
    if (!config) return [];
    const parsed = loadProjects(config);
    if (parsed.type === 'invalid') return [];
    projects = parsed.projects;
  } catch {
    return [];
  }
  const check = await checkDockerEngine(projects, describeHost(env.DOCKER_HOST), () => new DockerodeDocker({ dockerHost: env.DOCKER_HOST }));
  return check === null ? [] : [check];
}

/** Build and remove a one-file `FROM scratch` image; null when it worked, else the problem. */
async function probeBuild(docker: DockerPort): Promise<string | null> {
  const dir = await mkdtemp(join(tmpdir(), 'conveyor-doctor-'));
  const tag = `conveyor/doctor-probe:${process.pid}-${Date.now()}`;
  try {
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY probe.txt /probe.txt\n');
    await writeFile(join(dir, 'probe.txt'), 'conveyor doctor\n');
    const outcome = await docker.buildImage({ contextDir: dir, dockerfile: 'Dockerfile', tag, labels: { 'io.conveyor.doctor': 'probe' }, buildArgs: {}, timeoutMs: 60_000 });
    if (outcome.type === 'failed') return `DOCKER_HOST: the engine cannot build a FROM scratch image: ${outcome.reason}`;
    await docker.removeImage(tag);
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Compare `1.41` with `1.40` numerically, part by part. */
export function compareApi(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Number.isNaN(d) ? -1 : d;
  }
  return 0;
}
