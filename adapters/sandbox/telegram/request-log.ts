/**
 * Every Bot API request the sandbox answered, in order, so tests can count 429s and check that no
 * applied call broke the flood limits.
 */
import type { RequestLogEntry } from './sandbox-types.ts';

/** Keeps the newest entries; a long demo run must not grow without bound. */
const MAX_ENTRIES = 50_000;

/** An append-only log of answered Bot API requests, numbered by `seq`. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  record(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const recorded = Object.freeze({ seq: this.nextSeq++, ...entry });
    this.entries.push(recorded);
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES);
    return recorded;
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
