import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { pickLocale } from '../../i18n/messages.js';
import type { CertificateRow } from '../../repositories/credit-certificate.repository.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, zBodyId, zId, zText } from '../schemas.js';
import { JobOut, presentJob } from './credit.routes.js';

const CertificateOut = z.object({
  id: z.number(),
  code: z.string(),
  teacherId: z.number(),
  teacherName: z.string(),
  cycleId: z.number(),
  /** 'record': asked for as a cycle certificate before the cycle was finished, a record of hours so far (学时证明) */
  kind: z.enum(['cycle', 'year', 'record']),
  year: z.number().nullable(),
  status: z.enum(['valid', 'revoked', 'superseded']),
  totalHours: z.number(),
  issuedAt: z.string(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
});
const Kind = z.object({
  kind: z.enum(['cycle', 'year']).default('cycle'),
  year: z.number().int().min(2000).max(2100).nullable().default(null),
});

const present = (c: CertificateRow): z.infer<typeof CertificateOut> => {
  const s = c.snapshot as { teacherName: string; totalHours: number };
  return {
    id: c.id,
    code: c.code,
    teacherId: c.teacherId,
    teacherName: s.teacherName,
    cycleId: c.cycleId,
    kind: c.kind,
    year: c.year,
    status: c.status,
    totalHours: s.totalHours,
    issuedAt: c.issuedAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revokeReason: c.revokeReason,
  };
};

/** The address the request came to, for QR codes when PEIXUN_PUBLIC_URL is not set. */
const baseUrlOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

export const certificateRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.certificates;

  app.post(
    '/certificates',
    {
      config: { action: 'credit.issue_certificate' },
      schema: {
        tags: ['certificates'],
        summary:
          "Issues a teacher's certificate of a cycle (before the cycle is finished: a record of hours so far) or record sheet of a year; a valid one it replaces is superseded",
        body: Kind.extend({ teacherId: zBodyId, cycleId: zBodyId }).strict(),
        response: { 201: z.object({ certificate: CertificateOut }) },
      },
    },
    async (req, reply) => reply.status(201).send({ certificate: present(await svc.issue(req.ctx, req.body)) }),
  );

  app.get(
    '/certificates',
    {
      config: { action: 'credit.list_certificates' },
      schema: {
        tags: ['certificates'],
        summary: "A teacher's certificates (teachers: their own)",
        querystring: z.object({ teacherId: zId.optional() }),
        response: { 200: z.object({ items: z.array(CertificateOut) }) },
      },
    },
    async (req) => ({ items: (await svc.forTeacher(req.ctx, req.query.teacherId)).map(present) }),
  );

  app.get(
    '/certificates/unit',
    {
      config: { action: 'credit.list_certificates' },
      schema: {
        tags: ['certificates'],
        summary: 'Certificates issued to the teachers of a unit',
        querystring: z.object({ orgUnitId: zId, cycleId: zId, q: zText(60).optional(), ...Paging }),
        response: { 200: z.object({ items: z.array(CertificateOut) }) },
      },
    },
    async (req) => {
      const q = req.query;
      const page = { limit: q.pageSize, offset: (q.page - 1) * q.pageSize };
      return { items: (await svc.under(req.ctx, q.orgUnitId, q.cycleId, page, q.q)).map(present) };
    },
  );

  app.get(
    '/certificates/:id/pdf',
    {
      config: { action: 'credit.download_certificate' },
      schema: { tags: ['certificates'], summary: 'The certificate as PDF', params: IdParams },
    },
    async (req, reply) => {
      const locale = pickLocale(req.headers['accept-language']);
      const { certificate, pdf, missingGlyphs } = await svc.pdf(req.ctx, req.params.id, baseUrlOf(req), locale);
      if (missingGlyphs.length) {
        // printed as boxes with their code points: said in the log and to the client, never silent
        req.log.warn({ certificate: certificate.code, missingGlyphs }, 'certificate has characters no font has');
        reply.header('x-missing-glyphs', missingGlyphs.map((g) => g.split(' ')[0]).join(' '));
      }
      reply.header('content-type', 'application/pdf');
      reply.header(
        'content-disposition',
        attachment(
          `${certificate.kind === 'record' ? 'record-of-hours' : 'certificate'}-${certificate.code}.pdf`,
          `${certificate.kind === 'record' ? '继续教育学时证明' : '继续教育证书'}-${certificate.code}.pdf`,
        ),
      );
      return reply.send(pdf);
    },
  );

  app.post(
    '/certificates/:id/revoke',
    {
      config: { action: 'credit.revoke_certificate' },
      schema: {
        tags: ['certificates'],
        summary: 'Revokes a certificate; its number keeps answering "revoked"',
        params: IdParams,
        body: z.object({ reason: zText(500) }).strict(),
        response: { 200: z.object({ certificate: CertificateOut }) },
      },
    },
    async (req) => ({ certificate: present(await svc.revoke(req.ctx, req.params.id, req.body.reason)) }),
  );

  app.post(
    '/certificates/bulk',
    {
      config: { action: 'credit.bulk_certificates' },
      schema: {
        tags: ['certificates'],
        summary: 'Certificates of every teacher of a school or county, as one zip made by a background job',
        body: Kind.extend({ orgUnitId: zBodyId, cycleId: zBodyId }).strict(),
        response: { 202: z.object({ job: JobOut }) },
      },
    },
    async (req, reply) =>
      reply.status(202).send({ job: presentJob(await svc.bulk(req.ctx, req.body, baseUrlOf(req))) }),
  );

  app.get(
    '/certificates/bulk/:id/download',
    {
      config: { action: 'credit.download_certificates' },
      schema: { tags: ['certificates'], summary: 'The zip of a finished bulk job', params: IdParams },
    },
    async (req, reply) => {
      const f = await svc.bulkFile(req.ctx, req.params.id);
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', attachment(`certificates-${req.params.id}.zip`, f.name));
      return reply.send(fs.createReadStream(f.path));
    },
  );
};
