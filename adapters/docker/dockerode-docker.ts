/**
 * DockerPort on dockerode (design §10): the Engine API at `DOCKER_HOST`, nothing shells out to a
 * `docker` CLI. Each concept lives in its own module; this class only binds them to one client.
 */
import type Docker from 'dockerode';
import type {
  ContainerSpec,
  ContainerState,
  DockerCommandResult,
  DockerEngineInfo,
  DockerPort,
  ImageBuildOutcome,
  ImageBuildRequest,
  ImageInfo,
} from '../../core/ports/docker.ts';
import { containerState, listContainers, removeContainer, replaceContainer } from './containers.ts';
import { describeHost, engineClient } from './engine-client.ts';
import { engineCall } from './engine-errors.ts';
import { execScript } from './exec.ts';
import { buildImage } from './image-build.ts';
import { inspectImage, listImages, removeImage, tagImage } from './images.ts';
import { runToCompletion, type RunOptions } from './run-to-completion.ts';

/** Options of {@link DockerodeDocker}. */
export interface DockerodeDockerOptions {
  /** The `DOCKER_HOST` value; absent = the local socket. */
  readonly dockerHost?: string | undefined;
}

/** The Docker engine through dockerode. */
export class DockerodeDocker implements DockerPort {
  private readonly docker: Docker;
  private readonly where: string;

  constructor(options: DockerodeDockerOptions = {}) {
    this.docker = engineClient(options.dockerHost);
    this.where = describeHost(options.dockerHost);
  }

  async info(): Promise<DockerEngineInfo> {
    const version = await engineCall(`asking the Docker engine at ${this.where} for its version`, () => this.docker.version());
    return { version: version.Version, apiVersion: version.ApiVersion };
  }

  buildImage(request: ImageBuildRequest): Promise<ImageBuildOutcome> {
    return buildImage(this.docker, request);
  }

  inspectImage(ref: string): Promise<ImageInfo | null> {
    return inspectImage(this.docker, ref);
  }

  tagImage(ref: string, repo: string, tag: string): Promise<void> {
    return tagImage(this.docker, ref, repo, tag);
  }

  listImages(labels: readonly string[]): Promise<readonly ImageInfo[]> {
    return listImages(this.docker, labels);
  }

  removeImage(ref: string): Promise<'removed' | 'absent' | 'in-use'> {
    return removeImage(this.docker, ref);
  }

  replaceContainer(spec: ContainerSpec): Promise<ContainerState> {
    return replaceContainer(this.docker, spec);
  }

  exec(container: string, script: string, timeoutMs: number, env?: Readonly<Record<string, string>>): Promise<DockerCommandResult> {
    return execScript(this.docker, container, script, timeoutMs, env);
  }

  runToCompletion(spec: ContainerSpec, options: RunOptions): Promise<DockerCommandResult> {
    return runToCompletion(this.docker, spec, options);
  }

  containerState(name: string): Promise<ContainerState | null> {
    return containerState(this.docker, name);
  }

  removeContainer(name: string): Promise<void> {
    return removeContainer(this.docker, name);
  }

  listContainers(labels: readonly string[]): Promise<readonly (ContainerState & { readonly name: string })[]> {
    return listContainers(this.docker, labels);
  }
}
