/** One step into a document: an object key or an array index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a path the way people read it: `spec.faults[1].with.latency`.
 * Keys that are not identifier-like are quoted: `metadata.labels["faultline.dev/team"]`.
 */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Turns an Ajv instance path (JSON pointer, `/spec/faults/1`) into segments. Array indexes become
 * numbers by looking at `data`, so an object key "1" stays a string.
 */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const raw = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: PathSegment[] = [];
  let cur: unknown = data;
  for (const seg of raw) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = isPlainObject(cur) && Object.hasOwn(cur, seg) ? cur[seg] : undefined;
    }
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path`, or undefined. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isPlainObject(cur) && Object.hasOwn(cur, seg) ? cur[seg] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}
