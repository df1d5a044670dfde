import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_REMINDER_UNITS, MESSAGE_KINDS, REMINDER_TOPICS, type MessageKind } from '../../domain/message.js';
import type { MessageRow, NoticeRow } from '../../repositories/message.repository.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { IdParams, Paging, zBodyId, zBool, zDay, zId, zOptionalText, zParagraphs, zText } from '../schemas.js';

const MessageOut = z.object({
  id: z.number(),
  kind: z.enum(MESSAGE_KINDS),
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .describe("the values of the message's text, which the reader's language renders from its kind"),
  link: z.string().nullable().describe('the page of the web app to act on'),
  senderName: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
const NoticeOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  title: z.string(),
  body: z.string(),
  publishedByName: z.string().nullable(),
  publishedAt: z.string(),
  readAt: z.string().nullable(),
});
const presentMessage = (m: MessageRow): z.infer<typeof MessageOut> => ({
  id: m.id,
  kind: m.kind as MessageKind,
  params: m.params,
  link: m.link,
  senderName: m.senderName,
  createdAt: m.createdAt.toISOString(),
  readAt: iso(m.readAt),
});
const presentNotice = (n: NoticeRow): z.infer<typeof NoticeOut> => ({
  ...n,
  publishedAt: n.publishedAt.toISOString(),
  readAt: iso(n.readAt),
});
const InboxQuery = z.object({ unread: zBool.optional(), ...Paging });

/** The message centre (消息): the own inbox, notices to the subtree, reminders (催办) to the units below. */
export const messageRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.messages;

  app.get(
    '/messages',
    {
      config: { action: 'message.list' },
      schema: {
        tags: ['message'],
        summary: "One page of the caller's messages, the unread first",
        querystring: InboxQuery,
        response: { 200: z.object({ items: z.array(MessageOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.list(req.ctx, req.query);
      return { items: r.items.map(presentMessage), total: r.total };
    },
  );

  app.get(
    '/messages/unread-count',
    {
      config: { action: 'message.unread_count' },
      schema: {
        tags: ['message'],
        summary: 'How many messages and notices the caller has not read (the bell in the header)',
        response: { 200: z.object({ messages: z.number(), notices: z.number(), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.unreadCount(req.ctx);
      return { ...r, total: r.messages + r.notices };
    },
  );

  app.post(
    '/messages/:id/read',
    {
      config: { action: 'message.read' },
      schema: {
        tags: ['message'],
        summary: "Marks one of the caller's messages read",
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await svc.markRead(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/messages/read-all',
    {
      config: { action: 'message.read_all' },
      schema: {
        tags: ['message'],
        summary: "Marks all the caller's messages and notices read",
        response: { 200: z.object({ messages: z.number(), notices: z.number() }) },
      },
    },
    async (req) => svc.markAllRead(req.ctx),
  );

  app.get(
    '/messages/reminders/verification-pending',
    {
      config: { action: 'message.list_pending' },
      schema: {
        tags: ['message'],
        summary: "The schools below the caller's unit whose year has not been submitted, to remind (催办)",
        querystring: z.object({ cycleId: zId, year: z.coerce.number().int().min(2000).max(2100) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                orgUnitId: z.number(),
                orgUnitName: z.string(),
                status: z.enum(['not_started', 'open', 'returned']),
                admins: z.number().describe('the accounts a reminder reaches there'),
              }),
            ),
            total: z.number().describe('all such schools; the list stops at what one reminder takes'),
          }),
        },
      },
    },
    async (req) => svc.verificationPending(req.ctx, req.query),
  );

  app.post(
    '/messages/reminders',
    {
      config: { action: 'message.remind' },
      schema: {
        tags: ['message'],
        summary: 'Reminds (催办) the admins of the chosen units below the caller of something not done',
        body: z
          .object({
            orgUnitIds: z.array(zBodyId).min(1).max(MAX_REMINDER_UNITS),
            topic: z.enum(REMINDER_TOPICS),
            cycleId: zBodyId.nullable().optional(),
            year: z.number().int().min(2000).max(2100).nullable().optional(),
            deadline: zDay.nullable().optional(),
            note: zOptionalText(500),
          })
          .strict(),
        response: { 200: z.object({ units: z.number(), recipients: z.number() }) },
      },
    },
    async (req) => svc.remind(req.ctx, { ...req.body, note: req.body.note ?? null }),
  );

  app.get(
    '/notices',
    {
      config: { action: 'notice.list' },
      schema: {
        tags: ['message'],
        summary: "The notices published at the caller's unit and the units above it, newest first",
        querystring: InboxQuery,
        response: { 200: z.object({ items: z.array(NoticeOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.notices(req.ctx, req.query);
      return { items: r.items.map(presentNotice), total: r.total };
    },
  );

  app.post(
    '/notices',
    {
      config: { action: 'notice.publish' },
      schema: {
        tags: ['message'],
        summary: 'A bureau (county and above) publishes a notice to everyone in its subtree',
        body: z.object({ title: zText(200), body: zParagraphs(4000) }).strict(),
        response: { 201: z.object({ notice: NoticeOut }) },
      },
    },
    async (req, reply) => reply.status(201).send({ notice: presentNotice(await svc.publishNotice(req.ctx, req.body)) }),
  );

  app.post(
    '/notices/:id/read',
    {
      config: { action: 'notice.read' },
      schema: {
        tags: ['message'],
        summary: 'Marks a notice read',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await svc.readNotice(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  );
};
