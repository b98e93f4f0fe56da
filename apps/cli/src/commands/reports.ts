import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEvent } from '@faultline/core';
import { renderHtml, renderJUnit } from '@faultline/report';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

/** Writes the JUnit and/or HTML report of a finished run. */
export async function writeReports(io: CliIo, events: readonly JournalEvent[], opts: { junit?: string; html?: string }): Promise<void> {
  const p = palette(io);
  if (opts.junit) {
    const file = path.resolve(io.cwd, opts.junit);
    await writeFile(file, renderJUnit([...events]), 'utf8');
    io.stdout.write(p.dim(`  junit           ${file}\n`));
  }
  if (opts.html) {
    const file = path.resolve(io.cwd, opts.html);
    await writeFile(file, renderHtml([...events]), 'utf8');
    io.stdout.write(p.dim(`  report          ${file}\n`));
  }
}
