import type { SpecIssue } from '@faultline/core';
import type { Locator } from './issue.js';
import { makeIssue } from './issue.js';
import { isPlainObject, type PathSegment } from './path.js';

/** Environment variables for `${NAME}` / `${NAME:-default}` in string values. */
export type Environment = Readonly<Record<string, string | undefined>>;

const EXPRESSION = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WHOLE = /^\$\{[^}]*\}$/;

/**
 * Expands `${NAME}` and `${NAME:-default}` in every string value (never in keys), so one file runs
 * against different setups. `$${` is a literal `${`. A value that is exactly one expression takes the
 * type of its expansion when that is a number or true/false (`maxTargets: ${MAX:-5}` is a number).
 * Unset variables without a default and malformed expressions become located issues.
 */
export function expandEnvironment(value: unknown, env: Environment, locator: Locator): { value: unknown; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (typeof v === 'string') return v.includes('$') ? expandString(v, env, path, locator, issues) : v;
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) {
        Object.defineProperty(out, k, { value: walk(child, [...path, k]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, []), issues };
}

function expandString(text: string, env: Environment, path: PathSegment[], locator: Locator, issues: SpecIssue[]): unknown {
  let failed = false;
  const expanded = text.replace(EXPRESSION, (match: string, body: string | undefined) => {
    if (match === '$${') return '${';
    if (body === undefined) {
      failed = true;
      issues.push(makeIssue(locator, path, "has '${' without a closing '}'; write ${NAME} or ${NAME:-default}, or $${ for a literal ${", { found: text }));
      return match;
    }
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    if (!NAME.test(name)) {
      failed = true;
      issues.push(makeIssue(locator, path, `'${match}' is not a variable reference; write \${NAME} or \${NAME:-default} with NAME made of letters, digits and _`, { found: text }));
      return match;
    }
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (sep >= 0) return body.slice(sep + 2);
    failed = true;
    issues.push(makeIssue(locator, path, `environment variable ${name} is not set; set it, or give a default: \${${name}:-value}`, { found: text }));
    return match;
  });
  if (failed || !WHOLE.test(text)) return expanded;
  if (/^-?\d+(\.\d+)?$/.test(expanded)) return Number(expanded);
  if (expanded === 'true' || expanded === 'false') return expanded === 'true';
  return expanded;
}
