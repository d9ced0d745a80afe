/**
 * The browser base of Plane links when PLANE_WEB_URL is unset: the API's base, since a self-hosted
 * Plane serves its web app and `/api/v1` from one address; Plane Cloud's API host `api.plane.so`
 * answers the browser at `app.plane.so`. A loopback result is still dropped when a link is shown.
 */
export function planeWebFromApi(apiUrl: string): string {
  try {
    const url = new URL(apiUrl);
    if (url.hostname === 'api.plane.so') return `${url.protocol}//app.plane.so${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    // an API URL the config already validated; anything else is returned as given
  }
  return apiUrl.replace(/\/+$/, '');
}
