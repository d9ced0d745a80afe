/** The last lines of an agent run's log for the task page (adapters/agents/log-file-tail.ts). */
import { FileRunFiles } from '../agents/file-run-files.ts';
import { logFileTail } from '../agents/log-file-tail.ts';
import type { Role } from '../../core/domain/stage.ts';
import type { RunLogReader } from '../../core/dashboard/task-view.ts';

/** Reads run logs where the agent runner writes them (`<workdir>/logs/<task>/<role>-<attempt>.log`). */
export function runLogReader(workdir: string): RunLogReader {
  const files = new FileRunFiles({ workdir });
  return (taskId, role, attempt) => {
    try {
      return logFileTail(files.logFile(taskId, role as Role, attempt));
    } catch {
      return null;
    }
  };
}
