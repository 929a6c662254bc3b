// XML 1.0 escaping for text and attribute values. Board logs carry bytes
// XML 1.0 cannot hold at all, not even as character references (ESC, NUL,
// BEL...): those are written as visible `\xNN` text so a reader still sees
// them, and lone surrogates become U+FFFD.

// Characters outside XML 1.0's Char production, except lone surrogates.
const ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0').toUpperCase()}` : `\\u${code.toString(16).toUpperCase()}`;
}

/** Escapes character data. `>` is always escaped, so `]]>` cannot occur. */
export function xmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(ILLEGAL, visible)
    .replace(LONE_SURROGATE, '\ufffd')
    // A parser turns CR LF into LF; a reference keeps the byte the board sent.
    .replace(/\r/g, '&#13;');
}

/** Escapes an attribute value (double-quoted); whitespace kept as references
 * because attribute normalisation would turn it into spaces. */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** `<name a="v"...` with escaped values; undefined attributes are left out. */
export function openTag(name: string, attrs: Record<string, string | number | undefined>): string {
  const parts = Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`);
  return `<${name}${parts.join('')}`;
}
