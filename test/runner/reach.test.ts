// Infrastructure stays infrastructure: a board that vanishes in the middle
// of a step by nobody the plan knows of, or is not there when a step needs
// it, ends `infra` (exit 3) whatever time limit the step had (the same
// unplug armed by the plan is its experiment: `interrupted`); a board another run holds bails the run
// out with a row per board, before anything is touched.
import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lockBoard } from '../../src/runner/board-lock.js';
import type { DeviceId } from '../../src/core/domain.js';
import { readTap } from '../e2e/run-report.js';
import { faultFromOutside, servedBench } from './fixtures/served-bench.js';
import { ownLockDir, PHOTON, plan, runPlans } from './fixtures/run.js';

const locks = ownLockDir();

t.test('a board unplugged in the middle of a DFU flash by nobody the plan knows of is infrastructure, not a failure of the step', async (t) => {
  // The simulated bench as a real bench is configured: its addresses in the bench file, its control service
  // reachable by others too. Here the test, not the plan, pulls the cable once the DFU download is under way.
  const { sim, benchFile } = await servedBench(t, 'reach');
  let pulled = false;
  const run = await runPlans(t, {
    'unplugged.yaml': plan('unplugged', [
      '  - flash: app', '    via: dfu', '    timeout: 10m',
      '  - expect-app: app',
    ], ['firmware: { app: { make: { version: 9, size: 65536 } } }']),
  }, {
    benchFile,
    watch: {
      note: (_board, text) => {
        if (pulled || !/via dfu: \d+%/.test(text)) return;
        pulled = true;
        void faultFromOutside(sim, 'usb-unplug');
      },
    },
  });
  t.ok(pulled, 'the cable was pulled during the download');
  t.equal(run.exitCode, 3, 'the rig lost its reach');
  const steps = run.steps('photon-1');
  t.same(steps.map(([name, status]) => [name, status]), [
    ['flash app via dfu', 'infra'],
    ['expect-app app', 'skip'],
  ]);
  t.notMatch(steps[0]?.[2], /timeout|interrupted/, `the diagnosis is the lost board, not the limit or a fault of the plan: ${steps[0]?.[2]}`);
  t.match(steps[1]?.[2], /the rig lost its reach to the board/);
});

t.test('the same unplug armed by the plan is part of its experiment: the flash is interrupted, a failure of the step without expect, never infrastructure', async (t) => {
  const run = await runPlans(t, {
    'unplugged.yaml': plan('unplugged', [
      '  - fault: { kind: usb-unplug, at: { transfer: dfu, percent: 40% } }',
      '  - flash: app', '    via: dfu', '    timeout: 10m', '    continue-on-failure: true',
      '  - fault: usb-replug',
      '  - flash: app', '    via: dfu', '    expect: applied',
    ], ['firmware: { app: { make: { version: 9, size: 65536 } } }']),
  });
  t.equal(run.exitCode, 1, 'a failure, not the bench');
  const steps = run.steps('photon-1');
  t.same(steps.map(([name, status]) => [name, status]), [
    ['fault usb-unplug at dfu 40%', 'pass'],
    ['flash app via dfu', 'fail'],
    ['fault usb-replug', 'pass'],
    ['flash app via dfu expecting applied', 'pass'],
  ]);
  t.match(steps[1]?.[2], /the plan's USB unplug interrupted the flash of app via dfu/);
  t.match(steps[1]?.[2], /armed at 40% of the DFU download fired at 4\d(\.\d)?% \([\d,]+ of 65,536 bytes\)/);
  t.equal(run.board('photon-1').steps[1]?.actual, 'interrupted');
});

t.test('a board that is not on USB when a step needs it is infrastructure, at once, whatever its timeout', async (t) => {
  const run = await runPlans(t, {
    'gone.yaml': plan('gone', ['  - fault: usb-unplug', '  - mode: dfu', '    timeout: 30s', '  - expect-mode: dfu']),
  });
  t.equal(run.exitCode, 3);
  t.same(run.steps('photon-1').map(([, s]) => s), ['pass', 'infra', 'skip']);
  t.match(run.steps('photon-1')[1]?.[2], /photon-1 is not on USB/);
  t.equal(run.report.bailOut, undefined, 'one board lost is a result of that board, not a bail-out');
});

t.test('a board another run holds: the run waits --lock-wait, then bails out with an infra row per plan, nothing touched', async (t) => {
  const held = await lockBoard(PHOTON as DeviceId, { board: 'photon-1', runId: 'other-run' }, { waitMs: 0 });
  t.teardown(() => held.release());
  const started = Date.now();
  const bailed: unknown[] = [];
  const run = await runPlans(t, {
    'a.yaml': plan('a', ['  - expect-mode: normal']),
    'b.yaml': plan('b', ['  - expect-mode: normal']),
  }, { lockWaitMs: 500, watch: { bailedOut: (err) => bailed.push(err) } });
  t.ok(Date.now() - started >= 500, 'it waited for the lock first');
  t.equal(run.exitCode, 3);
  t.match(run.report.bailOut?.reason, /board photon-1 \(3a002c000847343337373738\) is in use by run other-run \(pid \d+ on /);
  t.same(run.report.boards.map((b) => [b.plan, b.status, b.steps.length]), [['a', 'infra', 0], ['b', 'infra', 0]]);
  t.equal(bailed.length, 1, 'the watcher heard why');
  t.equal(readTap(run.dir).bailout, run.report.bailOut?.reason, 'the TAP bails out with it');
  t.notOk(existsSync(join(run.dir, 'photon-1')), 'the board was never opened');
  t.same(readdirSync(locks), [`${PHOTON}.lock`], 'only the other run\'s lock is left');
});
