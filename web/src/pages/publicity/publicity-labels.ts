import type { PublicityList } from '../../api/programmes.api';

export const STATUS_COLOR: Record<PublicityList['status'], string> = {
  open: 'processing',
  finalised: 'success',
  withdrawn: 'default',
};
export const PHASE_COLOR: Record<PublicityList['phase'], string> = {
  upcoming: 'default',
  running: 'processing',
  ended: 'warning',
};
