/**
 * Tracker issues that should be tasks but are not (their creation webhook was lost): in a tracked
 * project, carrying the project's label when one is set, meeting its start rule (`startOn`, ADR
 * 0043: in the start state, or carrying the start label), neither finished nor blocked, and left
 * alone for the grace (a creation or a start still in flight is the webhook's to make). The event is
 * the webhook path's TaskRequested (same number, text and link), so creation stays atomic and
 * idempotent per project and issue in the engine.
 */
import { trackerOf } from '../config/tracker-of.ts';
import type { ProjectConfig } from '../config/projects.ts';
import { startsNow } from '../config/start-on.ts';
import { htmlToText } from '../inbound/html-text.ts';
import { isBlockingState } from '../inbound/tracker-state-meaning.ts';
import type { Store } from '../store/store.ts';
import { findTaskByExternal } from '../store/task-repo.ts';
import type { TrackerIssue } from '../ports/tracker-reader.ts';
import type { Discovery } from './probe.ts';
import type { ProjectView } from './tracker-walk.ts';

const FINISHED = new Set(['completed', 'cancelled']);

/** Issues of this pass's snapshot that should be tasks, as creations to replay. */
export async function discoverIssues(store: Store, projects: ReadonlyMap<string, ProjectConfig>, views: ReadonlyMap<string, ProjectView>, createdBefore: number): Promise<Discovery[]> {
  const found: Discovery[] = [];
  for (const [projectId, view] of views) {
    const project = projects.get(projectId);
    const tracker = project ? trackerOf(project) : null;
    if (view.type !== 'read' || !tracker) continue;
    const label = tracker.label?.toLowerCase();
    const startOn = project?.startOn;
    const onCreation = startOn === undefined || startOn === 'created';
    // A start rule is met by a later change (a move, a label), so the grace runs from the last one.
    const since = (i: TrackerIssue) => (onCreation ? i.createdAt : Math.max(i.createdAt, i.updatedAt));
    for (const issue of view.issues.values()) {
      if (label && !issue.labels.some((name) => name.toLowerCase() === label)) continue;
      if (!issue.state || FINISHED.has(issue.state.group) || isBlockingState(issue.state.name) || since(issue) > createdBefore) continue;
      if (!startsNow(startOn, { labels: issue.labels, stateName: issue.state.name })) continue;
      if (await findTaskByExternal(store.db, projectId, issue.id)) continue;
      const taskId = `${projectId}-${issue.sequenceId}`;
      found.push({
        taskId,
        result: {
          type: 'unblock',
          reason: `tracker issue ${taskId} had no task (${onCreation ? 'creation' : 'start'} event lost)`,
          events: [
            {
              type: 'TaskRequested',
              key: `reconciler:create:${projectId}:${issue.id}`,
              projectId,
              title: issue.title,
              // Plane sends HTML; GitHub issue bodies are markdown already.
              description: tracker.kind === 'plane' ? htmlToText(issue.descriptionHtml) : issue.descriptionHtml,
              source: tracker.kind,
              externalId: issue.id,
              ...(issue.url ? { externalUrl: issue.url } : {}),
              number: issue.sequenceId,
              ...(issue.createdBy ? { requester: `${tracker.kind}:${issue.createdBy}` } : {}),
              actor: 'reconciler',
            },
          ],
        },
      });
    }
  }
  return found;
}
