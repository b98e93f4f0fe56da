import { normalizeNotify, parseDuration, SpecInvalidError, type Experiment, type Registry, type SpecIssue } from '@faultline/core';
import {
  expandEnvironment, formatPath, guardListIssues, makeIssue, MAX_DURATION_MS, normalizeExperiment, normalizeGuard, parseDocuments,
  sortIssues, validateExperimentDocument, validateWithSchema,
  type Environment, type Locator, type PathSegment, type SourceDocument,
} from '@faultline/spec';
import { dayNotifyEvents, gameDayDefaults, type ExpectedOutcome, type GameDay, type GameDayStep, type GateAnswer } from '../model.js';
import { gameDaySchema, stepKindKeys } from './gameday-schema.js';
export { looksLikeGameDay } from './detect.js';

export interface ParseGameDayOptions {
  /** File name shown in every issue. */
  readonly file?: string;
  /** Fault types, target kinds and probe kinds to check inline experiments and guards against. */
  readonly registry?: Registry;
  /** Values for `${NAME}` / `${NAME:-default}`; default none (only defaults apply). */
  readonly env?: Environment;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and validates a `kind: GameDay` file (YAML or JSON). Inline experiments are parsed and
 * checked like experiment files (issues located inside this file); `file:` experiments are left for
 * `resolveGameDay`, which reads them.
 * @throws SpecInvalidError listing every issue (file, line, column, path, did-you-mean).
 */
export function parseGameDay(text: string, options: ParseGameDayOptions = {}): GameDay {
  const doc = singleDocument(text, options.file);
  const expanded = expandEnvironment(doc.value, options.env ?? {}, doc);
  if (expanded.issues.length > 0) throw invalid(sortIssues(expanded.issues), options.file);
  const issues = validateGameDayDocument(doc, expanded.value, options.registry);
  if (issues.length > 0) throw invalid(issues, options.file);
  return normalizeGameDay(expanded.value as Obj);
}

/** Every issue of a GameDay document; empty when it is valid. */
export function validateGameDayDocument(doc: Locator, value: unknown, registry?: Registry): SpecIssue[] {
  const issues = [...validateWithSchema(gameDaySchema, value, doc, { owner: 'the game day format' })];
  const spec = isObj(value) && isObj(value['spec']) ? value['spec'] : undefined;
  if (!spec) return sortIssues(issues);
  issues.push(...guardListIssues(spec['guards'], doc, ['spec', 'guards'], registry));
  const steps = Array.isArray(spec['steps']) ? spec['steps'] : [];
  steps.forEach((step, i) => {
    if (!isObj(step)) return;
    const at: PathSegment[] = ['spec', 'steps', i];
    const kinds = stepKindKeys.filter((k) => k in step);
    const unknownKey = Object.keys(step).some((k) => !['title', 'briefing', ...stepKindKeys].includes(k));
    if (kinds.length === 0 && !unknownKey) {
      issues.push(makeIssue(doc, at, 'says nothing to do; add exactly one of experiment, gate, wait, checklist', { allowed: stepKindKeys }));
    } else if (kinds.length > 1) {
      issues.push(makeIssue(doc, [...at, kinds[1] as string], `a step does one thing, but this one has ${kinds.join(' and ')}; split it into ${kinds.length} steps`, { atKey: true }));
    }
    const exp = step['experiment'];
    if (isObj(exp)) {
      const hasFile = 'file' in exp;
      const hasInline = 'inline' in exp;
      if (hasFile === hasInline) {
        issues.push(makeIssue(doc, [...at, 'experiment'], hasFile ? 'has both file and inline; keep one' : 'needs the experiment: file: path/to/experiment.yaml, or inline: { apiVersion, kind: Experiment, ... }'));
      }
      if (isObj(exp['inline'])) issues.push(...inlineExperimentIssues(doc, [...at, 'experiment', 'inline'], exp['inline'], registry));
    }
    const gate = step['gate'];
    if (isObj(gate)) duration(doc, [...at, 'gate', 'timeout'], gate['timeout'], issues);
    const wait = step['wait'];
    if (isObj(wait)) duration(doc, [...at, 'wait', 'duration'], wait['duration'], issues);
  });
  return sortIssues(issues);
}

/** An inline experiment, checked with the experiment rules; issues point into this file. */
function inlineExperimentIssues(doc: Locator, base: readonly PathSegment[], value: Obj, registry: Registry | undefined): SpecIssue[] {
  const sub: Locator = { file: doc.file, locate: (path, o) => doc.locate([...base, ...path], o) };
  const prefix = formatPath(base);
  return validateExperimentDocument(sub, registry, value).map((i) => ({ ...i, path: i.path === '' ? prefix : `${prefix}.${i.path}` }));
}

function duration(doc: Locator, path: readonly PathSegment[], value: unknown, issues: SpecIssue[]): void {
  if (typeof value !== 'string') return;
  const ms = parseDuration(value);
  if (Number.isNaN(ms)) return; // the schema reports the format
  if (ms <= 0) issues.push(makeIssue(doc, path, 'must be longer than 0; use e.g. 30s', { found: value }));
  else if (ms > MAX_DURATION_MS) issues.push(makeIssue(doc, path, 'is too long; durations are limited to 596h (the longest timer Node.js supports)', { found: value }));
}

function normalizeGameDay(doc: Obj): GameDay {
  const metadata = doc['metadata'] as Obj;
  const spec = doc['spec'] as Obj;
  const steps = (spec['steps'] as Obj[]).map((s, index): GameDayStep => {
    const base = { index, title: s['title'] as string, ...(typeof s['briefing'] === 'string' ? { briefing: s['briefing'] } : {}) };
    if (isObj(s['experiment'])) {
      const e = s['experiment'];
      const expect = (e['expect'] as ExpectedOutcome | undefined) ?? gameDayDefaults.expect;
      const seed = typeof e['seed'] === 'number' ? { seed: e['seed'] } : {};
      if (isObj(e['inline'])) {
        return { ...base, kind: 'experiment', source: { inline: true }, experiment: normalizeExperiment(e['inline']) as Experiment, expect, ...seed };
      }
      return { ...base, kind: 'experiment', source: { file: e['file'] as string }, expect, ...seed };
    }
    if (isObj(s['gate'])) {
      const g = s['gate'];
      return {
        ...base,
        kind: 'gate',
        question: g['question'] as string,
        defaultAnswer: (g['default'] as GateAnswer | undefined) ?? gameDayDefaults.gateAnswer,
        timeoutMs: typeof g['timeout'] === 'string' ? parseDuration(g['timeout']) : gameDayDefaults.gateTimeoutMs,
      };
    }
    if (isObj(s['wait'])) return { ...base, kind: 'wait', durationMs: parseDuration((s['wait'] as Obj)['duration'] as string) };
    return { ...base, kind: 'checklist', items: [...((s['checklist'] as Obj)['items'] as string[])] };
  });
  return {
    apiVersion: 'faultline.dev/v1',
    kind: 'GameDay',
    metadata: {
      name: metadata['name'] as string,
      ...(typeof metadata['facilitator'] === 'string' ? { facilitator: metadata['facilitator'] } : {}),
      participants: [...((metadata['participants'] as string[] | undefined) ?? [])],
      ...(typeof metadata['hypothesis'] === 'string' ? { hypothesis: metadata['hypothesis'] } : {}),
      labels: { ...((metadata['labels'] as Record<string, string> | undefined) ?? {}) },
    },
    spec: {
      ...(typeof spec['description'] === 'string' ? { description: spec['description'] } : {}),
      guards: ((spec['guards'] as Obj[] | undefined) ?? []).map((g) => normalizeGuard(g)),
      steps,
      ...(Array.isArray(spec['notify']) && spec['notify'].length ? { notify: normalizeNotify(spec['notify'] as Obj[], dayNotifyEvents) } : {}),
    },
  };
}

function singleDocument(text: string, file: string | undefined): SourceDocument {
  const docs = parseDocuments(text, file !== undefined ? { file } : {});
  const broken = docs.flatMap((d) => d.issues);
  if (broken.length > 0) throw invalid(broken, file);
  const filled = docs.filter((d) => !d.empty);
  const where = file !== undefined ? { file } : {};
  if (filled.length !== 1) {
    const pos = filled[1]?.start;
    throw invalid([{
      path: '',
      message: filled.length === 0
        ? 'the file holds no document; write a GameDay (apiVersion, kind: GameDay, metadata, spec.steps)'
        : 'a game day file holds exactly one document; move the others to their own files',
      ...where,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    }], file);
  }
  return filled[0] as SourceDocument;
}

function invalid(issues: readonly SpecIssue[], file: string | undefined): SpecInvalidError {
  return new SpecInvalidError(issues, file !== undefined ? { file } : {});
}
