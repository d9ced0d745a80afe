/** What the dashboard's charts and task page read beyond the repositories (the store port, ADR 0053). */
import type { JobRow } from '../queue/job.ts';
import type { DeployImageRecord } from './deploy-image-repo.ts';

/** A transition of a project's task, with the task's creation time. */
export interface ProjectTransition {
  readonly taskId: string;
  readonly fromStage: string | null;
  readonly toStage: string;
  readonly reason: string;
  readonly at: number;
  readonly createdAt: number;
}

/** A finished agent run. */
export interface AgentRun {
  readonly payload: Record<string, unknown>;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
}

export interface DashboardQueries {
  /** Every transition of the project's tasks, by task then id. */
  projectTransitions(projectId: string): Promise<ProjectTransition[]>;
  /** The project's agent jobs that succeeded or died. */
  finishedAgentRuns(projectId: string): Promise<AgentRun[]>;
  /** Every job of a task, oldest first. */
  jobsOfTask(taskId: string): Promise<JobRow[]>;
  /** The deploy images of a task, newest first. */
  deploysOfTask(projectId: string, taskId: string): Promise<DeployImageRecord[]>;
}
