/**
 * Annual training plans (年度培训计划, R-20): pure rules of their life cycle and of who sees which
 * state of them. No I/O.
 *
 * A school's plan (a township centre school counts as a school) is approved by its county:
 *   draft → submitted → approved | returned;  returned → (edited) → submitted;  approved → (reopened) draft.
 * Plans of the province, cities and counties are published by their own admins:
 *   draft → published;  published → (edited) draft → published …
 */
import { isAdmin, isWithin, type OrgUnitKind, type Role } from './org-tree.js';

export const PLAN_STATUSES = ['draft', 'submitted', 'approved', 'returned', 'published'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_EVENTS = ['submitted', 'approved', 'returned', 'published'] as const;
export type PlanEvent = (typeof PLAN_EVENTS)[number];
/** 集中 / 网络 / 校本 / 实践 / 学历提升 */
export const PLAN_FORMS = ['centralised', 'online', 'school_based', 'practice', 'degree'] as const;
export type PlanForm = (typeof PLAN_FORMS)[number];
/** The statuses in which a plan applies to others (the county's approval, or its own publication). */
export const FINAL_STATUSES: readonly PlanStatus[] = ['approved', 'published'];
/** At most this many lines in one plan's calendar. */
export const MAX_PLAN_ITEMS = 300;

/** How a unit's plan takes effect: reviewed by the county (schools), or published by the unit itself. */
export type PlanTrack = 'review' | 'publish' | 'none';

export function planTrack(kind: OrgUnitKind): PlanTrack {
  switch (kind) {
    case 'school':
    case 'township':
      return 'review';
    case 'province':
    case 'city':
    case 'county':
      return 'publish';
    default:
      return 'none';
  }
}

export type PlanMove = 'edit' | 'submit' | 'approve' | 'return' | 'reopen' | 'publish';

/**
 * Whether a move is possible from a status on a track, and what it leads to; otherwise why not:
 * 'in_review' (a submitted plan waits for the county), 'approved' (reopen it first), 'track' (the
 * move belongs to the other kind of unit), 'state' (anything else).
 *
 * @example planMove('review', 'returned', 'submit') // { ok: true, to: 'submitted' }
 * @example planMove('review', 'approved', 'edit')   // { ok: false, reason: 'approved' }
 */
export function planMove(
  track: PlanTrack,
  from: PlanStatus,
  move: PlanMove,
): { ok: true; to: PlanStatus } | { ok: false; reason: 'in_review' | 'approved' | 'track' | 'state' } {
  if (track === 'none') return { ok: false, reason: 'track' };
  const reviewOnly: readonly PlanMove[] = ['submit', 'approve', 'return', 'reopen'];
  if ((track === 'publish' && reviewOnly.includes(move)) || (track === 'review' && move === 'publish'))
    return { ok: false, reason: 'track' };
  switch (move) {
    case 'edit':
      if (from === 'submitted') return { ok: false, reason: 'in_review' };
      if (from === 'approved') return { ok: false, reason: 'approved' };
      // an edited published plan is a draft again until it is published anew
      return { ok: true, to: from === 'published' ? 'draft' : from };
    case 'submit':
      return from === 'draft' || from === 'returned'
        ? { ok: true, to: 'submitted' }
        : { ok: false, reason: from === 'approved' ? 'approved' : 'state' };
    case 'approve':
      return from === 'submitted' ? { ok: true, to: 'approved' } : { ok: false, reason: 'state' };
    case 'return':
      return from === 'submitted' ? { ok: true, to: 'returned' } : { ok: false, reason: 'state' };
    case 'reopen':
      return from === 'approved' ? { ok: true, to: 'draft' } : { ok: false, reason: 'state' };
    case 'publish':
      return from === 'draft' ? { ok: true, to: 'published' } : { ok: false, reason: 'state' };
    default: {
      const never: never = move;
      return never;
    }
  }
}

/**
 * Whether a reader sees a plan as it stands now (any status, unpublished edits included): the
 * admins of its unit and of the units above it. Everyone else who may read it at all (plan.read)
 * sees only its last approved or published version.
 */
export function seesWorkingCopy(actor: { role: Role; orgPath: string }, planPath: string): boolean {
  return isAdmin(actor.role) && isWithin(actor.orgPath, planPath);
}

/** Chinese labels, for sheets. */
export const PLAN_FORM_LABELS: Record<PlanForm, string> = {
  centralised: '集中培训',
  online: '网络研修',
  school_based: '校本研修',
  practice: '实践',
  degree: '学历提升',
};
export const PLAN_STATUS_LABELS: Record<PlanStatus, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'draft' },
  submitted: { zh: '已提交待审核', en: 'submitted for review' },
  approved: { zh: '已审核通过', en: 'approved' },
  returned: { zh: '已退回', en: 'returned' },
  published: { zh: '已发布', en: 'published' },
};

/** '1月', '十二月', 'Mar', '3' → 3; anything else → null. */
export function parseMonth(text: string): number | null {
  const s = text.trim().replace(/\s+/g, '').replace(/份$/, '');
  const digits = /^(\d{1,2})(月)?$/.exec(s);
  if (digits) {
    const n = Number(digits[1]);
    return n >= 1 && n <= 12 ? n : null;
  }
  const zh = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
  const z = zh.indexOf(s.replace(/月$/, ''));
  if (z >= 0 && s.endsWith('月')) return z + 1;
  const en = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const e = en.indexOf(s.slice(0, 3).toLowerCase());
  return e >= 0 && /^[a-z]+\.?$/i.test(s) ? e + 1 : null;
}
