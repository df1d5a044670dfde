import { z } from 'zod';
import { ORG_UNIT_KINDS, ROLES, STAGES } from '../domain/org-tree.js';
import { isIsoDate } from '../domain/cycle-rules.js';
import { foldFullWidth, hasForbiddenChars, normaliseText } from '../domain/text.js';

/**
 * A user-typed text field: NFC, trimmed, no control characters, 1…max characters after trimming.
 * Issue messages are kinds ('bad_chars', 'too_long', …) that the error presenter localises.
 */
export function zText(max: number, min = 1) {
  return z
    .string()
    .max(max * 4, { message: 'too_long' }) // cheap bound before normalising huge input
    .refine((s) => !hasForbiddenChars(s), { message: 'bad_chars' })
    .transform(normaliseText)
    .pipe(
      z
        .string()
        .min(min, { message: min === 1 ? 'blank' : 'too_short' })
        .max(max, { message: 'too_long' }),
    );
}

/**
 * A longer text (a notice, a forum post, homework): paragraphs keep their line breaks; other control
 * characters are refused. `min` 0 allows an empty text.
 */
export const zParagraphs = (max: number, min = 1) =>
  z
    .string()
    .max(max * 4, { message: 'too_long' })
    .transform((s) => s.replace(/\r\n?/g, '\n'))
    .refine((s) => !hasForbiddenChars(s.replace(/\n/g, '')), { message: 'bad_chars' })
    .transform(normaliseText)
    .pipe(
      z
        .string()
        .min(min, { message: min === 1 ? 'blank' : 'too_short' })
        .max(max, { message: 'too_long' }),
    );

export const zOptionalText = (max: number) =>
  z.union([zText(max), z.literal('').transform(() => null), z.null()]).optional();

export const zPhone = z
  .string()
  .max(60, { message: 'too_long' })
  .transform((s) => foldFullWidth(normaliseText(s)))
  .pipe(z.string().regex(/^[0-9+\-() ]{5,30}$/, { message: 'invalid' }));

export const zId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const IdParams = z.object({ id: zId });
/** An id in a JSON body: a number, never a string or an array that happens to convert to one. */
export const zBodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const Paging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const zBool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
/**
 * 'YYYY-MM-DD' by shape only, for forms whose use case checks the day itself and reports it with
 * the other problems of the batch (ledger registrations, cycle rules).
 */
export const zDayShape = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'invalid' });
/** A calendar day 'YYYY-MM-DD' that exists (no 30 February). */
export const zDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'invalid' })
  .refine(isIsoDate, { message: 'invalid' });

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A download header with an ASCII name for old clients and the Chinese name for the rest. */
export const attachment = (ascii: string, zh: string) =>
  `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(zh)}`;

export const zKind = z.enum(ORG_UNIT_KINDS);
export const zStage = z.enum(STAGES);
export const zRole = z.enum(ROLES);
/** Timestamps leave the API as ISO 8601 strings (presenters convert Dates). */
export const zDate = z.string();

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

export const OrgUnitOut = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  kind: zKind,
  name: z.string(),
  code: z.string().nullable(),
  divisionCode: z.string().nullable(),
  path: z.string(),
  depth: z.number(),
  stages: z.array(zStage),
  address: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  isDemo: z.boolean(),
  childCount: z.number(),
});

export const UserOut = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: zRole,
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  disabled: z.boolean(),
  lockedUntil: zDate.nullable(),
  mustChangePassword: z.boolean(),
  lastLoginAt: zDate.nullable(),
  createdAt: zDate,
});

export const MeOut = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: zRole,
  orgUnit: z.object({ id: z.number(), name: z.string(), kind: z.string(), path: z.string() }),
  mustChangePassword: z.boolean(),
});
