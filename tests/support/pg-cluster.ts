/**
 * A private PostgreSQL cluster for one test file or one benchmark run, started the way
 * `/work/shared/reference/toolchain.md` measured: `initdb -A trust -U postgres` in a temp
 * directory, `pg_ctl start` on a free port listening on 127.0.0.1 only, the socket in the same
 * directory. The server refuses to run as root, so as root the binaries run as the `postgres` user
 * (`runuser`) with the directory owned by it. `stop` stops the server and removes the directory.
 * No vitest import: the benchmark uses it too.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the PostgreSQL server binaries are, or why there are none (for the one skip line). */
export type PgBinLookup = { readonly type: 'found'; readonly binDir: string } | { readonly type: 'none'; readonly reason: string };

/** A running private cluster. */
export interface PgCluster {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` for a database created with {@link PgCluster.createDatabase}. */
  url(database: string): string;
  /** `CREATE DATABASE <name>` (letters, digits, underscores). */
  createDatabase(name: string): Promise<string>;
  /** Stop the server (fast shutdown) and remove its directory. Safe to call twice. */
  stop(): void;
}

/** Options for a cluster; `fast` turns fsync off (tests), never for benchmarks. */
export interface PgClusterOptions {
  readonly fast?: boolean;
}

/** PostgreSQL 15's binaries when installed, else the newest `/usr/lib/postgresql/<n>/bin`. */
export function findPgBinaries(): PgBinLookup {
  const root = '/usr/lib/postgresql';
  const preferred = join(root, '15', 'bin');
  if (existsSync(join(preferred, 'initdb'))) return checkUser(preferred);
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return checkUser(join(root, versions[0], 'bin'));
  return { type: 'none', reason: `no PostgreSQL server binaries under ${root} (apt-get install postgresql)` };
}

function checkUser(binDir: string): PgBinLookup {
  if (!isRoot()) return { type: 'found', binDir };
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return { type: 'found', binDir };
  } catch {
    return { type: 'none', reason: 'running as root and there is no postgres user to run the server as' };
  }
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** A free TCP port on 127.0.0.1 (the server binds it right after; a race is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(binDir: string, tool: string, args: readonly string[]): void {
  const [command, argv] = isRoot()
    ? ['runuser', ['-u', 'postgres', '--', join(binDir, tool), ...args]]
    : [join(binDir, tool), [...args]];
  execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

/** initdb + pg_ctl start on a free port; throws with the server log when it does not start. */
export async function startPgCluster(binDir: string, options: PgClusterOptions = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-pg-'));
  if (isRoot()) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const data = join(dir, 'data');
  const port = await freePort();
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      run(binDir, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // Not running (start failed): nothing to stop; the directory goes anyway.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(binDir, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    const settings = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c max_connections=100'];
    if (options.fast) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
    run(binDir, 'pg_ctl', ['-D', data, '-o', settings.join(' '), '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    stop();
    throw new Error(`private PostgreSQL cluster did not start in ${dir}: ${String(error)}`, { cause: error });
  }
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const { Client } = (await import('pg')).default;
      const client = new Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}
