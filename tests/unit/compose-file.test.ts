/**
 * Conveyor's own docker-compose.yml, validated by Debian's docker-compose 1.29 against the real
 * engine (DOCKER_HOST), in a scratch directory holding the files it refers to.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeDocker } from '../support/describe-docker.ts';

const exec = promisify(execFile);

/** The text of one service's block in `docker-compose config` output. */
function serviceBlock(config: string, name: string): string {
  const match = new RegExp(`^  ${name}:\\n((?:    .*\\n|  - .*\\n)*)`, 'm').exec(config);
  if (!match?.[1]) throw new Error(`no service ${name} in:\n${config}`);
  return match[1];
}

describeDocker('docker-compose.yml', (dockerHost) => {
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-compose-'));
    for (const file of ['docker-compose.yml', 'Dockerfile']) await copyFile(file, path.join(dir, file));
    await writeFile(path.join(dir, '.env'), 'TELEGRAM_BOT_TOKEN=123:abc\n');
    await writeFile(path.join(dir, 'projects.json'), '{"projects":[]}\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function config(extraEnv: Record<string, string> = {}, args: string[] = []): Promise<string> {
    const { stdout } = await exec('/usr/bin/docker-compose', [...args, 'config'], {
      cwd: dir,
      env: { PATH: process.env.PATH, DOCKER_HOST: dockerHost, ...extraEnv },
    });
    return stdout;
  }

  it('validates, and runs Conveyor non-root with its volume, read-only projects file, socket group, port and healthcheck', async () => {
    const conveyor = serviceBlock(await config(), 'conveyor');
    expect(conveyor).toContain('    user: 1000:1000\n');
    expect(conveyor).toMatch(/CONVEYOR_UID: '1000'/);
    expect(conveyor).toMatch(/group_add:\n {4}- '999'/);
    expect(conveyor).toContain('- conveyor-data:/data:rw');
    expect(conveyor).toContain(`- ${dir}/projects.json:/config/projects.json:ro`);
    expect(conveyor).toContain('- /var/run/docker.sock:/var/run/docker.sock:rw');
    expect(conveyor).toMatch(/DOCKER_HOST: unix:\/\/\/var\/run\/docker.sock/);
    expect(conveyor).toMatch(/ORCH_PROJECTS_FILE: \/config\/projects.json/);
    expect(conveyor).toMatch(/ORCH_HTTP_HOST: 0\.0\.0\.0/);
    expect(conveyor).toMatch(/published: 8080\n {6}target: 8080/);
    expect(conveyor).toMatch(
      /healthcheck:\n(?: {6}.*\n)* {6}- fetch\('http:\/\/127\.0\.0\.1:8080\/healthz'\)/,
    );
    expect(conveyor).toContain('TELEGRAM_BOT_TOKEN: 123:abc');
    expect(conveyor).not.toContain('profiles');
  });

  it('takes the uid, gid, socket group and port from the environment', async () => {
    const conveyor = serviceBlock(
      await config({ CONVEYOR_UID: '1234', CONVEYOR_GID: '2345', DOCKER_GID: '998', CONVEYOR_PORT: '9090' }),
      'conveyor',
    );
    expect(conveyor).toContain('    user: 1234:2345\n');
    expect(conveyor).toMatch(/CONVEYOR_GID: '2345'\n\s+CONVEYOR_UID: '1234'/);
    expect(conveyor).toMatch(/group_add:\n {4}- '998'/);
    expect(conveyor).toMatch(/published: 9090/);
  });

  it('offers a staging Conveyor as a profile, with its own volume, bot token and port', async () => {
    const staging = serviceBlock(
      await config({ CONVEYOR_STAGING_TELEGRAM_BOT_TOKEN: '456:def' }, ['--profile', 'staging']),
      'conveyor-staging',
    );
    expect(staging).toMatch(/profiles:\n {4}- staging/);
    expect(staging).toContain('- conveyor-staging-data:/data:rw');
    expect(staging).toContain('TELEGRAM_BOT_TOKEN: 456:def');
    expect(staging).toMatch(/published: 8081/);
    expect(staging).toContain('    user: 1000:1000\n');
  });

  it('is really checked: a broken copy is refused', async () => {
    const text = await readFile(path.join(dir, 'docker-compose.yml'), 'utf8');
    await writeFile(
      path.join(dir, 'docker-compose.yml'),
      text.replace('  restart: unless-stopped', '  restart: unless-stopped\n  surprise: true'),
    );
    await expect(config()).rejects.toThrow(/surprise/);
  });
});
