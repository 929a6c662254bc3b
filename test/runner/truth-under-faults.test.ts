// Issue 10's false pass, as whole runs: a power cut (now, or armed at 40 %
// of an OTA) and the expectations after it. Evidence belongs to a boot:
// expect-app never passes on the app-hash the board published before the
// cut, power: on returns once the board is back, and the DFU flash after it
// finds the board on USB.
import t from 'tap';
import { ownLockDir, plan, runPlans } from './fixtures/run.js';

ownLockDir();

const FIRMWARE = 'firmware: { old: { make: { version: 3 } }, new: { make: { version: 4, size: 60000 } } }';

t.test('a power cut armed at 40 % of an OTA, power: on, expect-app: old, a DFU flash: each from the board\'s new boot', async (t) => {
  const run = await runPlans(t, {
    'ota-cut.yaml': plan('ota-cut', [
      '  - flash: old', '    via: dfu',
      '  - expect-app: old',
      '  - fault: { kind: power-cut, at: { transfer: ota, percent: 40% } }',
      // The flash follows the OTA until the armed cut fires: its verdict is the cut's.
      '  - flash: new', '    via: ota', '    expect: interrupted',
      '  - expect-event: { name: spark/flash/status, data: "^started" }',
      '  - power: on',
      '  - expect-app: old', '    within: 1m',
      '  - flash: old', '    via: dfu',
    ], [FIRMWARE]),
  });
  const steps = run.steps('photon-1');
  t.same(steps.map(([name, status]) => [name, status]), [
    ['flash old via dfu', 'pass'],
    ['expect-app old', 'pass'],
    ['fault power-cut at ota 40%', 'pass'],
    ['flash new via ota expecting interrupted', 'pass'],
    ['expect-event spark/flash/status /^started/', 'pass'],
    ['power on', 'pass'],
    ['expect-app old within 1m', 'pass'],
    ['flash old via dfu', 'pass'],
  ], JSON.stringify(steps));
  t.equal(run.exitCode, 0);
  const report = run.board('photon-1');
  const app = report.steps[6]?.details as { source?: string; boot?: { number: number; why: string } } | undefined;
  t.equal(app?.boot?.why, 'power', `expect-app read the boot power: on started: ${JSON.stringify(app)}`);
  const first = report.steps[1]?.details as { boot?: { number: number } } | undefined;
  t.ok((app?.boot?.number ?? 0) > (first?.boot?.number ?? Infinity), 'a later boot than the one before the cut');
});

t.test('fault: power-cut, the board left off: expect-app does not pass on what the board said before', async (t) => {
  const run = await runPlans(t, {
    'left-off.yaml': plan('left-off', [
      '  - flash: old', '    via: dfu',
      '  - expect-app: old',
      '  - fault: power-cut',
      '  - expect-app: old', '    within: 5s',
    ], [FIRMWARE]),
  });
  const steps = run.steps('photon-1');
  t.same(steps.map(([, status]) => status), ['pass', 'pass', 'pass', 'infra'], JSON.stringify(steps));
  t.match(steps[3]?.[2], /not on USB/);
  t.equal(run.exitCode, 3, 'infrastructure: the board is off, its app cannot be checked');
});
