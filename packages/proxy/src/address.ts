import { isIP } from 'node:net';
import { badBody } from './errors.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where a proxy listens when the request does not say: loopback, a free port. */
export const DEFAULT_LISTEN = '127.0.0.1:0';

/**
 * Parses `host:port`, `[v6]:port` or `:port`. An empty host means 127.0.0.1: the proxy binds
 * loopback unless an address is named (Toxiproxy would bind every interface).
 */
export function parseHostPort(value: string, field: 'listen' | 'upstream'): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const host = match ? (match[1] ?? match[2] ?? '') : '';
  const port = match ? Number(match[3]) : NaN;
  const minPort = field === 'listen' ? 0 : 1;
  const hostOk = host === '' ? field === 'listen' : isIP(host) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host);
  if (!match || !hostOk || !(port >= minPort && port <= 65535)) {
    throw badBody(
      `${field} must be "host:port" with a port from ${minPort} to 65535, got ${JSON.stringify(value)}`,
      field === 'listen' ? 'e.g. "127.0.0.1:0" picks a free loopback port' : 'e.g. "127.0.0.1:6379"',
    );
  }
  return { host: host === '' ? '127.0.0.1' : host, port };
}

/** Formats an address the way Go's net.Addr.String() does (IPv6 in brackets). */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
