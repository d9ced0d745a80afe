/**
 * The container agent runner on the real engine (issue 8 §1): an agent that goes looking for
 * Conveyor's secrets — its environment through every /proc/<pid>/environ, the database file,
 * another task's worktree, the Docker socket — finds none of them, while its artefact lands in its
 * own worktree owned by Conveyor again (so git, run by Conveyor, commits it).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agentContainerName, ContainerAgentRunner } from '../../adapters/agents/container-agent-runner.ts';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import type { AgentRunRequest } from '../../core/ports/agent-runner.ts';
import { DEFAULT_GIT_POLICY } from '../../core/config/git-policy-schema.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../support/busybox-image.ts';
import { describeDocker } from '../support/describe-docker.ts';
import { createGitRemote, isolatedGitEnv, remoteFile, type GitRemote } from '../support/git-fixtures.ts';

const LABEL = 'io.conveyor.test';
const CANARY_NAME = 'CONVEYOR_TEST_CANARY_TOKEN';

describeDocker('container agent runner (real engine)', (dockerHost) => {
  const run = runLabel('agent');
  const image = `conveyor-test/agent:${run}`;
  const docker = new DockerodeDocker({ dockerHost });
  let root: string;
  let remote: GitRemote;
  let gitHome: string;
  let workspace: GitWorkspace;
  let project: ProjectConfig;
  let mirror: string;
  let worktree: string;
  let otherWorktree: string;
  let dbFile: string;
  let taskFile: string;
  let promptFile: string;
  let runner: ContainerAgentRunner;

  const request = (command: string, overrides: Partial<AgentRunRequest> = {}): AgentRunRequest => ({
    command,
    cwd: worktree,
    role: 'developer',
    projectId: 'SHOP',
    taskId: 'SHOP-1',
    stage: 'development',
    attempt: 1,
    branch: 'task/SHOP-1',
    artifactsDir: 'docs/work-items/SHOP-1',
    taskFile,
    promptFile,
    timeoutMs: 60_000,
    logFile: path.join(root, 'data', 'logs', 'SHOP-1', `developer-${randomBytes(3).toString('hex')}.log`),
    ...overrides,
  });

  beforeAll(async () => {
    process.env[CANARY_NAME] = `canary-${randomBytes(8).toString('hex')}`;
    await buildBusyboxImage(docker, image, { [LABEL]: run });
    root = await mkdtemp(path.join(os.tmpdir(), 'conveyor-agent-'));
    // As Conveyor's own work dir: the agent's user may pass through, not list (ADR 0015).
    await chmod(root, 0o711);
    remote = await createGitRemote();
    const env = await isolatedGitEnv();
    gitHome = env.HOME!;
    const workdir = path.join(root, 'data', 'work');
    await mkdir(workdir, { recursive: true });
    workspace = new GitWorkspace({ workdir, env });
    project = { id: 'SHOP', repo: 'acme/shop', cloneUrl: remote.remote, defaultBranch: 'main', chatId: '-100123', approvers: [111], agents: { default: 'true' }, agentRunner: { type: 'process' }, stages: ['analysis', 'development', 'review', 'testing'], git: DEFAULT_GIT_POLICY };
    // Real worktrees as Conveyor makes them: `.git` is a file pointing into the project's mirror.
    worktree = (await workspace.prepare(project, 'SHOP-1')).path;
    otherWorktree = (await workspace.prepare(project, 'SHOP-2')).path;
    mirror = path.join(path.dirname(path.dirname(path.dirname(worktree))), 'mirrors', 'SHOP.git');
    dbFile = path.join(root, 'data', 'conveyor.db');
    taskFile = path.join(root, 'data', 'runs', 'SHOP-1', 'developer-1.task.md');
    promptFile = path.join(root, 'prompts', 'developer.md');
    for (const dir of [path.dirname(taskFile), path.dirname(promptFile)]) await mkdir(dir, { recursive: true });
    await writeFile(dbFile, `SQLite canary ${process.env[CANARY_NAME]}`);
    await writeFile(path.join(otherWorktree, 'secret.txt'), 'other task');
    await writeFile(taskFile, '# SHOP-1 task\n');
    await writeFile(promptFile, 'You are the developer.\n');
    runner = new ContainerAgentRunner({ docker, config: { type: 'container', image, network: 'none', memoryMb: 128, user: '1000:1000' } });
  });

  afterAll(async () => {
    delete process.env[CANARY_NAME];
    await removeLabelled(docker, LABEL, run);
    await rm(root, { recursive: true, force: true });
    await remote.cleanup();
    await rm(gitHome, { recursive: true, force: true });
  });

  it.skipIf(process.getuid?.() !== 0)('finds no secret, no database, no other worktree and no Docker socket; its artefact is committed by Conveyor', async () => {
    const probe = [
      'set -u',
      `leak=none; for f in /proc/*/environ; do if grep -q ${CANARY_NAME} "$f" 2>/dev/null; then leak="$f"; fi; done`,
      'mkdir -p "$ORCH_ARTIFACTS_DIR"',
      'out="$ORCH_ARTIFACTS_DIR/probe.txt"',
      'echo "environ: $leak" > "$out"',
      `if cat ${dbFile} >/dev/null 2>&1; then echo "db: readable" >> "$out"; else echo "db: unreadable" >> "$out"; fi`,
      `if ls ${otherWorktree} >/dev/null 2>&1; then echo "other: visible" >> "$out"; else echo "other: invisible" >> "$out"; fi`,
      `if [ -e /var/run/docker.sock ] || [ -e ${dockerHost.replace('unix://', '')} ]; then echo "docker: present" >> "$out"; else echo "docker: absent" >> "$out"; fi`,
      'if { echo "gitdir: /elsewhere" > .git; } 2>/dev/null || { echo "[core]" >> .git/config; } 2>/dev/null || mv .git .git-moved 2>/dev/null || rm -rf .git 2>/dev/null; then echo "git: tampered" >> "$out"; else echo "git: protected" >> "$out"; fi',
      `if ls ${mirror} >/dev/null 2>&1; then echo "mirror: visible" >> "$out"; else echo "mirror: invisible" >> "$out"; fi`,
      'echo "user: $(id -u):$(id -g)" >> "$out"',
      'echo "nnp: $(grep NoNewPrivs /proc/self/status | tr -dc 0-9)" >> "$out"',
      'echo "cwd: $(pwd)" >> "$out"',
      'echo "task: $(cat "$ORCH_TASK_FILE" | head -1) prompt: $(cat "$ORCH_PROMPT_FILE")" >> "$out"',
      'env | grep -E "^(ORCH_|CONVEYOR_)" | sort >> "$out"',
      'echo "agent done"',
    ].join('\n');
    const req = request(probe);
    const outcome = await runner.run(req);
    expect(outcome).toMatchObject({ type: 'exited', code: 0 });
    if (outcome.type === 'exited') expect(outcome.logTail).toContain('agent done');
    expect(await readFile(req.logFile, 'utf8')).toContain('agent done');

    const artefact = path.join(worktree, 'docs/work-items/SHOP-1/probe.txt');
    const report = await readFile(artefact, 'utf8');
    expect(report).toContain('environ: none');
    expect(report).toContain('db: unreadable');
    expect(report).toContain('other: invisible');
    expect(report).toContain('docker: absent');
    expect(report).toContain('git: protected');
    expect(report).toContain('mirror: invisible');
    expect(report).toContain('user: 1000:1000');
    expect(report).toContain('nnp: 1');
    expect(report).toContain(`cwd: ${worktree}`);
    expect(report).toContain('task: # SHOP-1 task prompt: You are the developer.');
    expect(report).toContain('ORCH_TASK_ID=SHOP-1');
    expect(report).toContain('ORCH_ROLE=developer');
    expect(report).toContain(`ORCH_TASK_FILE=${taskFile}`);
    expect(report).toMatch(/^CONVEYOR_RUN_ID=\S+$/m);
    expect(report).not.toContain(process.env[CANARY_NAME]!);

    const owner = await stat(artefact);
    expect(owner.uid).toBe(process.getuid!());
    // Conveyor's own commit-and-push (git refuses a worktree owned by another user).
    await workspace.commitAndPush(project, 'SHOP-1', 'SHOP-1 developer: attempt 1');
    expect(await remoteFile(remote.remote, 'task/SHOP-1', 'docs/work-items/SHOP-1/probe.txt')).toContain('environ: none');
  });

  it.skipIf(process.getuid?.() !== 0)('kills a run at its timeout and reports timed-out', async () => {
    const req = request('echo started; sleep 300', { timeoutMs: 2000 });
    const outcome = await runner.run(req);
    expect(outcome.type).toBe('timed-out');
    if (outcome.type === 'timed-out') {
      expect(outcome.logTail).toContain('started');
      expect(outcome.durationMs).toBeLessThan(30_000);
    }
    expect(await docker.containerState(agentContainerName(req.logFile))).toBeNull();
  });

  it.skipIf(process.getuid?.() !== 0)('reports cancelled when the job is aborted', async () => {
    const controller = new AbortController();
    const req = request('sleep 300', { signal: controller.signal });
    setTimeout(() => controller.abort(), 1500);
    const outcome = await runner.run(req);
    expect(outcome.type).toBe('cancelled');
    expect(await docker.containerState(agentContainerName(req.logFile))).toBeNull();
  });

  it('stops the container an earlier crashed run of the same log file left', async () => {
    const req = request('true');
    const name = agentContainerName(req.logFile);
    await docker.replaceContainer({ name, image, env: {}, command: ['sleep', '300'], networkMode: 'none', labels: { [LABEL]: run }, init: true });
    expect(await runner.stopOrphan(req.logFile)).toBe(true);
    expect(await docker.containerState(name)).toBeNull();
    expect(await readFile(req.logFile, 'utf8')).toContain(`removed container ${name}`);
    expect(await runner.stopOrphan(req.logFile)).toBe(true);
  });

  it('refuses to run an agent as root', async () => {
    const rootRunner = new ContainerAgentRunner({ docker, config: { type: 'container', image, network: 'none', user: '0:0' } });
    expect(await rootRunner.run(request('true'))).toMatchObject({ type: 'spawn-failed', error: expect.stringMatching(/non-root/) });
  });
});
