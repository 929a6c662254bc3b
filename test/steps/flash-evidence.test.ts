// Evidence belongs to the flash it follows (issue 10, point 7), on a Boron
// through the runner: a DFU flash and the OTA after it are two updates,
// each its own row under its own step, even when nothing reached the
// captures between them; the OTA's evidence starts at the OTA, not at the
// boot the DFU flash began (whose announcements a cellular board makes only
// after the OTA began); and an expect-app that passes says nothing of an
// earlier update's failure.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UpdateRow } from '../../src/report/updates.js';
import { ownLockDir, type TestRun } from '../runner/fixtures/run.js';
import { runOnBoron } from './fixtures/boron-bench.js';

ownLockDir();

/** The board's updates as report.json lists them. */
function updateRows(run: TestRun): UpdateRow[] {
  const json = JSON.parse(readFileSync(join(run.dir, 'report.json'), 'utf8')) as { boards: { updates?: UpdateRow[] }[] };
  return json.boards[0]?.updates ?? [];
}

/** The `# update` lines of report.tap. */
function tapUpdates(run: TestRun): string[] {
  return readFileSync(join(run.dir, 'report.tap'), 'utf8').split('\n').filter((l) => l.includes('# update '));
}

t.test('a DFU flash, then an OTA the board refuses: two updates, each judged on its own evidence', async (t) => {
  const run = await runOnBoron(t, 'dfu-then-ota', [
    '  - flash: old', '    via: dfu',
    '  - expect-app: old',
    '  - name: OTA of an app the board cannot run',
    '    flash: newer-os', '    via: ota', '    expect: failed', '    within: 3m',
    '  - name: the old app still runs',
    '    expect-app: old',
  ]);
  const steps = run.steps('boron-1');
  t.same(steps.map(([, status]) => status), ['pass', 'pass', 'pass', 'pass'], JSON.stringify(steps));

  t.test('every flash its own row, under the step that told it', async (t) => {
    t.same(updateRows(run).map((r) => [r.step, r.via, r.verdict]), [
      ['expect-app old', 'dfu', 'applied'],
      ['OTA of an app the board cannot run', 'ota', 'failed'],
    ], 'report.json: the DFU flash and the OTA');
    t.match(tapUpdates(run), [/old via dfu: applied; .*\[expect-app old\]$/, /newer-os via ota from normal mode: failed; .*\[OTA of an app the board cannot run\]$/], 'TAP: the same two');
  });

  t.test('the OTA\'s evidence starts at the OTA', async (t) => {
    const ota = run.board('boron-1').steps[2]!;
    const update = ota.details?.update as { claims: string[]; diagnosis?: string } | undefined;
    t.notOk(update?.claims.some((c) => c === 'spark/device/last_reset dfu_mode'), `no reset of the DFU flash's boot among the OTA's claims: ${JSON.stringify(update?.claims)}`);
    t.match(ota.diagnosis, /events since the flash: flash\/status started -> /, 'the OTA\'s events begin with its own transfer');
    t.notMatch(ota.diagnosis, /dfu_mode/, 'nothing of the boot the DFU flash began');
  });

  t.test('a passing expect-app carries no diagnosis of an earlier update', async (t) => {
    const [name, status, diagnosis] = steps[3]!;
    t.equal(status, 'pass', name);
    t.equal(diagnosis, undefined, `${name}: ${diagnosis}`);
  });
});

t.test('flashes with nothing captured between them are still two updates', async (t) => {
  // Off, the board prints nothing and the cloud says nothing more of it: the
  // captures stand still from one flash to the next, and the cloud refuses
  // both OTAs (the device is not connected).
  const run = await runOnBoron(t, 'flashes-while-off', [
    '  - flash: old', '    via: dfu', '    expect: applied',
    '  - expect-event: { name: spark/status, data: "^online", within: 2m }',
    '  - power: off',
    '  - expect-event: { name: spark/status, data: "^offline" }',
    '  - name: an OTA while the board is off',
    '    flash: new', '    via: ota', '    expect: failed',
    '  - name: the same OTA again',
    '    flash: new', '    via: ota', '    expect: failed',
  ]);
  const steps = run.steps('boron-1');
  t.same(steps.map(([, status]) => status), ['pass', 'pass', 'pass', 'pass', 'pass', 'pass'], JSON.stringify(steps));
  t.same(updateRows(run).map((r) => [r.step, r.via, r.verdict]), [
    ['flash old via dfu expecting applied', 'dfu', 'applied'],
    ['an OTA while the board is off', 'ota', 'failed'],
    ['the same OTA again', 'ota', 'failed'],
  ], 'report.json: three flashes, three rows, each under its own step');
  t.equal(tapUpdates(run).length, 3, 'TAP: three update lines');
});

t.test('an OTA a power cut of the plan interrupted stays interrupted in the updates table, whatever expect-app reads afterwards', async (t) => {
  const run = await runOnBoron(t, 'ota-cut', [
    '  - flash: old', '    via: dfu',
    '  - fault: { kind: power-cut, at: { transfer: ota, percent: 50% } }',
    '  - flash: new', '    via: ota', '    expect: interrupted', '    within: 3m',
    '  - power: on',
    '  - name: the old app still runs',
    '    expect-app: old',
  ]);
  const steps = run.steps('boron-1');
  t.same(steps.map(([, status]) => status), ['pass', 'pass', 'pass', 'pass', 'pass'], JSON.stringify(steps));
  const ota = updateRows(run).find((r) => r.via === 'ota');
  t.equal(ota?.verdict, 'interrupted', `report.json: ${JSON.stringify(updateRows(run))}`);
  t.match(tapUpdates(run).find((l) => l.includes('via ota')), /new via ota from normal mode: interrupted;/, 'TAP says the same');
});
