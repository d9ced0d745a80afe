/** Links to Plane's web UI (PLANE_WEB_URL, PLANE_WORKSPACE), for cards and tasks made from work items. */

/** How links to Plane's web UI are built (PLANE_WEB_URL, PLANE_WORKSPACE). */
export interface PlaneLinks {
  readonly webUrl: string | null;
  readonly workspace: string | null;
}

/** No web address known: no links. */
export const NO_PLANE_LINKS: PlaneLinks = { webUrl: null, workspace: null };

/** A work item's browser link, when PLANE_WEB_URL is set. */
export function planeIssueUrl(links: PlaneLinks, planeProjectId: string, issueId: string): string | null {
  return links.webUrl && links.workspace ? `${links.webUrl}/${links.workspace}/projects/${planeProjectId}/issues/${issueId}` : null;
}
