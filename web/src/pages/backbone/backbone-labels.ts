import type { BackboneLevel, BackboneRoundStatus, BackboneTitleRow } from '../../api/backbone.api';

export const LEVELS: readonly BackboneLevel[] = ['school', 'county', 'city', 'province'];

export const ROUND_STATUS_COLOR: Record<BackboneRoundStatus, string> = {
  nominating: 'blue',
  scoring: 'orange',
  publicised: 'purple',
  finalised: 'green',
  cancelled: 'default',
};

export const TITLE_STATUS_COLOR: Record<BackboneTitleRow['status'], string> = {
  active: 'green',
  expired: 'default',
  revoked: 'red',
};

export const DUTY_YEAR_COLOR: Record<string, string> = {
  done: 'green',
  pending: 'blue',
  due_soon: 'orange',
  missed: 'red',
  not_required: 'default',
};
