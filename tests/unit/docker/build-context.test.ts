import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextEntries } from '../../../adapters/docker/build-context.ts';

describe('build context entries', () => {
  let dir: string;
  const files = async (entries: Record<string, string>): Promise<void> => {
    for (const [name, content] of Object.entries(entries)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), content);
    }
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-ctx-unit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sends everything without a .dockerignore', async () => {
    await files({ Dockerfile: 'FROM scratch', 'src/a.txt': 'a', '.env': 'x' });
    expect(await contextEntries(dir, 'Dockerfile')).toEqual(['.env', 'Dockerfile', 'src/a.txt']);
  });

  it('leaves out ignored files and directories, keeps exceptions, and always sends the Dockerfile and .dockerignore', async () => {
    await files({
      '.dockerignore': '*\n!src\nsrc/**/*.secret\n!src/keep.secret\n',
      'docker/app.Dockerfile': 'FROM scratch',
      'node_modules/x/index.js': 'x',
      'src/a.txt': 'a',
      'src/deep/b.secret': 'b',
      'src/keep.secret': 'k',
      '.env': 'TOKEN=1',
    });
    expect(await contextEntries(dir, './docker/app.Dockerfile')).toEqual(['.dockerignore', 'docker/app.Dockerfile', 'src/a.txt', 'src/keep.secret']);
  });

  it('prunes an ignored directory when there is no exception', async () => {
    await files({ '.dockerignore': 'node_modules\n**/*.log\n', Dockerfile: 'FROM scratch', 'node_modules/a/b.js': 'x', 'logs/x.log': 'l', 'app.js': 'a' });
    expect(await contextEntries(dir, 'Dockerfile')).toEqual(['.dockerignore', 'Dockerfile', 'app.js']);
  });
});
