import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Env } from '../../config/env.js';
import { requireActor } from '../../services/context.js';
import type { Services } from '../../services/services.js';
import { SESSION_COOKIE } from '../session-cookie.js';
import { MeOut } from '../schemas.js';

const LoginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
const SessionOut = z.object({ user: MeOut, csrfToken: z.string() });

export const authRoutes: FastifyPluginAsyncZod<{ services: Services; env: Env }> = async (app, { services, env }) => {
  const secure = env.PEIXUN_TRUST_PROXY === '1';
  app.post(
    '/auth/login',
    {
      config: { auth: 'public', action: 'auth.login' },
      schema: {
        tags: ['auth'],
        summary: 'Log in with username and password; sets the session cookie',
        security: [],
        body: LoginBody,
        response: { 200: SessionOut },
      },
    },
    async (req, reply) => {
      const r = await services.auth.login(req.ctx, req.body.username, req.body.password);
      reply.setCookie(SESSION_COOKIE, r.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        maxAge: env.PEIXUN_SESSION_MAX_HOURS * 3600,
      });
      return { user: r.user, csrfToken: r.csrfToken };
    },
  );

  app.get(
    '/auth/password-policy',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'The rule a new password must meet (length, character classes), for password forms: the configured one ' +
          "for administrators and trainers, `teacher` the teachers' own (8 characters, no mix demanded)",
        security: [],
        response: {
          200: z.object({
            minLength: z.number().int(),
            maxLength: z.number().int(),
            minClasses: z.number().int().min(1).max(4),
            teacher: z.object({ minLength: z.number().int(), minClasses: z.number().int().min(1).max(4) }),
          }),
        },
      },
    },
    async () => services.auth.passwordRules(),
  );

  app.post(
    '/auth/logout',
    {
      config: { action: 'auth.logout', allowPendingPasswordChange: true },
      schema: { tags: ['auth'], summary: 'End the session', response: { 204: z.null() } },
    },
    async (req, reply) => {
      if (req.sessionToken) await services.auth.logout(req.ctx, req.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { action: 'auth.me', allowPendingPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: 'The logged-in user and the CSRF token for writes',
        response: { 200: SessionOut },
      },
    },
    async (req) => ({
      user: await services.auth.me(requireActor(req.ctx).userId),
      csrfToken: req.auth?.csrfToken ?? '',
    }),
  );

  app.post(
    '/auth/change-password',
    {
      config: { action: 'auth.change_password', allowPendingPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: 'Change the own password (required at first login)',
        body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await services.auth.changePassword(req.ctx, req.sessionToken, req.body.currentPassword, req.body.newPassword);
      return reply.status(204).send(null);
    },
  );
};
