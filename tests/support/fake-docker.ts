/**
 * An in-memory DockerPort for unit tests of the staging run: images and containers live in maps,
 * builds and execs are scripted by the test. Engine failures are thrown as the adapter would
 * (RetryableError when "unreachable", PermanentError for a missing container).
 */
import { createHash } from 'node:crypto';
import { PermanentError, RetryableError } from '../../core/errors.ts';
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

type ExecReply = Partial<DockerCommandResult> & { exitCode: number };

/** Test knobs. */
export interface FakeDockerOptions {
  /** Decides a build; default: built, id derived from the tag and labels. */
  build?: (request: ImageBuildRequest) => ImageBuildOutcome | Promise<ImageBuildOutcome>;
  /** Answers `sh -c <script>` inside a container; default exit 0, no output. */
  exec?: (script: string, container: string) => ExecReply | Promise<ExecReply>;
  /** Every call throws RetryableError (engine down). */
  unreachable?: boolean;
  /** New containers exit immediately. */
  exitOnStart?: boolean;
  /** What info() reports (default 1.41). */
  apiVersion?: string;
}

export class FakeDocker implements DockerPort {
  readonly images = new Map<string, ImageInfo>();
  readonly containers = new Map<string, ContainerState & { readonly spec: ContainerSpec }>();
  readonly calls: string[] = [];
  private nextContainer = 1;

  constructor(readonly options: FakeDockerOptions = {}) {}

  async info(): Promise<DockerEngineInfo> {
    this.enter('info');
    return { version: '20.10.24-fake', apiVersion: this.options.apiVersion ?? '1.41' };
  }

  async buildImage(request: ImageBuildRequest): Promise<ImageBuildOutcome> {
    this.enter(`build ${request.tag}`);
    const outcome = this.options.build
      ? await this.options.build(request)
      : { type: 'built' as const, imageId: `sha256:${createHash('sha256').update(request.tag + JSON.stringify(request.labels)).digest('hex')}`, logTail: 'Successfully built' };
    if (outcome.type === 'built') {
      const previous = [...this.images.values()].find((i) => i.tags.includes(request.tag));
      if (previous && previous.id !== outcome.imageId) this.images.set(previous.id, { ...previous, tags: previous.tags.filter((t) => t !== request.tag) });
      const existing = this.images.get(outcome.imageId);
      this.images.set(outcome.imageId, { id: outcome.imageId, tags: [...new Set([...(existing?.tags ?? []), request.tag])], labels: { ...request.labels }, createdAt: Date.now() });
    }
    return outcome;
  }

  async inspectImage(ref: string): Promise<ImageInfo | null> {
    this.enter(`inspect ${ref}`);
    return this.find(ref);
  }

  async tagImage(ref: string, repo: string, tag: string): Promise<void> {
    this.enter(`tag ${ref} ${repo}:${tag}`);
    const image = this.find(ref);
    if (!image) throw new PermanentError(`tagging ${ref}: no such image`);
    this.images.set(image.id, { ...image, tags: [...image.tags, `${repo}:${tag}`] });
  }

  async listImages(labels: readonly string[]): Promise<readonly ImageInfo[]> {
    this.enter('listImages');
    return [...this.images.values()].filter((i) => matches(i.labels, labels));
  }

  async removeImage(ref: string): Promise<'removed' | 'absent' | 'in-use'> {
    this.enter(`removeImage ${ref}`);
    const image = this.find(ref);
    if (!image) return 'absent';
    if ([...this.containers.values()].some((c) => c.image === image.id)) return 'in-use';
    if (ref !== image.id && image.tags.length > 1) this.images.set(image.id, { ...image, tags: image.tags.filter((t) => t !== ref) });
    else this.images.delete(image.id);
    return 'removed';
  }

  async replaceContainer(spec: ContainerSpec): Promise<ContainerState> {
    this.enter(`replace ${spec.name}`);
    const image = this.find(spec.image);
    if (!image) throw new PermanentError(`creating container ${spec.name}: no such image ${spec.image}`);
    const state = { id: `c${this.nextContainer++}`, image: image.id, running: !this.options.exitOnStart, labels: { ...(spec.labels ?? {}) }, spec };
    this.containers.set(spec.name, state);
    return state;
  }

  async exec(container: string, script: string, timeoutMs: number): Promise<DockerCommandResult> {
    this.enter(`exec ${container} ${script}`);
    const state = this.containers.get(container);
    if (!state?.running) throw new PermanentError(`exec in ${container}: container is not running`);
    const reply = this.options.exec ? await this.options.exec(script, container) : { exitCode: 0 };
    return { output: '', timedOut: false, durationMs: Math.min(1, timeoutMs), ...reply };
  }

  async runToCompletion(): Promise<DockerCommandResult> {
    this.enter('runToCompletion');
    throw new PermanentError('runToCompletion: not modelled by the staging fake');
  }

  async containerState(name: string): Promise<ContainerState | null> {
    this.enter(`state ${name}`);
    const state = this.containers.get(name);
    return state ? { id: state.id, image: state.image, running: state.running, labels: state.labels } : null;
  }

  async removeContainer(name: string): Promise<void> {
    this.enter(`removeContainer ${name}`);
    this.containers.delete(name);
  }

  async listContainers(labels: readonly string[]): Promise<readonly (ContainerState & { readonly name: string })[]> {
    this.enter('listContainers');
    return [...this.containers.entries()].filter(([, c]) => matches(c.labels, labels)).map(([name, c]) => ({ name, id: c.id, image: c.image, running: c.running, labels: c.labels }));
  }

  private enter(call: string): void {
    this.calls.push(call);
    if (this.options.unreachable) throw new RetryableError(`${call}: connect ENOENT /var/run/docker.sock`);
  }

  private find(ref: string): ImageInfo | null {
    return this.images.get(ref) ?? [...this.images.values()].find((i) => i.tags.includes(ref)) ?? null;
  }
}

function matches(have: Readonly<Record<string, string>>, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const [key, value] = w.split('=', 2) as [string, string | undefined];
    return value === undefined ? key in have : have[key] === value;
  });
}
