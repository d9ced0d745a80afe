/**
 * A project with deploy four-eyes and Plane as tracker but no `plane.people` map (ADR 0035): four-eyes
 * cannot recognise a Plane-created task's requester, so the requester could approve its own deploy.
 * A warning for `conveyor start` and `conveyor doctor`, not an error: deploy approvers still apply.
 */
import type { ProjectConfig } from '../core/config/projects.ts';

/** One line per project that has `deploy.fourEyes` and `plane` but no (or an empty) `plane.people`. */
export function fourEyesPeopleWarnings(projects: readonly ProjectConfig[]): string[] {
  return projects
    .filter((p) => p.deploy?.fourEyes === true && p.plane && Object.keys(p.plane.people ?? {}).length === 0)
    .map(
      (p) =>
        `${p.id}: deploy.fourEyes is on but plane.people is not set — four-eyes cannot recognise who created a Plane task, so its creator may approve its own deploy (map Plane user ids to Telegram ids, ADR 0035)`,
    );
}
