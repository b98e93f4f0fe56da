import type { SpecIssue } from '@faultline/core';
import {
  LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments,
  type Document, type YAMLError,
} from 'yaml';
import { makeIssue, type IssueExtras, type Locator, type SourcePosition } from './issue.js';
import type { PathSegment } from './path.js';

/** Upper bound on values one document may expand to; aliases can otherwise explode exponentially. */
const MAX_VALUES = 100_000;

export interface ParseDocumentsOptions {
  /** Shown in every issue; a `.json` file is parsed the same way (JSON is YAML) and keeps its lines. */
  readonly file?: string;
}

/**
 * One document of a YAML (or JSON) stream, converted to plain JSON, with the machinery to locate
 * any JSON path in the original text. Other file kinds (e.g. a Schedule) reuse it:
 * `validateWithSchema(schema, doc.value, doc)` gives located issues.
 */
export class SourceDocument implements Locator {
  /** The plain JSON value; null for an empty document. Only trustworthy when `issues` is empty. */
  readonly value: unknown;
  /** Syntax errors, duplicate keys and values JSON cannot hold. */
  readonly issues: readonly SpecIssue[];

  constructor(
    /** 0-based position of the document in the stream. */
    readonly index: number,
    readonly file: string | undefined,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {
    const issues: SpecIssue[] = [];
    for (const e of doc.errors) issues.push(this.yamlIssue(e, 'YAML syntax error'));
    for (const w of doc.warnings) issues.push(this.yamlIssue(w, 'unsupported YAML'));
    const converter = new JsonConverter(this, doc, issues);
    this.value = converter.convert(doc.contents, []);
    this.issues = issues;
  }

  /** The top-level `kind` when it is a string ('Experiment', 'Schedule'). */
  get kind(): string | undefined {
    const v = this.value;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Record<string, unknown>)['kind'] === 'string'
      ? ((v as Record<string, unknown>)['kind'] as string)
      : undefined;
  }

  /** True when the document holds nothing (only comments, `---` separators or `null`). */
  get empty(): boolean {
    return this.value === null || this.value === undefined;
  }

  /** Where the document starts (for "this document should not be here" issues). */
  get start(): SourcePosition | undefined {
    const range = this.doc.range ?? this.doc.contents?.range;
    return range ? this.position(range[0]) : undefined;
  }

  locate(path: readonly PathSegment[], options: { key?: boolean } = {}): SourcePosition | undefined {
    let node: unknown = this.doc.contents;
    let lastOffset: number | undefined = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      node = this.deref(node);
      const seg = path[i] as PathSegment;
      const isLast = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyString(p.key) === String(seg));
        if (!pair) break;
        const keyOffset = rangeStart(pair.key);
        if (isLast && options.key && keyOffset !== undefined) return this.position(keyOffset);
        // `key:` with nothing after it has an empty value; point at the key, which people can see.
        const emptyValue = pair.value == null || (isScalar(pair.value) && pair.value.value === null);
        lastOffset = (emptyValue ? keyOffset : rangeStart(pair.value)) ?? lastOffset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item: unknown = node.items[seg];
        if (item === undefined) break;
        node = isPair(item) ? item.key : item;
        lastOffset = rangeStart(node) ?? lastOffset;
      } else break;
    }
    return lastOffset === undefined ? undefined : this.position(lastOffset);
  }

  /** A located issue in this document. */
  issue(path: readonly PathSegment[], message: string, extras: IssueExtras = {}): SpecIssue {
    return makeIssue(this, path, message, extras);
  }

  /** Line/column for a character offset. */
  position(offset: number): SourcePosition {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  private deref(node: unknown): unknown {
    // An alias resolves to its anchor; follow a bounded chain so a self-reference cannot loop.
    for (let hops = 0; hops < 32 && isAlias(node); hops++) node = node.resolve(this.doc);
    return node;
  }

  private yamlIssue(e: YAMLError, what: string): SpecIssue {
    const pos = this.position(e.pos[0]);
    return {
      path: '',
      message: `${what}: ${e.message.replace(/\s+/g, ' ').trim()}${yamlHint(e.code)}`,
      ...(this.file !== undefined ? { file: this.file } : {}),
      line: pos.line,
      column: pos.column,
    };
  }
}

function yamlHint(code: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return '; indent with spaces, not tabs';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return '; check the indentation and that every key is followed by ": "';
    case 'TAG_RESOLVE_FAILED':
      return '; remove the tag (experiment files use plain YAML values)';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return '; a key must fit on one line and be followed by ": "';
    default:
      return '; fix the YAML at this position';
  }
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const r = (node as { range?: [number, number, number] | null }).range;
    return r ? r[0] : undefined;
  }
  return undefined;
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Turns a yaml AST into plain JSON, reporting what JSON cannot hold. */
class JsonConverter {
  private count = 0;
  private exhausted = false;
  private readonly active = new Set<unknown>();

  constructor(
    private readonly source: SourceDocument,
    private readonly doc: Document,
    private readonly issues: SpecIssue[],
  ) {}

  convert(node: unknown, path: PathSegment[]): unknown {
    if (node === null || node === undefined) return null;
    if (++this.count > MAX_VALUES) {
      if (!this.exhausted) {
        this.exhausted = true;
        this.issues.push(this.source.issue(path, `the document expands to more than ${MAX_VALUES} values (through aliases?); experiment files are small, remove the aliases`));
      }
      return null;
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) {
        this.issues.push(this.source.issue(path, `alias *${node.source} refers to no anchor; define &${node.source} before using it`));
        return null;
      }
      if (this.active.has(target)) {
        this.issues.push(this.source.issue(path, `alias *${node.source} refers to a value that contains itself; remove the recursive alias`));
        return null;
      }
      return this.convert(target, path);
    }
    if (isScalar(node)) return this.scalar(node.value, node.tag, path);
    if (isMap(node)) {
      this.active.add(node);
      const out: Record<string, unknown> = {};
      const firstSeen = new Map<string, number | undefined>();
      for (const pair of node.items) {
        const key = this.key(pair.key, path);
        if (key === undefined) continue;
        const childPath = [...path, key];
        if (firstSeen.has(key)) {
          const first = firstSeen.get(key);
          const where = first === undefined ? '' : ` (first defined on line ${this.source.position(first).line})`;
          const p = rangeStart(pair.key);
          const pos = p === undefined ? undefined : this.source.position(p);
          this.issues.push({
            ...this.source.issue(childPath, `duplicate key '${key}'${where}; keep only one of them`, { atKey: true }),
            ...(pos ? { line: pos.line, column: pos.column } : {}),
          });
          continue;
        }
        firstSeen.set(key, rangeStart(pair.key));
        // defineProperty so a key such as "__proto__" stays a plain (and then unknown) key.
        Object.defineProperty(out, key, { value: this.convert(pair.value, childPath), enumerable: true, writable: true, configurable: true });
      }
      this.active.delete(node);
      return out;
    }
    if (isSeq(node)) {
      this.active.add(node);
      const out = node.items.map((item, i) => {
        if (isPair(item)) {
          // !!omap / !!pairs entries: read each as a one-key object.
          const key = this.key(item.key, [...path, i]) ?? '';
          return Object.defineProperty({}, key, { value: this.convert(item.value, [...path, i, key]), enumerable: true, writable: true, configurable: true });
        }
        return this.convert(item, [...path, i]);
      });
      this.active.delete(node);
      return out;
    }
    this.issues.push(this.source.issue(path, 'unsupported YAML node; use plain maps, lists and scalars'));
    return null;
  }

  private key(key: unknown, path: PathSegment[]): string | undefined {
    if (key === null || key === undefined) return 'null';
    const resolved = isAlias(key) ? key.resolve(this.doc) : key;
    if (isScalar(resolved)) {
      const v = resolved.value;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null) return String(v);
    }
    const p = rangeStart(key);
    const pos = p === undefined ? undefined : this.source.position(p);
    this.issues.push({
      ...this.source.issue(path, 'a key must be a plain string, not a list, map or tagged value; write it as `name: value`'),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    });
    return undefined;
  }

  private scalar(value: unknown, tag: string | undefined, path: PathSegment[]): unknown {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
      this.issues.push(this.source.issue(path, `${value} is not a finite number; use a plain number such as 1 or 0.5`, { found: String(value) }));
      return null;
    }
    if (typeof value === 'bigint') {
      if (value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(value);
      this.issues.push(this.source.issue(path, 'the number is too large to be exact; use a smaller number or quote it as a string', { found: value.toString() }));
      return null;
    }
    if (value instanceof Date) {
      this.issues.push(this.source.issue(path, 'timestamps are not values of experiment files; quote it to make it a string', { found: value.toISOString() }));
      return null;
    }
    this.issues.push(this.source.issue(path, `values of type ${tag ?? typeof value} are not supported; use a plain string, number, boolean, list or map`));
    return null;
  }
}

/**
 * Parses a YAML (or JSON) stream into documents. Never throws for bad input: each document carries
 * its own located issues. Documents that hold nothing are kept (check `empty`).
 */
export function parseDocuments(text: string, options: ParseDocumentsOptions = {}): SourceDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  // parseAllDocuments returns an EmptyStream (no documents) for text without any document.
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, index) => new SourceDocument(index, options.file, doc, lines));
}
