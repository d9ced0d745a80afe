/** Create a local bare repository seeded with the demo app (no network, explicit git identity). */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED_DIR = fileURLToPath(new URL('./seed/', import.meta.url));
const IDENTITY = ['-c', 'user.name=Conveyor Demo', '-c', 'user.email=demo@conveyor.localhost', '-c', 'commit.gpgsign=false'];

/** `prepare` may add files to the checkout before its first commit (the staging Dockerfile). */
export function seedDemoRepository(root: string, prepare?: (checkout: string) => void): string {
  const remote = join(root, 'remote', 'shop.git');
  const scratch = join(root, 'seed');
  mkdirSync(remote, { recursive: true });
  git(remote, 'init', '--bare', '--initial-branch=main');
  cpSync(SEED_DIR, scratch, { recursive: true });
  prepare?.(scratch);
  git(scratch, 'init', '--initial-branch=main');
  git(scratch, 'add', '-A');
  git(scratch, ...IDENTITY, 'commit', '-m', 'demo shop: initial commit');
  git(scratch, 'push', remote, 'main');
  return remote;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'pipe', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1' } });
}
