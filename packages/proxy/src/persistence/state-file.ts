import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { systemClock } from '@faultline/core/clock';
import { UsageError } from '@faultline/core/errors';
import type { ProxyCollection, RestoredToxic } from '../collection.js';
import type { ProxyConfig } from '../model.js';

/** What a state file holds. `version` lets a later release migrate old files. */
export interface ProxyState {
  readonly version: 1;
  readonly saved_at: string;
  readonly proxies: (ProxyConfig & { toxics: RestoredToxic[] })[];
}

/** Reads a state file; `undefined` when it does not exist yet. Throws UsageError if it is not ours. */
export function readStateFile(path: string): ProxyState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read proxy state file ${path}: ${(err as Error).message}`, { cause: err, hint: 'check the path and its permissions' });
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`proxy state file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err, hint: 'delete it to start empty' });
  }
  const s = state as Partial<ProxyState> | null;
  if (!s || s.version !== 1 || !Array.isArray(s.proxies)) {
    throw new UsageError(`proxy state file ${path} has an unknown format (expected {"version": 1, "proxies": [...]})`, { hint: 'delete it to start empty' });
  }
  return s as ProxyState;
}

/** The collection as a state file would hold it (listen addresses are the resolved ones). */
export function captureState(collection: ProxyCollection): ProxyState {
  return {
    version: 1,
    saved_at: systemClock.now().toISOString(),
    proxies: collection.snapshot().map((proxy) => {
      const json = proxy.toJSON();
      return {
        name: json.name,
        listen: json.listen,
        upstream: json.upstream,
        enabled: json.enabled,
        upstream_tls: proxy.upstreamTls,
        toxics: json.toxics.map((t) => ({ ...t, stream: t.stream })),
      };
    }),
  };
}

/**
 * Writes atomically: a temp file beside the target, fsync, then rename, so a crash leaves the
 * old or the new state, never half of one. Synchronous on purpose: changes are rare and small,
 * and the file then always matches the order of the API calls.
 */
export function writeStateFile(path: string, state: ProxyState): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (err) {
    unlinkSync(temp);
    throw err;
  }
}
