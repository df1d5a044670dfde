/** Job kinds of the ledger: recompute every teacher's status of a cycle, and the dry run of a rule change. */
export const REFRESH_JOB = 'ledger.refresh';
export const PREVIEW_JOB = 'ledger.rules_preview';
