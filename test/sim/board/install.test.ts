import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { online, startBoard } from './fixtures/board.js';

const hashOf = (image: Buffer) => image.subarray(image.length - 38, image.length - 6).toString('hex');

t.test('a valid image over serial: accepted, reset with reason update, new app runs', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const image = makeTestApp({ platform: 'photon', version: 3 });
  const m = rec.mark();
  const r = board.installImage(image, 'serial');
  t.match(r, { ok: true, info: { version: 3, func: 'userPart' } });
  t.equal(board.usb, 'serial', 'the port stays for the closing lines; the reset comes a moment later');
  await rec.untilEvent('spark/device/app-hash', hashOf(image).toUpperCase(), m);
  t.equal(board.resetReason, 'update');
  t.same(rec.log.slice(m).filter((r) => r.t === 'usb').map((r) => (r as { v: string }).v), ['absent', 'serial']);
});

t.test('after a serial install the reset waits at least 1 s of wall time, however fast the board clock', async (t) => {
  // 200 board ms is 1 ms at x200: the host would have no time to read the
  // board's verdict before the reset takes its port away (issue 11).
  const { board, rec } = startBoard(t, { scale: 200 });
  await online(rec);
  const started = Date.now();
  t.match(board.installImage(makeTestApp({ platform: 'photon', version: 5 }), 'serial'), { ok: true });
  await new Promise((r) => setTimeout(r, 800));
  t.equal(board.usb, 'serial', 'still on its port 800 ms later');
  const m = rec.mark();
  await rec.untilEvent('spark/device/last_reset', 'update', m);
  t.ok(Date.now() - started >= 1000, `reset after ${Date.now() - started} ms`);
});

t.test('invalid images are refused with the board messages and change nothing', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const old = board.runningAppHash();
  const corrupt = makeTestApp({ platform: 'photon' });
  corrupt.writeUInt8(corrupt.readUInt8(64) ^ 1, 64);
  t.same(board.installImage(corrupt, 'serial'), { ok: false, code: 2, message: 'Validation failed: 2' }, 'CRC: integrity');
  const wrong = board.installImage(makeTestApp({ platform: 'electron' }), 'usb');
  t.match(wrong, { ok: false, message: /^Validation failed: \d+$/ });
  t.ok(!wrong.ok && (wrong.code & 16) !== 0, 'the platform bit is among the failures');
  t.same(board.installImage(Buffer.from('not firmware at all, just text'), 'serial'), { ok: false, code: 2, message: 'Validation failed: 2' });
  t.same(board.installImage(makeTestApp({ platform: 'photon', size: 200_000 }), 'serial'),
    { ok: false, code: 8, message: 'The file size is higher than the allowed space memory!' });
  await board.clock.sleep(1000);
  t.equal(board.runningAppHash(), old, 'the old app still runs');
  t.equal(board.resetReason, 'power_down', 'no reset happened');
});

t.test('a user part whose dependency is unmet is refused before it is applied, and the old app runs (seed 002)', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const old = board.runningAppHash();
  const needy = makeTestApp({ platform: 'photon', depends: [{ func: 'system-part', index: 1, version: 3000 }] });
  t.same(board.installImage(needy, 'serial'), { ok: false, code: 4, message: 'Validation failed: 4' }, 'the dependency bit failed');
  await board.clock.sleep(1000);
  t.equal(board.mode, 'normal', 'no safe mode: nothing was installed');
  t.equal(board.runningAppHash(), old);
});

t.test('Device OS 6.0+ refuses serial flashing but still takes USB updates', async (t) => {
  const { board, rec } = startBoard(t, { platform: 'argon', deviceOs: '6.1.0' });
  await online(rec);
  const image = makeTestApp({ platform: 'argon', version: 2 });
  t.same(board.installImage(image, 'serial'), { ok: false, code: 0, message: 'Serial/YModem flashing is no longer supported' });
  t.match(board.installImage(image, 'usb'), { ok: true });
});
