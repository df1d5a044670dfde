import type { FastifyInstance } from 'fastify';
import { hasHiddenChars } from '../domain/text.js';
import { AppError } from '../errors/app-error.js';
import { fieldMessage, pickLocale } from '../i18n/messages.js';

/** Deeper than any request body of the API: a body nested further is refused by its schema anyway. */
const MAX_DEPTH = 32;

/**
 * The fields (dotted paths, as validation issues name them) of a JSON value holding a hidden
 * character (direction overrides, zero-width characters; see domain/text.ts), keys included.
 */
export function hiddenCharFields(value: unknown, path = '', depth = 0, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (hasHiddenChars(value)) out.push(path);
  } else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH && !Buffer.isBuffer(value)) {
    for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      const at = path ? `${path}.${k}` : String(k);
      if (typeof k === 'string' && hasHiddenChars(k)) out.push(at);
      else hiddenCharFields(v, at, depth + 1, out);
    }
  }
  return out;
}

/**
 * Refuses, before any route's own validation, a request whose JSON body or query string holds a
 * hidden character in any of its strings: every text field of every route is covered, not only
 * those whose schema uses the shared text type. The answer is the usual VALIDATION_FAILED with
 * one `bad_chars` issue per field; control characters stay with each field's schema (some
 * fields keep line breaks).
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    // xAPI statements are kept exactly as sent (the specification decides what is valid)
    if ((req.routeOptions.config as { xapi?: boolean } | undefined)?.xapi) return;
    const fields = [...hiddenCharFields(req.body), ...hiddenCharFields(req.query).map((f) => `querystring.${f}`)];
    if (fields.length === 0) return;
    const message = fieldMessage('bad_chars', pickLocale(req.headers['accept-language']));
    const issues = fields.slice(0, 50).map((path) => ({ path, message, kind: 'bad_chars' }));
    throw new AppError('VALIDATION_FAILED', { details: { issues } });
  });
}
