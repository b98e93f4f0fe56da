import { ProviderError, type Json } from '@faultline/core';

/** `{ key: { '/json/pointer': value } }`: values to set inside JSON documents held in ConfigMap keys (flagd, feature files). */
export type JsonEdits = Record<string, Record<string, unknown>>;

function segments(pointer: string): string[] {
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The new text of every key named in `edits`: its JSON parsed, each pointer set, serialized with 2-space
 * indentation. The whole key is what config-flip stores and compares, so revert restores the original text
 * byte for byte, and a key someone else edited during the hold is left alone.
 */
export function applyJsonEdits(data: Readonly<Record<string, string>> | undefined, edits: JsonEdits, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, sets] of Object.entries(edits)) {
    const text = data?.[key];
    if (text === undefined) throw new ProviderError(`${where} has no key "${key}" to edit JSON in`, { hint: `use data: { ${key}: ... } to create the key instead` });
    let doc: Json;
    try {
      doc = JSON.parse(text) as Json;
    } catch (err) {
      throw new ProviderError(`${where} key "${key}" is not JSON (${(err as Error).message}); json: edits need a JSON value`, { hint: 'use data: to replace the whole key' });
    }
    for (const [pointer, value] of Object.entries(sets)) {
      const path = segments(pointer);
      let node: Json = doc;
      for (const [i, seg] of path.entries()) {
        const last = i === path.length - 1;
        if (!node || typeof node !== 'object' || Array.isArray(node)) {
          throw new ProviderError(`${where} key "${key}": ${pointer} does not lead to an object at "/${path.slice(0, i).join('/')}"`, { hint: 'point at a field of an existing object, e.g. /flags/new-checkout/defaultVariant' });
        }
        if (last) (node as Record<string, Json>)[seg] = value as Json;
        else {
          if (!(seg in node)) throw new ProviderError(`${where} key "${key}": ${pointer} — "/${path.slice(0, i + 1).join('/')}" does not exist`, { hint: 'check the flag name; only the last segment may be new' });
          node = (node as Record<string, Json>)[seg] as Json;
        }
      }
    }
    out[key] = JSON.stringify(doc, null, 2);
  }
  return out;
}
