import { formatDuration } from '@faultline/core';

export const fmtMs = (v: number | undefined, missing = 'n/a'): string => (v === undefined ? missing : formatDuration(v));
/** `09:30:33` (UTC): the day's times, short enough for a timeline. */
export const clockTime = (iso: string): string => iso.slice(11, 19);
export const utc = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

export const outcomeText = {
  passed: 'Passed', failed: 'Failed', stopped: 'Stopped (no-go)', halted: 'Halted', aborted: 'Aborted', 'revert-pending': 'Revert pending', running: 'Unfinished',
} as const;

export const statusText = {
  passed: 'passed', failed: 'failed', done: 'done', skipped: 'skipped', aborted: 'aborted', 'not-run': 'not run', running: 'in flight',
} as const;
