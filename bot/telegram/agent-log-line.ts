/**
 * The running agent's last log line on its card (design §7). The line is read by an
 * {@link AgentLogReader} the composition root builds over the run logs
 * (adapters/agents/log-file-tail.ts).
 */

/** Where a run's last log line comes from: (task, role, attempt) → the line, or null. */
export type AgentLogReader = (taskId: string, role: string, attempt: number) => string | null;

/** The running agent's last log line for a card view, if an agent is running and said something. */
export function runningAgentLine(
  waiting: { type: string; state?: string; role?: string; attempt?: number },
  taskId: string,
  reader: AgentLogReader | undefined,
): string | null {
  if (!reader || waiting.type !== 'agent' || waiting.state !== 'running' || !waiting.role || !waiting.attempt)
    return null;
  return reader(taskId, waiting.role, waiting.attempt);
}
