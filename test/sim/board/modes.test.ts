import t from 'tap';
import { online, startBoard } from './fixtures/board.js';

t.test('DFU mode: USB re-enumerates as DFU, LED blinks yellow, no trace output', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const m = rec.mark();
  board.enterMode('dfu');
  t.equal(board.usb, 'absent', 'the serial port vanishes at once');
  await rec.until('dfu', () => board.usb === 'dfu');
  t.same(rec.log.slice(m).filter((r) => r.t === 'usb').map((r) => (r as { v: string }).v), ['absent', 'dfu']);
  t.equal(board.led, 'blinking-yellow');
  t.equal(board.mode, 'dfu');
  t.same(rec.eventsSince(m), ['spark/status=offline'], 'the cloud sees the board go offline');
  t.equal(board.cloudConnected, false);
  const quiet = rec.mark();
  await board.clock.sleep(3000);
  t.same(rec.linesSince(quiet), [], 'a board in DFU prints nothing');
  board.dfuLeave();
  await online(rec, quiet);
  t.equal(board.mode, 'normal');
  t.equal(board.resetReason, 'dfu_mode');
  t.ok(rec.eventsSince(quiet).includes('spark/device/last_reset=dfu_mode'));
});

t.test('listening mode: blinking blue, logs suppressed, cloud dropped; leaving reconnects', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const m = rec.mark();
  board.enterMode('listening');
  t.equal(board.mode, 'listening');
  t.equal(board.led, 'blinking-blue');
  t.equal(board.usb, 'serial', 'the serial port stays (no reset)');
  t.same(rec.eventsSince(m), ['spark/status=offline']);
  await board.clock.sleep(3000);
  t.same(rec.linesSince(m), [], 'no log lines while listening');
  const back = rec.mark();
  board.enterMode('normal');
  await online(rec, back);
  t.equal(board.led, 'breathing-cyan');
  t.same(rec.eventsSince(back).slice(0, 1), ['spark/status=online'], 'no reset: no last_reset event');
  t.notOk(rec.eventsSince(back).some((e) => e.startsWith('spark/device/last_reset')));
});

t.test('safe mode on request: breathing magenta, safe-mode event, app not run; reset leaves it', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const m = rec.mark();
  board.enterMode('safe');
  await rec.untilEvent('spark/status/safe-mode', undefined, m);
  t.equal(board.mode, 'safe');
  t.equal(board.led, 'breathing-magenta');
  t.equal(board.runningAppHash(), undefined, 'no app runs in safe mode');
  t.notOk(rec.eventsSince(m).some((e) => e.startsWith('spark/device/app-hash')));
  const back = rec.mark();
  board.reset('user');
  await rec.untilEvent('spark/device/app-hash', undefined, back);
  t.equal(board.mode, 'normal', 'dependencies are met: a reset leaves safe mode');
});

t.test('resets: USB vanishes and returns, events name the reason', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const m = rec.mark();
  board.faults.reset();
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  t.same(rec.log.slice(m).filter((r) => r.t === 'usb').map((r) => (r as { v: string }).v), ['absent', 'serial']);
  t.same(rec.eventsSince(m).slice(0, 3), ['spark/status=offline', 'spark/status=online', 'spark/device/last_reset=pin_reset']);
  t.equal(board.resetReason, 'pin_reset');
});

t.test('power cut stops everything; power on boots with power_down', async (t) => {
  const { board, rec } = startBoard(t, { scale: 500 });
  await online(rec);
  board.faults.powerCut();
  t.equal(board.usb, 'absent');
  t.equal(board.led, 'off');
  const m = rec.mark();
  await board.clock.sleep(5000);
  t.same(rec.log.slice(m), [], 'a board without power emits nothing');
  board.powerOn();
  await rec.untilEvent('spark/device/last_reset', 'power_down', m);
  t.pass('booted again with reason power_down');
});

t.test('unplug: USB goes away but a board on its own supply keeps running', async (t) => {
  const { board, rec } = startBoard(t, { power: 'external' });
  await online(rec);
  board.faults.unplug();
  t.equal(board.usb, 'absent');
  t.equal(board.cloudConnected, true, 'the board still runs its app and its cloud session');
  const m = rec.mark();
  await rec.untilLine(/\[app\] INFO/, m);
  board.faults.replug();
  t.equal(board.usb, 'serial');
});
