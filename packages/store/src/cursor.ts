import { UsageError } from '@faultline/core';

/** Position after the last row of a page (newest-first order on created_at, then id). */
export interface RunCursor {
  readonly createdAt: string;
  readonly runId: string;
}

export function encodeCursor(c: RunCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.runId]), 'utf8').toString('base64url');
}

/** Throws UsageError for anything that did not come from encodeCursor. */
export function decodeCursor(cursor: string): RunCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      return { createdAt: v[0], runId: v[1] };
    }
  } catch (err) {
    throw new UsageError(`invalid runs cursor "${cursor}": ${(err as Error).message}`, {
      hint: 'Pass the nextCursor value of a previous page unchanged, or omit it for the first page.',
    });
  }
  throw new UsageError(`invalid runs cursor "${cursor}"`, {
    hint: 'Pass the nextCursor value of a previous page unchanged, or omit it for the first page.',
  });
}
