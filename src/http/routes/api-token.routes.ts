import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services/services.js';
import { presentApiToken } from '../presenters.js';
import { IdParams, zText } from '../schemas.js';

const ApiTokenOut = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const apiTokenRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api-tokens',
    {
      config: { action: 'api_token.list' },
      schema: {
        tags: ['auth'],
        summary: "The actor's own API tokens",
        response: { 200: z.object({ items: z.array(ApiTokenOut) }) },
      },
    },
    async (req) => ({ items: (await services.apiTokens.list(req.ctx)).map(presentApiToken) }),
  );

  app.post(
    '/api-tokens',
    {
      config: { action: 'api_token.create' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for an integration; the token is shown once',
        body: z.object({ name: zText(60), expiresInDays: z.number().int().min(1).max(3650).optional() }).strict(),
        response: { 201: z.object({ token: z.string(), apiToken: ApiTokenOut }) },
      },
    },
    async (req, reply) => {
      const r = await services.apiTokens.create(req.ctx, req.body);
      return reply.status(201).send({ token: r.token, apiToken: presentApiToken(r.apiToken) });
    },
  );

  app.delete(
    '/api-tokens/:id',
    {
      config: { action: 'api_token.revoke' },
      schema: { tags: ['auth'], summary: 'Revoke an API token', params: IdParams, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await services.apiTokens.revoke(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  );
};
