// Matrix expansion: which bench boards a plan runs on, and the located error
// when it selects none, naming what the bench has.
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { loadPlan } from '../../src/plan/loader.js';
import { selectBoards, type SelectableBoard } from '../../src/plan/select.js';

const bench = {
  name: 'lab-1',
  boards: [
    { name: 'photon-1', platform: 'photon', tags: ['wifi', 'nightly'] },
    { name: 'photon-2', platform: 'photon', tags: ['wifi'] },
    { name: 'argon-1', platform: 'argon', tags: ['wifi', 'nightly'] },
  ] satisfies SelectableBoard[],
};

async function planWith(t: Test, boards: string | undefined) {
  const text = `plan: p\n${boards === undefined ? '' : `boards: ${boards}\n`}steps:\n  - wait: 1s\n`;
  const dir = t.testdir({ 'p.yaml': text });
  return loadPlan(join(dir, 'p.yaml'), { env: {} });
}

const names = (boards: readonly SelectableBoard[]) => boards.map((b) => b.name);

t.test('selection by platform, tags and names', async (t) => {
  t.same(names(selectBoards(await planWith(t, undefined), bench)), ['photon-1', 'photon-2', 'argon-1'], 'no boards key: all');
  t.same(names(selectBoards(await planWith(t, '{ platform: photon }'), bench)), ['photon-1', 'photon-2']);
  t.same(names(selectBoards(await planWith(t, '{ platform: [photon, boron] }'), bench)), ['photon-1', 'photon-2'], 'a platform the bench lacks is fine beside one it has');
  t.same(names(selectBoards(await planWith(t, '{ tags: [wifi, nightly] }'), bench)), ['photon-1', 'argon-1'], 'every tag must be carried');
  t.same(names(selectBoards(await planWith(t, '{ platform: photon, tags: nightly }'), bench)), ['photon-1'], 'keys combine with AND');
  t.same(names(selectBoards(await planWith(t, '{ names: [argon-1, photon-2] }'), bench)), ['photon-2', 'argon-1'], 'bench order');
});

t.test('--board narrows the selection', async (t) => {
  const plan = await planWith(t, '{ platform: photon }');
  t.same(names(selectBoards(plan, bench, { only: ['photon-2'] })), ['photon-2']);
  t.same(names(selectBoards(plan, bench, { only: ['argon-1'] })), [], 'a plan may have nothing to do on the chosen boards');
  t.throws(() => selectBoards(plan, bench, { only: ['photon-9'] }), {
    message: '--board photon-9: bench lab-1 has no such board', fix: 'boards: photon-1, photon-2, argon-1',
  });
});

t.test('--board takes a device ID, and in a lab NAME@HOST where two hosts each have a board of that name', async (t) => {
  const plan = await planWith(t, '{ platform: photon }');
  const ids = { name: 'lab-1', boards: bench.boards.map((b, i) => ({ ...b, id: `e00fce68000000000000000${i}` })) };
  t.same(names(selectBoards(plan, ids, { only: ['E00FCE680000000000000001'] })), ['photon-2'], 'a device ID, in either case');
  const lab = {
    name: 'lab',
    boards: [
      { name: 'photon-1', platform: 'photon', tags: [], host: 'bench-1' },
      { name: 'photon-1', platform: 'photon', tags: [], host: 'bench-2' },
    ] satisfies SelectableBoard[],
  };
  t.same(selectBoards(plan, lab, { only: ['photon-1'] }).map((b) => b.host), ['bench-1', 'bench-2'], 'a name alone: every host\'s board of that name');
  t.same(selectBoards(plan, lab, { only: ['photon-1@bench-2'] }).map((b) => b.host), ['bench-2'], 'NAME@HOST: that host\'s only');
  t.throws(() => selectBoards(plan, lab, { only: ['photon-1@bench-9'] }), {
    message: '--board photon-1@bench-9: bench lab has no such board', fix: 'boards: photon-1@bench-1, photon-1@bench-2',
  });
});

t.test('a plan that selects nothing is a located InputError', async (t) => {
  const cases: [string, string][] = [
    ['{ platform: [boron] }', 'plan selects platform [boron] but bench lab-1 has: photon, argon'],
    ['{ tags: [cellular] }', 'plan selects tags [cellular] but bench lab-1 has: wifi, nightly'],
    ['{ names: [photon-9] }', 'plan selects names [photon-9] but bench lab-1 has: photon-1, photon-2, argon-1'],
    ['{ platform: argon, tags: [wifi], names: [photon-1] }',
      'plan selects platform [argon] and tags [wifi] and names [photon-1] but no board of bench lab-1 matches all of them; boards: photon-1 (photon, wifi, nightly); photon-2 (photon, wifi); argon-1 (argon, wifi, nightly)'],
  ];
  for (const [boards, message] of cases) {
    const plan = await planWith(t, boards);
    const err = (() => { try { selectBoards(plan, bench); } catch (e) { return e; } return undefined; })();
    t.type(err, InputError, boards);
    t.equal((err as InputError).message, message);
    t.same((err as InputError).place, { file: plan.file, line: 2, column: 9 }, 'at the boards value');
  }
});
