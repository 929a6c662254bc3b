// Reads the parsed value at a path, to say what the user actually wrote.
import type { ValuePath } from './place.js';

export function valueAt(root: unknown, path: ValuePath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

export function hasKey(root: unknown, path: ValuePath): boolean {
  const parent = valueAt(root, path.slice(0, -1));
  const key = path.at(-1);
  return parent !== null && typeof parent === 'object' && key !== undefined && Object.hasOwn(parent, key);
}

/** The name a message starts with: the last key of the path ("within", "platform"). */
export function labelOf(path: ValuePath): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'string') return seg;
  }
  return undefined;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
