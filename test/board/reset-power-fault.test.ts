// Resets, power and faults through the Board on the simulated bench: USB
// control requests, the bench control service, uhubctl where the bench
// names a hub port. What the bench cannot do is an UnsupportedError (SKIP).
import t, { type Test } from 'tap';
import { type FirmwareImage } from '../../src/core/board-contract.js';
import { UnsupportedError, InfraError } from '../../src/core/errors.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { PHOTON, startBoardBench, until } from './fixtures/sim-bench.js';

// On a battery: pulling the USB cable leaves it running, as the fault tests need.
const ONE_PHOTON = [{ name: 'photon-1', platform: 'photon' as const, id: PHOTON, sim: { deviceOs: '1.5.2', power: 'external' as const } }];

function photonApp(version: number, size?: number): FirmwareImage {
  const image = makeTestApp({ platform: 'photon', version, size });
  return { name: `v${version}`, image, info: parseModule(image), source: 'make' };
}

t.test('resets, power and faults on a bench with control and cloud', async (t) => {
  const bench = await startBoardBench(t, { boards: ONE_PHOTON });
  const board = bench.board('photon-1');
  const sim = bench.sim.handles['photon-1']!;
  const resetSeen = async (t: Test, reason: string): Promise<void> => {
    const e = await board.events?.waitFor('spark/device/last_reset', { data: new RegExp(`^${reason}$`), fromSeq: board.events.events().length, withinMs: 5000 });
    t.equal(e?.data, reason, `the cloud reports ${reason}`);
    t.equal(board.lastResetReason(), reason);
  };

  t.test('soft reset: the RESET request', async (t) => {
    const seen = resetSeen(t, 'user');
    await board.reset('soft');
    t.equal(sim.resetReason, 'user');
    await seen;
    t.equal(await board.presence(), 'normal');
  });

  t.test('pin reset: the forced reset request', async (t) => {
    const seen = resetSeen(t, 'user');
    await board.reset('pin');
    await seen;
  });

  t.test('power reset: a cycle through the bench control service', async (t) => {
    const seen = resetSeen(t, 'power_down');
    await board.reset('power');
    t.equal(sim.resetReason, 'power_down');
    await seen;
  });

  t.test('power off and on', async (t) => {
    await board.power('off');
    t.equal(await board.presence(), 'absent');
    await t.rejects(board.reset('soft'), { name: 'InfraError', message: /not on USB/ });
    const off = board.boots.current;
    await board.power('on');
    t.not(await board.presence(), 'absent', 'power on returns once the board is back on USB');
    t.not(board.boots.current, off, 'in a new boot');
    t.equal(board.boots.current?.why, 'power');
    t.equal(await board.waitForPresence('normal', { withinMs: 3000 }), true);
    const again = board.boots.current;
    await board.power('on');
    t.equal(board.boots.current, again, 'on for a board already on starts no boot');
  });

  t.test('a fault now: the USB cable pulled and put back', async (t) => {
    await board.fault({ kind: 'usb-unplug' });
    t.equal(await board.presence(), 'absent');
    t.equal(sim.mode, 'normal', 'the board runs on');
    // It runs on, but the rig cannot see which boot: what the cloud said before is no evidence.
    await t.rejects(board.runningApp(), { name: 'InfraError', message: /not on USB/ }, 'off USB, no running app is vouched for');
    const unplugged = board.boots.current;
    await board.fault({ kind: 'usb-replug' });
    t.not(await board.presence(), 'absent', 'usb-replug returns once the board is back on USB');
    t.equal(board.boots.current?.why, 'replug', 'a new enumeration: a boot, though this board did not restart');
    t.not(board.boots.current, unplugged);
    t.equal(await board.waitForPresence('normal', { withinMs: 3000 }), true);
    const app = await board.runningApp();
    t.equal(app.boot, board.boots.current, 'the running app is read in the boot after the replug');
  });

  t.test('a reset now through the bench: returns once the board is back, in a new boot', async (t) => {
    const before = board.boots.current;
    const seen = resetSeen(t, 'pin_reset');
    await board.fault({ kind: 'reset' });
    t.not(board.boots.current, before);
    t.equal(board.boots.current?.why, 'reset');
    t.not(await board.presence(), 'absent');
    await seen;
  });

  t.test('usb-replug of a board whose cable is in: nothing to wait for', async (t) => {
    const before = board.boots.current;
    await board.fault({ kind: 'usb-replug' });
    t.equal(board.boots.current, before);
  });

  t.test('a reset armed at 40 % of an OTA: the update does not take', async (t) => {
    const before = sim.runningAppHash();
    await board.fault({ fault: { kind: 'reset' }, at: { transfer: 'ota', percent: 40 } });
    const from = board.events?.events().length ?? 0;
    await board.flash(photonApp(30, 60_000), 'ota');
    // The replug before may still report its power_down boot late: wait for this fault's reset.
    const reset = await board.events?.waitFor('spark/device/last_reset', { fromSeq: from, withinMs: 5000, data: /^pin_reset$/ });
    t.equal(reset?.data, 'pin_reset');
    t.equal(sim.runningAppHash(), before, 'the old app still runs');
    await until(() => sim.cloudConnected, 'the board is online again');
  });

  t.test('a fault the bench cannot arm is a SKIP with the reason', async (t) => {
    const err = await board.fault({ fault: { kind: 'link', lossPercent: 30 }, at: { transfer: 'ota', percent: 50 } }).catch((e: unknown) => e);
    t.type(err, UnsupportedError);
    t.match((err as UnsupportedError).reason, /cannot be armed/);
  });

  t.test('the cable pulled in the middle of a DFU flash: the rig lost the board, not a firmware failure', async (t) => {
    await board.fault({ fault: { kind: 'usb-unplug' }, at: { transfer: 'dfu', percent: 30 } });
    const err = await board.flash(photonApp(31, 60_000), 'dfu').catch((e: unknown) => e);
    t.type(err, InfraError, (err as Error).message);
    await board.fault({ kind: 'usb-replug' });
    t.equal(await board.waitForPresence('dfu', { withinMs: 3000 }), true, 'still in DFU mode, half written');
    const good = photonApp(32);
    await board.flash(good, 'dfu');
    t.equal((await board.runningApp()).hash, good.info.sha256, 'a full write brings it back');
  });
});

t.test('a bench without control and without hub ports', async (t) => {
  const bench = await startBoardBench(t, { boards: ONE_PHOTON, without: ['control'] });
  const board = bench.board('photon-1');
  await t.rejects(board.power('cycle'), { name: 'UnsupportedError', message: /names no uhubctl port for it and has no bench control service/ });
  await t.rejects(board.reset('power'), UnsupportedError);
  await t.rejects(board.fault({ kind: 'power-cut' }), { name: 'UnsupportedError', message: /a power-cut fault on photon-1: this bench has no bench control service/ });
  t.equal(await board.presence(), 'normal', 'nothing happened to the board');
});

t.test('a board on a hub port, with uhubctl missing: an infrastructure failure that says so', async (t) => {
  const bench = await startBoardBench(t, { boards: [{ ...ONE_PHOTON[0]!, power: { uhubctl: { location: '1-1.4', port: 2 } } }] });
  bench.access.tools = { uhubctl: 'uhubctl-not-installed-here' };
  const err = await bench.board('photon-1').power('cycle').catch((e: unknown) => e);
  t.type(err, InfraError);
  t.match((err as InfraError).message, /uhubctl is not installed/);
});
