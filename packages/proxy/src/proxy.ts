import { connect as netConnect, createServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import type { Logger } from '@faultline/core/logger';
import { formatHostPort, parseHostPort } from './address.js';
import { Connection, type ConnectionOwner } from './data-path/connection.js';
import { ProxyConflictError, ProxyRequestError } from './errors.js';
import type { ProxyJson, StreamDirection } from './model.js';
import { getServedCertificate, type CertVariant } from './tls/certificates.js';
import type { Toxic } from './toxic.js';

/**
 * Write buffer of each proxied socket before `write()` asks the link to pause its source. Node's
 * default (16 KiB) is smaller than one read (64 KiB), so nearly every chunk paused and resumed the
 * other side; this keeps bulk transfers flowing while memory per connection stays bounded.
 */
const SOCKET_HIGH_WATER_MARK = 512 * 1024;
/** net.connect passes stream options on to its Socket (@types/node does not list them). */
const upstreamBuffer = { writableHighWaterMark: SOCKET_HIGH_WATER_MARK };

/** Counters behind /metrics; they survive restarts of the listener. */
export interface ProxyStats {
  readonly receivedBytes: Record<StreamDirection, number>;
  readonly sentBytes: Record<StreamDirection, number>;
  connectionsTotal: number;
  upstreamFailures: number;
  tlsTerminated: number;
  tlsHandshakeFailures: number;
}

export interface ProxyOptions {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly upstreamTls: boolean;
  readonly random: () => number;
  readonly connectTimeoutMs: number;
  readonly log: Logger;
}

/**
 * One proxy: a listener, its open connections and its toxics. Public mutation goes through
 * ProxyCollection, which validates and serialises changes.
 */
export class Proxy implements ConnectionOwner {
  readonly name: string;
  listen: string;
  upstream: string;
  upstreamTls: boolean;
  enabled = false;
  /** In the order they were added; the API lists upstream toxics first, as Toxiproxy does. */
  readonly toxics: Toxic[] = [];
  readonly stats: ProxyStats = {
    receivedBytes: { upstream: 0, downstream: 0 },
    sentBytes: { upstream: 0, downstream: 0 },
    connectionsTotal: 0,
    upstreamFailures: 0,
    tlsTerminated: 0,
    tlsHandshakeFailures: 0,
  };
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  /** Sockets of connections still being set up (TLS handshake, upstream dial). */
  private readonly pending = new Set<Socket>();
  private readonly setupTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: ProxyOptions) {
    this.name = opts.name;
    this.listen = opts.listen;
    this.upstream = opts.upstream;
    this.upstreamTls = opts.upstreamTls;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Opens the listener; `listen` then holds the real address (port 0 resolved). */
  async start(): Promise<void> {
    if (this.enabled) return;
    const { host, port } = parseHostPort(this.listen, 'listen');
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true, highWaterMark: SOCKET_HIGH_WATER_MARK }, this.onConnection);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      throw listenError(this.name, this.listen, err);
    });
    server.on('error', (err) => this.opts.log.error({ proxy: this.name, err: String(err) }, 'proxy listener failed'));
    const address = server.address();
    if (address && typeof address === 'object') this.listen = formatHostPort(address.address, address.port);
    this.server = server;
    this.enabled = true;
    this.opts.log.info({ proxy: this.name, listen: this.listen, upstream: this.upstream }, 'proxy started');
  }

  /** Closes the listener and drops every connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.enabled = false;
    for (const timer of this.setupTimers) clearTimeout(timer);
    this.setupTimers.clear();
    for (const socket of this.pending) socket.destroy();
    this.pending.clear();
    for (const connection of this.connections) connection.destroy();
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      this.opts.log.info({ proxy: this.name, listen: this.listen }, 'proxy stopped');
    }
  }

  addToxic(toxic: Toxic): void {
    this.toxics.push(toxic);
    if (toxic.definition.kind !== 'stream') return;
    for (const connection of this.connections) connection.addToxic(toxic);
  }

  updateToxic(toxic: Toxic, toxicityChanged: boolean): void {
    if (toxic.definition.kind !== 'stream') return;
    for (const connection of this.connections) connection.updateToxic(toxic, toxicityChanged);
  }

  removeToxic(toxic: Toxic): void {
    const index = this.toxics.indexOf(toxic);
    if (index >= 0) this.toxics.splice(index, 1);
    if (toxic.definition.kind !== 'stream') return;
    for (const connection of this.connections) connection.removeToxic(toxic);
  }

  orderedToxics(): Toxic[] {
    return [...this.toxics.filter((t) => t.stream === 'upstream'), ...this.toxics.filter((t) => t.stream === 'downstream')];
  }

  toJSON(): ProxyJson {
    const json: ProxyJson = {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.orderedToxics().map((t) => t.toJSON()),
    };
    if (this.upstreamTls) {
      const { toxics, ...rest } = json;
      return { ...rest, upstream_tls: true, toxics };
    }
    return json;
  }

  countReceived(direction: StreamDirection, bytes: number): void {
    this.stats.receivedBytes[direction] += bytes;
  }

  countSent(direction: StreamDirection, bytes: number): void {
    this.stats.sentBytes[direction] += bytes;
  }

  random(): number {
    return this.opts.random();
  }

  connectionClosed(connection: Connection): void {
    this.connections.delete(connection);
  }

  private readonly onConnection = (raw: Socket): void => {
    // A connection the kernel accepted just before stop() closed the listener.
    if (!this.enabled) {
      raw.destroy();
      return;
    }
    this.stats.connectionsTotal++;
    this.track(raw);
    const cert = this.pickCertToxic();
    if (cert) this.terminateTls(raw, cert);
    else this.dial(raw, raw, false);
  };

  /** The first cert_expiry toxic that applies to this connection (toxicity is drawn per connection). */
  private pickCertToxic(): Toxic | undefined {
    return this.toxics.find((t) => t.definition.kind === 'connection' && this.opts.random() < t.toxicity);
  }

  private terminateTls(raw: Socket, toxic: Toxic): void {
    const variant = toxic.attributes['variant'] as CertVariant;
    const hostname = String(toxic.attributes['hostname']);
    getServedCertificate(variant, hostname).then(
      (served) => {
        if (raw.destroyed || !this.enabled) return raw.destroy();
        const secure = new TLSSocket(raw, { isServer: true, secureContext: served.secureContext });
        this.track(secure);
        let established = false;
        const timer = this.setupTimer(() => secure.destroy(), this.opts.connectTimeoutMs);
        secure.on('error', () => {
          if (!established) this.stats.tlsHandshakeFailures++;
          secure.destroy();
        });
        secure.once('close', () => this.clearSetupTimer(timer));
        secure.once('secure', () => {
          established = true;
          this.clearSetupTimer(timer);
          this.stats.tlsTerminated++;
          this.dial(secure, raw, this.upstreamTls);
        });
      },
      (err: unknown) => {
        this.opts.log.error({ proxy: this.name, err: String(err) }, 'cert_expiry: could not generate a certificate; connection dropped');
        raw.destroy();
      },
    );
  }

  private dial(client: Socket, rawClient: Socket, tls: boolean): void {
    const { host, port } = parseHostPort(this.upstream, 'upstream');
    const upstream = tls
      ? // The client already accepted our (faulty) certificate; the upstream is typically a test
        // service with a self-signed one, so it is not verified (documented in the README).
        tlsConnect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) })
      : netConnect({ host, port, allowHalfOpen: true, noDelay: true, ...upstreamBuffer });
    this.track(upstream);
    const onClientGone = (): void => {
      upstream.destroy();
    };
    client.once('close', onClientGone);
    client.on('error', onClientGone);
    const timer = this.setupTimer(() => upstream.destroy(), this.opts.connectTimeoutMs);
    upstream.once('error', (err) => {
      this.clearSetupTimer(timer);
      this.stats.upstreamFailures++;
      this.opts.log.warn({ proxy: this.name, upstream: this.upstream, err: String(err) }, 'cannot reach upstream; client dropped');
      client.destroy();
    });
    upstream.once('close', () => this.clearSetupTimer(timer));
    upstream.once(tls ? 'secureConnect' : 'connect', () => {
      this.clearSetupTimer(timer);
      client.off('close', onClientGone);
      client.off('error', onClientGone);
      upstream.removeAllListeners('error');
      if (client.destroyed || !this.enabled) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const connection = new Connection(
        this,
        { client, rawClient, upstream, rawUpstream: upstream },
        this.toxics.filter((t) => t.definition.kind === 'stream'),
      );
      this.connections.add(connection);
      connection.start();
    });
  }

  private track(socket: Socket): void {
    this.pending.add(socket);
    socket.once('close', () => this.pending.delete(socket));
  }

  private setupTimer(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.setupTimers.delete(timer);
      fn();
    }, ms);
    this.setupTimers.add(timer);
    return timer;
  }

  private clearSetupTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.setupTimers.delete(timer);
  }
}

function listenError(proxy: string, listen: string, err: NodeJS.ErrnoException): Error {
  if (err.code === 'EADDRINUSE') {
    return new ProxyConflictError(
      `listen tcp ${listen}: bind: address already in use`,
      `proxy "${proxy}" cannot listen on ${listen}: another process or proxy holds it`,
      'pick another port, or "127.0.0.1:0" for a free one',
    );
  }
  return new ProxyRequestError(
    `listen tcp ${listen}: ${err.code ?? err.message}`,
    `proxy "${proxy}" cannot listen on ${listen}; use a local address such as 127.0.0.1:0`,
    { cause: err },
  );
}
