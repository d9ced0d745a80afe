/**
 * Running one git command through simple-git with Conveyor's fixed settings: an explicit commit
 * identity (the project's, or Conveyor's own: the host may have none, and we never write global
 * config), signing only when the project configures a key, no credential prompts, a minimal environment, and a rejection for every non-zero
 * exit code (simple-git otherwise resolves "exit 1 with empty stderr" as success).
 */
import { GitError, GitPluginError, simpleGit, type SimpleGit } from 'simple-git';

/** Safety settings passed with `-c` to every command. */
const GIT_CONFIG = ['tag.gpgsign=false', 'advice.detachedHead=false', 'gc.auto=0'];

/** Who Conveyor's commits are by, and whether they are signed (a project's `git` block). */
export interface CommitIdentity {
  readonly name: string;
  readonly email: string;
  /** Path of an SSH private key: commits are signed with it (gpg.format=ssh); absent, unsigned. */
  readonly signingKey?: string;
}

/** The identity of a workspace that was given none (the host may have no identity at all). */
export const DEFAULT_IDENTITY: CommitIdentity = Object.freeze({ name: 'Conveyor', email: 'conveyor@localhost' });

/** `-c` settings for an identity: author and committer, and signing on or explicitly off. */
function identityConfig(identity: CommitIdentity): string[] {
  const config = [`user.name=${identity.name}`, `user.email=${identity.email}`];
  if (identity.signingKey === undefined) return [...config, 'commit.gpgsign=false'];
  return [...config, 'gpg.format=ssh', `user.signingkey=${identity.signingKey}`, 'commit.gpgsign=true'];
}

/** Keys taken from the host environment; everything else (tokens included) stays out. */
const PASSED_ENV_KEYS = ['PATH', 'HOME', 'TMPDIR', 'SSH_AUTH_SOCK', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/** A git command that exited non-zero. A GitError, so simple-git passes it through unwrapped. */
export class GitCommandError extends GitError {
  override readonly name = 'GitCommandError';
  constructor(
    readonly exitCode: number,
    readonly output: string,
  ) {
    super(undefined, output.trim() || `git exited with code ${exitCode}`);
  }
}

/** Options shared by every git command of one workspace. */
export interface GitCommandOptions {
  /** Host environment to pick PATH, HOME, proxies from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Kill a command that produced no output for this long. */
  readonly blockTimeoutMs: number;
  /**
   * The git directory to use for commands in `cwd` (set as GIT_DIR, with cwd as GIT_WORK_TREE)
   * instead of discovering it; null to discover. See worktree-git-dir.ts.
   */
  readonly gitDirOf?: (cwd: string) => Promise<string | null>;
}

/** Runs git commands in directories with fixed settings. */
export class GitCommand {
  private readonly env: Record<string, string>;
  private readonly config: readonly string[];

  constructor(
    private readonly options: GitCommandOptions,
    /** The identity commits made through this instance carry. */
    readonly identity: CommitIdentity = DEFAULT_IDENTITY,
  ) {
    this.config = [...identityConfig(identity), ...GIT_CONFIG];
    const env: Record<string, string> = {};
    for (const key of PASSED_ENV_KEYS) {
      const value = options.env[key];
      if (value !== undefined) env[key] = value;
    }
    // English messages for error classification; never wait for a credential prompt.
    env.LC_ALL = 'C';
    env.LANGUAGE = 'C';
    env.GIT_TERMINAL_PROMPT = '0';
    this.env = env;
  }

  /** The same commands, committing (and signing) as `identity`. */
  as(identity: CommitIdentity): GitCommand {
    return new GitCommand(this.options, identity);
  }

  /** Whether commits made through this instance are signed (pass `-S` to commands that ignore commit.gpgsign). */
  get signs(): boolean {
    return this.identity.signingKey !== undefined;
  }

  /** Run `git <args>` in `cwd` (which must exist); resolves with trimmed stdout. */
  async run(cwd: string, args: readonly string[]): Promise<string> {
    const gitDir = (await this.options.gitDirOf?.(cwd)) ?? null;
    const output = await this.client(cwd, gitDir ? { GIT_DIR: gitDir, GIT_WORK_TREE: cwd } : {}).raw([...args]);
    return output.trim();
  }

  /** Run and report the exit code instead of rejecting for the codes listed in `accepted`. */
  async exitCode(cwd: string, args: readonly string[], accepted: readonly number[]): Promise<number> {
    try {
      await this.run(cwd, args);
      return 0;
    } catch (error) {
      if (error instanceof GitCommandError && accepted.includes(error.exitCode)) return error.exitCode;
      throw error;
    }
  }

  /** The sha a ref points at, or null when it does not exist. */
  async resolveRef(cwd: string, ref: string): Promise<string | null> {
    try {
      return await this.run(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    } catch (error) {
      if (error instanceof GitCommandError && error.exitCode === 1) return null;
      throw error;
    }
  }

  /** True when `ancestor` is reachable from `descendant`. */
  async isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
    return (await this.exitCode(cwd, ['merge-base', '--is-ancestor', ancestor, descendant], [1])) === 0;
  }

  private client(cwd: string, extraEnv: Readonly<Record<string, string>>): SimpleGit {
    return simpleGit({
      baseDir: cwd,
      config: [...this.config],
      allowEnvironment: ['GIT_TERMINAL_PROMPT', 'GIT_DIR', 'GIT_WORK_TREE'],
      timeout: { block: this.options.blockTimeoutMs },
      // Runs after simple-git's own detector, which only flags non-zero exits that wrote to stderr.
      errors: (error, result) => {
        if (error instanceof GitPluginError || result.exitCode === 0) return error;
        const output = Buffer.concat([...result.stdErr, ...result.stdOut]).toString('utf8');
        return new GitCommandError(result.exitCode, output || (error instanceof Error ? error.message : ''));
      },
    }).env({ ...this.env, ...extraEnv });
  }
}
