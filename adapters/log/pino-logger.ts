/**
 * The process logger: pino, JSON lines on stderr, with every configured secret scrubbed from each
 * line before it is written (a secret that reaches a log through an error message is still caught).
 */
import pino from 'pino';
import type { LogLevel } from '../../core/config/config.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { scrubSecrets } from './scrub-secrets.ts';

export function createLogger(options: { level: LogLevel; secrets: readonly string[]; write?: (line: string) => void }): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const destination = { write: (line: string) => write(scrubSecrets(line, options.secrets)) };
  return pino({ level: options.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
