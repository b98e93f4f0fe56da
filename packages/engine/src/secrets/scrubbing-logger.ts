import type { Logger, SecretResolver } from '@faultline/core';

/** A logger that replaces every secret value the resolver handed out, in the message and in string fields. */
export function scrubbingLogger(log: Logger, secrets: SecretResolver): Logger {
  const clean = (v: unknown, depth = 0): unknown => {
    if (typeof v === 'string') return secrets.scrub(v);
    if (v instanceof Error) return secrets.scrub(v.message);
    if (depth > 4 || !v || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => clean(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x, depth + 1)]));
  };
  const wrap = (fn: Logger['info']): Logger['info'] => (fields, msg) => fn(clean(fields) as Record<string, unknown>, secrets.scrub(msg));
  return { debug: wrap(log.debug.bind(log)), info: wrap(log.info.bind(log)), warn: wrap(log.warn.bind(log)), error: wrap(log.error.bind(log)) };
}
