import type { SpecIssue } from '@faultline/core';
import type { ErrorObject } from 'ajv';
import { FORMAT_HINTS } from '../schema/common.js';
import { didYouMean } from '../source/did-you-mean.js';
import { makeIssue, type IssueExtras, type Locator } from '../source/issue.js';
import { isPlainObject, pointerToPath, type PathSegment } from '../source/path.js';

export interface AjvIssueOptions {
  /** The value that was validated (errors' instancePaths are relative to it). */
  readonly data: unknown;
  /** Locates paths in the source text; usually a SourceDocument. */
  readonly locator: Locator;
  /** Where `data` sits in the document, e.g. ['spec', 'faults', 1, 'with']. */
  readonly basePath?: readonly PathSegment[];
}

type SchemaLike = Record<string, unknown>;

/**
 * Maps Ajv errors (from a validator compiled with `allErrors` and `verbose`) to located SpecIssues
 * whose messages say what is wrong and how to fix it. anyOf/oneOf failures are reduced to the branch
 * the value was evidently meant for, or to one "must be X or Y" issue.
 */
export function ajvErrorsToIssues(errors: readonly ErrorObject[], options: AjvIssueOptions): SpecIssue[] {
  const list = collapseUnions(errors.filter((e) => e.keyword !== 'if' && !('propertyName' in e && e.propertyName !== undefined)));
  const base = options.basePath ?? [];
  const suggested = new Set<string>();
  const issues: SpecIssue[] = [];
  const located = list.map((e) => ({ e, path: [...base, ...pointerToPath(e.instancePath, options.data)] }));

  for (const { e, path } of located) {
    if (e.keyword !== 'additionalProperties') continue;
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys(propertiesOf(e.parentSchema));
    const candidates = known.filter((k) => !isPlainObject(e.data) || !Object.hasOwn(e.data, k));
    const guess = didYouMean(key, candidates) ?? didYouMean(key, known);
    if (guess !== undefined) suggested.add(`${e.instancePath}\u0000${guess}`);
    issues.push(
      makeIssue(options.locator, [...path, key], `unknown key '${key}'${guess !== undefined ? `; did you mean '${guess}'?` : '; remove it'}`, {
        allowed: known,
        atKey: true,
      }),
    );
  }

  for (const { e, path } of located) {
    if (e.keyword === 'additionalProperties') continue;
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      // "unknown key 'latncy'; did you mean 'latency'?" already says it; "missing latency" would be noise.
      if (suggested.has(`${e.instancePath}\u0000${missing}`)) continue;
      const property = propertiesOf(e.parentSchema)[missing];
      const desc = isPlainObject(property) && typeof property['description'] === 'string' ? property['description'] : undefined;
      issues.push(makeIssue(options.locator, [...path, missing], `missing required key '${missing}'; add it${desc ? ` (${lowerFirst(trimPeriod(desc))})` : ''}`));
      continue;
    }
    const { message, extras, keyPath } = explain(e);
    issues.push(makeIssue(options.locator, keyPath ? [...path, keyPath] : path, message, extras));
  }
  return issues;
}

function explain(e: ErrorObject): { message: string; extras: IssueExtras; keyPath?: string } {
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as SchemaLike;
  const found = { found: e.data };
  switch (e.keyword) {
    case 'type':
      return { message: `expected ${typeWords(p['type'])}, found ${valueWord(e.data)}`, extras: found };
    case 'enum': {
      const allowed = ((p['allowedValues'] as unknown[]) ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      return { message: `is not an allowed value${guess !== undefined ? `; did you mean '${guess}'?` : ''}`, extras: { ...found, allowed } };
    }
    case 'const': {
      const v = p['allowedValue'];
      const shown = typeof v === 'string' ? v : JSON.stringify(v);
      return { message: `must be ${typeof v === 'string' ? `'${v}'` : shown}`, extras: { ...found, allowed: [shown] } };
    }
    case 'pattern': {
      const hint = FORMAT_HINTS.get(String(p['pattern']));
      if (hint !== undefined) return { message: hint, extras: found };
      const desc = describe(parent);
      return { message: desc ? `has the wrong format; expected ${lowerFirst(trimPeriod(desc))}` : `must match the pattern ${String(p['pattern'])}`, extras: found };
    }
    case 'format':
      return { message: `is not a valid ${String(p['format'])}`, extras: found };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `must be ${comparisonWords(String(p['comparison']))} ${String(p['limit'])}`, extras: found };
    case 'multipleOf':
      return { message: `must be a multiple of ${String(p['multipleOf'])}`, extras: found };
    case 'minLength':
      return { message: p['limit'] === 1 ? 'must not be empty' : `must be at least ${String(p['limit'])} characters long`, extras: found };
    case 'maxLength':
      return { message: `must be at most ${String(p['limit'])} characters long`, extras: found };
    case 'minItems':
      return { message: p['limit'] === 1 ? 'must list at least one entry' : `must list at least ${String(p['limit'])} entries`, extras: found };
    case 'maxItems':
    case 'additionalItems':
      return { message: `must list at most ${String(p['limit'])} entries`, extras: found };
    case 'uniqueItems':
      return { message: `entries ${Math.min(Number(p['i']), Number(p['j']))} and ${Math.max(Number(p['i']), Number(p['j']))} are the same; list each value once`, extras: found };
    case 'minProperties':
      return { message: p['limit'] === 1 ? 'must not be empty' : `must have at least ${String(p['limit'])} keys`, extras: found };
    case 'maxProperties':
      return { message: `must have at most ${String(p['limit'])} keys`, extras: found };
    case 'propertyNames': {
      const name = String(p['propertyName']);
      const desc = describe(parent['propertyNames']);
      return { message: `'${name}' is not a valid key${desc ? `; expected ${lowerFirst(trimPeriod(desc))}` : ''}`, extras: { atKey: true }, keyPath: name };
    }
    case 'anyOf':
    case 'oneOf': {
      if (Array.isArray(p['passingSchemas'])) {
        return { message: `matches more than one allowed form (${(p['passingSchemas'] as number[]).map((i) => describe(branches(parent, e.keyword)[i])).join(', ')}); keep one`, extras: found };
      }
      const all = branches(parent, e.keyword);
      if (all.length > 0 && all.every((b) => 'const' in b)) {
        // A union of literals (TypeBox's Type.Union([Type.Literal(...)])) is an enum to people.
        const allowed = all.map((b) => (typeof b['const'] === 'string' ? b['const'] : JSON.stringify(b['const'])));
        const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
        return { message: `is not an allowed value${guess !== undefined ? `; did you mean '${guess}'?` : ''}`, extras: { ...found, allowed } };
      }
      const forms = all.map((b) => describe(b) ?? 'another form');
      return { message: `must be ${forms.join(' or ')}, found ${valueWord(e.data)}`, extras: found };
    }
    case 'dependencies':
    case 'dependentRequired':
      return { message: `'${String(p['property'])}' also needs ${String(p['deps'])}; add it`, extras: {} };
    case 'not':
      return { message: 'is not allowed here', extras: found };
    default:
      return { message: e.message ?? `fails the ${e.keyword} rule`, extras: found };
  }
}

/**
 * Replaces each anyOf/oneOf error and its branch errors with the errors of the one branch the value
 * matched by type (a map given where a map was expected), or with the union error alone.
 */
function collapseUnions(input: readonly ErrorObject[]): ErrorObject[] {
  let list = [...input];
  const unions = list
    .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && !Array.isArray((e.params as Record<string, unknown>)['passingSchemas']))
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const u of unions) {
    if (!list.includes(u)) continue;
    const prefix = `${u.schemaPath}/`;
    const inside = list.filter((e) => e !== u && e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(u.instancePath));
    const byBranch = new Map<number, ErrorObject[]>();
    for (const e of inside) {
      const idx = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      byBranch.set(idx, [...(byBranch.get(idx) ?? []), e]);
    }
    const shapeMismatch = (e: ErrorObject) => e.instancePath === u.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum');
    const matched = [...byBranch.values()].filter((errs) => !errs.some(shapeMismatch));
    list = list.filter((e) => e !== u && !inside.includes(e));
    list.push(...(matched.length === 1 ? (matched[0] as ErrorObject[]) : [u]));
  }
  return list;
}

function branches(schema: SchemaLike, keyword: string): SchemaLike[] {
  const b = schema[keyword];
  return Array.isArray(b) ? (b as SchemaLike[]) : [];
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (isPlainObject(schema) && isPlainObject(schema['properties'])) return schema['properties'];
  return {};
}

/** A schema's description, or a few words derived from its type. */
export function describe(schema: unknown): string | undefined {
  if (!isPlainObject(schema)) return undefined;
  if (typeof schema['description'] === 'string' && schema['description'] !== '') return schema['description'];
  if ('const' in schema) return JSON.stringify(schema['const']);
  if (Array.isArray(schema['enum'])) return `one of ${schema['enum'].map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema['type'] !== undefined) return typeWords(schema['type']);
  return undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map (key: value)',
  null: 'nothing (null)',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

/** What kind of value was found, in the words of someone reading YAML. */
export function valueWord(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  if (typeof v === 'boolean') return `${v}`;
  return 'a string';
}

function comparisonWords(c: string): string {
  switch (c) {
    case '>=':
      return 'at least';
    case '<=':
      return 'at most';
    case '>':
      return 'more than';
    case '<':
      return 'less than';
    default:
      return c;
  }
}

function lowerFirst(s: string): string {
  return /^[A-Z](?![A-Z])/.test(s) ? s[0]?.toLowerCase() + s.slice(1) : s;
}


function trimPeriod(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}
