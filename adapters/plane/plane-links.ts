/** Links to Plane's web UI: `<web>/<workspace>/projects/<project>/issues/<id>`. */

/** `webUrl` is the browser base (PLANE_WEB_URL or its fallback), `workspace` the slug. */
export function planeWorkItemUrl(webUrl: string, workspace: string, planeProjectId: string, issueId: string): string {
  return `${webUrl.replace(/\/+$/, '')}/${encodeURIComponent(workspace)}/projects/${encodeURIComponent(planeProjectId)}/issues/${encodeURIComponent(issueId)}`;
}

/** How the payload mapper builds work item links (PLANE_WEB_URL or its fallback, PLANE_WORKSPACE). */
export interface PlaneLinks {
  readonly webUrl: string | null;
  readonly workspace: string | null;
}

/** No web address known: no links. */
export const NO_PLANE_LINKS: PlaneLinks = { webUrl: null, workspace: null };

/** A work item's browser link, when a web base and workspace are known. */
export function planeIssueUrl(links: PlaneLinks, planeProjectId: string, issueId: string): string | null {
  return links.webUrl && links.workspace ? planeWorkItemUrl(links.webUrl, links.workspace, planeProjectId, issueId) : null;
}
