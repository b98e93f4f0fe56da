import { request } from 'undici';
import { ConflictError, ForbiddenError, NotFoundError, ProviderError, UnauthorizedError, UsageError } from '@faultline/core';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';

export interface RemoteDayOptions { server?: string; token?: string }

/** POSTs to a controller's game-day route; the controller's error text reaches the user as it is. */
async function post(io: CliIo, opts: RemoteDayOptions, route: string, body: unknown): Promise<unknown> {
  const server = opts.server ?? io.env.FAULTLINE_SERVER;
  if (!server) throw new UsageError('which controller? pass --server http://host:8080 or set FAULTLINE_SERVER');
  const token = opts.token ?? io.env.FAULTLINE_TOKEN;
  const res = await request(new URL(route, server), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body), headersTimeout: 10_000, bodyTimeout: 10_000,
  }).catch((err: Error) => { throw new ProviderError(`cannot reach the controller at ${server}: ${err.message}`, { retryable: true }); });
  const json = (await res.body.json().catch(() => ({}))) as { message?: string; error?: string };
  if (res.statusCode < 300) return json;
  const message = json.message ?? json.error ?? `HTTP ${res.statusCode}`;
  if (res.statusCode === 401) throw new UnauthorizedError(message, { hint: 'pass --token or set FAULTLINE_TOKEN' });
  if (res.statusCode === 403) throw new ForbiddenError(message);
  if (res.statusCode === 404) throw new NotFoundError(message);
  if (res.statusCode === 409) throw new ConflictError(message);
  throw new UsageError(message);
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
