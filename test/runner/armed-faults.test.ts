// Issue 10, points 3 and 4: an armed fault lives and dies with its transfer,
// and the bench is put back between plans. A fault armed at an OTA that the
// board's app holds back never fires: the flash disarms it and says so, and
// the next plan's OTA runs unharmed. A plan that leaves its board off, off
// USB or with a fault still armed is followed by one that finds the board
// present, and the report says what was restored. A step that lost the
// board continues with continue-on-failure as a failed one does.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownLockDir, plan, runPlans } from './fixtures/run.js';

ownLockDir();

const FIRMWARE = 'firmware: { holder: { make: { version: 5, behaviour: { disables-updates: always } } }, plain: { make: { version: 6 } }, new: { make: { version: 7, size: 64KB } } }';

t.test('a fault armed at an OTA the app holds back never fires: disarmed and said, and it never reaches the next plan', async (t) => {
  const run = await runPlans(t, {
    '1-held.yaml': plan('held', [
      '  - flash: holder', '    via: dfu',
      '  - fault: { kind: power-cut, at: { transfer: ota, percent: 40% } }',
      '  - flash: new', '    via: ota', '    expect: pending', '    within: 30s',
    ], [FIRMWARE]),
    '2-next.yaml': plan('next', [
      '  - flash: plain', '    via: dfu',
      '  - flash: new', '    via: ota', '    expect: applied', '    within: 2m',
      '  - expect-app: new',
    ], [FIRMWARE]),
  });
  const [held, next] = run.report.boards.filter((b) => b.name === 'photon-1');
  t.same(held?.steps.map((s) => [s.name, s.status, s.actual]), [
    ['flash holder via dfu', 'pass', undefined],
    ['fault power-cut at ota 40%', 'pass', undefined],
    ['flash new via ota expecting pending', 'pass', 'pending'],
  ], JSON.stringify(held?.steps.map((s) => s.diagnosis)));
  t.match((held?.steps[2]?.details as { fault?: string }).fault, /^the power cut armed at 40% of the OTA never fired: its transfer never began and the flash ended; it is disarmed$/);
  t.same(next?.steps.map((s) => s.status), ['pass', 'pass', 'pass'], JSON.stringify(next?.steps.map((s) => s.diagnosis)));
  t.equal(run.exitCode, 0);
});

t.test('plans that leave the board off, unplugged or armed: the next plan finds it present, and the report says what was restored', async (t) => {
  const present = ['  - expect-mode: normal', '    within: 5s'];
  const run = await runPlans(t, {
    '1-off.yaml': plan('off', [...present, '  - fault: power-cut']),
    '2-unplugged.yaml': plan('unplugged', [...present, '  - fault: usb-unplug']),
    '3-armed.yaml': plan('armed', [...present, '  - fault: { kind: reset, at: { transfer: serial, percent: 50% } }', '  - fault: { kind: link, loss: 50% }']),
    '4-clean.yaml': plan('clean', present),
  });
  const reports = run.report.boards.filter((b) => b.name === 'photon-1');
  t.same(reports.map((b) => [b.plan, b.steps.map((s) => s.status)]), [
    ['off', ['pass', 'pass']], ['unplugged', ['pass', 'pass']], ['armed', ['pass', 'pass', 'pass']], ['clean', ['pass']],
  ], JSON.stringify(reports.map((b) => b.steps.map((s) => s.diagnosis))));
  t.same(reports.map((b) => b.restored), [
    { done: ['power on'] },
    { done: ['USB plugged back in'] },
    { done: ['disarmed the reset armed at 50% of the serial (YMODEM) transfer: it never fired (its transfer never began)', 'link restored'] },
    undefined,
  ]);
  const tap = readFileSync(join(run.dir, 'report.tap'), 'utf8');
  t.match(tap, /# restored after the plan: power on\n/);
  t.equal(run.exitCode, 0);
});

t.test('continue-on-failure applies to every status: after a step that lost the board, the plan goes on and can recover it', async (t) => {
  const run = await runPlans(t, {
    'recover.yaml': plan('recover', [
      '  - fault: power-cut',
      '  - expect-app: plain', '    continue-on-failure: true',
      '  - power: on',
      '  - flash: plain', '    via: dfu', '    expect: applied',
    ], [FIRMWARE]),
  });
  t.same(run.steps('photon-1').map(([, s]) => s), ['pass', 'infra', 'pass', 'pass']);
  t.equal(run.exitCode, 3, 'the lost reach is still reported');
});
