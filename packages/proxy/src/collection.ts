import { EventEmitter } from 'node:events';
import { systemClock } from '@faultline/core/clock';
import { silentLogger, type Logger } from '@faultline/core/logger';
import { parseHostPort } from './address.js';
import { badBody, ProxyConflictError, proxyNotFound, ProxyRequestError, toxicNotFound } from './errors.js';
import type { ProxyConfig, ProxyJson, ProxyPatch, ToxicInput, ToxicJson, ToxicPatch, ToxicRemovalReason, ToxicRemovedEvent } from './model.js';
import { Proxy } from './proxy.js';
import { Toxic } from './toxic.js';
import { toxicDefinitions } from './toxics/registry.js';
import {
  validateProxyConfig,
  validateProxyConfigs,
  validateProxyPatch,
  validateToxicInput,
  validateToxicPatch,
  type ValidProxyConfig,
  type ValidToxicInput,
} from './validate.js';

export interface ProxyCollectionOptions {
  /** Uniform [0, 1) source for toxicity, jitter and packet loss; seed it in tests. */
  random?: () => number;
  /** Upper bound for dialling an upstream and for a TLS handshake. Default 10 s. */
  connectTimeoutMs?: number;
  log?: Logger;
}

/** A toxic restored from a state file: its dead-man's switch keeps its original deadline. */
export interface RestoredToxic extends ToxicInput {
  expires_at?: string;
}

interface ProxyCollectionEvents {
  'toxic-removed': [ToxicRemovedEvent];
  /** Anything that a state file should capture changed. */
  change: [];
}

/**
 * Every proxy of one server and the in-process API over them (the HTTP API is a thin layer on
 * top). Mutations are serialised, so concurrent requests see a consistent state. Inputs are
 * validated like request bodies; errors are ProxyNotFoundError (404), ProxyConflictError (409)
 * and ProxyRequestError (400).
 */
export class ProxyCollection extends EventEmitter<ProxyCollectionEvents> {
  private readonly proxies = new Map<string, Proxy>();
  private readonly ttlTimers = new Map<Toxic, NodeJS.Timeout>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly random: () => number;
  private readonly connectTimeoutMs: number;
  private readonly log: Logger;

  constructor(opts: ProxyCollectionOptions = {}) {
    super();
    this.random = opts.random ?? Math.random;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.log = opts.log ?? silentLogger;
  }

  /** GET /proxies: every proxy by name. */
  list(): Record<string, ProxyJson> {
    return Object.fromEntries([...this.proxies.values()].map((p) => [p.name, p.toJSON()]));
  }

  /** GET /proxies/{proxy}. */
  get(name: string): ProxyJson {
    return this.proxy(name).toJSON();
  }

  /** POST /proxies: creates and (unless `enabled: false`) starts a proxy. 409 if the name exists. */
  create(config: ProxyConfig): Promise<ProxyJson> {
    const valid = validateProxyConfig(config);
    return this.serial(async () => {
      if (this.proxies.has(valid.name)) {
        throw new ProxyConflictError('proxy already exists', `a proxy named "${valid.name}" exists`, 'delete it first, or use POST /populate to create-or-replace');
      }
      const proxy = await this.build(valid);
      return proxy.toJSON();
    });
  }

  /**
   * POST /populate: create-or-replace every proxy in `configs` (validated as a whole first).
   * A proxy whose listen (port 0 matches any port) and upstream are unchanged is kept with its
   * toxics and open connections; others are replaced. Resolves to the resulting proxies.
   */
  populate(configs: readonly ProxyConfig[]): Promise<ProxyJson[]> {
    const valid = validateProxyConfigs(configs);
    return this.serial(async () => {
      const applied: ProxyJson[] = [];
      try {
        for (const config of valid) applied.push((await this.createOrReplace(config)).toJSON());
      } catch (err) {
        throw Object.assign(err as object, { applied });
      }
      return applied;
    });
  }

  /** PATCH (or POST) /proxies/{proxy}: a new listen or upstream restarts the listener and drops connections. */
  update(name: string, patch: ProxyPatch): Promise<ProxyJson> {
    const valid = validateProxyPatch(patch);
    return this.serial(async () => {
      const proxy = this.proxy(name);
      const before = { listen: proxy.listen, upstream: proxy.upstream, upstreamTls: proxy.upstreamTls, enabled: proxy.enabled };
      const listen = valid.listen ?? proxy.listen;
      const upstream = valid.upstream ?? proxy.upstream;
      const enabled = valid.enabled ?? proxy.enabled;
      const moved = listen !== proxy.listen || upstream !== proxy.upstream;
      if (moved || !enabled) await proxy.stop();
      proxy.listen = listen;
      proxy.upstream = upstream;
      proxy.upstreamTls = valid.upstream_tls ?? proxy.upstreamTls;
      if (enabled && !proxy.enabled) {
        try {
          await proxy.start();
        } catch (err) {
          // Leave the proxy as it was rather than half-changed.
          Object.assign(proxy, { listen: before.listen, upstream: before.upstream, upstreamTls: before.upstreamTls });
          if (before.enabled) await proxy.start().catch(() => undefined);
          throw err;
        }
      }
      this.changed();
      return proxy.toJSON();
    });
  }

  /** DELETE /proxies/{proxy}: closes the listener and every connection. */
  remove(name: string): Promise<void> {
    return this.serial(async () => {
      const proxy = this.proxy(name);
      this.proxies.delete(name);
      await this.dispose(proxy, 'proxy-deleted');
      this.changed();
    });
  }

  /** POST /reset: enables every proxy and removes every toxic. */
  reset(): Promise<void> {
    return this.serial(async () => {
      for (const proxy of this.proxies.values()) {
        for (const toxic of [...proxy.toxics]) this.detach(proxy, toxic, 'reset');
        if (!proxy.enabled) await proxy.start();
      }
      this.changed();
    });
  }

  /** GET /proxies/{proxy}/toxics (upstream toxics first, as Toxiproxy lists them). */
  listToxics(proxyName: string): ToxicJson[] {
    return this.proxy(proxyName).orderedToxics().map((t) => t.toJSON());
  }

  getToxic(proxyName: string, toxicName: string): ToxicJson {
    return this.toxic(this.proxy(proxyName), toxicName).toJSON();
  }

  /**
   * POST /proxies/{proxy}/toxics: adds a toxic at the end of its stream's pipeline; open
   * connections get it at once. 409 if the name exists on the proxy.
   */
  addToxic(proxyName: string, input: ToxicInput): Promise<ToxicJson> {
    const valid = validateToxicInput(input);
    return this.serial(async () => {
      const toxic = await this.attach(this.proxy(proxyName), valid);
      this.changed();
      return toxic.toJSON();
    });
  }

  /** PATCH (or POST) /proxies/{proxy}/toxics/{toxic}: new attributes, toxicity or ttl. */
  updateToxic(proxyName: string, toxicName: string, patch: ToxicPatch): Promise<ToxicJson> {
    const valid = validateToxicPatch(patch);
    return this.serial(async () => {
      const proxy = this.proxy(proxyName);
      const toxic = this.toxic(proxy, toxicName);
      const attributes = toxic.definition.parse(valid.attributes ?? {}, toxic.attributes);
      await toxic.definition.prepare?.(attributes);
      const toxicityChanged = valid.toxicity !== undefined && valid.toxicity !== toxic.toxicity;
      toxic.attributes = attributes;
      if (valid.toxicity !== undefined) toxic.toxicity = valid.toxicity;
      if (valid.ttl !== undefined) this.armTtl(proxy, toxic, valid.ttl === 0 ? undefined : systemClock.nowMs() + valid.ttl, valid.ttl);
      proxy.updateToxic(toxic, toxicityChanged);
      this.changed();
      return toxic.toJSON();
    });
  }

  /** DELETE /proxies/{proxy}/toxics/{toxic}: held bytes move on at once (a timeout toxic closes its connections). */
  removeToxic(proxyName: string, toxicName: string): Promise<void> {
    return this.serial(async () => {
      const proxy = this.proxy(proxyName);
      this.detach(proxy, this.toxic(proxy, toxicName), 'deleted');
      this.changed();
    });
  }

  /** Open connections per proxy (or of one proxy). */
  connectionCount(proxyName?: string): number {
    if (proxyName !== undefined) return this.proxy(proxyName).connectionCount;
    let total = 0;
    for (const proxy of this.proxies.values()) total += proxy.connectionCount;
    return total;
  }

  /** The live proxies, for /metrics. */
  snapshot(): readonly Proxy[] {
    return [...this.proxies.values()];
  }

  /**
   * Restores proxies saved by a state file. A proxy whose listener cannot open comes back
   * disabled (logged) instead of failing the start; toxics whose ttl ran out are dropped.
   */
  restore(proxies: readonly (ProxyConfig & { toxics?: RestoredToxic[] })[]): Promise<void> {
    return this.serial(async () => {
      for (const saved of proxies) {
        const valid = validateProxyConfig({ ...saved, toxics: undefined });
        if (this.proxies.has(valid.name)) continue;
        const proxy = await this.build({ ...valid, enabled: false });
        if (saved.enabled !== false) {
          await proxy.start().catch((err: unknown) => this.log.warn({ proxy: proxy.name, err: String(err) }, 'restored proxy stays disabled: cannot listen'));
        }
        for (const saved of proxies.find((p) => p.name === proxy.name)?.toxics ?? []) {
          const expiresAt = saved.expires_at === undefined ? undefined : Date.parse(saved.expires_at);
          if (expiresAt !== undefined && !(expiresAt > systemClock.nowMs())) continue;
          try {
            await this.attach(proxy, validateToxicInput({ ...saved, ttl: undefined }), expiresAt === undefined ? undefined : { expiresAt, ttlMs: saved.ttl ?? 0 });
          } catch (err) {
            this.log.warn({ proxy: proxy.name, toxic: saved.name, err: String(err) }, 'saved toxic could not be restored; skipped');
          }
        }
      }
      this.changed();
    });
  }

  /** Stops every proxy, drops every connection and clears every timer. */
  close(): Promise<void> {
    this.closed = true;
    return this.serial(async () => {
      for (const timer of this.ttlTimers.values()) clearTimeout(timer);
      this.ttlTimers.clear();
      await Promise.all([...this.proxies.values()].map((p) => p.stop()));
      this.proxies.clear();
    }, true);
  }

  private async createOrReplace(config: ValidProxyConfig): Promise<Proxy> {
    const existing = this.proxies.get(config.name);
    if (existing && sameEndpoints(existing, config)) {
      if (config.enabled && !existing.enabled) await existing.start();
      if (!config.enabled && existing.enabled) await existing.stop();
      if (config.toxics) {
        for (const toxic of [...existing.toxics]) this.detach(existing, toxic, 'replaced');
        for (const toxic of config.toxics) await this.attach(existing, toxic);
      }
      this.changed();
      return existing;
    }
    if (existing) {
      await existing.stop();
      try {
        const replacement = await this.build(config);
        for (const toxic of [...existing.toxics]) this.detach(existing, toxic, 'replaced');
        return replacement;
      } catch (err) {
        if (existing.listen) await existing.start().catch(() => undefined);
        throw err;
      }
    }
    return this.build(config);
  }

  /** Creates, starts (if enabled), attaches toxics and registers a proxy; nothing stays behind on failure. */
  private async build(config: ValidProxyConfig): Promise<Proxy> {
    const proxy = new Proxy({
      name: config.name,
      listen: config.listen,
      upstream: config.upstream,
      upstreamTls: config.upstream_tls,
      random: this.random,
      connectTimeoutMs: this.connectTimeoutMs,
      log: this.log,
    });
    if (config.enabled) await proxy.start();
    try {
      for (const toxic of config.toxics ?? []) await this.attach(proxy, toxic);
    } catch (err) {
      for (const toxic of [...proxy.toxics]) this.detach(proxy, toxic, 'deleted');
      await proxy.stop();
      throw err;
    }
    this.proxies.set(proxy.name, proxy);
    this.changed();
    return proxy;
  }

  private async attach(proxy: Proxy, input: ValidToxicInput, restored?: { expiresAt: number; ttlMs: number }): Promise<Toxic> {
    if (proxy.toxics.some((t) => t.name === input.name)) {
      throw new ProxyConflictError('toxic already exists', `proxy "${proxy.name}" already has a toxic named "${input.name}"`, 'pick another name, or PATCH the existing toxic');
    }
    const definition = toxicDefinitions.get(input.type);
    if (!definition) throw new ProxyRequestError('invalid toxic type', `unknown type ${input.type}`);
    const attributes = definition.parse(input.attributes, definition.defaults);
    await definition.prepare?.(attributes);
    const toxic = new Toxic(input.name, definition, input.stream, { toxicity: input.toxicity, attributes });
    proxy.addToxic(toxic);
    if (restored) this.armTtl(proxy, toxic, restored.expiresAt, restored.ttlMs);
    else if (input.ttl !== undefined) this.armTtl(proxy, toxic, systemClock.nowMs() + input.ttl, input.ttl);
    return toxic;
  }

  private detach(proxy: Proxy, toxic: Toxic, reason: ToxicRemovalReason): void {
    const timer = this.ttlTimers.get(toxic);
    if (timer !== undefined) clearTimeout(timer);
    this.ttlTimers.delete(toxic);
    proxy.removeToxic(toxic);
    this.emit('toxic-removed', { proxy: proxy.name, toxic: toxic.name, reason });
  }

  private armTtl(proxy: Proxy, toxic: Toxic, expiresAt: number | undefined, ttlMs: number): void {
    const old = this.ttlTimers.get(toxic);
    if (old !== undefined) clearTimeout(old);
    this.ttlTimers.delete(toxic);
    toxic.expiresAt = expiresAt;
    toxic.ttlMs = expiresAt === undefined ? undefined : ttlMs;
    if (expiresAt === undefined) return;
    const timer = setTimeout(() => {
      this.ttlTimers.delete(toxic);
      void this.serial(async () => {
        if (this.proxies.get(proxy.name) !== proxy || !proxy.toxics.includes(toxic)) return;
        this.log.info({ proxy: proxy.name, toxic: toxic.name }, 'toxic ttl expired; removed');
        this.detach(proxy, toxic, 'expired');
        this.changed();
      }).catch((err: unknown) => this.log.error({ proxy: proxy.name, toxic: toxic.name, err: String(err) }, 'expiring toxic failed'));
    }, Math.max(0, expiresAt - systemClock.nowMs()));
    this.ttlTimers.set(toxic, timer);
  }

  private async dispose(proxy: Proxy, reason: ToxicRemovalReason): Promise<void> {
    for (const toxic of [...proxy.toxics]) this.detach(proxy, toxic, reason);
    await proxy.stop();
  }

  private proxy(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound(name, [...this.proxies.keys()]);
    return proxy;
  }

  private toxic(proxy: Proxy, name: string): Toxic {
    const toxic = proxy.toxics.find((t) => t.name === name);
    if (!toxic) throw toxicNotFound(proxy.name, name, proxy.toxics.map((t) => t.name));
    return toxic;
  }

  private changed(): void {
    this.emit('change');
  }

  /** Runs mutations one at a time, in arrival order. */
  private serial<T>(fn: () => Promise<T>, evenIfClosed = false): Promise<T> {
    if (this.closed && !evenIfClosed) return Promise.reject(badBody('the proxy server is shutting down', 'retry against a running server'));
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function sameEndpoints(proxy: Proxy, config: ValidProxyConfig): boolean {
  if (proxy.upstream !== config.upstream || proxy.upstreamTls !== config.upstream_tls) return false;
  if (proxy.listen === config.listen) return true;
  // "host:0" asks for any free port: the one already held satisfies it.
  const wanted = parseHostPort(config.listen, 'listen');
  const held = parseHostPort(proxy.listen, 'listen');
  return wanted.port === 0 && wanted.host === held.host;
}
