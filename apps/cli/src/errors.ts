import { errorCatalog, FaultlineError, SpecInvalidError, formatSpecIssues, USAGE_EXIT_CODE } from '@faultline/core';
import type { CliIo } from './io.js';
import { palette } from './io.js';

/** Prints any error the way people can act on it and returns the exit code for it. */
export function reportError(io: CliIo, err: unknown): number {
  const p = palette(io, 'stderr');
  if (err instanceof SpecInvalidError) {
    const n = err.issues.length;
    io.stderr.write(`${p.red(`invalid experiment: ${n} problem${n === 1 ? '' : 's'}`)}\n${formatSpecIssues(err.issues).split('\n').map((l) => `  ${l}`).join('\n')}\n`);
    return USAGE_EXIT_CODE;
  }
  if (err instanceof FaultlineError) {
    io.stderr.write(`${p.red('error:')} ${err.message}\n${err.hint ? `  ${p.dim('hint: ' + err.hint)}\n` : ''}`);
    return errorCatalog[err.code].exit;
  }
  const e = err as { code?: string; message?: string };
  if (e?.code?.startsWith('commander.')) return USAGE_EXIT_CODE;
  io.stderr.write(`${p.red('internal error:')} ${e?.message ?? String(err)}\n  ${p.dim('this is a bug in Faultline; please report it with the command you ran')}\n`);
  return 3;
}
