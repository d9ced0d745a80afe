/**
 * RunFilesPort on the local disk: per-run task files and logs under the workdir (outside the
 * repository, so agents never commit them), and prompt resolution: the project's prompt dir when
 * it has `<role>.md`, else the built-in prompt shipped next to this module.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PermanentError } from '../../core/errors.ts';
import type { Role } from '../../core/domain/stage.ts';
import type { RunFilesPort } from '../../core/ports/agent-runner.ts';

/** Options of {@link FileRunFiles}. */
export interface FileRunFilesOptions {
  /** `ORCH_WORKDIR`: task files go to `runs/`, logs to `logs/` below it. */
  readonly workdir: string;
}

const SAFE_TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The built-in prompt of `role` (absolute path), shipped in `adapters/agents/prompts/`. */
export function builtInPromptFile(role: Role): string {
  return fileURLToPath(new URL(`./prompts/${role}.md`, import.meta.url));
}

/** Task files, logs and prompts for agent runs. */
export class FileRunFiles implements RunFilesPort {
  private readonly workdir: string;
  private swept: Promise<void> | undefined;

  constructor(options: FileRunFilesOptions) {
    this.workdir = path.resolve(options.workdir);
  }

  async promptFile(_projectId: string, role: Role, promptDir: string | undefined): Promise<string> {
    if (promptDir) {
      const candidate = path.resolve(promptDir, `${role}.md`);
      if ((await stat(candidate).catch(() => null))?.isFile()) return candidate;
    }
    return builtInPromptFile(role);
  }

  async writeTaskFile(taskId: string, role: Role, attempt: number, markdown: string): Promise<string> {
    const file = path.join(this.workdir, 'runs', safeTaskId(taskId), `${role}-${safeAttempt(attempt)}.task.md`);
    await mkdir(path.dirname(file), { recursive: true });
    // An agent running as another user passes through to its own task file (handed to it for the
    // run) but lists nothing, and no other task file is readable to it (ADR 0015).
    for (const dir of [this.workdir, path.join(this.workdir, 'runs'), path.dirname(file)]) await chmod(dir, 0o711);
    this.swept ??= closeOldTaskFiles(path.join(this.workdir, 'runs')).catch((error: unknown) => {
      this.swept = undefined;
      throw error;
    });
    await this.swept;
    // Run logs are Conveyor's alone.
    const logs = path.join(this.workdir, 'logs');
    await mkdir(logs, { recursive: true });
    await chmod(logs, 0o700);
    // Write then rename: an agent never reads half a task file, even when a run is retried.
    const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, markdown, { encoding: 'utf8', mode: 0o600 });
    await rename(temporary, file);
    return file;
  }

  logFile(taskId: string, role: Role, attempt: number): string {
    return path.join(this.workdir, 'logs', safeTaskId(taskId), `${role}-${safeAttempt(attempt)}.log`);
  }
}

/** Task files written before their modes were tightened (an upgrade): 0600 in 0711 directories. */
async function closeOldTaskFiles(runs: string): Promise<void> {
  for (const task of await readdir(runs, { withFileTypes: true })) {
    if (!task.isDirectory()) continue;
    const dir = path.join(runs, task.name);
    await chmod(dir, 0o711);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isFile()) await chmod(path.join(dir, entry.name), 0o600);
    }
  }
}

function safeTaskId(taskId: string): string {
  if (!SAFE_TASK_ID.test(taskId) || taskId.includes('..')) throw new PermanentError(`invalid task id ${JSON.stringify(taskId)} for run files`);
  return taskId;
}

function safeAttempt(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new PermanentError(`invalid attempt ${attempt} for run files`);
  return attempt;
}
