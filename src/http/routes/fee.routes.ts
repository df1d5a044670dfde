import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { FEE_STATUSES, MAX_ITEM_FEN, MAX_TOTAL_FEN } from '../../domain/money.js';
import { FEE_KINDS, type FeeItemRow, type PaymentRow } from '../../services/fee.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, XLSX, zBool, zDay, zId, zOptionalText, zText } from '../schemas.js';

/** Money travels as integers in fen (8050 = ¥80.50): the forms parse yuan with domain/money.ts. */
const zItemFen = z.number().int().min(0).max(MAX_ITEM_FEN);
const zDueFen = z.number().int().min(0).max(MAX_TOTAL_FEN);
const zPaymentFen = z
  .number()
  .int()
  .min(-MAX_TOTAL_FEN)
  .max(MAX_TOTAL_FEN)
  .refine((n) => n !== 0, { message: 'zero' });

const ItemBody = z.object({ name: zText(100), kind: z.enum(FEE_KINDS), amountFen: zItemFen }).strict();
const ItemPatch = ItemBody.partial().strict();
const OverrideBody = z.object({ dueFen: zDueFen, reason: zText(500) }).strict();
const PaymentBody = z
  .object({ amountFen: zPaymentFen, paidOn: zDay, receiptNo: zOptionalText(50), note: zOptionalText(500) })
  .strict();
const ItemParams = z.object({ itemId: zId });
const UnitParams = z.object({ itemId: zId, unitId: zId });

const ItemOut = z.object({
  id: z.number(),
  projectId: z.number(),
  name: z.string(),
  kind: z.enum(FEE_KINDS),
  amountFen: z.number(),
  archived: z.boolean(),
  paymentCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const TotalsOut = z.object({ dueFen: z.number(), paidFen: z.number(), balanceFen: z.number() });
const zStatus = z.enum(FEE_STATUSES);
const LineOut = z.object({
  itemId: z.number(),
  unitId: z.number(),
  unitName: z.string(),
  unitKind: z.string(),
  unitCode: z.string().nullable(),
  divisionCode: z.string().nullable(),
  teachers: z.number(),
  overrideFen: z.number().nullable(),
  overrideReason: z.string().nullable(),
  dueFen: z.number(),
  paidFen: z.number(),
  balanceFen: z.number(),
  payments: z.number(),
  status: zStatus,
});
const ItemTotalsOut = TotalsOut.extend({
  itemId: z.number(),
  teachers: z.number(),
  units: z.number(),
  byStatus: z.record(zStatus, z.number()),
});
const ProjectRef = z.object({
  id: z.number(),
  title: z.string(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  status: z.string(),
  year: z.number(),
});
const PaymentOut = z.object({
  id: z.number(),
  amountFen: z.number(),
  paidOn: z.string(),
  receiptNo: z.string().nullable(),
  note: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
});
const OwnLineOut = z.object({
  projectId: z.number(),
  projectTitle: z.string(),
  projectYear: z.number(),
  organiserName: z.string(),
  itemId: z.number(),
  itemName: z.string(),
  kind: z.enum(FEE_KINDS),
  amountFen: z.number(),
  teachers: z.number(),
  overrideFen: z.number().nullable(),
  overrideReason: z.string().nullable(),
  dueFen: z.number(),
  paidFen: z.number(),
  balanceFen: z.number(),
  status: zStatus,
});
const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

const presentItem = (i: FeeItemRow): z.infer<typeof ItemOut> => ({
  id: i.id,
  projectId: i.projectId,
  name: i.name,
  kind: i.kind,
  amountFen: i.amountFen,
  archived: i.archived,
  paymentCount: i.paymentCount,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});
const presentPayment = (p: PaymentRow): z.infer<typeof PaymentOut> => ({
  id: p.id,
  amountFen: p.amountFen,
  paidOn: p.paidOn,
  receiptNo: p.receiptNo,
  note: p.note,
  createdByName: p.createdByName,
  createdAt: p.createdAt.toISOString(),
});
const projectRef = (p: {
  id: number;
  title: string;
  orgUnitId: number;
  orgUnitName: string;
  status: string;
  year: number;
}) => ({
  id: p.id,
  title: p.title,
  orgUnitId: p.orgUnitId,
  orgUnitName: p.orgUnitName,
  status: p.status,
  year: p.year,
});

/** Fees of training projects: items, dues per paying unit, payments and corrections, sheets. */
export const feeRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const fees = services.fees;

  app.get(
    '/training/projects/:id/fees',
    {
      config: { action: 'fee.list_items' },
      schema: {
        tags: ['fees'],
        summary: 'The fees of a project (报名费, 教材费 …) and whether the caller sets them',
        params: IdParams,
        response: { 200: z.object({ items: z.array(ItemOut), canManage: z.boolean(), scope: z.enum(['all', 'own']) }) },
      },
    },
    async (req) => {
      const r = await fees.listItems(req.ctx, req.params.id);
      return { items: r.items.map(presentItem), canManage: r.canManage, scope: r.scope };
    },
  );

  app.post(
    '/training/projects/:id/fees',
    {
      config: { action: 'fee.create_item' },
      schema: {
        tags: ['fees'],
        summary:
          "A new fee of a project, charged per enrolled teacher (the organiser's province, city or county admins)",
        params: IdParams,
        body: ItemBody,
        response: { 201: z.object({ item: ItemOut }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ item: presentItem(await fees.createItem(req.ctx, req.params.id, req.body)) }),
  );

  app.get(
    '/training/projects/:id/fees/units',
    {
      config: { action: 'fee.list_dues' },
      schema: {
        tags: ['fees'],
        summary:
          "Per fee and paying unit: enrolled teachers, due, paid, balance and status, with totals (below the organiser: the caller's own unit only)",
        params: IdParams,
        querystring: z.object({ includeArchived: zBool.optional() }),
        response: {
          200: z.object({
            project: ProjectRef,
            items: z.array(ItemOut),
            lines: z.array(LineOut),
            itemTotals: z.array(ItemTotalsOut),
            total: TotalsOut,
            scope: z.enum(['all', 'own']),
            canManage: z.boolean(),
          }),
        },
      },
    },
    async (req) => {
      const r = await fees.dues(req.ctx, req.params.id, { includeArchived: req.query.includeArchived });
      return { ...r, project: projectRef(r.project), items: r.items.map(presentItem) };
    },
  );

  app.get(
    '/training/projects/:id/fees/export.xlsx',
    {
      config: { action: 'fee.export' },
      schema: {
        tags: ['fees'],
        summary: 'The fee sheet of a project as .xlsx: one row per unit and fee, subtotals and the total',
        params: IdParams,
      },
    },
    async (req, reply) => {
      const r = await fees.exportProject(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`project-${r.project.id}-fees.xlsx`, `${r.project.title}费用表.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.patch(
    '/fees/:itemId',
    {
      config: { action: 'fee.update_item' },
      schema: {
        tags: ['fees'],
        summary: 'Changes the name, kind or amount of a fee',
        params: ItemParams,
        body: ItemPatch,
        response: { 200: z.object({ item: ItemOut }) },
      },
    },
    async (req) => ({ item: presentItem(await fees.updateItem(req.ctx, req.params.itemId, req.body)) }),
  );

  app.post(
    '/fees/:itemId/archive',
    {
      config: { action: 'fee.archive_item' },
      schema: {
        tags: ['fees'],
        summary: 'Archives a fee: it leaves the dues; its payments stay',
        params: ItemParams,
        response: { 200: z.object({ item: ItemOut }) },
      },
    },
    async (req) => ({ item: presentItem(await fees.setArchived(req.ctx, req.params.itemId, true)) }),
  );

  app.post(
    '/fees/:itemId/unarchive',
    {
      config: { action: 'fee.unarchive_item' },
      schema: {
        tags: ['fees'],
        summary: 'Brings an archived fee back',
        params: ItemParams,
        response: { 200: z.object({ item: ItemOut }) },
      },
    },
    async (req) => ({ item: presentItem(await fees.setArchived(req.ctx, req.params.itemId, false)) }),
  );

  app.delete(
    '/fees/:itemId',
    {
      config: { action: 'fee.delete_item' },
      schema: {
        tags: ['fees'],
        summary: 'Deletes a fee without payments (one with payments can only be archived)',
        params: ItemParams,
      },
    },
    async (req, reply) => {
      await fees.deleteItem(req.ctx, req.params.itemId);
      return reply.status(204).send();
    },
  );

  app.put(
    '/fees/:itemId/units/:unitId/override',
    {
      config: { action: 'fee.set_override' },
      schema: {
        tags: ['fees'],
        summary: 'Sets by hand what a paying unit owes for a fee, with the reason',
        params: UnitParams,
        body: OverrideBody,
      },
    },
    async (req, reply) => {
      await fees.setOverride(req.ctx, req.params.itemId, req.params.unitId, req.body);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/fees/:itemId/units/:unitId/override',
    {
      config: { action: 'fee.clear_override' },
      schema: { tags: ['fees'], summary: "Counts a unit's dues from its enrolled teachers again", params: UnitParams },
    },
    async (req, reply) => {
      await fees.clearOverride(req.ctx, req.params.itemId, req.params.unitId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/fees/:itemId/units/:unitId/payments',
    {
      config: { action: 'fee.record_payment' },
      schema: {
        tags: ['fees'],
        summary: 'Records money received from a paying unit; a negative amount is a correction and needs a note',
        params: UnitParams,
        body: PaymentBody,
        response: { 201: z.object({ payment: PaymentOut, paidFen: z.number() }) },
      },
    },
    async (req, reply) => {
      const r = await fees.recordPayment(req.ctx, req.params.itemId, req.params.unitId, {
        ...req.body,
        receiptNo: req.body.receiptNo ?? null,
        note: req.body.note ?? null,
      });
      return reply.status(201).send({ payment: presentPayment(r.payment), paidFen: r.paidFen });
    },
  );

  app.get(
    '/fees/:itemId/units/:unitId/payments',
    {
      config: { action: 'fee.list_payments' },
      schema: {
        tags: ['fees'],
        summary: 'The payments and corrections of one unit for one fee, newest first',
        params: UnitParams,
        response: {
          200: z.object({
            items: z.array(PaymentOut),
            paidFen: z.number(),
            unit: z.object({ id: z.number(), name: z.string() }),
            item: ItemOut,
          }),
        },
      },
    },
    async (req) => {
      const r = await fees.payments(req.ctx, req.params.itemId, req.params.unitId);
      return {
        items: r.payments.map(presentPayment),
        paidFen: r.paidFen,
        unit: { id: r.unit.id, name: r.unit.name },
        item: presentItem(r.item),
      };
    },
  );

  app.get(
    '/fees/my-unit',
    {
      config: { action: 'fee.my_unit' },
      schema: {
        tags: ['fees'],
        summary:
          "本单位应缴费用: what the caller's unit owes for the projects of the unit above it (a school also for its own)",
        querystring: YearQuery,
        response: {
          200: z.object({
            unit: z.object({ id: z.number(), name: z.string() }),
            lines: z.array(OwnLineOut),
            total: TotalsOut,
          }),
        },
      },
    },
    async (req) => {
      const r = await fees.myUnit(req.ctx, req.query);
      return { unit: { id: r.unit.id, name: r.unit.name }, lines: r.lines, total: r.total };
    },
  );

  app.get(
    '/fees/my-unit/export.xlsx',
    {
      config: { action: 'fee.export_my_unit' },
      schema: { tags: ['fees'], summary: "The caller's unit's dues as .xlsx", querystring: YearQuery },
    },
    async (req, reply) => {
      const r = await fees.exportMyUnit(req.ctx, req.query);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('unit-fees.xlsx', `${r.unit.name}应缴费用.xlsx`));
      return reply.send(r.buffer);
    },
  );
};
