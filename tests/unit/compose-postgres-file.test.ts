/**
 * docker-compose.postgres.yml (PostgreSQL, one `start`, two workers), validated by Debian's
 * docker-compose 1.29 in a scratch directory holding the files it refers to, as
 * compose-file.test.ts does for the SQLite file.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeDocker } from '../support/describe-docker.ts';

const exec = promisify(execFile);
const FILE = 'docker-compose.postgres.yml';

/** The text of one service's block in `docker-compose config` output. */
function serviceBlock(config: string, name: string): string {
  const match = new RegExp(`^  ${name}:\\n((?:    .*\\n|  - .*\\n)*)`, 'm').exec(config);
  if (!match?.[1]) throw new Error(`no service ${name} in:\n${config}`);
  return match[1];
}

describeDocker(FILE, (dockerHost) => {
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-compose-pg-'));
    for (const file of [FILE, 'Dockerfile']) await copyFile(file, path.join(dir, file));
    await writeFile(path.join(dir, 'projects.json'), '{"projects":[]}\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function config(dotEnv: string): Promise<string> {
    await writeFile(path.join(dir, '.env'), dotEnv);
    const { stdout } = await exec('/usr/bin/docker-compose', ['-f', FILE, 'config'], {
      cwd: dir,
      env: { PATH: process.env.PATH, DOCKER_HOST: dockerHost },
    });
    return stdout;
  }

  it('runs PostgreSQL, one start that runs no jobs, and two workers with their own work dirs', async () => {
    const text = await config('TELEGRAM_BOT_TOKEN=123:abc\nCONVEYOR_PG_PASSWORD=pw-1\n');
    const url = 'ORCH_DATABASE_URL: postgres://conveyor:pw-1@postgres:5432/conveyor';
    const postgres = serviceBlock(text, 'postgres');
    expect(postgres).toContain('POSTGRES_PASSWORD: pw-1');
    expect(postgres).toMatch(/- pg_isready/);
    expect(postgres).toContain('- conveyor-pg:/var/lib/postgresql/data:rw');

    const start = serviceBlock(text, 'conveyor');
    expect(start).toMatch(/command:\n {4}- start/);
    expect(start).toContain(url);
    expect(start).toContain('ORCH_WORKER_KINDS: none');
    expect(start).toMatch(/condition: service_healthy/);
    expect(start).toMatch(/published: 8080/);
    expect(start).toContain('- conveyor-start:/data:rw');

    for (const [name, volume] of [['worker-1', 'conveyor-worker-1'], ['worker-2', 'conveyor-worker-2']] as const) {
      const worker = serviceBlock(text, name);
      expect(worker).toMatch(/command:\n {4}- worker/);
      expect(worker).toContain(url);
      expect(worker).toContain(`- ${volume}:/data:rw`);
      expect(worker).not.toContain('ORCH_WORKER_KINDS');
      expect(worker).not.toContain('published');
      expect(worker).toContain('    user: 1000:1000\n');
    }
  });

  it('refuses to run without a database password', async () => {
    await expect(config('TELEGRAM_BOT_TOKEN=123:abc\n')).rejects.toThrow(/CONVEYOR_PG_PASSWORD/);
  });

  it('is really checked: a broken copy is refused', async () => {
    const text = await readFile(path.join(dir, FILE), 'utf8');
    await writeFile(path.join(dir, FILE), text.replace('  restart: unless-stopped', '  restart: unless-stopped\n  surprise: true'));
    await expect(config('CONVEYOR_PG_PASSWORD=pw\n')).rejects.toThrow(/surprise/);
  });
});
