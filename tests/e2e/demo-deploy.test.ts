/**
 * The offline demo with a Docker engine goes past staging to production: Alice presses ✅ Deploy in
 * the chat, the demo's hook runs the validated image as a container on the real engine, health
 * passes, the card says delivered and deployed, and the image id production ran is the one staging
 * built — read from the printed transcript and checked against the engine. Nothing is left running.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { demoProdContainer } from '../../app/demo/demo-deploy.ts';
import { runDemo } from '../../app/demo/run-demo.ts';
import { describeDocker } from '../support/describe-docker.ts';

const root = mkdtempSync(join(tmpdir(), 'conveyor-demo-deploy-'));

describeDocker('the offline demo with a Docker engine', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  afterAll(async () => {
    await docker.removeContainer(demoProdContainer(root)).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(!existsSync('/bin/busybox'))('stages, deploys on ✅ Deploy, and production runs the image staging built', async () => {
    let output = '';
    const result = await runDemo({ root, timeoutMs: 150_000, write: (t) => void (output += t), env: { PATH: process.env.PATH, DOCKER_HOST: dockerHost } });
    expect(result.ok, output).toBe(true);
    expect(output).not.toContain('skipped');
    expect(output).toMatch(/^Alice presses ✅ Deploy on message #\d+ → /m);
    expect(result.transcript).toContain('🚀 Ready for production — SHOP-1');
    expect(result.transcript).toContain('✅ Deployed by Alice');
    expect(result.transcript).toContain('📦 Delivered · merged and deployed');
    expect(result.transcript).toContain('🔁 rollbacks 1/3 · last must fix: P1: cart.js wishlistCount(null) throws a TypeError');

    // The image id, as printed at staging and in production: one image, never rebuilt.
    const staged = /^ {2}staging built {2}(sha256:[0-9a-f]{64}) /m.exec(output)?.[1];
    const ran = /^ {2}production ran (sha256:[0-9a-f]{64}) /m.exec(output)?.[1];
    expect(staged, output).toBeDefined();
    expect(ran).toBe(staged);
    expect(result.images).toEqual({ staging: staged, production: staged });
    // The approval message showed the same image before anyone pressed.
    expect(result.transcript).toContain(`id ${staged!.slice(0, 19)}`);

    // The card's sha is what the bare repository's main points at after the merge.
    const main = execFileSync('git', ['--git-dir', result.remote, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    expect(result.transcript).toMatch(new RegExp(`^│ last: merged ${main.slice(0, 7)} · `, 'm'));
    expect(execFileSync('git', ['--git-dir', result.remote, 'show', 'main:docs/work-items/SHOP-1/15-deploy-report.md'], { encoding: 'utf8' })).toMatch(/deploy_status: SUCCESS/);

    // Nothing left running or tagged on the engine.
    expect(await docker.containerState(demoProdContainer(root))).toBeNull();
    expect(await docker.inspectImage(staged!)).toBeNull();
  }, 200_000);
});
