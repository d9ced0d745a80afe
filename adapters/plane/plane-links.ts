/** Plane's browser link to a work item: `<web>/<workspace>/projects/<project>/issues/<id>`. */

/** `webUrl` is the browser base (PLANE_WEB_URL or its fallback), `workspace` the slug. */
export function planeWorkItemUrl(webUrl: string, workspace: string, planeProjectId: string, issueId: string): string {
  return `${webUrl.replace(/\/+$/, '')}/${encodeURIComponent(workspace)}/projects/${encodeURIComponent(planeProjectId)}/issues/${encodeURIComponent(issueId)}`;
}
