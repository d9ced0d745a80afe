/**
 * The one guard every link shown to people goes through (design §7): a link is left out only when
 * its base is empty or loopback, where nobody reading the chat or the dashboard could open it.
 */

/** True for an absolute http(s) URL whose host is not loopback (localhost, 127.0.0.0/8, ::1, 0.0.0.0). */
export function isPublicUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const { hostname, protocol } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:') return false;
    return !isLoopback(hostname);
  } catch {
    return false;
  }
}

/** `url` when it may be shown, else null. */
export function publicLink(url: string | null | undefined): string | null {
  return isPublicUrl(url) ? url : null;
}

/** `hostname` as WHATWG URL normalises it: IPv4 in dotted decimal, IPv6 in brackets and compressed. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return (
    host === '' ||
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '0.0.0.0' ||
    host === '[::1]' ||
    host === '[::]' ||
    host.startsWith('[::ffff:7f') // IPv4-mapped 127.0.0.0/8
  );
}

/** `url` as a base for browser links: scheme, host and path only (credentials, query and a trailing slash dropped). */
export function browserBase(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}
