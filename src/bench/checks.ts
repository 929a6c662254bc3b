// Checks across the boards of a bench: names and device IDs are unique, a
// simulated bench does not also say where its endpoints are (the rig fills
// them in; two sources would silently disagree), and a simulated board is
// one a real board could be: a Device OS its platform ran, a network its
// platform has (particle-facts §11).
import { deviceOsProblem } from '../core/device-os.js';
import type { InputError } from '../core/errors.js';
import { cloudLinkKinds, PLATFORMS } from '../core/platform.js';
import type { IssueTranslator } from '../yaml/issues.js';
import type { Bench } from './schema.js';

function duplicates(bench: Bench, tr: IssueTranslator, key: 'name' | 'id', noun: string): InputError[] {
  const first = new Map<string, number>();
  const problems: InputError[] = [];
  bench.boards.forEach((board, i) => {
    const value = board[key];
    const seen = first.get(value);
    if (seen === undefined) {
      first.set(value, i);
      return;
    }
    const earlier = tr.places.placeAt(['boards', seen, key]);
    const other = bench.boards[seen]!.name;
    const message = key === 'id'
      ? `device ID ${value} is used by ${other} and ${board.name}`
      : `board name '${value}' is already used at line ${earlier.line}`;
    problems.push(tr.problem(['boards', i, key], `${message}\neach board needs its own ${noun}`));
  });
  return problems;
}

function simulatorEndpoints(bench: Bench, tr: IssueTranslator): InputError[] {
  if (!bench.simulator) return [];
  const fix = '\nthe simulated bench publishes its own; remove this key, or remove simulator: true to use these';
  const given: (readonly PropertyKey[])[] = [];
  if (bench.cloud) given.push(['cloud']);
  if (bench.usb) given.push(['usb']);
  bench.boards.forEach((b, i) => b.serial !== undefined && given.push(['boards', i, 'serial']));
  return given.map((path) => tr.problem(path, `not allowed with simulator: true${fix}`, 'key', true));
}

function simulatedBoardsAsReal(bench: Bench, tr: IssueTranslator): InputError[] {
  const problems: InputError[] = [];
  bench.boards.forEach((board, i) => {
    const sim = board.sim;
    if (!sim) return;
    const problem = sim.deviceOs === undefined ? undefined : deviceOsProblem(board.platform, sim.deviceOs);
    if (problem) problems.push(tr.problem(['boards', i, 'sim', 'deviceOs'], `${problem.message}\n${problem.fix}`));
    const kind = sim.network?.kind;
    const platform = PLATFORMS[board.platform];
    const kinds = cloudLinkKinds(platform);
    if (kind !== undefined && !kinds.includes(kind)) {
      const others = Object.values(PLATFORMS).filter((p) => p.radio === kind).map((p) => p.name);
      problems.push(tr.problem(['boards', i, 'sim', 'network', 'kind'],
        `the ${platform.displayName} has no ${kind} link: it reaches the cloud over ${kinds.join(' or ')}\nuse kind: ${kinds[0]}, or a ${kind} platform (${others.join(', ')})`));
    }
  });
  return problems;
}

export function benchProblems(bench: Bench, tr: IssueTranslator): InputError[] {
  return [
    ...duplicates(bench, tr, 'name', 'board name'), ...duplicates(bench, tr, 'id', 'device ID'),
    ...simulatorEndpoints(bench, tr), ...simulatedBoardsAsReal(bench, tr),
  ];
}
