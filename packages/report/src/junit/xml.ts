// XML 1.0 allows only these characters, even as character references; anything else is shown as \u{..}.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function visible(text: string): string {
  return text.replace(NOT_XML, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}}`);
}

/** Escapes text content. `>` is escaped too, so `]]>` can never appear. */
export function xmlText(text: string): string {
  return visible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (double-quoted); newlines and tabs survive attribute normalisation. */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** `<name a="1" b="2">` with escaped values; undefined attributes are left out. */
export function openTag(name: string, attrs: Record<string, string | number | undefined>, selfClose = false): string {
  const parts = Object.entries(attrs)
    .filter((kv): kv is [string, string | number] => kv[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`);
  return `<${name}${parts.join('')}${selfClose ? '/>' : '>'}`;
}
