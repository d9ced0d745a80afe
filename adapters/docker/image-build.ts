/**
 * One image build through the Engine API. Both kinds of failure are values: an `error` entry in
 * the progress stream (a failing `RUN`) and a rejected call (a missing Dockerfile, a bad context)
 * are `failed` with the log's tail. Only an unreachable engine throws. `forcerm` removes the
 * intermediate container a failed step leaves; labels go through the `labels` option so a new
 * revision does not bust the layer cache.
 */
import type Docker from 'dockerode';
import type { ImageBuildOutcome, ImageBuildRequest } from '../../core/ports/docker.ts';
import { buildContextTar } from './build-context.ts';
import { progressReader } from './build-log.ts';
import { engineFailure, engineMessage, isUnreachable } from './engine-errors.ts';

/** Build `request` on `docker`. */
export async function buildImage(docker: Docker, request: ImageBuildRequest): Promise<ImageBuildOutcome> {
  const doing = `building ${request.tag}`;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onAbort = (): void => controller.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const reader = progressReader();
  const failed = (reason: string): ImageBuildOutcome => ({ type: 'failed', reason, logTail: reader.progress.tail.text() });
  try {
    if (request.signal?.aborted) return failed('build cancelled before it started');
    let context;
    try {
      context = await buildContextTar(request.contextDir, request.dockerfile);
    } catch (error) {
      return failed(`cannot read the build context ${request.contextDir}: ${engineMessage(error)}`);
    }
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.buildImage(context, {
        t: request.tag,
        dockerfile: request.dockerfile,
        labels: { ...request.labels },
        buildargs: { ...request.buildArgs },
        rm: true,
        forcerm: true,
        abortSignal: controller.signal,
      });
    } catch (error) {
      if (isUnreachable(error)) throw engineFailure(doing, error);
      if (controller.signal.aborted) return failed(timedOut ? `build timed out after ${Math.round(request.timeoutMs / 1000)} s` : 'build cancelled');
      return failed(`the engine refused the build: ${engineMessage(error)}`);
    }
    const streamError = await consume(stream, reader, controller.signal);
    if (controller.signal.aborted) return failed(timedOut ? `build timed out after ${Math.round(request.timeoutMs / 1000)} s` : 'build cancelled');
    if (streamError) return failed(`the build stream broke: ${engineMessage(streamError)}`);
    if (reader.progress.error !== null) return failed(reader.progress.error);
    const imageId = reader.progress.imageId ?? (await inspectId(docker, request.tag, doing));
    return { type: 'built', imageId, logTail: reader.progress.tail.text() };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/** Read the progress stream to its end; resolves with a stream error, if any. */
function consume(stream: NodeJS.ReadableStream, reader: ReturnType<typeof progressReader>, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (error: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reader.end();
      resolve(error);
    };
    const onAbort = (): void => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      settle(null);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer | string) => reader.push(chunk));
    stream.on('end', () => settle(null));
    stream.on('close', () => settle(null));
    stream.on('error', (error: unknown) => settle(error));
  });
}

async function inspectId(docker: Docker, tag: string, doing: string): Promise<string> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Id;
  } catch (error) {
    throw engineFailure(`${doing}: reading the built image's id`, error);
  }
}
