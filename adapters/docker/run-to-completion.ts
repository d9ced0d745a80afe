/**
 * A one-shot container: create (replacing any container of that name), attach before starting so
 * no output is lost, stream stdout and stderr to the log file, wait for the exit — killed at the
 * timeout or on abort — and always remove it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type Docker from 'dockerode';
import type { ContainerSpec, DockerCommandResult } from '../../core/ports/docker.ts';
import { createOptions, removeContainer } from './containers.ts';
import { engineCall, engineFailure } from './engine-errors.ts';
import { OutputBuffer } from './output-buffer.ts';

/** Options of {@link runToCompletion}. */
export interface RunOptions {
  readonly timeoutMs: number;
  readonly logFile: string;
  readonly signal?: AbortSignal;
}

/** Run `spec` to its end; `timedOut` when the timeout (not the signal) stopped it. */
export async function runToCompletion(docker: Docker, spec: ContainerSpec, options: RunOptions): Promise<DockerCommandResult> {
  const doing = `running container ${spec.name} from ${spec.image}`;
  const started = Date.now();
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const output = new OutputBuffer();
  try {
    await removeContainer(docker, spec.name);
    const container = await engineCall(doing, () => docker.createContainer(createOptions(spec)));
    try {
      const stream = await engineCall(doing, () => container.attach({ stream: true, stdout: true, stderr: true }));
      const sink = output.writable((chunk) => log.write(chunk));
      docker.modem.demuxStream(stream, sink, sink);
      const streamEnded = new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      });
      if (options.signal?.aborted) return { exitCode: 137, output: '', timedOut: false, durationMs: Date.now() - started };
      await engineCall(doing, () => container.start());
      const end = await waitOrStop(container, options, doing);
      await Promise.race([streamEnded, sleep(1000)]);
      return { exitCode: end.exitCode, output: output.text(), timedOut: end.timedOut, durationMs: Date.now() - started };
    } finally {
      await removeContainer(docker, spec.name).catch(() => undefined);
    }
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }
}

async function waitOrStop(container: Docker.Container, options: RunOptions, doing: string): Promise<{ exitCode: number; timedOut: boolean }> {
  const waited = container.wait().then(
    (result: { StatusCode?: number }) => ({ type: 'exited' as const, code: result.StatusCode ?? -1 }),
    (error: unknown) => ({ type: 'wait-failed' as const, error }),
  );
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<'timeout' | 'abort'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    onAbort = () => resolve('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const first = await Promise.race([waited, stopped]);
    if (first === 'timeout' || first === 'abort') {
      await container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
      const after = await Promise.race([waited, sleep(5000).then(() => null)]);
      const code = after && after.type === 'exited' ? after.code : 137;
      return { exitCode: code, timedOut: first === 'timeout' };
    }
    if (first.type === 'wait-failed') throw engineFailure(`${doing}: waiting for it to exit`, first.error);
    return { exitCode: first.code, timedOut: false };
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
