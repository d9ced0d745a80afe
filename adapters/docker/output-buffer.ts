/** stdout and stderr of a command together, in arrival order, keeping only the last bytes. */
import { Writable } from 'node:stream';

/** How much command output is kept (the port promises "the last ~64 KiB"). */
export const OUTPUT_CAP_BYTES = 64 * 1024;

/** A bounded byte sink; `text()` decodes what is kept. */
export class OutputBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly cap = OUTPUT_CAP_BYTES) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.cap && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.cap)).toString('utf8');
  }

  /** A writable feeding this buffer (and `also`, e.g. a log file). */
  writable(also?: (chunk: Buffer) => void): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.push(chunk);
        also?.(chunk);
        callback();
      },
    });
  }
}
