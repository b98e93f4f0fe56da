import { SpecInvalidError, type Experiment, type Registry, type SpecIssue } from '@faultline/core';
import { expandEnvironment, type Environment } from '../source/expand-env.js';
import { sortIssues, type Locator } from '../source/issue.js';
import { parseDocuments, SourceDocument } from '../source/source-document.js';
import { semanticIssues } from '../validate/semantic-checks.js';
import { experimentStructureIssues } from '../validate/precompiled/experiment-validator.js';
import { normalizeExperiment } from './normalize.js';

export interface ParseExperimentOptions {
  /** File name shown in every issue. */
  readonly file?: string;
  /**
   * Fault types, target kinds and probe kinds to validate against. Without it only the structure is
   * checked (any fault type, target kind and probe kind is accepted).
   */
  readonly registry?: Registry;
  /**
   * Values for `${NAME}` / `${NAME:-default}` in string values; pass `process.env` to use the
   * environment. Default: no variables, so only defaults apply (parsing stays a pure function).
   */
  readonly env?: Environment;
}

/**
 * Parses and validates an experiment file (YAML or JSON) and returns the normalized Experiment:
 * durations in ms, defaults filled in.
 * @throws SpecInvalidError with every issue found, each located (file, line, column, path).
 */
export function parseExperiment(text: string, options: ParseExperimentOptions = {}): Experiment {
  const doc = singleExperimentDocument(text, options.file);
  const expanded = expandEnvironment(doc.value, options.env ?? {}, doc);
  if (expanded.issues.length > 0) throw invalid(sortIssues(expanded.issues), options.file);
  const issues = validateExperimentDocument(doc, options.registry, expanded.value);
  if (issues.length > 0) throw invalid(issues, options.file);
  return normalizeExperiment(expanded.value as Record<string, unknown>);
}

/**
 * Every issue of an Experiment document: structure (schema), then meaning (references, windows,
 * providers' own schemas and checks). Empty when the document is valid. `value` is the document's
 * value after `${...}` expansion (default: as written).
 */
export function validateExperimentDocument(doc: SourceDocument | Locator, registry?: Registry, value: unknown = doc instanceof SourceDocument ? doc.value : undefined): SpecIssue[] {
  // The structure is checked by the validator generated at build time from parserExperimentSchema.
  const structural = experimentStructureIssues(value, doc);
  const semantic = semanticIssues(value, doc, registry);
  return sortIssues([...structural, ...semantic]);
}

/** The one non-empty document of an experiment file; anything else is an error. */
function singleExperimentDocument(text: string, file: string | undefined): SourceDocument {
  const docs = parseDocuments(prepareText(text, file), file !== undefined ? { file } : {});
  const broken = docs.flatMap((d) => d.issues);
  // Schema errors on a document that did not parse would only repeat the syntax error.
  if (broken.length > 0) throw invalid(broken, file);
  const filled = docs.filter((d) => !d.empty);
  const where = file !== undefined ? { file } : {};
  if (filled.length === 0) {
    throw invalid([{ path: '', message: 'the file holds no document; write an Experiment (apiVersion, kind, metadata, spec)', ...where }], file);
  }
  if (filled.length > 1) {
    const extra = filled.slice(1).map((d): SpecIssue => {
      const pos = d.start;
      return {
        path: '',
        message: `this is document ${d.index + 1} of the file; an experiment file holds exactly one Experiment — move the other documents (kinds: ${filled.map((f) => f.kind ?? 'unknown').join(', ')}) to their own files`,
        ...where,
        ...(pos ? { line: pos.line, column: pos.column } : {}),
      };
    });
    throw invalid(extra, file);
  }
  return filled[0] as SourceDocument;
}

/**
 * JSON allows tab indentation; YAML does not at the start of a block line. A JSON file's leading
 * tabs are always whitespace outside strings, so each becomes one space (columns stay the same).
 */
function prepareText(text: string, file: string | undefined): string {
  const looksJson = (file !== undefined && file.toLowerCase().endsWith('.json')) || /^\s*[{[]/.test(text);
  return looksJson ? text.replace(/^\t+/gm, (tabs) => ' '.repeat(tabs.length)) : text;
}

function invalid(issues: readonly SpecIssue[], file: string | undefined): SpecInvalidError {
  return new SpecInvalidError(issues, file !== undefined ? { file } : {});
}
