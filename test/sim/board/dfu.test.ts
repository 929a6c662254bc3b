import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { PLATFORMS, userPartAddress } from '../../../src/core/platform.js';
import { online, startBoard } from './fixtures/board.js';
import type { SimulatedBoard } from '../../../src/sim/board/simulated-board.js';
import type { Recorder } from './fixtures/board.js';

const hashOf = (image: Buffer) => image.subarray(image.length - 38, image.length - 6).toString('hex');

async function inDfu(board: SimulatedBoard, rec: Recorder): Promise<void> {
  await online(rec);
  board.enterMode('dfu');
  await rec.until('DFU mode', () => board.usb === 'dfu');
}

/** What dfu-util does: erase the sectors, write in 2 KB blocks, leave. */
function flashByDfu(board: SimulatedBoard, address: number, image: Buffer): void {
  for (let a = address; a < address + image.length; a += 16 * 1024) board.dfuErase(0, a);
  for (let off = 0; off < image.length; off += 2048) {
    const r = board.dfuWrite(0, address + off, image.subarray(off, off + 2048));
    if (!r.ok) throw new Error(`write at ${address + off} failed: ${r.error}`);
  }
}

t.test('DFU write + leave: the board boots the new app', async (t) => {
  const { board, rec } = startBoard(t);
  await inDfu(board, rec);
  const image = makeTestApp({ platform: 'photon', version: 4, size: 10_000 });
  flashByDfu(board, 0x080a0000, image);
  t.same(board.dfuRead(0, 0x080a0000, image.length), image, 'the bytes read back are the bytes written');
  const m = rec.mark();
  board.dfuLeave();
  await rec.untilEvent('spark/device/app-hash', hashOf(image).toUpperCase(), m);
  t.equal(board.mode, 'normal');
  t.equal(board.runningAppHash(), hashOf(image));
});

t.test('DFU write of a P2 app that grows downwards is found at its start', async (t) => {
  const { board, rec } = startBoard(t, { platform: 'p2' });
  await inDfu(board, rec);
  const image = makeTestApp({ platform: 'p2', version: 9, size: 12_288 });
  const at = userPartAddress(PLATFORMS.p2, image.length);
  flashByDfu(board, at, image);
  board.dfuLeave();
  await rec.untilEvent('spark/device/app-hash', hashOf(image).toUpperCase());
  t.equal(board.runningAppHash(), hashOf(image));
});

t.test('an image for another platform written by DFU is found invalid at boot: safe mode', async (t) => {
  const { board, rec } = startBoard(t);
  await inDfu(board, rec);
  flashByDfu(board, 0x080a0000, makeTestApp({ platform: 'p1' }));
  const m = rec.mark();
  board.dfuLeave();
  await rec.untilEvent('spark/status/safe-mode', undefined, m);
  t.equal(board.mode, 'safe');
  t.match(board.bootDecision.reasons.join(), /platform/);
});

t.test('a corrupted image written by DFU fails its CRC at boot: safe mode', async (t) => {
  const { board, rec } = startBoard(t);
  await inDfu(board, rec);
  const image = makeTestApp({ platform: 'photon', version: 2 });
  image.writeUInt8(0x55, 200);
  flashByDfu(board, 0x080a0000, image);
  board.dfuLeave();
  await rec.untilEvent('spark/status/safe-mode');
  const user = board.slots().find((s) => s.func === 'u' && s.location === 'm');
  t.equal((user?.module?.vv ?? 0) & 2, 0, 'integrity bit not passed');
});

t.test('addresses outside flash and read-only sectors are refused', async (t) => {
  const { board, rec } = startBoard(t);
  t.same(board.dfuWrite(0, 0x080a0000, Buffer.alloc(4)), { ok: false, error: 'write' }, 'no DFU writes outside DFU mode');
  await inDfu(board, rec);
  t.same(board.dfuWrite(0, 0x09000000, Buffer.alloc(16)), { ok: false, error: 'address' }, 'beyond internal flash');
  t.same(board.dfuWrite(0, 0x080ffff8, Buffer.alloc(16)), { ok: false, error: 'address' }, 'running off the end');
  t.same(board.dfuErase(0, 0x07000000), { ok: false, error: 'address' });
  t.same(board.dfuWrite(0, 0x08000000, Buffer.alloc(16)), { ok: false, error: 'write' }, 'the bootloader sectors are read-only');
  t.same(board.dfuWrite(1, 0x0, Buffer.from('dct')), { ok: true }, 'alt 1 (DCT) takes writes');
  t.same(board.dfuRead(1, 0, 3), Buffer.from('dct'));
  t.same(board.dfuWrite(7, 0, Buffer.alloc(1)), { ok: false, error: 'address' }, 'no such alt');
});

t.test('erase clears the whole sector as DfuSe does', async (t) => {
  const { board, rec } = startBoard(t);
  await inDfu(board, rec);
  t.not(board.dfuRead(0, 0x080a0000, 4).readUInt32LE(0), 0xffffffff, 'the stock app is in flash');
  board.dfuErase(0, 0x080a0000);
  t.same(board.dfuRead(0, 0x080a0000, 64), Buffer.alloc(64, 0xff), 'erased to 0xFF');
  const m = rec.mark();
  board.dfuLeave();
  await rec.untilEvent('spark/status/safe-mode', undefined, m);
  t.match(board.bootDecision.reasons.join(), /no user part/, 'an erased user part leaves nothing to run');
});
