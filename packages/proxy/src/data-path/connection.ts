import type { Socket } from 'node:net';
import type { StreamDirection } from '../model.js';
import type { Toxic } from '../toxic.js';
import { Link, type LinkOwner } from './link.js';

/** What a connection needs from its proxy. */
export interface ConnectionOwner {
  countReceived(direction: StreamDirection, bytes: number): void;
  countSent(direction: StreamDirection, bytes: number): void;
  random(): number;
  connectionClosed(connection: Connection): void;
}

export interface ConnectionSockets {
  /** What the proxy reads/writes on the client side (a TLSSocket when cert_expiry terminated TLS). */
  readonly client: Socket;
  /** The TCP socket under `client` (the same object when there is no TLS). */
  readonly rawClient: Socket;
  readonly upstream: Socket;
  readonly rawUpstream: Socket;
}

/**
 * A client connection and its upstream connection, joined by two links. Half-closes pass
 * through like TCP (each direction ends on its own); an abrupt close or error on one side closes
 * the other (a reset is passed on as a reset).
 */
export class Connection implements LinkOwner {
  readonly links: Readonly<Record<StreamDirection, Link>>;
  private closedSockets = 0;
  private gone = false;

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly sockets: ConnectionSockets,
    toxics: readonly Toxic[],
  ) {
    const { client, upstream } = sockets;
    this.links = {
      upstream: new Link('upstream', client, upstream, this, toxics.filter((t) => t.stream === 'upstream')),
      downstream: new Link('downstream', upstream, client, this, toxics.filter((t) => t.stream === 'downstream')),
    };
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNRESET') resetSocket(other);
        else other.destroy();
      });
      socket.on('close', () => this.onSocketClose(socket, other));
    }
  }

  start(): void {
    this.links.upstream.start();
    this.links.downstream.start();
  }

  addToxic(toxic: Toxic): void {
    this.links[toxic.stream].addToxic(toxic);
  }

  updateToxic(toxic: Toxic, toxicityChanged: boolean): void {
    this.links[toxic.stream].updateToxic(toxic, toxicityChanged);
  }

  removeToxic(toxic: Toxic): void {
    this.links[toxic.stream].removeToxic(toxic);
  }

  countReceived(direction: StreamDirection, bytes: number): void {
    this.owner.countReceived(direction, bytes);
  }

  countSent(direction: StreamDirection, bytes: number): void {
    this.owner.countSent(direction, bytes);
  }

  random(): number {
    return this.owner.random();
  }

  /** Ends both sides after what was written is flushed, then closes them. */
  closeSoon(): void {
    this.sockets.client.destroySoon();
    this.sockets.upstream.destroySoon();
  }

  /** Closes both sides with a TCP RST (reset_peer). */
  reset(): void {
    resetSocket(this.sockets.client);
    resetSocket(this.sockets.upstream);
  }

  /** Drops the connection at once (proxy disabled, deleted or moved). */
  destroy(): void {
    this.sockets.client.destroy();
    this.sockets.upstream.destroy();
    this.sockets.rawClient.destroy();
    this.sockets.rawUpstream.destroy();
  }

  private onSocketClose(socket: Socket, other: Socket): void {
    this.closedSockets++;
    // A side that closed before its end reached the other side, or while bytes were still owed
    // to it, closed abruptly: TCP would not keep the other half alive either.
    const readDone = socket.readableEnded;
    const writeDone = (socket === this.sockets.client ? this.links.downstream : this.links.upstream).finished;
    if ((!readDone || !writeDone) && !other.destroyed) other.destroy();
    if (this.closedSockets >= 2 && !this.gone) {
      this.gone = true;
      this.links.upstream.destroy();
      this.links.downstream.destroy();
      this.owner.connectionClosed(this);
    }
  }
}

/** RST where the handle allows it (plain TCP); a TLS-wrapped socket can only be destroyed. */
function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    // resetAndDestroy throws ERR_INVALID_HANDLE_TYPE on TLS-wrapped sockets; a plain close is the closest we can do.
    socket.destroy();
  }
}
