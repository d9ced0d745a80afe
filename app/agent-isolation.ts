/**
 * What `start` and `doctor` say about how agents are isolated (design §4, ADR 0015): a process
 * runner with `user` needs the right to switch users, and a process runner without one runs agents
 * as Conveyor itself, which `doctor` and the start log say plainly.
 */
import { readFileSync } from 'node:fs';
import type { ProjectConfig } from '../core/config/projects.ts';

/** Capability bits (linux/capability.h) that running an agent as another user needs. */
const CAP_CHOWN = 0n;
const CAP_SETGID = 6n;
const CAP_SETUID = 7n;

/**
 * True when this process may run agents as another uid:gid: its effective capabilities (CapEff in
 * /proc/self/status) hold CAP_SETUID, CAP_SETGID and CAP_CHOWN, as root's normally do. Without
 * /proc, being root is taken as enough.
 */
export function canSwitchUser(status: string | null = readStatus()): boolean {
  const match = status ? /^CapEff:\s*([0-9a-f]+)$/im.exec(status) : null;
  if (!match?.[1]) return process.geteuid?.() === 0;
  const caps = BigInt(`0x${match[1]}`);
  return [CAP_CHOWN, CAP_SETGID, CAP_SETUID].every((bit) => (caps >> bit) & 1n);
}

/** Problems that must stop `start`: a runner `user` this process has no right to switch to. */
export function isolationProblems(projects: readonly ProjectConfig[], switchable: boolean): string[] {
  if (switchable) return [];
  return projects.flatMap((project, index) =>
    project.agentRunner.type === 'process' && project.agentRunner.user
      ? [
          `projects[${index}].agentRunner.user: running agents as ${project.agentRunner.user} needs root or CAP_SETUID, CAP_SETGID and CAP_CHOWN, and Conveyor lacks them ` +
            '(run Conveyor as root, grant those capabilities, or use { "type": "container", "image": "…" })',
        ]
      : [],
  );
}

/** One plain warning per project whose agents run as Conveyor's own user. */
export function isolationWarnings(projects: readonly ProjectConfig[]): string[] {
  return projects
    .filter((project) => project.agentRunner.type === 'process' && !project.agentRunner.user)
    .map(
      (project) =>
        `agents of project ${project.id} run as Conveyor's own user and can read its secrets (bot token, webhook secrets, API keys) and its database; ` +
        'set agentRunner to { "type": "process", "user": "uid:gid" } or { "type": "container", "image": "…" } (docs/agents.md#isolation)',
    );
}

function readStatus(): string | null {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
}
