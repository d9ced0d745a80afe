/**
 * The Docker engine as core sees it (design §10): build an image from a directory, tag and inspect
 * it, run containers and commands inside them. The adapter (`adapters/docker/`) speaks the Engine
 * API through dockerode; nothing shells out to a `docker` CLI.
 *
 * Expected outcomes are values (a failed build, a non-zero exit). An engine that cannot be reached
 * or answers with an unexpected error throws {@link import('../errors.ts').RetryableError}
 * (unreachable, 5xx) or {@link import('../errors.ts').PermanentError} (bad request, refused); the
 * message says what was being done (`building conveyor/shop:3f2a1c9: …`).
 */

/** What the engine says about itself. */
export interface DockerEngineInfo {
  readonly version: string;
  readonly apiVersion: string;
}

/** Build one image from a directory (honouring its `.dockerignore`). */
export interface ImageBuildRequest {
  /** Absolute path of the build context. */
  readonly contextDir: string;
  /** Dockerfile path relative to the context. */
  readonly dockerfile: string;
  /** Full reference to tag the result with, e.g. `conveyor/shop:<sha>`. */
  readonly tag: string;
  /** Image labels, given through the build's `labels` option (not an ARG: keeps the layer cache). */
  readonly labels: Readonly<Record<string, string>>;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * How a build ended. Both kinds of engine failure (an `error` entry in the progress stream, and a
 * rejected call such as a missing Dockerfile) are `failed`; `logTail` is the build log's last lines.
 */
export type ImageBuildOutcome =
  | { readonly type: 'built'; readonly imageId: string; readonly logTail: string }
  | { readonly type: 'failed'; readonly reason: string; readonly logTail: string };

/** An image the engine holds. */
export interface ImageInfo {
  /** `sha256:…` */
  readonly id: string;
  readonly tags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: number;
}

/** A host path mounted into a container at the same or another path. */
export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** A container to create. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  /** argv; absent = the image's default command. */
  readonly command?: readonly string[];
  readonly workingDir?: string;
  /** `none`, `bridge`, `host` or a network name. */
  readonly networkMode: string;
  readonly memoryMb?: number;
  /** `uid:gid` */
  readonly user?: string;
  readonly mounts?: readonly BindMount[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Run an init process as PID 1 (signals and zombies are handled). */
  readonly init: boolean;
  /**
   * For untrusted code (agent containers): drop every capability, forbid gaining privileges
   * (`no-new-privileges`, so setuid binaries in the image do not help) and cap the process count.
   */
  readonly hardened?: boolean;
}

/** The result of a command that ran to its end (or was stopped at its timeout). */
export interface DockerCommandResult {
  readonly exitCode: number;
  /** stdout and stderr together, in order, capped to the last ~64 KiB. */
  readonly output: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

/** A container's current state, or null when no container has that name. */
export interface ContainerState {
  readonly id: string;
  readonly image: string;
  readonly running: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/** The Docker engine. */
export interface DockerPort {
  /** Reachable engine and its versions; throws RetryableError when unreachable. */
  info(): Promise<DockerEngineInfo>;
  buildImage(request: ImageBuildRequest): Promise<ImageBuildOutcome>;
  /** null when the engine has no image by that reference or id. */
  inspectImage(ref: string): Promise<ImageInfo | null>;
  /** Add a tag (`repo:tag`) to an existing image; the image id does not change. */
  tagImage(ref: string, repo: string, tag: string): Promise<void>;
  /** Images carrying every label given (`key` or `key=value`). */
  listImages(labels: readonly string[]): Promise<readonly ImageInfo[]>;
  /** Remove an image reference; `in-use` when a container still uses it. */
  removeImage(ref: string): Promise<'removed' | 'absent' | 'in-use'>;
  /** Remove any container with that name (forced), then create and start a new one. */
  replaceContainer(spec: ContainerSpec): Promise<ContainerState>;
  /** Run `sh -c <script>` inside a running container. */
  exec(container: string, script: string, timeoutMs: number, env?: Readonly<Record<string, string>>): Promise<DockerCommandResult>;
  /**
   * Create a container, start it, stream its output to `logFile` and wait for it to exit (killed
   * at the timeout or on abort), then remove it. For one-shot commands (the container agent runner).
   */
  runToCompletion(spec: ContainerSpec, options: { readonly timeoutMs: number; readonly logFile: string; readonly signal?: AbortSignal }): Promise<DockerCommandResult>;
  containerState(name: string): Promise<ContainerState | null>;
  /** Stop (with an init: promptly) and remove; nothing when absent. */
  removeContainer(name: string): Promise<void>;
  /** Containers carrying every label given. */
  listContainers(labels: readonly string[]): Promise<readonly (ContainerState & { readonly name: string })[]>;
}
