import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DatabaseMode } from '../../db/database.js';

export const healthRoutes: FastifyPluginAsyncZod<{ databaseMode: DatabaseMode }> = async (app, { databaseMode }) => {
  app.get('/health', {
    config: { auth: 'public' },
    schema: { tags: ['system'], summary: 'Liveness and database mode', response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'external']) }) } },
  }, async () => ({ status: 'ok' as const, database: databaseMode }));
};
