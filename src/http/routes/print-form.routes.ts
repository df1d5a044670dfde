import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pickLocale } from '../../i18n/messages.js';
import type { PrintedForm } from '../../services/print-form.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, zId } from '../schemas.js';

const Format = z.object({ format: z.enum(['pdf', 'xlsx']).default('pdf') });
const FORMAT_NOTE = '`format=pdf` (A4, with the seal and signature block on the last page) or `format=xlsx`';

/** Forms to print and seal (签到表, 结业名单, 验证汇总表), as PDF or .xlsx, in the reader's language. */
export const printFormRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.printForms;
  const send = (
    reply: { header(k: string, v: string): unknown; send(b: Buffer): unknown },
    f: PrintedForm,
  ): unknown => {
    reply.header('content-type', f.contentType);
    reply.header('content-disposition', attachment(f.fileName, f.localName));
    return reply.send(f.body);
  };

  app.get(
    '/sessions/:id/sign-in-sheet',
    {
      config: { action: 'attendance.print_sheet' },
      schema: {
        tags: ['attendance'],
        summary: `A session's attendance sheet (签到表) with a column to sign; ${FORMAT_NOTE}`,
        params: IdParams,
        querystring: Format,
      },
    },
    async (req, reply) =>
      send(
        reply,
        await svc.signInSheet(req.ctx, req.params.id, req.query.format, pickLocale(req.headers['accept-language'])),
      ),
  );

  app.get(
    '/classes/:id/completion-list',
    {
      config: { action: 'training.print_completion' },
      schema: {
        tags: ['attendance'],
        summary: `A class's completion list (结业名单); ${FORMAT_NOTE}`,
        params: IdParams,
        querystring: Format,
      },
    },
    async (req, reply) =>
      send(
        reply,
        await svc.completionList(req.ctx, req.params.id, req.query.format, pickLocale(req.headers['accept-language'])),
      ),
  );

  app.get(
    '/verifications/:id/sheet',
    {
      config: { action: 'credit.print_verification' },
      schema: {
        tags: ['verification'],
        summary: `A school's annual verification summary (验证汇总表), one line per teacher; ${FORMAT_NOTE}`,
        params: IdParams,
        querystring: Format,
      },
    },
    async (req, reply) =>
      send(
        reply,
        await svc.verificationSheet(
          req.ctx,
          req.params.id,
          req.query.format,
          pickLocale(req.headers['accept-language']),
        ),
      ),
  );

  app.get(
    '/verifications/summary-sheet',
    {
      config: { action: 'credit.print_verification_summary' },
      schema: {
        tags: ['verification'],
        summary: `The annual verification summary of a unit's schools (验证汇总表), those not started too; ${FORMAT_NOTE}`,
        querystring: Format.extend({
          orgUnitId: zId,
          cycleId: zId,
          year: z.coerce.number().int().min(2000).max(2100),
        }),
      },
    },
    async (req, reply) => {
      const { format, ...q } = req.query;
      return send(reply, await svc.verificationSummary(req.ctx, q, format, pickLocale(req.headers['accept-language'])));
    },
  );
};
