import type { SpotCheckStatus } from '../../api/spot-checks.api';

export const STATUS_COLOR: Record<SpotCheckStatus, string> = {
  draft: 'default',
  committed: 'blue',
  drawn: 'orange',
  published: 'green',
};

/** A rate in percent, or "—" for an empty denominator. */
export const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
