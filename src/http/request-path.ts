import type { FastifyRequest } from 'fastify';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Whether the path of a request target is written the one way it can be (RFC 3986, 6.2.2): no
 * percent-encoded letter, digit or `-._~`, no encoded control character, no `//`, no `.` or `..`
 * segment, no backslash, and escapes that decode to valid UTF-8 (overlong forms are invalid). An
 * encoded `/` stays allowed: it is data inside one segment (a verification number as typed), never a
 * separator. The router decodes paths before matching, so any other spelling could reach a route
 * under a name the hooks do not recognise; such requests are refused before anything runs.
 *
 * @example isCanonicalPath('/api/teachers/1?q=%E5%90%89') // true
 * @example isCanonicalPath('/%61pi/teachers/1') // false
 */
export function isCanonicalPath(url: string): boolean {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.startsWith('/') || path.includes('\\') || path.includes('//')) return false;
  for (const segment of path.split('/')) {
    if (segment === '.' || segment === '..') return false;
  }
  for (const m of path.matchAll(/%(.{0,2})/g)) {
    const hex = m[1] ?? '';
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return false;
    const byte = Number.parseInt(hex, 16);
    if (byte < 0x20 || byte === 0x7f) return false;
    if (byte < 0x80 && UNRESERVED.test(String.fromCharCode(byte))) return false;
  }
  try {
    decodeURIComponent(path);
  } catch {
    return false;
  }
  return true;
}

/**
 * Whether a request is for the API, decided on the route the router resolved, not on the raw URL.
 * A request no route matched counts as the API when its (canonical, see above) path lies under `/api/`.
 */
export function isApiRequest(req: FastifyRequest): boolean {
  const route = req.is404 ? req.url : req.routeOptions.url;
  return route?.startsWith('/api/') === true;
}

/** The routes of the interactive API documentation (Swagger UI), which has a looser page policy. */
export function isDocsRoute(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  return !req.is404 && route !== undefined && (route === '/api/docs' || route.startsWith('/api/docs/'));
}
