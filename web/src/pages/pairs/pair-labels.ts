import type { Pair, PairStatus } from '../../api/pairs.api';

export const STATUS_COLOR: Record<PairStatus, string> = {
  applied: 'gold',
  returned: 'orange',
  recommended: 'blue',
  refused: 'red',
  registered: 'cyan',
  active: 'green',
  ended: 'default',
};

/** The mentor side as a line: the teacher (and school), or the school of a school pairing. */
export const mentorLine = (p: Pick<Pair, 'mentorName' | 'orgUnitName'>, pending: string) =>
  p.mentorName ? `${p.mentorName}（${p.orgUnitName}）` : p.orgUnitName || pending;
export const menteeLine = (p: Pick<Pair, 'menteeName' | 'menteeOrgUnitName'>, pending: string) =>
  p.menteeName ? `${p.menteeName}（${p.menteeOrgUnitName}）` : p.menteeOrgUnitName || pending;
