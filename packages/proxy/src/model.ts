/** Shapes of the Toxiproxy 2.x HTTP API, plus Faultline's extension fields (marked). */

export const streamDirections = ['upstream', 'downstream'] as const;
/** `upstream` = client -> server bytes, `downstream` = server -> client bytes (Toxiproxy's terms). */
export type StreamDirection = (typeof streamDirections)[number];

/** A toxic as the API shows it. Attribute keys depend on `type`. */
export interface ToxicJson {
  attributes: Record<string, number | string>;
  name: string;
  type: string;
  stream: StreamDirection;
  toxicity: number;
  /** Extension: milliseconds after creation (or the last update that set it) when the toxic removes itself. */
  ttl?: number;
  /** Extension: ISO time at which the toxic removes itself. */
  expires_at?: string;
}

/** A proxy as the API shows it. */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  /** Extension, shown only when true: TLS is originated to the upstream when cert_expiry terminates the client's TLS. */
  upstream_tls?: boolean;
  toxics: ToxicJson[];
}

/** Input to create a toxic (POST /proxies/{proxy}/toxics). Unknown attribute keys are ignored, as Toxiproxy does. */
export interface ToxicInput {
  name?: string;
  type: string;
  stream?: StreamDirection;
  toxicity?: number;
  attributes?: Record<string, unknown>;
  /** Extension: dead-man's switch in milliseconds. */
  ttl?: number;
}

/** Input to change a toxic (PATCH /proxies/{proxy}/toxics/{toxic}); name, type and stream cannot change. */
export interface ToxicPatch {
  toxicity?: number;
  attributes?: Record<string, unknown>;
  /** Re-arms the dead-man's switch from now; `0` removes it. */
  ttl?: number;
}

/**
 * One proxy of a config file, a /populate body or the in-process API (like `toxiproxy -config`).
 * `toxics` is an extension: Toxiproxy ignores toxics in config files.
 */
export interface ProxyConfig {
  name: string;
  /** `host:port`; defaults to `127.0.0.1:0` (a free port, reported back). */
  listen?: string;
  upstream: string;
  enabled?: boolean;
  upstream_tls?: boolean;
  toxics?: ToxicInput[];
}

/** Input to change a proxy (PATCH /proxies/{proxy}); omitted fields keep their value. */
export interface ProxyPatch {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
  upstream_tls?: boolean;
}

/** Why a toxic left a proxy (see ProxyServer events). */
export type ToxicRemovalReason = 'deleted' | 'expired' | 'reset' | 'proxy-deleted' | 'replaced';

/** Emitted as `toxic-removed` on the ProxyServer / ProxyCollection. */
export interface ToxicRemovedEvent {
  readonly proxy: string;
  readonly toxic: string;
  readonly reason: ToxicRemovalReason;
}
