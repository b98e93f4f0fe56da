import type { Logger } from '@faultline/core';
import { clockOf, type CliIo } from './io.js';

/** JSON-lines logs on stderr when --verbose is given; silent otherwise (progress is the UI). */
export function cliLogger(io: CliIo, verbose: boolean): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, msg: string) => {
    if (!verbose && level === 'debug') return;
    if (!verbose && level !== 'error') return;
    io.stderr.write(JSON.stringify({ level, time: clockOf(io).now().toISOString(), msg, ...fields }) + '\n');
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
