import { ProviderError, resolveSecretValues, type CallContext, type Json, type StringOrSecret } from '@faultline/core';
import { assertUrlAllowed } from '../shared/allow-hosts.js';
import { sendRequest } from '../shared/send.js';

/** One strategy of a flag in an environment, as /api/admin returns it. */
export interface UnleashStrategy {
  readonly id: string;
  readonly name: string;
  readonly title?: string | null;
  readonly disabled?: boolean | null;
  readonly sortOrder?: number;
  readonly parameters?: Record<string, string>;
  readonly constraints?: Json[];
  readonly segments?: number[];
  readonly variants?: Json[];
}

export interface UnleashVariant {
  readonly name: string;
  readonly weight?: number;
  readonly weightType?: string;
  readonly stickiness?: string;
  readonly payload?: { type: string; value: string };
  readonly overrides?: Json[];
}

export interface UnleashEnvironmentState {
  readonly name: string;
  readonly enabled: boolean;
  readonly strategies: UnleashStrategy[];
  readonly variants: UnleashVariant[];
}

export interface UnleashFeature {
  readonly name: string;
  readonly description?: string | null;
  readonly environments: UnleashEnvironmentState[];
}

export interface UnleashLocation {
  readonly url: string;
  readonly token: StringOrSecret;
  readonly project: string;
}

/**
 * The few /api/admin endpoints the fault uses (immediate, unlike /api/client which lags up to ~1 s).
 * The token is resolved from its secret reference for every call and never leaves memory.
 */
export class UnleashApi {
  constructor(private readonly loc: UnleashLocation, private readonly ctx: Pick<CallContext, 'signal' | 'secrets' | 'timeoutMs'>, private readonly allowHosts?: readonly string[]) {}

  private path(...parts: string[]): string {
    return parts.map(encodeURIComponent).join('/');
  }

  private featurePath(feature: string): string {
    return `/api/admin/projects/${this.path(this.loc.project)}/features/${this.path(feature)}`;
  }

  private async call(method: string, path: string, what: string, body?: unknown, expectStatus?: number[]): Promise<{ status: number; body: string }> {
    const url = new URL(this.loc.url.replace(/\/$/, '') + path);
    assertUrlAllowed(url, this.allowHosts, 'unleash.flag-flip');
    const token = await resolveSecretValues(this.loc.token as Json, this.ctx.secrets, this.ctx.signal);
    const headers: Record<string, string> = { authorization: String(token), accept: 'application/json' };
    return sendRequest(
      { method, url, headers, ...(body !== undefined ? { body } : {}) },
      { what: `Unleash ${what}`, timeoutMs: Math.min(5_000, this.ctx.timeoutMs), retries: 2, ...(expectStatus ? { expectStatus } : {}) },
      this.ctx,
    );
  }

  /** The flag, or undefined when it does not exist (or was archived). */
  async feature(name: string): Promise<UnleashFeature | undefined> {
    const res = await this.call('GET', this.featurePath(name), `reading flag "${name}"`, undefined, [200, 404]);
    if (res.status === 404) return undefined;
    return JSON.parse(res.body) as UnleashFeature;
  }

  async environment(feature: string, environment: string): Promise<UnleashEnvironmentState | undefined> {
    const f = await this.feature(feature);
    if (!f) return undefined;
    const env = f.environments.find((e) => e.name === environment);
    if (!env) {
      throw new ProviderError(`Unleash flag "${feature}" has no environment "${environment}" (it has: ${f.environments.map((e) => e.name).join(', ') || 'none'})`, {
        hint: 'Name an environment enabled in the flag\'s project.',
      });
    }
    return { ...env, strategies: env.strategies ?? [], variants: env.variants ?? [] };
  }

  async setEnabled(feature: string, environment: string, enabled: boolean): Promise<void> {
    await this.call('POST', `${this.featurePath(feature)}/environments/${this.path(environment)}/${enabled ? 'on' : 'off'}`, `turning flag "${feature}" ${enabled ? 'on' : 'off'} in ${environment}`);
  }

  async putStrategy(feature: string, environment: string, strategy: UnleashStrategy): Promise<void> {
    const { id, ...body } = strategy;
    await this.call('PUT', `${this.featurePath(feature)}/environments/${this.path(environment)}/strategies/${this.path(id)}`, `updating strategy ${id} of flag "${feature}" in ${environment}`, body);
  }

  /** Names of every flag in the project (the sweep looks for marker flags among them). */
  async featureNames(): Promise<string[]> {
    const res = await this.call('GET', `/api/admin/projects/${this.path(this.loc.project)}/features`, `listing flags of project ${this.loc.project}`);
    return ((JSON.parse(res.body) as { features?: Array<{ name: string }> }).features ?? []).map((f) => f.name);
  }

  /** Creates a flag (the fault's marker); 409 when it exists already. */
  async createFeature(name: string, description: string): Promise<'created' | 'exists'> {
    const res = await this.call('POST', `/api/admin/projects/${this.path(this.loc.project)}/features`, `creating marker flag "${name}"`, { name, description, type: 'operational', impressionData: false }, [200, 201, 409]);
    return res.status === 409 ? 'exists' : 'created';
  }

  /** Archives, then deletes a flag for good. Idempotent. */
  async deleteFeature(name: string): Promise<void> {
    await this.call('DELETE', this.featurePath(name), `archiving marker flag "${name}"`, undefined, [200, 202, 204, 404]);
    await this.call('DELETE', `/api/admin/archive/${this.path(name)}`, `deleting archived marker flag "${name}"`, undefined, [200, 202, 204, 404]);
  }
}
