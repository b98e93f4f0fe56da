import { isSecretValue, ProviderError, resolveSecretValues, StringOrSecretSchema, type CallContext, type Json, type StringOrSecret } from '@faultline/core';
import { Type } from '@sinclair/typebox';

/** Header names whose values are credentials: they must be secret references, never literals in a file. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|token|api[-_]?key|secret|password|signature/i;

export const HeadersSchema = Type.Record(Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' }), StringOrSecretSchema('Header value.'), {
  description: 'HTTP headers. Credentials (Authorization, Cookie, *token*, *api-key*, ...) must be { secretRef: ... }.',
});

export type HeaderMap = Record<string, StringOrSecret>;

/** Names of credential headers given as literal strings (they would end up in journals). */
export function literalCredentialHeaders(headers: HeaderMap | undefined): string[] {
  return Object.entries(headers ?? {}).filter(([name, v]) => CREDENTIAL_HEADER.test(name) && !isSecretValue(v)).map(([name]) => name);
}

export function assertNoLiteralCredentials(headers: HeaderMap | undefined, where: string): void {
  const bad = literalCredentialHeaders(headers);
  if (bad.length === 0) return;
  throw new ProviderError(`${where}: header${bad.length > 1 ? 's' : ''} ${bad.join(', ')} must be a secret reference, not a literal value`, {
    hint: `Write e.g. ${bad[0]}: { secretRef: { env: API_TOKEN } } and give the process that runs and reverts the experiment that variable.`,
  });
}

/** Header values with secret references resolved, for one request. Keep the result in memory only. */
export async function resolveHeaders(headers: HeaderMap | undefined, ctx: Pick<CallContext, 'signal' | 'secrets'>): Promise<Record<string, string>> {
  const resolved = await resolveSecretValues((headers ?? {}) as Json, ctx.secrets, ctx.signal);
  return Object.fromEntries(Object.entries(resolved as Record<string, Json>).map(([k, v]) => [k, String(v)]));
}
