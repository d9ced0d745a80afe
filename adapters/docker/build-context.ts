/**
 * The build context of a directory as a tar stream, honouring its `.dockerignore` with the matcher
 * dockerode itself uses (@balena/dockerignore, Docker's pattern rules including `!` exceptions).
 * Like the Docker CLI, the Dockerfile and `.dockerignore` are always sent, even when ignored.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import { pack } from 'tar-fs';

// CommonJS module whose typings declare an ES default export: the factory is the module itself.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

/** Relative paths (posix) of every file the context sends. */
export async function contextEntries(contextDir: string, dockerfile: string): Promise<string[]> {
  const patterns = await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => '');
  const matcher = dockerignore({ ignorecase: false }).add(patterns);
  // With an exception pattern a file inside an ignored directory may come back: walk everything.
  const canPrune = !patterns.split('\n').some((line) => line.trim().startsWith('!'));
  const always = new Set([posix.normalize(dockerfile.replace(/^\.\//, '')), '.dockerignore']);
  const entries: string[] = [];
  const walk = async (relDir: string): Promise<void> => {
    const dirents = await readdir(join(contextDir, relDir), { withFileTypes: true });
    for (const dirent of dirents) {
      const rel = relDir ? `${relDir}/${dirent.name}` : dirent.name;
      const ignored = matcher.ignores(rel);
      if (dirent.isDirectory()) {
        if (!(ignored && canPrune)) await walk(rel);
      } else if (!ignored || always.has(rel)) {
        entries.push(rel);
      }
    }
  };
  await walk('');
  return entries.sort();
}

/** An uncompressed tar of the context's entries. */
export async function buildContextTar(contextDir: string, dockerfile: string): Promise<Readable> {
  const entries = await contextEntries(contextDir, dockerfile);
  return pack(contextDir, { entries });
}
