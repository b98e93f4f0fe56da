import { ProviderError, withTimeout, type Json } from '@faultline/core';

export interface ToxicJson {
  name: string;
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, Json>;
  ttl?: number;
}

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/**
 * Minimal Toxiproxy HTTP API client. We call the API directly (not toxiproxy-node-client) because we
 * need to list a proxy's toxics, keep the server's error text, and put a timeout on every call.
 */
export class ToxiproxyApi {
  constructor(readonly baseUrl: string, private readonly timeoutMs: number) {}

  private async call<T>(method: string, path: string, body: unknown, signal: AbortSignal): Promise<{ status: number; json: T | undefined }> {
    const url = `${this.baseUrl.replace(/\/$/, '')}${path}`;
    // undici loads on the first call, not with the provider: `faultline validate` never calls the API.
    const { request } = await import('undici');
    return withTimeout(`${method} ${url}`, this.timeoutMs, async (s) => {
      try {
        const res = await request(url, {
          method: method as 'GET',
          signal: s,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        const text = await res.body.text();
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        if (res.statusCode >= 500 || res.statusCode === 429) {
          throw new ProviderError(`Toxiproxy API ${method} ${url} answered ${res.statusCode}: ${errorText(json, text)}`, { retryable: true });
        }
        return { status: res.statusCode, json: json as T };
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        if (s.aborted) throw s.reason;
        throw new ProviderError(`cannot reach the Toxiproxy API at ${this.baseUrl} (${(err as Error).message})`, {
          cause: err, retryable: true, hint: 'is Toxiproxy running there? `faultline proxy` starts an embedded one on 127.0.0.1:8474',
        });
      }
    }, signal);
  }

  private fail(what: string, status: number, json: unknown): never {
    throw new ProviderError(`Toxiproxy API: ${what} failed with ${status}: ${errorText(json, '')}`, { retryable: false });
  }

  async listProxies(signal: AbortSignal): Promise<ProxyJson[]> {
    const r = await this.call<Record<string, ProxyJson>>('GET', '/proxies', undefined, signal);
    if (r.status !== 200 || !r.json) this.fail('listing proxies', r.status, r.json);
    return Object.values(r.json);
  }

  async getProxy(name: string, signal: AbortSignal): Promise<ProxyJson | undefined> {
    const r = await this.call<ProxyJson>('GET', `/proxies/${encodeURIComponent(name)}`, undefined, signal);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !r.json) this.fail(`reading proxy "${name}"`, r.status, r.json);
    return r.json;
  }

  async setEnabled(name: string, enabled: boolean, signal: AbortSignal): Promise<boolean> {
    // POST (not PATCH) so that Toxiproxy servers older than 2.6 accept it too.
    const r = await this.call<ProxyJson>('POST', `/proxies/${encodeURIComponent(name)}`, { enabled }, signal);
    if (r.status === 404) return false;
    if (r.status !== 200) this.fail(`${enabled ? 'enabling' : 'disabling'} proxy "${name}"`, r.status, r.json);
    return true;
  }

  async getToxic(proxy: string, toxic: string, signal: AbortSignal): Promise<ToxicJson | undefined> {
    const r = await this.call<ToxicJson>('GET', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`, undefined, signal);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !r.json) this.fail(`reading toxic "${toxic}"`, r.status, r.json);
    return r.json;
  }

  /** Creates the toxic; 'exists' when one with that name is already there (409). */
  async createToxic(proxy: string, toxic: ToxicJson, signal: AbortSignal): Promise<'created' | 'exists'> {
    const r = await this.call<ToxicJson>('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic, signal);
    if (r.status === 200 || r.status === 201) return 'created';
    if (r.status === 409) return 'exists';
    if (r.status === 404) throw new ProviderError(`Toxiproxy proxy "${proxy}" does not exist at ${this.baseUrl}`, { hint: 'create it first (toxiproxy-cli create, POST /populate, or `faultline proxy --config`)' });
    this.fail(`adding toxic "${toxic.name}" to "${proxy}"`, r.status, r.json);
  }

  async updateToxic(proxy: string, toxic: ToxicJson, signal: AbortSignal): Promise<void> {
    const r = await this.call<ToxicJson>('POST', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic.name)}`, toxic, signal);
    if (r.status !== 200) this.fail(`updating toxic "${toxic.name}"`, r.status, r.json);
  }

  /** Deletes the toxic. A missing toxic or proxy counts as deleted. */
  async deleteToxic(proxy: string, toxic: string, signal: AbortSignal): Promise<'deleted' | 'absent'> {
    const r = await this.call<unknown>('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`, undefined, signal);
    if (r.status === 204 || r.status === 200) return 'deleted';
    if (r.status === 404) return 'absent';
    this.fail(`deleting toxic "${toxic}"`, r.status, r.json);
  }
}

function errorText(json: unknown, text: string): string {
  if (json && typeof json === 'object' && 'error' in json) return String((json as { error: unknown }).error);
  return text.slice(0, 200) || '(empty body)';
}
