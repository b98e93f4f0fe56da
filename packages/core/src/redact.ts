import type { Json } from './json.js';
import { isSecretValue } from './secrets.js';

const SECRET_KEY = /(pass(word)?|secret|token|authorization|api[-_]?key|credential|cookie|private[-_]?key)$/i;
export const REDACTED = '[redacted]';

/**
 * A copy of `value` with credentials removed, for journals, reports and logs: values of keys that name
 * secrets (password, token, secret, authorization, apiKey, cookie…) and `user:password@` in URLs.
 * The experiment a run executes keeps its credentials in memory only. `{ secretRef }` objects are kept:
 * they say where a credential lives, and a fresh process needs them to revert.
 */
export function redactSecrets<T extends Json>(value: T): T {
  return redact(value) as T;
}

function redact(v: Json, key?: string): Json {
  // A secret reference names where the credential lives, not the credential: keep it so recover can resolve it.
  if (isSecretValue(v)) return v;
  if (key !== undefined && SECRET_KEY.test(key) && v !== null && typeof v !== 'object') return REDACTED;
  if (typeof v === 'string') return v.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`);
  if (Array.isArray(v)) return v.map((x) => redact(x));
  if (v && typeof v === 'object') {
    // fromEntries defines own properties: a key named __proto__ stays a key instead of replacing the prototype.
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) && !isSecretValue(x) && x !== null && typeof x === 'object' && !Array.isArray(x) ? redactAll(x) : redact(x, k)]));
  }
  return v;
}

/** Everything inside a secret-named object (e.g. `basicAuth: {username, password}`) except the shape. */
function redactAll(v: Json): Json {
  if (Array.isArray(v)) return v.map(redactAll);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactAll(x)]));
  return v === null ? null : REDACTED;
}
