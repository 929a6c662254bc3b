// Free-form values (expected, actual, details) come from every step kind.
// Reports need them as plain data with a stable key order, so that the same
// run always writes the same bytes and JSON/YAML never throw on them.

/** What JSON and YAML can hold. */
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

const MAX_DEPTH = 32;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Converts a value to plain data: object keys sorted, `undefined` members
 * dropped, bigints and non-finite numbers as strings, bytes as hex, dates as
 * ISO strings, errors as { name, message }. Cycles become "[circular]".
 */
export function toPlain(value: unknown, seen: Set<object> = new Set(), depth = 0): Plain | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
  }
  const obj = value as object;
  if (seen.has(obj) || depth >= MAX_DEPTH) return '[circular]';
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof Uint8Array) return hex(obj);
  if (obj instanceof Error) return { message: obj.message, name: obj.name };
  seen.add(obj);
  try {
    if (obj instanceof Set) return [...obj].map((v) => toPlain(v, seen, depth + 1) ?? null);
    if (Array.isArray(obj)) return obj.map((v) => toPlain(v, seen, depth + 1) ?? null);
    const entries = obj instanceof Map ? [...obj.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(obj);
    const out: { [key: string]: Plain } = {};
    for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const p = toPlain(v, seen, depth + 1);
      if (p !== undefined) out[k] = p;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}
