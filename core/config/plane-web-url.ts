/**
 * The browser base of Plane links (ADR 0045): PLANE_WEB_URL, else the API's base, since a
 * self-hosted Plane serves its web app and `/api/v1` from one address; Plane Cloud's API host
 * `api.plane.so` answers the browser at `app.plane.so`. Credentials in either URL never reach a
 * link. A loopback result is still dropped where a link is shown (core/links/public-url.ts).
 */
import { browserBase } from '../links/public-url.ts';

export function planeWebBase(webUrl: string | null, apiUrl: string): string {
  if (webUrl !== null) return browserBase(webUrl);
  const url = new URL(apiUrl);
  if (url.hostname === 'api.plane.so') url.hostname = 'app.plane.so';
  return browserBase(url.href);
}
