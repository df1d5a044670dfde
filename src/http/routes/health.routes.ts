import { sql } from 'kysely';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Database, DatabaseMode } from '../../db/database.js';
import { AppError } from '../../errors/app-error.js';

/** Liveness that includes the database: a server that cannot reach it answers 503, not "ok". */
export const healthRoutes: FastifyPluginAsyncZod<{ databaseMode: DatabaseMode; db: Database }> = async (
  app,
  { databaseMode, db },
) => {
  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness, database reachability and mode',
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'external']) }) },
      },
    },
    async () => {
      const reached = await Promise.race([
        // the error handler answers 503 with Retry-After and tells the database supervisor to look
        sql`SELECT 1`.execute(db).then(
          () => true,
          (e: unknown) => {
            throw new AppError('DATABASE_UNAVAILABLE', { cause: e });
          },
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
      ]);
      if (!reached) throw new AppError('DATABASE_UNAVAILABLE');
      return { status: 'ok' as const, database: databaseMode };
    },
  );
};
