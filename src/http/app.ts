import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Env } from '../config/env.js';
import type { Database, DatabaseMode } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { Authenticated } from '../services/auth.service.js';
import type { RequestContext } from '../services/context.js';
import type { Services } from '../services/services.js';
import { registerErrorHandling } from './error-handler.js';
import { registerTextGuard } from './text-guard.js';
import { isApiRequest, isCanonicalPath, isDocsRoute } from './request-path.js';
import { apiTokenRoutes } from './routes/api-token.routes.js';
import { studySessionRoutes } from './routes/study-session.routes.js';
import { auditLogRoutes } from './routes/audit-log.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { orgUnitRoutes } from './routes/org-unit.routes.js';
import { teacherAccountRoutes } from './routes/teacher-account.routes.js';
import { teacherRoutes } from './routes/teacher.routes.js';
import { userRoutes } from './routes/user.routes.js';
import { certificateRoutes } from './routes/certificate.routes.js';
import { creditReportRoutes } from './routes/credit-report.routes.js';
import { creditVerificationRoutes } from './routes/credit-verification.routes.js';
import { creditRoutes } from './routes/credit.routes.js';
import { verifyPageRoutes } from './routes/verify-page.routes.js';
import { helpPageRoutes } from './routes/help-page.routes.js';
import { attendanceRoutes } from './routes/attendance.routes.js';
import { courseRoutes } from './routes/course.routes.js';
import { onlineCourseRoutes } from './routes/online-course.routes.js';
import { studyRoutes } from './routes/study.routes.js';
import { enrolmentRoutes } from './routes/enrolment.routes.js';
import { trainingRoutes } from './routes/training.routes.js';
import { trainingStatsRoutes } from './routes/training-stats.routes.js';
import { examStatsRoutes } from './routes/exam-stats.routes.js';
import { trainingPlanRoutes } from './routes/training-plan.routes.js';
import { surveyRoutes } from './routes/survey.routes.js';
import { reflectionRoutes } from './routes/reflection.routes.js';
import { trainerRoutes } from './routes/trainer.routes.js';
import { feeRoutes } from './routes/fee.routes.js';
import { printFormRoutes } from './routes/print-form.routes.js';
import { homeRoutes } from './routes/home.routes.js';
import { messageRoutes } from './routes/message.routes.js';
import { homeworkRoutes } from './routes/homework.routes.js';
import { lrsRuleRoutes } from './routes/lrs-rule.routes.js';
import { archiveRoutes } from './routes/archive.routes.js';
import { spotCheckRoutes } from './routes/spot-check.routes.js';
import { pairRoutes } from './routes/pair.routes.js';
import { backboneRoutes } from './routes/backbone.routes.js';
import { publicityRoutes } from './routes/publicity.routes.js';
import { commendationRoutes } from './routes/commendation.routes.js';
import { honourRoutes } from './routes/honour.routes.js';
import { competitionRoutes, judgingRoutes } from './routes/competition.routes.js';
import { lrsClientRoutes } from './routes/lrs-client.routes.js';
import { questionBankRoutes } from './routes/question-bank.routes.js';
import { examRoutes } from './routes/exam.routes.js';
import { examAttemptRoutes } from './routes/exam-attempt.routes.js';
import { forumRoutes } from './routes/forum.routes.js';
import { onlineClassRoutes } from './routes/online-class.routes.js';
import { xapiRoutes } from './routes/xapi.routes.js';
import { SESSION_COOKIE } from './session-cookie.js';

export { SESSION_COOKIE };
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Per-route settings read by the hooks below and by the access-matrix test. */
export interface RouteConfig {
  /**
   * 'public' needs no login; 'user' does. Set on every route when it is registered: the API's routes
   * default to 'user' (its documentation pages to 'public'), everything else to 'public'.
   */
  auth?: 'public' | 'user';
  /** the audit action of the route, used for failures that happen before the use case runs */
  action?: string;
  /** reachable while a first-login password change is pending */
  allowPendingPasswordChange?: boolean;
  /** a route of the Learning Record Store (/xapi): its own authentication, parsing and checks */
  xapi?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig extends RouteConfig {}
  interface FastifyRequest {
    ctx: RequestContext;
    auth: Authenticated | null;
    sessionToken: string | null;
  }
}

export interface AppOptions {
  services: Services;
  db: Database;
  env: Env;
  databaseMode: DatabaseMode;
  logger?: boolean;
  /** serve the built web UI from web/dist (default: when it exists) */
  serveWeb?: boolean;
  /** where the built web UI is (default: web/dist) */
  webRoot?: string;
  /** called for every route as it is registered (the access-matrix test lists the API with it) */
  onRoute?: (route: RouteOptions) => void;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * How long a browser keeps a file of the built web UI: the files under assets/ carry a hash of their
 * content in their name (`index-wMxsAuC0.js`), so a new build has new names and these are kept a year
 * without asking again; everything else (index.html) is asked for again each time (`no-cache`: a
 * 304 when unchanged), so a new build is picked up at once.
 * @example webCacheControl('assets/index-wMxsAuC0.js.br') // 'public, max-age=31536000, immutable'
 */
export function webCacheControl(relativePath: string): string {
  return /^assets[\\/][^\\/]+-[\w-]{8,}\.[a-z0-9]+(?:\.(?:br|gz))?$/.test(relativePath)
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

/**
 * The page policy of the web UI, the API docs (Swagger UI needs nothing more) and every API answer:
 * scripts only from the server itself; styles also inline, because antd writes its CSS-in-JS into
 * <style> elements (and ECharts tooltips carry style attributes); images also from data: and blob: URLs
 * (the icon, QR codes, previews). The verify page sets a stricter one of its own.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { env, services } = opts;
  const app = Fastify({
    logger: opts.logger
      ? {
          level: env.PEIXUN_LOG_LEVEL,
          redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'],
        }
      : false,
    // behind the proxy, the client is the address the proxy appended to X-Forwarded-For (the right-most
    // one): only the immediate peer, the proxy, is trusted; earlier entries come from the client and can
    // say anything (Fastify's hop count `1` trusts nobody since 5.x, hence the function)
    trustProxy: env.PEIXUN_TRUST_PROXY === '1' ? (_address: string, hop: number) => hop === 0 : false,
    bodyLimit: 256 * 1024,
    // one log line per request is too much at 3k req/s; errors are still logged
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Who may call a route is fixed when it is registered, from its own path and config, and the login
  // hook below reads only that: however the request's path is spelled, the route decides.
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as RouteConfig;
    const docs = route.url === '/api/docs' || route.url.startsWith('/api/docs/');
    const auth = config.auth ?? (route.url.startsWith('/api/') && !docs ? 'user' : 'public');
    route.config = { ...config, auth } as typeof route.config;
  });
  const { onRoute } = opts;
  if (onRoute) app.addHook('onRoute', (route) => onRoute(route));

  await app.register(cookie);
  await app.register(multipart, {
    limits: { fileSize: env.PEIXUN_MAX_UPLOAD_MB * 1_048_576, files: 1, fields: 10, parts: 12 },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Peixun API', description: '培训 — 中小学教师继续教育管理平台 API', version: '1.0.0' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (px_…) created by an administrator' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('auth', null);
  app.decorateRequest('sessionToken', null);

  registerErrorHandling(app, opts.db);
  // hidden characters (direction overrides, zero-width) in any string of any body or query: refused
  registerTextGuard(app);

  // A path spelled in more than one way (percent-encoded letters, `//`, dot segments, backslashes) is
  // refused before anything else runs.
  app.addHook('onRequest', async (req) => {
    if (!isCanonicalPath(req.url)) throw new AppError('PATH_NOT_CANONICAL');
  });

  // Security headers on every answer.
  const hsts = env.PEIXUN_TRUST_PROXY === '1';
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    if (hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', APP_CSP);
    // an API answer is not kept unless its route says so (a course file: `private`); a refusal never is
    if (reply.statusCode >= 400 || (isApiRequest(req) && !isDocsRoute(req) && !reply.hasHeader('cache-control')))
      reply.header('cache-control', 'no-store');
  });

  // Who is asking: session cookie or API token; CSRF on cookie-authenticated writes.
  app.addHook('onRequest', async (req: FastifyRequest) => {
    req.ctx = { actor: null, ip: req.ip, userAgent: req.headers['user-agent'] ?? null, via: 'http' };
    const config = req.routeOptions.config as RouteConfig;
    // a path no route matched runs nothing; under the API it still asks for a login first
    const isPublic = req.is404 ? !isApiRequest(req) : config.auth === 'public';
    const authz = req.headers.authorization;
    const bearer = authz?.startsWith('Bearer ') ? authz.slice(7).trim() : undefined;
    const sessionToken = req.cookies[SESSION_COOKIE];
    if (!bearer && !sessionToken) {
      if (isPublic) return;
      throw new AppError('AUTH_REQUIRED');
    }
    const result = await services.auth.authenticate({ sessionToken, bearer });
    if (!result || 'expired' in result) {
      if (isPublic) return;
      throw new AppError(result ? 'AUTH_SESSION_EXPIRED' : 'AUTH_REQUIRED');
    }
    req.auth = result;
    req.sessionToken = result.via === 'session' ? (sessionToken ?? null) : null;
    req.ctx.actor = result.actor;
    if (isPublic) return;
    if (result.via === 'session' && WRITE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== result.csrfToken) throw new AppError('CSRF_INVALID');
    }
    if (result.mustChangePassword && !config.allowPendingPasswordChange)
      throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED');
  });

  await app.register(healthRoutes, { prefix: '/api', databaseMode: opts.databaseMode, db: opts.db });
  await app.register(authRoutes, { prefix: '/api', services, env });
  await app.register(orgUnitRoutes, { prefix: '/api', services, env });
  await app.register(userRoutes, { prefix: '/api', services });
  await app.register(auditLogRoutes, { prefix: '/api', services });
  await app.register(apiTokenRoutes, { prefix: '/api', services });
  await app.register(teacherRoutes, { prefix: '/api', services });
  await app.register(teacherAccountRoutes, { prefix: '/api', services });
  await app.register(creditRoutes, { prefix: '/api', services });
  await app.register(creditVerificationRoutes, { prefix: '/api', services });
  await app.register(certificateRoutes, { prefix: '/api', services });
  await app.register(creditReportRoutes, { prefix: '/api', services });
  await app.register(courseRoutes, { prefix: '/api', services });
  await app.register(onlineCourseRoutes, { prefix: '/api', services, env });
  await app.register(studyRoutes, { prefix: '/api', services });
  await app.register(trainingRoutes, { prefix: '/api', services });
  await app.register(trainingStatsRoutes, { prefix: '/api', services });
  await app.register(examStatsRoutes, { prefix: '/api', services });
  await app.register(trainingPlanRoutes, { prefix: '/api', services });
  await app.register(trainerRoutes, { prefix: '/api', services });
  await app.register(enrolmentRoutes, { prefix: '/api', services });
  await app.register(attendanceRoutes, { prefix: '/api', services });
  await app.register(surveyRoutes, { prefix: '/api', services });
  await app.register(reflectionRoutes, { prefix: '/api', services });
  await app.register(feeRoutes, { prefix: '/api', services });
  await app.register(printFormRoutes, { prefix: '/api', services });
  await app.register(homeRoutes, { prefix: '/api', services });
  await app.register(messageRoutes, { prefix: '/api', services });
  await app.register(studySessionRoutes, { prefix: '/api', services });
  await app.register(homeworkRoutes, { prefix: '/api', services });
  await app.register(spotCheckRoutes, { prefix: '/api', services });
  await app.register(pairRoutes, { prefix: '/api', services });
  await app.register(backboneRoutes, { prefix: '/api', services });
  await app.register(publicityRoutes, { prefix: '/api', services });
  await app.register(commendationRoutes, { prefix: '/api', services });
  await app.register(honourRoutes, { prefix: '/api', services });
  await app.register(competitionRoutes, { prefix: '/api', services });
  await app.register(judgingRoutes, { prefix: '/api', services });
  await app.register(lrsClientRoutes, { prefix: '/api', services });
  await app.register(questionBankRoutes, { prefix: '/api', services });
  await app.register(examRoutes, { prefix: '/api', services });
  await app.register(examAttemptRoutes, { prefix: '/api', services });
  await app.register(forumRoutes, { prefix: '/api', services });
  await app.register(onlineClassRoutes, { prefix: '/api', services });
  await app.register(lrsRuleRoutes, { prefix: '/api', services });
  await app.register(archiveRoutes, { prefix: '/api', services });
  await app.register(xapiRoutes, { prefix: '/xapi', services, env, db: opts.db });
  await app.register(verifyPageRoutes, { services });
  await app.register(helpPageRoutes);
  app.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const webRoot = opts.webRoot ?? WEB_DIST;
  const serveWeb = opts.serveWeb ?? fs.existsSync(path.join(webRoot, 'index.html'));
  // `/`, where everyone lands, has a copy of the page that also names the home page's files and data, so
  // a phone fetches them beside the app's script (vite.config.ts); every other address gets index.html
  const landingPage = serveWeb && fs.existsSync(path.join(webRoot, 'home.html'));
  if (serveWeb) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      // the build writes a brotli and a gzip copy beside each text file (scripts/precompress.mjs): sent as
      // they are to a browser that accepts them, the original to one that does not
      preCompressed: true,
      // send's own `public, max-age=0` would replace the header set below
      cacheControl: false,
      setHeaders: (res, file) => {
        res.setHeader('vary', 'accept-encoding');
        res.setHeader('cache-control', webCacheControl(path.relative(webRoot, file)));
      },
    });
  }
  app.setNotFoundHandler(async (req, reply) => {
    // a file of the build that is not there (a page open since an earlier build) is no page of the app
    if (isApiRequest(req) || req.method !== 'GET' || !serveWeb || req.url.startsWith('/assets/'))
      throw new AppError('NOT_FOUND');
    // client-side routes of the single-page app
    reply.header('cache-control', 'no-cache');
    const page = landingPage && req.url.split('?')[0] === '/' ? 'home.html' : 'index.html';
    return reply.type('text/html; charset=utf-8').sendFile(page);
  });
  return app;
}
