// Loads a bench file: YAML with positions, the schema, uniqueness checks.
// Relative paths (token file, USB socket, serial ports) resolve against the
// bench file's folder.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SourcePlace } from '../core/errors.js';
import { throwProblems } from '../yaml/input-errors.js';
import { loadLocatedYaml, type LocatedYaml } from '../yaml/located.js';
import type { PlacePart, ValuePath } from '../yaml/place.js';
import { sortProblems, validateLocated } from '../yaml/validate.js';
import { valueAt } from '../yaml/place.js';
import { benchProblems } from './checks.js';
import { BenchSchema, type Bench, type BenchBoard } from './schema.js';

export interface LoadedBench {
  file: string;
  /** Absolute folder of the bench file. */
  dir: string;
  bench: Bench;
  placeAt(path: ValuePath, part?: PlacePart): SourcePlace;
  /** Where a board's entry starts in the file. */
  boardPlace(board: BenchBoard): SourcePlace;
}

/** YAML reads an all-digit device ID as a number; the ID is the text as written. */
function idsAsWritten(located: LocatedYaml): void {
  const boards = valueAt(located.value, ['boards']);
  if (!Array.isArray(boards)) return;
  boards.forEach((board: unknown, i) => {
    if (board && typeof board === 'object' && typeof (board as { id?: unknown }).id === 'number') {
      const text = located.places.sourceAt(['boards', i, 'id']);
      if (text !== undefined) (board as { id: unknown }).id = text;
    }
  });
}

function withPaths(bench: Bench, dir: string, placeAt: LoadedBench['placeAt']): Bench {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const token = bench.cloud?.token;
  return {
    ...bench,
    cloud: bench.cloud && token && {
      ...bench.cloud,
      token: { ...(token.source === 'file' ? { ...token, path: abs(token.path) } : token), place: placeAt(['cloud', 'token']) },
    },
    usb: bench.usb && { socket: abs(bench.usb.socket) },
    health: bench.health && { ...bench.health, ...(bench.health.plan ? { plan: abs(bench.health.plan) } : {}) },
    boards: bench.boards.map((b) => (b.serial === undefined ? b : { ...b, serial: abs(b.serial) })),
  };
}

export function benchFromYaml(located: LocatedYaml): LoadedBench {
  idsAsWritten(located);
  const { data, translator } = validateLocated(located, BenchSchema);
  throwProblems(sortProblems(benchProblems(data, translator)));
  const dir = dirname(resolve(located.file));
  const placeAt = (path: ValuePath, part?: PlacePart) => located.places.placeAt(path, part);
  const bench = withPaths(data, dir, placeAt);
  return {
    file: located.file,
    dir,
    bench,
    placeAt,
    boardPlace: (board) => placeAt(['boards', bench.boards.findIndex((b) => b.name === board.name)]),
  };
}

export async function loadBench(file: string): Promise<LoadedBench> {
  return benchFromYaml(await loadLocatedYaml(file, 'bench'));
}
