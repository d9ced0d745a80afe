/** Which tracker a project uses, if any: Plane (`plane`) or its GitHub repository's issues (`github.issues`, ADR 0042). */
import type { ProjectConfig } from './projects.ts';

/** A project's tracker and the label an issue needs to become a task. */
export interface ProjectTracker {
  readonly kind: 'plane' | 'github';
  readonly label: string | null;
}

/** The project's tracker, or null when it has none. */
export function trackerOf(project: Pick<ProjectConfig, 'plane' | 'github'>): ProjectTracker | null {
  if (project.github?.issues) return { kind: 'github', label: project.github.label ?? null };
  if (project.plane) return { kind: 'plane', label: project.plane.label ?? null };
  return null;
}
