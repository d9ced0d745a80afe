/**
 * A Plane project's labels as id → name (`GET …/projects/{id}/labels/`, cursor-paginated). Work
 * items list label ids only; the projects file names the label.
 */
import { cursorPages } from './plane-pages.ts';
import type { HttpClient } from '../http-client/http-client.ts';

/** Label names of one Plane project, by label id. */
export type LabelNames = (planeProjectId: string) => Promise<ReadonlyMap<string, string>>;

/** Label names over `http` (a client rooted at the workspace: `…/api/v1/workspaces/<slug>`). */
export function planeLabelNames(http: HttpClient): LabelNames {
  return async (planeProjectId) => {
    const operation = `listing labels of project ${planeProjectId}`;
    const names = new Map<string, string>();
    for await (const value of cursorPages(http, operation, `/projects/${encodeURIComponent(planeProjectId)}/labels/`, 100)) {
      const label = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
      if (typeof label.id !== 'string' || typeof label.name !== 'string') throw http.unexpected(operation, 'a label without id or name');
      names.set(label.id, label.name);
    }
    return names;
  };
}
