/**
 * WorkspacePort on real git (design §5): one bare mirror per project under
 * `<workdir>/mirrors/<id>.git`, one worktree per task under `<workdir>/worktrees/<id>/<taskId>` on
 * `task/<taskId>`. Operations that touch a mirror's refs run one at a time per project (a
 * per-project mutex); different projects run in parallel.
 *
 * Any job may run on any worker (ADR 0055): an operation that needs the task's worktree and finds
 * none on this machine recreates it first from the pushed task branch (fetched from the project's
 * remote); `prepare` starts a branch never pushed from the default branch, as on one machine.
 */
import { chmod, mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { PermanentError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../core/ports/logger.ts';
import type { CatchUpOutcome, LandOutcome, MergeOutcome, PushResult, WorkspacePort, Worktree } from '../../core/ports/workspace.ts';
import { joinInside, resolvesInside } from './contained-path.ts';
import { GitCommand } from './git-command.ts';
import { landingTitle } from '../../core/config/git-policy-schema.ts';
import { landOnDefault } from './land-on-default.ts';
import { describingFailure } from './git-failure.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { catchUp, mergeToDefault } from './merge-to-default.ts';
import { isBareRepository, syncMirror } from './mirror-sync.ts';
import { fastForwardDefault, pushTaskBranch } from './push-branch.ts';
import { worktreeGitDir } from './worktree-git-dir.ts';
import { ensureWorktree, hasWorktree, removeWorktree, requireWorktree, type TaskCheckout } from './task-worktree.ts';

/** Options of {@link GitWorkspace}. */
export interface GitWorkspaceOptions {
  /** `ORCH_WORKDIR`: mirrors and worktrees live below it. */
  readonly workdir: string;
  readonly logger?: Logger;
  /** Host environment git may see; only PATH, HOME, TMPDIR, SSH_AUTH_SOCK and proxies are taken. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kill a git command that stays silent this long (ms); a large clone prints nothing for minutes. Default 300000. */
  readonly gitTimeoutMs?: number;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Git worktrees for tasks, backed by per-project bare mirrors. */
export class GitWorkspace implements WorkspacePort {
  private readonly git: GitCommand;
  private readonly logger: Logger;
  private readonly mutex = new KeyedMutex();
  private rootPromise: Promise<string> | undefined;

  constructor(private readonly options: GitWorkspaceOptions) {
    this.git = new GitCommand({
      env: options.env ?? process.env,
      blockTimeoutMs: options.gitTimeoutMs ?? 300_000,
      gitDirOf: async (cwd) => worktreeGitDir(await this.root(), cwd),
    });
    this.logger = (options.logger ?? silentLogger).child({ component: 'git-workspace' });
  }

  async prepare(project: ProjectConfig, taskId: string): Promise<Worktree> {
    const task = await this.checkout(project, taskId);
    return this.mutex.run(project.id, async () => {
      await this.sync(project, task);
      const headSha = await describingFailure(`preparing worktree ${taskId} of ${project.id}`, () => ensureWorktree(this.git, task, this.logger));
      return { path: task.worktree, branch: task.branch, headSha };
    });
  }

  async commitAndPush(project: ProjectConfig, taskId: string, message: string): Promise<PushResult> {
    const task = await this.checkout(project, taskId);
    const doing = `committing and pushing ${task.branch} of ${project.id}`;
    return this.mutex.run(project.id, () =>
      describingFailure(doing, async () => {
        const git = this.gitOf(project);
        await this.recreateWhenMissing(project, task);
        await requireWorktree(git, task, doing);
        await git.run(task.worktree, ['add', '-A']);
        const staged = await git.run(task.worktree, ['diff', '--cached', '--name-only']);
        if (staged) await git.run(task.worktree, ['commit', '--no-verify', '--quiet', '-m', message]);
        const headSha = await git.run(task.worktree, ['rev-parse', 'HEAD']);
        await pushTaskBranch(git, task.worktree, task.branch, headSha);
        this.logger.info({ project: project.id, taskId, committed: staged !== '', headSha }, 'task branch pushed');
        return { committed: staged !== '', headSha };
      }),
    );
  }

  async writeFile(project: ProjectConfig, taskId: string, relPath: string, content: string): Promise<void> {
    const task = await this.checkout(project, taskId);
    const doing = `writing ${relPath} in worktree ${taskId} of ${project.id}`;
    const target = joinInside(task.worktree, relPath, doing);
    // Written into a missing worktree, the file would make a plain directory where git's belongs.
    await this.mutex.run(project.id, () => describingFailure(doing, () => this.recreateWhenMissing(project, task)));
    await resolvesInside(task.worktree, target, doing);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content, 'utf8');
  }

  async readFile(project: ProjectConfig, taskId: string, relPath: string): Promise<string | null> {
    const task = await this.checkout(project, taskId);
    const doing = `reading ${relPath} in worktree ${taskId} of ${project.id}`;
    const target = joinInside(task.worktree, relPath, doing);
    if (!(await resolvesInside(task.worktree, target, doing))) return null;
    try {
      return await readFile(target, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new PermanentError(`${doing}: ${(error as Error).message}`);
    }
  }

  async mergeToDefault(project: ProjectConfig, taskId: string, title: string): Promise<MergeOutcome> {
    const task = await this.checkout(project, taskId);
    const doing = `merging ${task.branch} into ${project.defaultBranch} in ${project.id}`;
    return this.mutex.run(project.id, async () => {
      await describingFailure(doing, async () => {
        await this.recreateWhenMissing(project, task);
        await requireWorktree(this.git, task, doing);
      });
      // No fetch first: a default branch that moved since the last fetch rejects the fast-forward
      // push, and the rejection fetches and rebases (one fetch less on every merge).
      const outcome = await describingFailure(doing, () => mergeToDefault(this.gitOf(project), task, { title: landingTitle(taskId, title), method: project.git.mergeMethod }, () => this.sync(project, task)));
      this.logger.info({ project: project.id, taskId, outcome: outcome.type }, 'merge to default branch');
      return outcome;
    });
  }

  async catchUp(project: ProjectConfig, taskId: string): Promise<CatchUpOutcome> {
    const task = await this.checkout(project, taskId);
    const doing = `catching ${task.branch} up with ${project.defaultBranch} in ${project.id}`;
    return this.mutex.run(project.id, async () => {
      await this.sync(project, task);
      const head = await describingFailure(doing, () => ensureWorktree(this.git, task, this.logger));
      const outcome = await describingFailure(doing, () => catchUp(this.gitOf(project), task, head));
      this.logger.info({ project: project.id, taskId, outcome: outcome.type }, 'caught up with the default branch');
      return outcome;
    });
  }

  async fastForwardDefault(project: ProjectConfig, taskId: string, sha: string): Promise<{ readonly type: 'merged' } | { readonly type: 'moved'; readonly reason: string }> {
    const task = await this.checkout(project, taskId);
    const doing = `fast-forwarding ${project.defaultBranch} of ${project.id} to ${sha.slice(0, 7)}`;
    return this.mutex.run(project.id, () =>
      describingFailure(doing, async () => {
        const push = await fastForwardDefault(this.git, task.mirror, project.defaultBranch, sha);
        this.logger.info({ project: project.id, taskId, sha, outcome: push.type }, 'fast-forward of the default branch');
        return push.type === 'pushed' ? { type: 'merged' as const } : { type: 'moved' as const, reason: push.reason };
      }),
    );
  }

  async landOnDefault(project: ProjectConfig, taskId: string, sha: string, title: string): Promise<LandOutcome> {
    const task = await this.checkout(project, taskId);
    const method = project.git.mergeMethod;
    const doing = `landing ${sha.slice(0, 7)} of ${task.branch} on ${project.defaultBranch} of ${project.id} (${method})`;
    return this.mutex.run(project.id, () =>
      describingFailure(doing, async () => {
        const landing = { taskId, defaultBranch: project.defaultBranch, sha, title: landingTitle(taskId, title), method };
        const outcome = await landOnDefault(this.gitOf(project), task.mirror, landing);
        this.logger.info({ project: project.id, taskId, sha, method, outcome: outcome.type, ...(outcome.type === 'merged' ? { landed: outcome.sha } : {}) }, 'landing on the default branch');
        return outcome;
      }),
    );
  }

  async changedPaths(project: ProjectConfig, taskId: string, from: string, to: string): Promise<readonly string[]> {
    const task = await this.checkout(project, taskId);
    const doing = `listing changes ${from.slice(0, 7)}..${to.slice(0, 7)} in ${project.id}`;
    return describingFailure(doing, async () => {
      for (const sha of [from, to]) {
        if (!/^[0-9a-f]{7,64}$/i.test(sha) || !(await this.git.resolveRef(task.mirror, sha))) return ['<unknown revision>'];
      }
      const listing = await this.git.run(task.mirror, ['diff', '--name-only', '--no-renames', from, to]);
      return listing.split('\n').filter(Boolean);
    });
  }

  async remove(project: ProjectConfig, taskId: string): Promise<void> {
    const task = await this.checkout(project, taskId);
    await this.mutex.run(project.id, () =>
      describingFailure(`removing worktree ${taskId} of ${project.id}`, async () => {
        await removeWorktree(this.git, task, await isBareRepository(task.mirror));
      }),
    );
  }

  /** Commands that commit as the project's identity, signing when it names a key. */
  private gitOf(project: ProjectConfig): GitCommand {
    const { authorName: name, authorEmail: email, signingKey } = project.git;
    return this.git.as(signingKey === undefined ? { name, email } : { name, email, signingKey });
  }

  /**
   * The worktree of a task whose earlier jobs ran on another machine: rebuilt at the pushed head.
   * A branch never pushed is left alone (nothing of the task exists anywhere: the caller's "prepare
   * it first" stands). Under the project's mutex.
   */
  private async recreateWhenMissing(project: ProjectConfig, task: TaskCheckout): Promise<void> {
    if (await hasWorktree(task)) return;
    await this.sync(project, task);
    if (!(await this.git.resolveRef(task.mirror, `refs/remotes/origin/${task.branch}`))) return;
    await ensureWorktree(this.git, task, this.logger);
    this.logger.info({ project: project.id, taskId: task.taskId }, 'worktree missing on this machine; recreated from the remote');
  }

  private sync(project: ProjectConfig, task: TaskCheckout): Promise<void> {
    return syncMirror(this.git, { projectId: project.id, cloneUrl: cloneSource(project.cloneUrl), mirror: task.mirror }, this.logger);
  }

  private async checkout(project: ProjectConfig, taskId: string): Promise<TaskCheckout> {
    if (!SAFE_ID.test(project.id)) throw new PermanentError(`invalid project id ${JSON.stringify(project.id)}`);
    if (!SAFE_ID.test(taskId) || taskId.includes('..') || taskId.endsWith('.lock')) {
      throw new PermanentError(`invalid task id ${JSON.stringify(taskId)} in ${project.id}`);
    }
    const root = await this.root();
    return {
      projectId: project.id,
      taskId,
      defaultBranch: project.defaultBranch,
      mirror: path.join(root, 'mirrors', `${project.id}.git`),
      worktree: path.join(root, 'worktrees', project.id, taskId),
      branch: `task/${taskId}`,
    };
  }

  /**
   * The workdir, created and resolved through symlinks once, so paths compare equal to git's.
   * Agents running as another user pass through it to their worktree but list nothing (0711);
   * the mirrors are Conveyor's alone (ADR 0015).
   */
  private root(): Promise<string> {
    this.rootPromise ??= (async () => {
      await mkdir(this.options.workdir, { recursive: true });
      const root = await realpath(this.options.workdir);
      await chmod(root, 0o711);
      for (const [name, mode] of [['mirrors', 0o700], ['worktrees', 0o711]] as const) {
        await mkdir(path.join(root, name), { recursive: true });
        await chmod(path.join(root, name), mode);
      }
      await closeOldWorktrees(path.join(root, 'worktrees'));
      return root;
    })().catch((error: unknown) => {
      this.rootPromise = undefined;
      throw new PermanentError(`preparing workdir ${this.options.workdir}: ${(error as Error).message}`);
    });
    return this.rootPromise;
  }
}

/** Worktrees made before their modes were tightened (an upgrade): only a run's agent may enter one. */
async function closeOldWorktrees(worktrees: string): Promise<void> {
  for (const project of await readdir(worktrees, { withFileTypes: true })) {
    if (!project.isDirectory()) continue;
    const projectDir = path.join(worktrees, project.name);
    await chmod(projectDir, 0o711);
    for (const task of await readdir(projectDir, { withFileTypes: true })) {
      if (task.isDirectory()) await chmod(path.join(projectDir, task.name), 0o700);
    }
  }
}

/** A local path is made absolute (git runs in other directories); URLs and scp-style remotes stay. */
function cloneSource(cloneUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(cloneUrl) || /^[^/]+:/.test(cloneUrl)) return cloneUrl;
  return path.resolve(cloneUrl);
}
