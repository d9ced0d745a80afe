/**
 * How the demo's Gitea learns of pushes to its real repository: a `post-receive` hook in the bare
 * repository (as Gitea installs one in every repository it hosts) posts the ref updates to a
 * loopback endpoint before `git push` returns, so Gitea's view of the branches is current the
 * moment the pusher moves on.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One ref update: `git push` moved `ref` from `before` to `after` (zeros: created / deleted). */
export interface RefUpdate {
  readonly before: string;
  readonly after: string;
  readonly ref: string;
}

/** A running relay. */
export interface PushRelay {
  close(): Promise<void>;
}

/**
 * Install the hook in `bare` and serve its endpoint. `onPush` runs before the hook (and so the
 * push) finishes; it should only record and schedule.
 */
export async function startPushRelay(
  bare: string,
  onPush: (updates: readonly RefUpdate[]) => void,
): Promise<PushRelay> {
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => void (body += chunk));
    request.on('end', () => {
      try {
        onPush(parseUpdates(body));
        response.writeHead(204).end();
      } catch {
        response.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Valid as CommonJS and as ESM, whichever the surroundings make of an extension-less file.
  const hook = `#!${process.execPath}
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  fetch('http://127.0.0.1:${port}/post-receive', { method: 'POST', body: input }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
});
`;
  await mkdir(join(bare, 'hooks'), { recursive: true });
  const path = join(bare, 'hooks', 'post-receive');
  await writeFile(path, hook);
  await chmod(path, 0o755);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `<old> <new> <ref>` lines, as git gives them to post-receive. */
function parseUpdates(text: string): RefUpdate[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts): parts is [string, string, string] => parts.length === 3 && parts.every(Boolean))
    .map(([before, after, ref]) => ({ before, after, ref }));
}
