import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '@faultline/core/logger';
import { formatHostPort } from './address.js';
import { ProxyCollection } from './collection.js';
import { createApiHandler } from './http/api-handler.js';
import type { ProxyConfig } from './model.js';
import { captureState, readStateFile, writeStateFile } from './persistence/state-file.js';

/** The Toxiproxy API port. */
export const DEFAULT_API_PORT = 8474;

export interface ProxyServerOptions {
  /** API bind address; default 127.0.0.1. */
  host?: string;
  /** API port; default 8474, 0 picks a free one. */
  port?: number;
  /** Persist proxies and toxics here (atomic rewrite on every change) and restore them on start. */
  stateFile?: string;
  /** Proxies to create-or-replace at start, like `toxiproxy-server -config` (after the state file). */
  config?: readonly ProxyConfig[];
  /** Seedable randomness for toxicity, jitter, slicer and packet_loss. */
  random?: () => number;
  /** Upper bound for dialling an upstream and for TLS handshakes; default 10 s. */
  connectTimeoutMs?: number;
  log?: Logger;
}

/** A running proxy server: the HTTP API plus `proxies`, the same operations in-process. */
export interface ProxyServer {
  /** `http://host:port` of the API. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** In-process API (no HTTP): create proxies, add toxics, listen for `toxic-removed`. */
  readonly proxies: ProxyCollection;
  /** Closes the API, every proxy listener and connection, and clears every timer. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the embedded Toxiproxy-compatible server. Restores `stateFile` if it exists, then
 * applies `config`. Throws (and leaves nothing running) if the API port cannot be bound or the
 * state file cannot be read.
 */
export async function startProxyServer(opts: ProxyServerOptions = {}): Promise<ProxyServer> {
  const log = opts.log ?? silentLogger;
  const proxies = new ProxyCollection({
    log,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
  });
  const http = createServer(createApiHandler(proxies, log));
  http.requestTimeout = 30_000;
  http.headersTimeout = 15_000;
  http.keepAliveTimeout = 5_000;
  try {
    if (opts.stateFile) {
      const state = readStateFile(opts.stateFile);
      if (state) await proxies.restore(state.proxies);
    }
    if (opts.config?.length) await proxies.populate(opts.config);
    if (opts.stateFile) {
      const file = opts.stateFile;
      const save = (): void => {
        try {
          writeStateFile(file, captureState(proxies));
        } catch (err) {
          log.error({ stateFile: file, err: String(err) }, 'could not save proxy state; the next change retries');
        }
      };
      save();
      proxies.on('change', save);
    }
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? DEFAULT_API_PORT }, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    proxies.removeAllListeners('change');
    await proxies.close();
    http.close();
    throw err;
  }
  const address = http.address() as AddressInfo;
  const url = `http://${formatHostPort(address.address, address.port)}`;
  log.info({ url }, 'proxy API listening');
  return {
    url,
    port: address.port,
    host: address.address,
    proxies,
    close: once(async () => {
      proxies.removeAllListeners('change');
      await Promise.all([proxies.close(), closeHttp(http)]);
    }),
  };
}

function closeHttp(http: Server): Promise<void> {
  return new Promise((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
