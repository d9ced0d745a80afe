/**
 * A production-deploy world for engine-level tests (ADR 0032): the merge-phase harness with a
 * staging runner that tags real images of the real Docker engine as the validated images, and a
 * scripted hook (`sh -c`, a real process) that appends one line per run to a calls file and exits
 * with the next code of a codes file. The health command fails while an `unhealthy` file exists.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DockerPort } from '../../core/ports/docker.ts';
import type { StagingInput, StagingResult, StagingRunnerPort } from '../../core/staging/staging-types.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { mergePhaseHarness, type MergePhaseHarness } from './merge-phase-harness.ts';

/** Tags a real image as each staged revision and answers SUCCESS; `next` picks the image of the next run. */
export class RealImageStaging implements StagingRunnerPort {
  readonly calls: StagingInput[] = [];
  /** Image ids to answer with, first come first served; then {@link baseImageId}. */
  readonly next: string[] = [];
  constructor(
    private readonly docker: Pick<DockerPort, 'tagImage'>,
    private readonly baseImageId: string,
    private readonly repo: string,
  ) {}
  async run(input: StagingInput): Promise<StagingResult> {
    this.calls.push(input);
    const imageId = this.next.shift() ?? this.baseImageId;
    await this.docker.tagImage(imageId, this.repo, input.sha);
    return {
      verdict: 'SUCCESS',
      revision: input.sha,
      imageId,
      imageRef: `${this.repo}:${input.sha}`,
      checks: [],
      waived: ['C9a'],
      reason: null,
      mustFix: null,
      report: `---\nstaging_status: SUCCESS\nrevision: ${input.sha}\n---\nVERDICT: SUCCESS\n`,
      durationMs: 1,
    };
  }
}

export interface DeployWorld {
  readonly h: MergePhaseHarness;
  readonly staging: RealImageStaging;
  readonly scratch: string;
  /** The hook's exit codes, one per run (`sleep` hangs, `wait` exits 0 once released, `kill` SIGKILLs its shell); 0 when none is left. */
  setCodes(codes: readonly (number | 'sleep' | 'wait' | 'kill')[]): void;
  /** Let a hook run that `wait`s finish. */
  release(): void;
  /** One line per hook run: `<code> <TARGET_IMAGE> <SOURCE_IMAGE> <EXPECTED_REVISION> <PREVIOUS_IMAGE>`. */
  hookCalls(): string[];
  /** How many times the health command ran. */
  healthCalls(): number;
  /** Health fails while `on`. */
  setUnhealthy(on: boolean): void;
  /**
   * Run one job as {@link MergePhaseHarness.runJob} does, with the harness clock following real
   * time meanwhile (the health loop's budget is measured on that clock).
   */
  runJob(kind: Parameters<MergePhaseHarness['runJob']>[0]): ReturnType<MergePhaseHarness['runJob']>;
  /** A task that passed testing, staged: it waits for the production approval. */
  toApproval(n: number): Promise<string>;
  decide(id: string, decision: 'approve' | 'reject', userId: number, reason?: string): ReturnType<MergePhaseHarness['handle']>;
  cleanup(): Promise<void>;
}

export interface DeployWorldOptions {
  readonly docker: DockerPort;
  readonly dockerHost: string;
  readonly baseImageId: string;
  readonly stagingRepo: string;
  readonly prodRepo: string;
  /** Merged into the `deploy` block. */
  readonly deploy?: Record<string, unknown>;
  /** The engine queues tracker comments for tasks with an external id. */
  readonly tracker?: boolean;
}

export async function deployWorld(options: DeployWorldOptions): Promise<DeployWorld> {
  const scratch = mkdtempSync(join(tmpdir(), 'conveyor-deploy-world-'));
  const calls = join(scratch, 'calls');
  const codes = join(scratch, 'codes');
  const health = join(scratch, 'health');
  const unhealthy = join(scratch, 'unhealthy');
  const release = join(scratch, 'release');
  const hook = [
    `code=$(head -n 1 ${codes} 2>/dev/null); code=\${code:-0}; sed -i 1d ${codes} 2>/dev/null`,
    `echo "$code $TARGET_IMAGE $SOURCE_IMAGE $EXPECTED_REVISION $PREVIOUS_IMAGE" >> ${calls}`,
    'echo "hook says code $code"',
    '[ "$code" = sleep ] && exec sleep 120',
    `[ "$code" = wait ] && { while [ ! -e ${release} ]; do sleep 0.05; done; exit 0; }`,
    '[ "$code" = kill ] && kill -9 $$',
    'exit $code',
  ].join('; ');
  const staging = new RealImageStaging(options.docker, options.baseImageId, options.stagingRepo);
  const h = await mergePhaseHarness({
    stages: ['analysis', 'development', 'review', 'testing', 'deploy-staging', 'deploy'],
    ciCommand: 'true',
    staging,
    docker: options.docker,
    dockerHost: options.dockerHost,
    ...(options.tracker ? { tracker: true } : {}),
    deploy: {
      image: options.prodRepo,
      hook,
      health: { command: `echo probe >> ${health}; test ! -e ${unhealthy}`, successes: 2, timeoutS: 3 },
      approvers: [222, 333, 111],
      ...options.deploy,
    },
  });
  const runJob: DeployWorld['runJob'] = async (kind) => {
    let last = Date.now();
    const follow = setInterval(() => {
      const now = Date.now();
      h.clock.advance(now - last);
      last = now;
    }, 20);
    try {
      return await h.runJob(kind);
    } finally {
      clearInterval(follow);
    }
  };
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
  return {
    h,
    staging,
    scratch,
    setCodes: (list) => writeFileSync(codes, list.map(String).join('\n') + '\n'),
    release: () => writeFileSync(release, ''),
    hookCalls: () => lines(calls),
    healthCalls: () => lines(health).length,
    setUnhealthy: (on) => (on ? writeFileSync(unhealthy, '') : rmSync(unhealthy, { force: true })),
    runJob,
    async toApproval(n) {
      const id = await h.taskPassingTests(n, { [`src/f${n}.ts`]: `export const v = ${n};\n` });
      const staged = await runJob('staging');
      if (staged?.type !== 'done') throw new Error(`staging of ${id}: ${JSON.stringify(staged)}`);
      return id;
    },
    async decide(id, decision, userId, reason) {
      const approval = await pendingApproval(h.store.db, id, 'deploy');
      if (!approval) throw new Error(`no pending deploy approval for ${id}`);
      return await h.handle({
        type: 'ApprovalDecided',
        key: `decide:${approval.id}:${userId}:${decision}`,
        taskId: id,
        approvalId: approval.id,
        decision,
        actor: `telegram:${userId}:Person ${userId}`,
        ...(reason ? { reason } : {}),
      });
    },
    async cleanup() {
      await h.cleanup();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
