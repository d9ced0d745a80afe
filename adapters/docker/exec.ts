/**
 * `sh -c <script>` inside a running container. Output is multiplexed (no TTY): split with
 * `modem.demuxStream` into one ordered buffer. The exit code is in `exec.inspect()` only once
 * `Running` is false and the code is set (before the process starts, `Running` is false too, with
 * no code), so it is polled. The Engine API cannot kill an exec, so the wrapper prints
 * the shell's pid first; at the timeout a second exec kills that process tree.
 */
import type Docker from 'dockerode';
import type { DockerCommandResult } from '../../core/ports/docker.ts';
import { engineCall, engineFailure } from './engine-errors.ts';
import { OutputBuffer } from './output-buffer.ts';

const WRAPPER = 'echo "$$"; exec sh -c "$1"';
const KILL_TREE =
  'k() { for c in $(cat /proc/$1/task/*/children 2>/dev/null); do k "$c"; done; kill -KILL "$1" 2>/dev/null; }; k "$1"';
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;
/** How long an ended exec may report no exit code before it counts as failed. */
const UNKNOWN_EXIT_MS = 2_000;

/** Run `script` in `container`; a timeout kills it and reports `timedOut`. */
export async function execScript(
  docker: Docker,
  container: string,
  script: string,
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<DockerCommandResult> {
  const doing = `running a command in container ${container}`;
  const started = Date.now();
  const exec = await engineCall(doing, () =>
    docker.getContainer(container).exec({
      Cmd: ['sh', '-c', WRAPPER, 'sh', script],
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      AttachStdout: true,
      AttachStderr: true,
    }),
  );
  const output = new OutputBuffer();
  let pid: string | null = null;
  let pending = Buffer.alloc(0);
  const stderr = output.writable();
  // stdout's first line is the wrapper's pid, not the command's output.
  const stdout = new OutputBuffer().writable((chunk) => {
    if (pid !== null) return output.push(chunk);
    pending = Buffer.concat([pending, chunk]);
    const newline = pending.indexOf(10);
    if (newline < 0) return;
    pid = pending.subarray(0, newline).toString().trim();
    if (newline + 1 < pending.length) output.push(pending.subarray(newline + 1));
  });
  const stream = await engineCall(doing, () => exec.start({ hijack: true, stdin: false }));
  docker.modem.demuxStream(stream, stdout, stderr);
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  const deadline = started + timeoutMs;
  let timedOut = false;
  let exitCode: number | null = null;
  let wait = FIRST_POLL_MS;
  let streamEnded = false;
  void ended.then(() => (streamEnded = true));
  let unknownSince: number | null = null;
  for (;;) {
    const info = await engineCall(doing, () => exec.inspect());
    // Not running with no exit code yet: the engine has not started the process (seen on a loaded
    // machine right after start). Keep looking; give up only once the output ended long ago.
    const notStarted = !info.Running && (info.ExitCode === null || info.ExitCode === undefined);
    if (notStarted && streamEnded) unknownSince ??= Date.now();
    if (!info.Running && (!notStarted || (unknownSince !== null && Date.now() - unknownSince > UNKNOWN_EXIT_MS))) {
      exitCode = info.ExitCode ?? -1;
      break;
    }
    if (Date.now() >= deadline) {
      timedOut = true;
      if (pid !== null) await killTree(docker, container, pid).catch(() => undefined);
      break;
    }
    await Promise.race([ended, sleep(Math.min(wait, Math.max(1, deadline - Date.now())))]);
    wait = Math.min(MAX_POLL_MS, wait * 2);
  }
  // The stream may still carry the last frames after the process ended: wait for it briefly.
  await Promise.race([ended, sleep(timedOut ? 200 : 2000)]);
  (stream as { destroy?: () => void }).destroy?.();
  return { exitCode: exitCode ?? 137, output: output.text(), timedOut, durationMs: Date.now() - started };
}

async function killTree(docker: Docker, container: string, pid: string): Promise<void> {
  if (!/^\d+$/.test(pid)) return;
  try {
    const exec = await docker.getContainer(container).exec({ Cmd: ['sh', '-c', KILL_TREE, 'sh', pid], AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });
  } catch (error) {
    throw engineFailure(`stopping a timed-out command in container ${container}`, error);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
