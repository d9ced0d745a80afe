/**
 * A project's bare mirror: cloned once (into a temporary directory, then renamed, so a crash never
 * leaves half a mirror), its origin URL kept equal to the project's `cloneUrl`, and fetched into
 * remote-tracking refs (`refs/remotes/origin/*`, pruned) so the task branches checked out in
 * worktrees are never overwritten by a fetch.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../core/ports/logger.ts';
import type { GitCommand } from './git-command.ts';
import { describingFailure } from './git-failure.ts';

/** Where remote branches land in the mirror. */
export const TRACKING_REFSPEC = '+refs/heads/*:refs/remotes/origin/*';

/** The mirror one project's operations work on. */
export interface MirrorTarget {
  readonly projectId: string;
  readonly cloneUrl: string;
  /** Absolute path of `<workdir>/mirrors/<id>.git`. */
  readonly mirror: string;
}

const checkedOrigins = new Map<string, string>();

/** True when `dir` holds a bare repository (checked on disk: git would walk up to a parent repo). */
export async function isBareRepository(dir: string): Promise<boolean> {
  const entries = await Promise.all(['HEAD', 'config', 'objects', 'refs'].map((name) => stat(path.join(dir, name)).catch(() => null)));
  return entries.every((entry) => entry !== null);
}

/** Clone the mirror if it is missing, point origin at `cloneUrl`, and fetch with pruning. */
export async function syncMirror(git: GitCommand, target: MirrorTarget, logger: Logger): Promise<void> {
  if (!(await isBareRepository(target.mirror))) await cloneMirror(git, target, logger);
  await describingFailure(`fetching mirror ${target.projectId}`, async () => {
    // The origin URL is checked once per mirror and process (one git call less on every fetch).
    if (checkedOrigins.get(target.mirror) !== target.cloneUrl) {
      const url = await git.run(target.mirror, ['config', '--get', 'remote.origin.url']);
      if (url !== target.cloneUrl) await git.run(target.mirror, ['remote', 'set-url', 'origin', target.cloneUrl]);
      checkedOrigins.set(target.mirror, target.cloneUrl);
    }
    await git.run(target.mirror, ['fetch', '--prune', '--no-tags', 'origin', TRACKING_REFSPEC]);
  });
}

async function cloneMirror(git: GitCommand, target: MirrorTarget, logger: Logger): Promise<void> {
  const parent = path.dirname(target.mirror);
  const temporary = `${target.mirror}.tmp-${randomBytes(4).toString('hex')}`;
  await describingFailure(`cloning mirror ${target.projectId}`, async () => {
    await mkdir(parent, { recursive: true });
    // Whatever sits at the mirror path is not a repository (an interrupted manual copy): replace it.
    await rm(target.mirror, { recursive: true, force: true });
    try {
      await git.run(parent, ['clone', '--bare', '--no-tags', '--', target.cloneUrl, temporary]);
      await git.run(temporary, ['config', 'remote.origin.fetch', TRACKING_REFSPEC]);
      await rename(temporary, target.mirror);
      checkedOrigins.delete(target.mirror);
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  });
  logger.info({ project: target.projectId }, 'mirror cloned');
}
