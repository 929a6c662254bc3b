import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { online, startBoard } from './fixtures/board.js';

t.test('power cut armed at 40% of an OTA: the board dies mid-transfer, boots the old app', async (t) => {
  const { board, rec } = startBoard(t, { network: { bandwidth: 8000 } });
  await online(rec);
  const old = board.runningAppHash();
  board.faults.armAt('ota', 40, 'power-cut');
  const m = rec.mark();
  board.startOta(makeTestApp({ platform: 'photon', version: 2, size: 30_000 }));
  await rec.until('power cut', () => board.usb === 'absent' && board.led === 'off');
  const progress = rec.log.slice(m).filter((r) => r.t === 'ota');
  const last = progress.at(-1);
  t.ok(last && last.t === 'ota' && last.received / last.total >= 0.4 && last.received / last.total < 0.7,
    `cut at ${last?.t === 'ota' ? last.received : '?'} of ${last?.t === 'ota' ? last.total : '?'} chunks`);
  t.notOk(rec.eventsSince(m).some((e) => e.startsWith('spark/flash/status=success')), 'no success');
  const after = rec.mark();
  await board.clock.sleep(60_000);
  t.same(rec.log.slice(after), [], 'nothing happens while the power is off (no transfer timers left)');
  board.powerOn();
  await rec.untilEvent('spark/device/app-hash', undefined, after);
  t.equal(board.resetReason, 'power_down');
  t.equal(board.runningAppHash(), old);
});

t.test('reset armed at 50% of a DFU download fires when the endpoint reports progress', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  board.enterMode('dfu');
  await rec.until('dfu', () => board.usb === 'dfu');
  board.faults.armAt('dfu', 50, 'reset');
  const image = makeTestApp({ platform: 'photon', version: 2, size: 8192 });
  board.dfuErase(0, 0x080a0000);
  const m = rec.mark();
  let written = 0;
  for (let off = 0; off < image.length && board.usb === 'dfu'; off += 1024) {
    board.dfuWrite(0, 0x080a0000 + off, image.subarray(off, off + 1024));
    written = off + 1024;
    board.transferProgress('dfu', (written / image.length) * 100);
  }
  t.equal(written, 4096, 'the reset came at 50%');
  await rec.untilEvent('spark/status/safe-mode', undefined, m);
  t.equal(board.resetReason, 'pin_reset');
  t.match(board.bootDecision.reasons.join(), /CRC/, 'the half-written app fails its integrity check');
});

t.test('unplug armed during a serial transfer: USB vanishes, a board on its own supply keeps running', async (t) => {
  const { board, rec } = startBoard(t, { power: 'external' });
  await online(rec);
  board.faults.armAt('serial', 10, 'unplug');
  board.transferProgress('serial', 5);
  t.equal(board.usb, 'serial', 'not yet at 5%');
  board.transferProgress('serial', 12);
  t.equal(board.usb, 'absent');
  t.equal(board.cloudConnected, true);
  board.faults.replug();
  board.transferProgress('serial', 50);
  t.equal(board.usb, 'serial', 'an armed fault fires once');
  t.throws(() => board.faults.armAt('ota', 140, 'reset'), /percentage between 0 and 100/);
});

t.test('unplugging a USB-powered board cuts its power; plugging it back boots it', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  board.faults.unplug();
  t.equal(board.usb, 'absent');
  t.equal(board.led, 'off', 'no power');
  t.equal(board.cloudConnected, false);
  board.faults.replug();
  await rec.until('back on USB', () => board.usb === 'serial');
  t.equal(board.resetReason, 'power_down');
});

t.test('link down drops the cloud session after keep-alive; link up reconnects', async (t) => {
  const { board, rec } = startBoard(t, { scale: 1000 });
  await online(rec);
  const m = rec.mark();
  board.faults.setLink({ up: false });
  await rec.until('offline', () => !board.cloudConnected);
  t.ok(rec.eventsSince(m).includes('spark/status=offline'));
  t.equal(board.led, 'blinking-green', 'looking for the network');
  const back = rec.mark();
  board.faults.setLink({ up: true });
  await online(rec, back);
  t.equal(board.led, 'breathing-cyan');
  t.throws(() => board.faults.setLink({ loss: 2 }), /probability between 0 and 1/);
});

t.test('a crashing app: red SOS, then a reset with reason panic, hard_fault', async (t) => {
  const app = makeTestApp({ platform: 'photon', behaviour: { crash: { kind: 'hard_fault', afterMs: 8000 } } });
  const { board, rec } = startBoard(t, { app });
  await rec.until('SOS', () => board.led === 'red-sos');
  t.ok(rec.lines().some((l) => /\[system\] PANIC: HardFault$/.test(l)));
  await rec.untilEvent('spark/device/last_reset', 'panic, hard_fault');
  t.pass('the cloud hears why the board reset');
});

t.test('fillFs sets the file system level', async (t) => {
  const { board } = startBoard(t);
  board.faults.fillFs(97);
  t.equal(board.fs.usedPercent, 97);
  t.notOk(board.fs.full);
  board.faults.fillFs(100);
  t.ok(board.fs.full);
  t.throws(() => board.faults.fillFs(101), /between 0 and 100/);
});
