import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Does git ignore `path` (as a file, or as a directory)? */
function isIgnored(path: string): boolean {
  return [path, `${path.replace(/\/+$/, '')}/`].some((candidate) => {
    try {
      execFileSync('git', ['check-ignore', '-q', '--no-index', candidate]);
      return true; // exit 0: ignored
    } catch {
      return false;
    }
  });
}

/** COPY/ADD sources of the build context (not `--from=` stage copies). */
function contextSources(dockerfile: string): string[] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  const sources: string[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*(COPY|ADD)\s+(.*)$/i.exec(line);
    if (!match?.[2] || /--from=/.test(match[2])) continue;
    const parts = match[2].split(/\s+/).filter((p) => p && !p.startsWith('--'));
    sources.push(...parts.slice(0, -1));
  }
  return sources;
}

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const sources = contextSources(dockerfile);

  it('copies only paths that exist and that git does not ignore', () => {
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(source), `${source} exists`).toBe(true);
      expect(isIgnored(source), `${source} is git-ignored but the Dockerfile copies it`).toBe(false);
    }
  });

  it('would catch a copy of an ignored path', () => {
    const bad = contextSources('COPY data ./data\nCOPY --from=deps /app/node_modules ./node_modules\n');
    expect(bad).toEqual(['data']);
    expect(isIgnored('data')).toBe(true);
    expect(isIgnored('.env')).toBe(true);
  });

  it('runs as a non-root user with a /data volume and a healthcheck', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect((dockerfile.match(/^FROM /gm) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  // The image itself cannot be built here (no registry for node:24-bookworm-slim): static checks.
  it('is built on the current Node LTS, with ssh for deploy keys and a configurable uid/gid', () => {
    const froms = dockerfile.match(/^FROM \S+/gm) ?? [];
    expect(froms.every((line) => line === 'FROM node:24-bookworm-slim')).toBe(true);
    expect(dockerfile).toMatch(/install -y --no-install-recommends [^\n]*\bopenssh-client\b/);
    expect(dockerfile).toMatch(/^ARG CONVEYOR_UID=1000$/m);
    expect(dockerfile).toMatch(/^ARG CONVEYOR_GID=1000$/m);
    expect(dockerfile).toMatch(/usermod -o -u "\$CONVEYOR_UID" -g "\$CONVEYOR_GID" node/);
    const users = dockerfile.match(/^USER \S+$/gm) ?? [];
    expect(users.at(-1)).toBe('USER node');
    expect(dockerfile.indexOf('usermod')).toBeLessThan(dockerfile.lastIndexOf('USER node'));
  });
});
