import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isConnectionError } from '../db/connection-errors.js';
import { supervisorOf } from '../db/database-supervisor.js';
import { AppError } from '../errors/app-error.js';
import { errorMessage, fieldMessage, pickLocale, type Locale } from '../i18n/messages.js';
import { appendAudit, isAudited, outcomeOf } from '../services/audit.js';
import { translatePgError } from '../services/pg-errors.js';
import type { Database } from '../db/database.js';
import type { ImportRowError } from '../services/school-import.js';
import type { RouteConfig } from './app.js';
import { importRowMessage } from './import-messages.js';
import { isApiRequest } from './request-path.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Maps anything thrown to an AppError: the user always gets a code and a message, never a stack. */
export function toAppError(err: unknown, locale: Locale): AppError {
  // a lost or refused database connection, wherever in the request it happened: try again shortly
  if (isConnectionError(err)) return new AppError('DATABASE_UNAVAILABLE', { cause: err });
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => {
      const where = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const field = [err.validationContext === 'body' ? '' : err.validationContext, where].filter(Boolean).join('.');
      // the zod issue: its code is the keyword, its message (our issue kind) the message, the rest the params
      const params = v.params as { maximum?: number | bigint; minimum?: number | bigint };
      let kind = v.message && /^[a-z_]+$/.test(v.message) ? v.message : 'invalid';
      if (v.keyword === 'invalid_type' && /received undefined/.test(v.message ?? '')) kind = 'required';
      return {
        path: field,
        message: fieldMessage(kind, locale, { max: Number(params.maximum ?? ''), min: Number(params.minimum ?? '') }),
        kind,
      };
    });
    return new AppError('VALIDATION_FAILED', { details: { issues } });
  }
  const fe = err as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('FILE_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_JSON');
    default:
      break;
  }
  if (fe instanceof SyntaxError && fe.statusCode === 400) return new AppError('INVALID_JSON');
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(
      fe.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : fe.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST',
      { details: { reason: fe.code ?? null } },
    );
  }
  const translated = translatePgError(err);
  if (translated instanceof AppError) return translated;
  return new AppError('INTERNAL', { cause: err });
}

/** Routes that answer without the database stay reachable while it is away (the API description). */
const NEEDS_NO_DATABASE = /^\/api\/(docs|openapi\.json)(\/|$)/;

/**
 * Registers the error handler, and before every other hook the gate that answers 503 with
 * `Retry-After` at once while the database supervisor knows the database to be unavailable
 * (static files of the web UI are still served).
 */
export function registerErrorHandling(app: FastifyInstance, db: Database): void {
  const supervisor = supervisorOf(db);
  if (supervisor) {
    app.addHook('onRequest', async (req) => {
      if (supervisor.available) return;
      const route = req.routeOptions?.url;
      if (
        route &&
        (route.startsWith('/api/') || route.startsWith('/verify/') || route.startsWith('/xapi/')) &&
        !NEEDS_NO_DATABASE.test(route)
      ) {
        throw new AppError('DATABASE_UNAVAILABLE');
      }
    });
  }
  app.setErrorHandler(async (err: unknown, req: FastifyRequest, reply) => {
    const locale = pickLocale(req.headers['accept-language']);
    const appErr = toAppError(err, locale);
    if (appErr.code === 'INTERNAL') {
      req.log.error({ err: isResponseSerializationError(err) ? err.cause : err }, 'request failed');
    }
    if (appErr.status === 503) {
      if (appErr.code === 'DATABASE_UNAVAILABLE') supervisor?.notice(appErr.cause ?? err);
      reply.header('retry-after', String(supervisor?.retryAfterSeconds() ?? 2));
    }
    // Failed writes and refused accesses are audited here when the use case did not do it itself
    // (not when the database is away: the row could not be written).
    const config = (req.routeOptions?.config ?? {}) as RouteConfig;
    const audit = !isAudited(err) && appErr.code !== 'DATABASE_UNAVAILABLE' && isApiRequest(req);
    if (audit && (WRITES.has(req.method) || appErr.isDenial)) {
      const { outcome } = outcomeOf(appErr);
      await appendAudit(
        db,
        req.ctx ?? { actor: null, ip: req.ip },
        {
          action: config.action ?? `${req.method} ${req.routeOptions?.url ?? req.url.split('?')[0]}`,
          targetId: (req.params as Record<string, string> | undefined)?.['id'] ?? null,
          targetPath: appErr.isDenial ? null : (req.ctx?.actor?.orgPath ?? null),
          details:
            appErr.code === 'VALIDATION_FAILED'
              ? {
                  issues: ((appErr.details?.['issues'] ?? []) as Array<{ path: string; kind: string }>).map((i) => ({
                    path: i.path,
                    kind: i.kind,
                  })),
                }
              : null,
        },
        outcome,
        appErr.code,
      ).catch(() => undefined);
    }
    const details = appErr.details
      ? Object.fromEntries(Object.entries(appErr.details).filter(([k]) => k !== 'denied'))
      : undefined;
    if (details && appErr.code === 'IMPORT_INVALID') {
      details['errors'] = (details['errors'] as ImportRowError[]).map((e) => ({
        ...e,
        message: importRowMessage(e, locale),
      }));
    }
    return reply.status(appErr.status).send({
      error: {
        code: appErr.code,
        message: errorMessage(appErr.code, locale, appErr.params),
        ...(details && Object.keys(details).length ? { details } : {}),
      },
    });
  });
}
