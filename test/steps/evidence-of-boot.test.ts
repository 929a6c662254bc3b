// Issue 10, "truth under faults": evidence belongs to a boot. On the real
// board layer over the simulated bench, a Photon on Device OS 1.5.2 (its
// running app is known only from the cloud's app-hash, or serial): after a
// power cut, an unplugged cable or a power cut armed in an OTA, expect-app
// never passes on what the board said before it was taken away, and the
// actions that bring it back (power: on, fault: usb-replug) return only once
// it is back, so the expectation after them reads its new boot.
import t from 'tap';
import type { Boot } from '../../src/core/board-contract.js';
import { runStep } from '../../src/steps/index.js';
import { context, step } from './fixtures/context.js';
import { appFor, simBoard } from './fixtures/sim-bench.js';

const APP_HASH = 'spark/device/app-hash';

t.test('a power cut, then the board left off: expect-app never passes on the app-hash from before', async (t) => {
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const old = appFor('old', { platform: 'photon', version: 21 });
  const ctx = context(board, { firmware: [old], timeScale: 50 });
  t.equal((await runStep(step({ flash: 'old', via: 'dfu' }), ctx)).status, 'pass');
  const before = await runStep(step({ 'expect-app': 'old' }), ctx);
  t.equal(before.status, 'pass', 'the old app runs before the cut');
  t.ok(board.events?.events().some((e) => e.name === APP_HASH), 'and the cloud heard its app-hash');

  const cut = await runStep(step({ fault: 'power-cut' }), ctx);
  t.equal(cut.status, 'pass');
  t.equal(await board.presence(), 'absent', 'the fault step returns with the board off USB');
  await t.rejects(board.runningApp(), { name: 'InfraError', message: /not on USB/ }, 'a board that is off runs nothing the rig vouches for');

  const r = await runStep(step({ 'expect-app': 'old', within: '5s' }), ctx);
  t.not(r.status, 'pass', 'expect-app does not pass on the old boot\'s app-hash');
  t.equal(r.status, 'infra', 'it is infrastructure: the board is not on USB');
  t.match(r.diagnosis ?? r.skipReason ?? JSON.stringify(r), /not on USB/);
});

t.test('power: on returns once the board is back; expect-app then passes from its new boot', async (t) => {
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const old = appFor('old', { platform: 'photon', version: 22 });
  const ctx = context(board, { firmware: [old], timeScale: 50 });
  t.equal((await runStep(step({ flash: 'old', via: 'dfu' }), ctx)).status, 'pass');
  t.equal((await runStep(step({ 'expect-app': 'old' }), ctx)).status, 'pass');
  t.equal((await runStep(step({ power: 'off' }), ctx)).status, 'pass');
  t.equal(await board.presence(), 'absent', 'power: off returns with the board off USB');
  const cutBoot = board.boots.current;

  const asked = Date.now();
  const on = await runStep(step({ power: 'on' }), ctx);
  t.equal(on.status, 'pass');
  const boot = board.boots.current;
  t.not(boot, cutBoot, 'power: on returned in a new boot');
  t.equal(boot?.why, 'power');
  t.ok((boot?.startedAt ?? 0) >= asked, 'dated from the power-on request');
  t.not(await board.presence(), 'absent', 'the board is back when power: on returns');

  const r = await runStep(step({ 'expect-app': 'old', within: '1m' }), ctx);
  t.equal(r.status, 'pass', r.diagnosis ?? '');
  t.match(r.details, { source: 'cloud', boot: { number: boot?.number, why: 'power' } }, 'its source and boot are in the details');
  const heard = board.events?.events().filter((e) => e.name === APP_HASH && board.boots.bootOf(e) === boot);
  t.ok(heard?.length, 'from an app-hash the new boot published');
});

t.test('a power cut armed at 40 % of an OTA, power: on, expect-app: old passes only from the new boot', async (t) => {
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const old = appFor('old', { platform: 'photon', version: 23 });
  const next = appFor('new', { platform: 'photon', version: 24, size: 60_000 });
  const ctx = context(board, { firmware: [old, next], timeScale: 50 });
  t.equal((await runStep(step({ flash: 'old', via: 'dfu' }), ctx)).status, 'pass');
  t.equal((await runStep(step({ 'expect-app': 'old' }), ctx)).status, 'pass');
  const published = board.events?.events().filter((e) => e.name === APP_HASH).at(-1);
  t.ok(published, 'the app-hash the board published before the cut');

  t.equal((await runStep(step({ fault: { kind: 'power-cut', at: { transfer: 'ota', percent: 40 } } }), ctx)).status, 'pass');
  // The flash follows the OTA until the armed cut fires: the plan's fault, so the verdict is `interrupted`.
  const cut = await runStep(step({ flash: 'new', via: 'ota', expect: 'interrupted' }), ctx);
  t.match(cut, { status: 'pass', actual: 'interrupted' }, cut.diagnosis ?? '');
  t.equal(await board.waitForPresence('absent', { withinMs: 20_000 }), true, 'the cut fired during the transfer');

  // Before power returns: the board is off and expect-app does not pass.
  const off = await runStep(step({ 'expect-app': 'old', within: '2s' }), ctx);
  t.not(off.status, 'pass', `off, expect-app does not pass (${off.status})`);

  const on = await runStep(step({ power: 'on' }), ctx);
  t.equal(on.status, 'pass');
  const boot = board.boots.current as Boot;
  t.equal(boot.why, 'power');
  t.ok(published!.at < boot.startedAt, 'the app-hash from before the cut belongs to an older boot');
  t.not(board.boots.bootOf(published!), boot);

  const r = await runStep(step({ 'expect-app': 'old', within: '1m' }), ctx);
  t.equal(r.status, 'pass', r.diagnosis ?? '');
  t.match(r.details, { boot: { number: boot.number, why: 'power' } }, 'read in the boot power: on started');
  t.equal(board.boots.current, boot, 'no boot since');
  if ((r.details as { source?: string }).source === 'cloud') {
    const hash = board.events?.events().filter((e) => e.name === APP_HASH).at(-1);
    t.equal(board.boots.bootOf(hash!), boot, 'the cloud app-hash it took is the new boot\'s');
  }
  // The next step: a DFU flash finds the board on USB.
  t.equal((await runStep(step({ flash: 'old', via: 'dfu' }), ctx)).status, 'pass', 'the DFU flash after it finds the board');
});

t.test('fault: usb-unplug then usb-replug: replug returns once the board is back, and only its new boot counts', async (t) => {
  // Powered through its cable (the default): unplugging it is a power cut.
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const old = appFor('old', { platform: 'photon', version: 25 });
  const ctx = context(board, { firmware: [old], timeScale: 50 });
  t.equal((await runStep(step({ flash: 'old', via: 'dfu' }), ctx)).status, 'pass');
  t.equal((await runStep(step({ 'expect-app': 'old' }), ctx)).status, 'pass');
  const before = board.boots.current;

  t.equal((await runStep(step({ fault: 'usb-unplug' }), ctx)).status, 'pass');
  t.equal(await board.presence(), 'absent');
  const unplugged = await runStep(step({ 'expect-app': 'old', within: '2s' }), ctx);
  t.not(unplugged.status, 'pass', `unplugged, expect-app does not pass (${unplugged.status})`);

  const asked = Date.now();
  const replug = await runStep(step({ fault: 'usb-replug' }), ctx);
  t.equal(replug.status, 'pass');
  const boot = board.boots.current as Boot;
  t.not(boot, before, 'usb-replug returned in a new boot');
  t.equal(boot.why, 'replug');
  t.ok(boot.startedAt >= asked, 'dated from the replug');
  t.not(await board.presence(), 'absent', 'the board is back when usb-replug returns');

  const r = await runStep(step({ 'expect-app': 'old', within: '1m' }), ctx);
  t.equal(r.status, 'pass', r.diagnosis ?? '');
  t.match(r.details, { boot: { number: boot.number, why: 'replug' } });
});

t.test('fault: power-cut for a while: the undo (power on) waits for the board too', async (t) => {
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const old = appFor('old', { platform: 'photon', version: 26 });
  const ctx = context(board, { firmware: [old], timeScale: 50 });
  t.equal((await runStep(step({ flash: 'old', via: 'dfu' }), ctx)).status, 'pass');
  const before = board.boots.current;
  const r = await runStep(step({ fault: { kind: 'power-cut', for: '2s' } }), ctx);
  t.equal(r.status, 'pass');
  t.not(board.boots.current, before);
  t.equal(board.boots.current?.why, 'power');
  t.not(await board.presence(), 'absent', 'back when the step returns');
  const app = await runStep(step({ 'expect-app': 'old' }), ctx);
  t.equal(app.status, 'pass', app.diagnosis ?? '');
  t.match(app.details, { boot: { number: board.boots.current?.number } });
});

t.test('a board that does not come back is infrastructure, with the reason', async (t) => {
  // On its own power: putting the cable back after a power cut does not bring it back.
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2', sim: 'power: external' });
  const old = appFor('old', { platform: 'photon', version: 27 });
  const ctx = context(board, { firmware: [old], timeScale: 50 });
  t.equal((await runStep(step({ fault: 'power-cut' }), ctx)).status, 'pass');
  const before = board.boots.current;
  const replug = await runStep(step({ fault: 'usb-replug' }), ctx);
  t.equal(replug.status, 'infra', 'not a pass: the board is not back');
  t.match(JSON.stringify(replug), /was not back on USB .* after a usb-replug/);
  t.equal(board.boots.current, before, 'no boot was seen');
  const app = await runStep(step({ 'expect-app': 'old', within: '1s' }), ctx);
  t.equal(app.status, 'infra', 'nor does expect-app pass on what it said before the cut');
  t.equal((await runStep(step({ power: 'on' }), ctx)).status, 'pass', 'power: on brings it back');
  t.not(await board.presence(), 'absent');
});
