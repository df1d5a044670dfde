import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services/services.js';
import { presentAudit } from '../presenters.js';
import { Paging } from '../schemas.js';

const AuditOut = z.object({
  id: z.number(),
  at: z.string(),
  /** the time was kept to the day (a survey answer): show the date alone */
  dayOnly: z.boolean(),
  actorUsername: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetLabel: z.string().nullable(),
  ip: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  errorCode: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const auditLogRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/audit-log',
    {
      config: { action: 'audit_log.read' },
      schema: {
        tags: ['audit'],
        summary: "Audit log of the actor's subtree, newest first",
        querystring: z.object({
          orgUnitId: z.coerce.number().int().positive().optional(),
          action: z
            .string()
            .max(60)
            .regex(/^[a-z_.]*$/, { message: 'invalid' })
            .optional(),
          outcome: z.enum(['success', 'failure', 'denied']).optional(),
          actor: z.string().max(40).optional(),
          from: z.coerce.date().optional(),
          to: z.coerce.date().optional(),
          ...Paging,
        }),
        response: { 200: z.object({ items: z.array(AuditOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await services.auditLog.list(req.ctx, {
        ...req.query,
        action: req.query.action || undefined,
        actor: req.query.actor || undefined,
      });
      return { items: r.items.map(presentAudit), total: r.total };
    },
  );
};
