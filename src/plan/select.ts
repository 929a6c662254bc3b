// Matrix expansion: the boards of a bench a plan runs on, one run per board.
// Selector keys combine with AND; platform and name lists match any entry; a
// board must carry every listed tag. A plan that selects nothing is an input
// error located at its `boards` key, naming what the bench does have; so is
// a test app the plan makes that a selected board cannot hold (board-fit.ts).
import { InputError } from '../core/errors.js';
import type { PlatformName } from '../core/platform.js';
import { throwProblems } from '../yaml/input-errors.js';
import { boardFitProblems } from './board-fit.js';
import type { LoadedPlan } from './loader.js';
import type { BoardSelector } from './boards-schema.js';

/** What selection needs to know of a bench board. */
export interface SelectableBoard {
  name: string;
  platform: PlatformName;
  tags: readonly string[];
  /** The Device OS it runs, when the bench says (a simulated board). */
  deviceOs?: string;
  /** Its device ID, which --board takes as well as its name. */
  id?: string;
  /** The bench host holding it, in a lab: --board takes NAME@HOST there. */
  host?: string;
}

/** Whether a --board entry names this board: its name, its device ID, or in a lab NAME@HOST (two hosts may each have a photon-1). */
function namedBy(b: SelectableBoard, entry: string): boolean {
  return b.name === entry || (b.id !== undefined && b.id === entry.toLowerCase()) || (b.host !== undefined && `${b.name}@${b.host}` === entry);
}

type Key = 'platforms' | 'tags' | 'names';

const MATCHERS: Record<Key, (b: SelectableBoard, wanted: readonly string[]) => boolean> = {
  platforms: (b, wanted) => wanted.includes(b.platform),
  tags: (b, wanted) => wanted.every((t) => b.tags.includes(t)),
  names: (b, wanted) => wanted.includes(b.name),
};

const YAML_KEY: Record<Key, string> = { platforms: 'platform', tags: 'tags', names: 'names' };

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function whatBenchHas(key: Key, boards: readonly SelectableBoard[]): string {
  if (key === 'platforms') return unique(boards.map((b) => b.platform)).join(', ');
  if (key === 'tags') return unique(boards.flatMap((b) => b.tags)).join(', ') || 'no tags';
  return boards.map((b) => b.name).join(', ');
}

function selected(selector: BoardSelector): [Key, readonly string[]][] {
  return (Object.keys(MATCHERS) as Key[]).flatMap((k) => (selector[k] ? [[k, selector[k]] as [Key, readonly string[]]] : []));
}

function nothingSelected(sel: [Key, readonly string[]][], benchName: string, boards: readonly SelectableBoard[]): string {
  const say = ([k, v]: [Key, readonly string[]]) => `${YAML_KEY[k]} [${v.join(', ')}]`;
  const lonely = sel.find(([k, v]) => !boards.some((b) => MATCHERS[k](b, v)));
  if (lonely) return `plan selects ${say(lonely)} but bench ${benchName} has: ${whatBenchHas(lonely[0], boards)}`;
  const list = boards.map((b) => `${b.name} (${[b.platform, ...b.tags].join(', ')})`).join('; ');
  return `plan selects ${sel.map(say).join(' and ')} but no board of bench ${benchName} matches all of them; boards: ${list}`;
}

export interface SelectOptions {
  /** --board NAME...: run only on these bench boards (name, device ID, or in a lab NAME@HOST). The result may then be empty. */
  only?: readonly string[];
}

export function selectBoards<B extends SelectableBoard>(
  loaded: LoadedPlan,
  bench: { name: string; boards: readonly B[] },
  options: SelectOptions = {},
): B[] {
  const sel = selected(loaded.plan.boards);
  const place = loaded.placeAt(sel.length ? ['boards'] : []);
  const missing = (loaded.plan.boards.names ?? []).filter((n) => !bench.boards.some((b) => b.name === n));
  if (missing.length) {
    throw new InputError(`plan selects names [${missing.join(', ')}] but bench ${bench.name} has: ${whatBenchHas('names', bench.boards)}`, place);
  }
  const chosen = bench.boards.filter((b) => sel.every(([k, v]) => MATCHERS[k](b, v)));
  if (chosen.length === 0) throw new InputError(nothingSelected(sel, bench.name, bench.boards), place, 'change boards: in the plan, or use another --bench');
  const only = options.only;
  if (only) {
    const unknown = only.filter((n) => !bench.boards.some((b) => namedBy(b, n)));
    if (unknown.length) {
      const inLab = bench.boards.some((b) => b.host !== undefined);
      throw new InputError(`--board ${unknown.join(', ')}: bench ${bench.name} has no such board`, undefined, `boards: ${inLab ? bench.boards.map((b) => `${b.name}@${b.host}`).join(', ') : whatBenchHas('names', bench.boards)}`);
    }
  }
  const boards = only ? chosen.filter((b) => only.some((n) => namedBy(b, n))) : chosen;
  throwProblems(boardFitProblems(loaded, boards));
  return boards;
}
