// Maps a path in the parsed value (['steps', 3, 'within']) back to the YAML
// node it came from, so a schema problem is reported where the user wrote it.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { SourcePlace } from '../core/errors.js';

export type ValuePath = readonly PropertyKey[];

/** 'key' points at the key of the last path element (unknown keys); 'value' at its value. */
export type PlacePart = 'key' | 'value';

interface Found {
  node: Node | null;
  pair: Pair | undefined;
  /** True when every path element was found. */
  complete: boolean;
  /** Deepest node reached: where a missing element is reported. */
  last: Node;
}

function deref(doc: Document, node: unknown): Node | null {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return (node as Node | null) ?? null;
}

function findPair(node: Node, key: PropertyKey): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
}

function walk(doc: Document, path: ValuePath): Found {
  let node = deref(doc, doc.contents);
  let pair: Pair | undefined;
  let last = node as Node;
  for (const seg of path) {
    if (!node) return { node, pair, complete: false, last };
    last = node;
    if (isSeq(node) && typeof seg === 'number') {
      pair = undefined;
      node = deref(doc, node.items[seg]);
      if (!node) return { node, pair, complete: false, last };
    } else {
      pair = findPair(node, seg);
      if (!pair) return { node: null, pair: undefined, complete: false, last };
      node = deref(doc, pair.value);
    }
  }
  return { node, pair, complete: true, last: node ?? last };
}

export class PlaceFinder {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  placeOfOffset(offset: number): SourcePlace {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** Where the value (or key) at `path` was written; a missing element is reported at its parent. */
  placeAt(path: ValuePath, part: PlacePart = 'value'): SourcePlace {
    const found = walk(this.doc, path);
    if (found.complete) {
      const keyNode = found.pair?.key as Node | undefined;
      const target = part === 'key' && keyNode ? keyNode : (found.node ?? keyNode);
      if (target?.range) return this.placeOfOffset(target.range[0]);
    }
    return found.last?.range ? this.placeOfOffset(found.last.range[0]) : { file: this.file, line: 1, column: 1 };
  }

  /** The text exactly as written for a scalar (e.g. a device ID YAML read as a number). */
  sourceAt(path: ValuePath): string | undefined {
    const found = walk(this.doc, path);
    return found.complete && isScalar(found.node) && typeof found.node.source === 'string' ? found.node.source : undefined;
  }
}

// Reads the parsed value at a path, to say what the user actually wrote.
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

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
