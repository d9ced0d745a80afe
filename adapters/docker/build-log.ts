/**
 * The engine's build progress stream (JSON lines) read into a log and an outcome: `stream` text is
 * the log, an `error`/`errorDetail` entry is a failed build (the engine still answers 200 then),
 * `aux.ID` is the built image's id.
 */
import { LogTail } from '../agents/log-tail.ts';

/** The last lines of a build log kept for must-fix text. */
export const BUILD_TAIL = { maxLines: 40, maxChars: 4000 } as const;

/** What the progress stream said. */
export interface BuildProgress {
  readonly tail: LogTail;
  error: string | null;
  imageId: string | null;
}

/** Feed one chunk of the progress stream; partial lines wait for the next chunk. */
export function progressReader(): { progress: BuildProgress; push(chunk: Buffer | string): void; end(): void } {
  const progress: BuildProgress = { tail: new LogTail(BUILD_TAIL), error: null, imageId: null };
  let pending = '';
  const line = (text: string): void => {
    if (!text.trim()) return;
    let entry: { stream?: unknown; error?: unknown; errorDetail?: { message?: unknown }; aux?: { ID?: unknown }; status?: unknown };
    try {
      entry = JSON.parse(text) as typeof entry;
    } catch {
      progress.tail.push('build', Buffer.from(`${text}\n`));
      return;
    }
    if (typeof entry.stream === 'string') progress.tail.push('build', Buffer.from(entry.stream));
    if (typeof entry.status === 'string') progress.tail.push('build', Buffer.from(`${entry.status}\n`));
    const error = typeof entry.error === 'string' ? entry.error : typeof entry.errorDetail?.message === 'string' ? entry.errorDetail.message : null;
    if (error !== null) {
      progress.error ??= error;
      progress.tail.push('build', Buffer.from(`${error}\n`));
    }
    if (typeof entry.aux?.ID === 'string') progress.imageId = entry.aux.ID;
  };
  return {
    progress,
    push(chunk) {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) line(part);
    },
    end() {
      line(pending);
      pending = '';
    },
  };
}
