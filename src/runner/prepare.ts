// Everything a run checks before it touches a board: each plan loaded and
// checked, the boards it selects on the bench, and every firmware it names
// read or built and checked for each of those boards. The problems of every
// plan come back together as one InputError (exit 2), each at its place.
import type { BenchBoard } from '../bench/schema.js';
import type { FirmwareImage } from '../core/board-contract.js';
import type { DeviceId } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { unusedSetVariables } from '../plan/checks.js';
import { loadPlan, type LoadedPlan } from '../plan/loader.js';
import { selectBoards, type SelectableBoard } from '../plan/select.js';
import { expectedModules, firmwareForBoard } from './firmware-for-board.js';
import { repeatedPlan } from './repeat-plan.js';

/** What preparing needs of a board: a bench file's board, or a lab's registered one (src/lab). */
export type PreparableBoard = SelectableBoard & { id: DeviceId };

export interface PreparedBoard<B extends PreparableBoard = BenchBoard> {
  bench: B;
  /** Every firmware of the plan, for this board. */
  firmware: Map<string, FirmwareImage>;
}

export interface PreparedPlan<B extends PreparableBoard = BenchBoard> {
  loaded: LoadedPlan;
  boards: PreparedBoard<B>[];
}

/** The boards a plan may select from: a bench file's, or the lab's registry. */
export interface BoardPool<B extends PreparableBoard> {
  name: string;
  boards: readonly B[];
}

export interface PrepareOptions {
  /** Only these boards of the bench (--board). */
  only?: readonly string[];
  /** Each plan this many times on each board (--repeat); 1 when absent. */
  repeat?: number;
  /** ${NAME}s for firmware paths (--set), over the environment and the plans' env. */
  variables?: Readonly<Record<string, string>>;
}

async function preparePlan<B extends PreparableBoard>(file: string, bench: BoardPool<B>, o: PrepareOptions): Promise<PreparedPlan<B>> {
  const loaded = await loadPlan(file, { variables: o.variables });
  loaded.plan = repeatedPlan(loaded.plan, o.repeat ?? 1);
  const expected = expectedModules(loaded);
  const boards = selectBoards(loaded, bench, o.only ? { only: o.only } : {}).map((b) => {
    const firmware = new Map<string, FirmwareImage>();
    for (const name of Object.keys(loaded.plan.firmware)) firmware.set(name, firmwareForBoard(loaded, name, b, expected.get(name)));
    return { bench: b, firmware };
  });
  return { loaded, boards };
}

export async function preparePlans<B extends PreparableBoard = BenchBoard>(files: readonly string[], bench: BoardPool<B>, o: PrepareOptions = {}): Promise<PreparedPlan<B>[]> {
  const prepared: PreparedPlan<B>[] = [];
  const problems: InputError[] = [];
  for (const file of files) {
    try {
      prepared.push(await preparePlan(file, bench, o));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(err); // format() gives one located line per problem, also for several
    }
  }
  // Which --set a plan uses is known only once every plan loaded.
  if (!problems.length) problems.push(...unusedSetVariables(prepared.map((p) => p.loaded.plan), o.variables ?? {}));
  if (problems.length) throw new InputError(problems.map((p) => p.format()).join('\n'));
  return prepared;
}

/** The bench boards a run uses, each once, by device ID. */
export function boardsUsed<B extends PreparableBoard>(prepared: readonly PreparedPlan<B>[]): Map<string, B> {
  const used = new Map<string, B>();
  for (const p of prepared) for (const b of p.boards) used.set(b.bench.id, b.bench);
  return used;
}
