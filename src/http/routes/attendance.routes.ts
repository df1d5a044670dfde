import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AttendanceLine } from '../../repositories/attendance.repository.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { zId, zText } from '../schemas.js';

/** The address the request came to, for the QR code when PEIXUN_PUBLIC_URL is not set. */
const originOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

const zKind = z.enum(['in', 'out']);
const SessionParams = z.object({ id: zId });
const TeacherParams = z.object({ id: zId, teacherId: zId });

const SessionOut = z.object({
  id: z.number(),
  classId: z.number(),
  className: z.string(),
  projectTitle: z.string(),
  classStatus: z.enum(['open', 'closed']),
  startsAt: z.string(),
  endsAt: z.string(),
  place: z.string().nullable(),
  checkinOpensAt: z.string(),
  checkinClosesAt: z.string(),
});
type SessionIn = {
  id: number;
  classId: number;
  className: string;
  projectTitle: string;
  classStatus: 'open' | 'closed';
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  checkinOpensAt: Date;
  checkinClosesAt: Date;
};
const presentSession = (s: SessionIn): z.infer<typeof SessionOut> => ({
  ...s,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  checkinOpensAt: s.checkinOpensAt.toISOString(),
  checkinClosesAt: s.checkinClosesAt.toISOString(),
});

const AttendanceLineOut = z.object({
  teacherId: z.number(),
  teacherName: z.string(),
  orgUnitName: z.string(),
  checkedInAt: z.string().nullable(),
  checkedOutAt: z.string().nullable(),
  present: z.boolean().nullable(),
  method: z.enum(['qr', 'manual']).nullable(),
  reason: z.string().nullable(),
  correctedByName: z.string().nullable(),
});
const presentLine = (l: AttendanceLine): z.infer<typeof AttendanceLineOut> => ({
  ...l,
  checkedInAt: iso(l.checkedInAt),
  checkedOutAt: iso(l.checkedOutAt),
});

export const CheckinCodeResponse = z.object({
  token: z.string(),
  kind: zKind,
  rotatesAt: z.string(),
  url: z.string(),
  acceptedFrom: z.string(),
  acceptedUntil: z.string(),
  session: SessionOut,
});
export const ScanRequest = z
  .object({
    token: z.string().min(1).max(100),
    sessionId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();
export const ScanResponse = z.object({
  kind: zKind,
  teacherName: z.string(),
  checkedInAt: z.string().nullable(),
  checkedOutAt: z.string().nullable(),
  session: SessionOut,
});
export const CorrectionRequest = z
  .object({
    present: z.boolean(),
    checkedInAt: z.iso.datetime({ offset: true }).nullable().optional(),
    checkedOutAt: z.iso.datetime({ offset: true }).nullable().optional(),
    reason: zText(500),
  })
  .strict();
export const AssessmentRequest = z.object({ passed: z.boolean().nullable() }).strict();
export const ReopenRequest = z.object({ reason: zText(500) }).strict();
const Reason = z.union([
  z.object({ code: z.literal('attendance'), attended: z.number(), sessions: z.number(), requiredPct: z.number() }),
  z.object({ code: z.literal('assessment') }),
  // an online class's requirements (domain/online-completion.ts)
  z.object({
    code: z.literal('study_minutes'),
    itemId: z.number(),
    title: z.string(),
    countedMinutes: z.number(),
    requiredMinutes: z.number(),
  }),
  z.object({ code: z.literal('homework') }),
  z.object({ code: z.literal('posts'), counted: z.number(), required: z.number() }),
  z.object({ code: z.literal('reflections'), counted: z.number(), required: z.number() }),
]);
const CloseLineOut = z.object({
  teacherId: z.number(),
  teacherName: z.string(),
  attended: z.number(),
  sessions: z.number(),
});
export const ClosePreviewResponse = z.object({
  classId: z.number(),
  className: z.string(),
  projectTitle: z.string(),
  status: z.enum(['open', 'closed']),
  hours: z.number(),
  sessions: z.number(),
  lastSessionEndsAt: z.string().nullable(),
  ended: z.boolean(),
  enrolled: z.number(),
  completing: z.array(CloseLineOut),
  notCompleting: z.array(CloseLineOut.extend({ reasons: z.array(Reason) })),
  toPost: z.number(),
  toReverse: z.number(),
});
/** The reason is needed (and kept) only when the class's last session has not ended yet. */
export const CloseRequest = z.object({ earlyCloseReason: zText(500).optional() }).strict();
export const CloseResponse = z.object({
  classId: z.number(),
  earlyCloseReason: z.string().nullable(),
  projectClosed: z.boolean(),
  enrolled: z.number(),
  completed: z.number(),
  notCompleted: z.number(),
  posted: z.number(),
  reversed: z.number(),
  teachersNotCompleted: z.array(
    z.object({
      teacherId: z.number(),
      teacherName: z.string(),
      attended: z.number(),
      sessions: z.number(),
      reasons: z.array(Reason),
    }),
  ),
  problems: z.array(
    z.object({
      teacherId: z.number(),
      teacherName: z.string(),
      code: z.enum(['reversal_requested', 'reversal_pending']),
      entryId: z.number(),
      requestId: z.number().nullable(),
    }),
  ),
});

const toDate = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));

export const attendanceRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.attendance;

  app.get(
    '/sessions/:id/checkin-code',
    {
      config: { action: 'attendance.read_code' },
      schema: {
        tags: ['attendance'],
        summary: "The rotating QR code of a session (changes every 30 s), for its trainers and the organiser's admins",
        params: SessionParams,
        querystring: z.object({ kind: zKind.default('in') }),
        response: { 200: CheckinCodeResponse },
      },
    },
    async (req) => {
      const c = await svc.checkinCode(req.ctx, req.params.id, req.query.kind, originOf(req));
      return {
        ...c,
        rotatesAt: c.rotatesAt.toISOString(),
        acceptedFrom: c.acceptedFrom.toISOString(),
        acceptedUntil: c.acceptedUntil.toISOString(),
        session: presentSession(c.session),
      };
    },
  );

  app.get(
    '/attendance/my-sessions',
    {
      config: { action: 'attendance.my_sessions' },
      schema: {
        tags: ['attendance'],
        summary: "A trainer's sessions from yesterday on, to open their QR codes",
        response: { 200: z.object({ items: z.array(SessionOut) }) },
      },
    },
    async (req) => ({ items: (await svc.mySessions(req.ctx)).map(presentSession) }),
  );

  app.post(
    '/attendance/scan',
    {
      config: { action: 'attendance.scan' },
      schema: {
        tags: ['attendance'],
        summary: 'A teacher checks in (or out) with the scanned code; scanning twice changes nothing',
        body: ScanRequest,
        response: { 200: ScanResponse },
      },
    },
    async (req) => {
      const r = await svc.scan(req.ctx, req.body.token, req.body.sessionId);
      return {
        ...r,
        checkedInAt: iso(r.checkedInAt),
        checkedOutAt: iso(r.checkedOutAt),
        session: presentSession(r.session),
      };
    },
  );

  app.get(
    '/sessions/:id/attendance',
    {
      config: { action: 'attendance.read' },
      schema: {
        tags: ['attendance'],
        summary: 'The enrolled teachers of a session with their check-in and check-out times',
        params: SessionParams,
        response: { 200: z.object({ session: SessionOut, items: z.array(AttendanceLineOut) }) },
      },
    },
    async (req) => {
      const r = await svc.sessionAttendance(req.ctx, req.params.id);
      return { session: presentSession(r.session), items: r.items.map(presentLine) };
    },
  );

  app.put(
    '/sessions/:id/attendance/:teacherId',
    {
      config: { action: 'attendance.correct' },
      schema: {
        tags: ['attendance'],
        summary: "The trainer corrects one teacher's attendance, with the reason",
        params: TeacherParams,
        body: CorrectionRequest,
        response: { 200: z.object({ line: AttendanceLineOut }) },
      },
    },
    async (req) => ({
      line: presentLine(
        await svc.correct(req.ctx, req.params.id, req.params.teacherId, {
          present: req.body.present,
          checkedInAt: toDate(req.body.checkedInAt),
          checkedOutAt: toDate(req.body.checkedOutAt),
          reason: req.body.reason,
        }),
      ),
    }),
  );

  app.put(
    '/classes/:id/enrolments/:teacherId/assessment',
    {
      config: { action: 'attendance.set_assessment' },
      schema: {
        tags: ['attendance'],
        summary: "Whether an enrolled teacher passed the class's assessment (null: not assessed)",
        params: TeacherParams,
        body: AssessmentRequest,
        response: {
          200: z.object({ classId: z.number(), teacherId: z.number(), assessmentPassed: z.boolean().nullable() }),
        },
      },
    },
    async (req) => svc.setAssessment(req.ctx, req.params.id, req.params.teacherId, req.body.passed),
  );

  app.get(
    '/classes/:id/close-preview',
    {
      config: { action: 'training.preview_close' },
      schema: {
        tags: ['attendance'],
        summary:
          'What closing the class now would do: who completes and who does not (with the reasons), and whether its last session has ended',
        params: SessionParams,
        response: { 200: ClosePreviewResponse },
      },
    },
    async (req) => {
      const p = await svc.previewClose(req.ctx, req.params.id);
      return { ...p, lastSessionEndsAt: iso(p.lastSessionEndsAt) };
    },
  );

  app.post(
    '/classes/:id/close',
    {
      config: { action: 'training.close_class' },
      schema: {
        tags: ['attendance'],
        summary:
          'Closes a class: outcomes, completed hours posted to the ledger once, postings of those no longer completing reversed; ' +
          'before its last session has ended only with the reason for closing early',
        params: SessionParams,
        body: CloseRequest.nullish(),
        response: { 200: CloseResponse },
      },
    },
    async (req) => svc.close(req.ctx, req.params.id, req.body ?? {}),
  );

  app.post(
    '/classes/:id/reopen',
    {
      config: { action: 'training.reopen_class' },
      schema: {
        tags: ['attendance'],
        summary: 'Reopens a closed class for corrections, with the reason',
        params: SessionParams,
        body: ReopenRequest,
        response: { 200: z.object({ classId: z.number(), status: z.literal('open') }) },
      },
    },
    async (req) => svc.reopen(req.ctx, req.params.id, req.body.reason),
  );
};
