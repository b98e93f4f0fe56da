import { DEFAULT_LISTEN, parseHostPort } from './address.js';
import { badBody, ProxyRequestError } from './errors.js';
import { streamDirections, type ProxyPatch, type StreamDirection, type ToxicPatch } from './model.js';
import { describe, MAX_ATTRIBUTE } from './toxics/attributes.js';
import { toxicTypes } from './toxics/registry.js';

/**
 * Checks request bodies the way Toxiproxy's JSON decoding does (wrong types are 400, unknown
 * keys are ignored), plus range checks Toxiproxy lacks. Every error is a ProxyRequestError.
 */

/** A ProxyConfig with its defaults filled in. */
export interface ValidProxyConfig {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  upstream_tls: boolean;
  toxics?: ValidToxicInput[];
}

/** A proxy to create; fills defaults (listen 127.0.0.1:0, enabled true). */
export function validateProxyConfig(body: unknown, where = ''): ValidProxyConfig {
  const obj = asObject(body, where || 'body');
  const name = requiredString(obj, 'name', where);
  checkName(name, 'proxy');
  const upstream = requiredString(obj, 'upstream', where);
  parseHostPort(upstream, 'upstream');
  const listen = optional(obj, 'listen', 'string', where) ?? DEFAULT_LISTEN;
  parseHostPort(listen, 'listen');
  const enabled = optional(obj, 'enabled', 'boolean', where) ?? true;
  const upstreamTls = optional(obj, 'upstream_tls', 'boolean', where) ?? false;
  const result: ValidProxyConfig = { name, listen, upstream, enabled, upstream_tls: upstreamTls };
  if (obj['toxics'] !== undefined && obj['toxics'] !== null) {
    if (!Array.isArray(obj['toxics'])) throw badBody(`${where}toxics must be an array of toxics, got ${describe(obj['toxics'])}`);
    result.toxics = obj['toxics'].map((t, i) => validateToxicInput(t, `${where}toxics[${i}].`));
  }
  return result;
}

/** A /populate body or config file: an array of proxies with unique names. */
export function validateProxyConfigs(body: unknown): ValidProxyConfig[] {
  if (!Array.isArray(body)) throw badBody(`expected a JSON array of proxies, got ${describe(body)}`, 'send [{"name": "redis", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:6379"}]');
  const seen = new Set<string>();
  return body.map((item, i) => {
    const config = validateProxyConfig(item, `proxy ${i + 1}: `);
    if (seen.has(config.name)) throw badBody(`duplicate proxy name "${config.name}" at proxy ${i + 1}`, 'each proxy in one request needs its own name');
    seen.add(config.name);
    return config;
  });
}

export function validateProxyPatch(body: unknown): ProxyPatch {
  const obj = asObject(body, 'body');
  const patch: ProxyPatch = {};
  const listen = optional(obj, 'listen', 'string');
  if (listen !== undefined) {
    parseHostPort(listen, 'listen');
    patch.listen = listen;
  }
  const upstream = optional(obj, 'upstream', 'string');
  if (upstream !== undefined) {
    parseHostPort(upstream, 'upstream');
    patch.upstream = upstream;
  }
  const enabled = optional(obj, 'enabled', 'boolean');
  if (enabled !== undefined) patch.enabled = enabled;
  const upstreamTls = optional(obj, 'upstream_tls', 'boolean');
  if (upstreamTls !== undefined) patch.upstream_tls = upstreamTls;
  return patch;
}

export interface ValidToxicInput {
  name: string;
  type: string;
  stream: StreamDirection;
  toxicity: number;
  attributes: Record<string, unknown>;
  ttl?: number;
}

export function validateToxicInput(body: unknown, where = ''): ValidToxicInput {
  const obj = asObject(body, where || 'body');
  const streamRaw = optional(obj, 'stream', 'string', where) ?? 'downstream';
  const stream = streamRaw.toLowerCase();
  if (!(streamDirections as readonly string[]).includes(stream)) {
    throw new ProxyRequestError('stream was invalid, can be either upstream or downstream', `${where}stream was ${describe(streamRaw)}`);
  }
  const type = optional(obj, 'type', 'string', where) ?? '';
  const name = optional(obj, 'name', 'string', where) || `${type}_${stream}`;
  checkName(name, 'toxic');
  if (!toxicTypes.includes(type)) {
    throw new ProxyRequestError('invalid toxic type', `${where}type was ${describe(obj['type'] ?? '')}; known types: ${toxicTypes.join(', ')}`);
  }
  const valid: ValidToxicInput = { name, type, stream: stream as StreamDirection, toxicity: toxicity(obj, where) ?? 1, attributes: attributes(obj, where) };
  const lifetime = ttl(obj, where);
  if (lifetime !== undefined) valid.ttl = lifetime;
  return valid;
}

export function validateToxicPatch(body: unknown): ToxicPatch {
  const obj = asObject(body, 'body');
  const patch: ToxicPatch = { attributes: attributes(obj, '') };
  const t = toxicity(obj, '');
  if (t !== undefined) patch.toxicity = t;
  if (obj['ttl'] === 0) patch.ttl = 0;
  else {
    const value = ttl(obj, '');
    if (value !== undefined) patch.ttl = value;
  }
  return patch;
}

function toxicity(obj: Record<string, unknown>, where: string): number | undefined {
  const value = obj['toxicity'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw badBody(`${where}toxicity must be a number from 0 to 1 (the share of connections affected), got ${describe(value)}`);
  }
  return value;
}

function attributes(obj: Record<string, unknown>, where: string): Record<string, unknown> {
  const value = obj['attributes'];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badBody(`${where}attributes must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function ttl(obj: Record<string, unknown>, where: string): number | undefined {
  const value = obj['ttl'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ATTRIBUTE) {
    throw badBody(`${where}ttl must be an integer number of milliseconds from 1 to ${MAX_ATTRIBUTE}, got ${describe(value)}`);
  }
  return value;
}

function asObject(body: unknown, where: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badBody(`${where.replace(/[:.] ?$/, '')} must be a JSON object, got ${describe(body)}`);
  }
  return body as Record<string, unknown>;
}

function requiredString(obj: Record<string, unknown>, key: string, where = ''): string {
  const value = optional(obj, key, 'string', where);
  if (value === undefined || value === '') {
    throw new ProxyRequestError(`missing required field: ${key}${where ? ` at ${where.replace(/: $/, '')}` : ''}`, `add "${key}" to the request body`);
  }
  return value;
}

function optional<K extends 'string' | 'boolean'>(
  obj: Record<string, unknown>,
  key: string,
  kind: K,
  where = '',
): (K extends 'string' ? string : boolean) | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== kind) throw badBody(`${where}${key} must be a ${kind}, got ${describe(value)}`);
  return value as K extends 'string' ? string : boolean;
}

/** Names appear in URLs: no slashes, no control characters. */
function checkName(name: string, what: 'proxy' | 'toxic'): void {
  // eslint-disable-next-line no-control-regex
  if (name.length > 255 || /[/\\\u0000-\u001f\u007f?#%]/.test(name)) {
    throw badBody(`${what} name ${describe(name)} must be at most 255 characters without "/", "\\", "?", "#", "%" or control characters`);
  }
}
