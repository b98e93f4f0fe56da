import { clientFor } from '../commands/remote.js';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

export interface RemoteDayOptions { server?: string; token?: string }

/**
 * POSTs to a controller's game-day route through the CLI's typed client (timeout, retries on connection
 * errors/5xx/429, the controller's error text and hint as the error).
 */
function post(io: CliIo, opts: RemoteDayOptions, route: string, body: unknown): Promise<unknown> {
  return clientFor(io, opts).call('POST', route, { body });
}

/** `faultline gameday note ID "text"`: an observation from any participant's machine. */
export async function gamedayNoteCommand(io: CliIo, dayId: string, text: string, opts: RemoteDayOptions): Promise<number> {
  const e = (await post(io, opts, `/v1/gamedays/${encodeURIComponent(dayId)}/notes`, { text })) as { at?: string; step?: number; by?: string };
  io.stdout.write(`${palette(io).green('✓')} noted${e.step !== undefined ? ` on step ${e.step + 1}` : ''} at ${e.at ?? '?'} as ${e.by ?? '?'}\n`);
  return 0;
}

/** `faultline gameday answer ID go|skip|no-go [--note]`: the facilitator answers a gate (scope run). */
export async function gamedayAnswerCommand(io: CliIo, dayId: string, answer: string, opts: RemoteDayOptions & { note?: string }): Promise<number> {
  await post(io, opts, `/v1/gamedays/${encodeURIComponent(dayId)}/gate`, { answer, ...(opts.note ? { note: opts.note } : {}) });
  io.stdout.write(`${palette(io).green('✓')} answered ${answer}\n`);
  return 0;
}
