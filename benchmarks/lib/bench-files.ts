// Benches derived from the built-in simulated bench (rig/sim.yaml): another
// time scale, n copies of each board, one platform only, a board whose app
// logs fast. Everything else (Device OS, network model) stays as shipped,
// so a benchmark measures the bench a user gets.
import { readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { SIM_BENCH } from './paths.js';

const BoardEntry = z.looseObject({ name: z.string(), id: z.string().regex(/^[0-9a-f]{24}$/), platform: z.string() });
const SimBenchDoc = z.looseObject({ bench: z.string(), timeScale: z.number().positive(), boards: z.array(BoardEntry).min(1) });

export type BoardEntry = z.output<typeof BoardEntry>;
export type SimBenchDoc = z.output<typeof SimBenchDoc>;

export async function readSimBench(file = SIM_BENCH): Promise<SimBenchDoc> {
  const parsed = SimBenchDoc.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a simulated bench the benchmarks understand: ${parsed.error.message}`);
  return parsed.data;
}

export function withScale(doc: SimBenchDoc, timeScale: number): SimBenchDoc {
  return { ...doc, timeScale };
}

/**
 * `n` copies of every board: photon-1 becomes photon-1..photon-n. The last
 * four hex digits of the device ID carry the copy number, so IDs stay unique.
 */
export function copies(doc: SimBenchDoc, n: number): SimBenchDoc {
  const boards: BoardEntry[] = [];
  for (let k = 1; k <= n; k++) {
    for (const b of doc.boards) {
      boards.push({ ...b, name: `${b.name.replace(/-\d+$/, '')}-${k}`, id: `${b.id.slice(0, 20)}${(0xb000 + k).toString(16)}` });
    }
  }
  return { ...doc, bench: `${doc.bench}-x${n}`, boards };
}

export function onlyBoard(doc: SimBenchDoc, name: string): SimBenchDoc {
  const boards = doc.boards.filter((b) => b.name === name);
  if (boards.length === 0) throw new Error(`bench ${doc.bench} has no board ${name}`);
  return { ...doc, bench: `${doc.bench}-${name}`, boards };
}

/** The board's preloaded test app, with these behaviour flags (as `rig firmware make --behaviour` names them). */
export function withApp(board: BoardEntry, behaviour: Record<string, number | boolean>): BoardEntry {
  const sim = z.looseObject({}).parse(board.sim ?? {});
  return { ...board, sim: { ...sim, app: { version: 1, behaviour } } };
}

export async function writeBench(path: string, doc: SimBenchDoc): Promise<string> {
  await writeFile(path, stringify(doc));
  return path;
}
