import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services/services.js';
import { presentUser } from '../presenters.js';
import { IdParams, Paging, UserOut, zRole, zText } from '../schemas.js';

const zUsername = z
  .string()
  .max(40, { message: 'too_long' })
  .regex(/^[A-Za-z0-9._-]{3,40}$/, { message: 'invalid' });

export const userRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.users;

  app.get(
    '/users',
    {
      config: { action: 'user.list' },
      schema: {
        tags: ['users'],
        summary: "Accounts of a unit (and below) inside the actor's subtree",
        querystring: z.object({
          orgUnitId: z.coerce.number().int().positive().optional(),
          includeDescendants: z
            .enum(['true', 'false'])
            .default('true')
            .transform((v) => v === 'true'),
          q: zText(60).optional(),
          role: zRole.optional(),
          ...Paging,
        }),
        response: { 200: z.object({ items: z.array(UserOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.list(req.ctx, req.query);
      return { items: r.items.map(presentUser), total: r.total };
    },
  );

  app.post(
    '/users',
    {
      config: { action: 'user.create' },
      schema: {
        tags: ['users'],
        summary: 'Create an account; answers its one-time password once',
        body: z
          .object({ username: zUsername, displayName: zText(50), role: zRole, orgUnitId: z.number().int().positive() })
          .strict(),
        response: { 201: z.object({ user: UserOut, oneTimePassword: z.string() }) },
      },
    },
    async (req, reply) => {
      const r = await svc.create(req.ctx, req.body);
      return reply.status(201).send({ user: presentUser(r.user), oneTimePassword: r.oneTimePassword });
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { action: 'user.update' },
      schema: {
        tags: ['users'],
        summary: 'Change display name or disable/enable an account',
        params: IdParams,
        body: z.object({ displayName: zText(50).optional(), disabled: z.boolean().optional() }).strict(),
        response: { 200: z.object({ user: UserOut }) },
      },
    },
    async (req) => ({ user: presentUser(await svc.update(req.ctx, req.params.id, req.body)) }),
  );

  app.post(
    '/users/:id/reset-password',
    {
      config: { action: 'user.reset_password' },
      schema: {
        tags: ['users'],
        summary: 'Give the account a new one-time password',
        params: IdParams,
        response: { 200: z.object({ oneTimePassword: z.string() }) },
      },
    },
    async (req) => svc.resetPassword(req.ctx, req.params.id),
  );

  app.post(
    '/users/:id/unlock',
    {
      config: { action: 'user.unlock' },
      schema: { tags: ['users'], summary: 'Lift a login lockout', params: IdParams, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await svc.unlock(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  );
};
