/**
 * The last lines of a process's output, kept in memory while it streams by (a run's log may be
 * huge; the card and the must-fix text only need its end). Colour codes are dropped and a
 * carriage-return progress line keeps only its last state.
 */
import { StringDecoder } from 'node:string_decoder';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(\u0007|\u001b\\)/g;

/** Bounds of a {@link LogTail}. */
export interface LogTailLimits {
  /** Non-empty lines kept. */
  readonly maxLines: number;
  /** Characters of the rendered tail. */
  readonly maxChars: number;
}

/** A rolling window over several output streams; each stream keeps its own partial line. */
export class LogTail {
  private lines: string[] = [];
  private readonly partial = new Map<string, { decoder: StringDecoder; text: string }>();

  constructor(private readonly limits: LogTailLimits) {}

  /** Add a chunk of `stream`'s output. */
  push(stream: string, chunk: Buffer): void {
    let state = this.partial.get(stream);
    if (!state) {
      state = { decoder: new StringDecoder('utf8'), text: '' };
      this.partial.set(stream, state);
    }
    const pieces = (state.text + state.decoder.write(chunk)).split('\n');
    state.text = (pieces.pop() ?? '').slice(-this.limits.maxChars);
    for (const piece of pieces) this.addLine(piece);
  }

  /** The kept lines (unfinished ones included), oldest first, within both limits. */
  text(): string {
    const pending = [...this.partial.values()].map((state) => clean(state.text)).filter(Boolean);
    const lines = [...this.lines, ...pending].slice(-this.limits.maxLines);
    const joined = lines.join('\n');
    if (joined.length <= this.limits.maxChars) return joined;
    const cut = joined.slice(joined.length - this.limits.maxChars);
    // Start at a line boundary when one is near; otherwise mark where a long line was cut.
    const boundary = cut.indexOf('\n');
    if (boundary >= 0 && boundary < this.limits.maxChars / 4) return cut.slice(boundary + 1);
    return `…${cut.slice(1)}`;
  }

  private addLine(raw: string): void {
    const line = clean(raw);
    if (!line) return;
    this.lines.push(line.length > this.limits.maxChars ? line.slice(-this.limits.maxChars) : line);
    if (this.lines.length > this.limits.maxLines * 2) this.lines = this.lines.slice(-this.limits.maxLines);
  }
}

function clean(raw: string): string {
  const withoutAnsi = raw.replace(ANSI, '');
  const lastState = withoutAnsi.split('\r').filter((part) => part.trim() !== '').pop() ?? '';
  return lastState.trimEnd();
}
