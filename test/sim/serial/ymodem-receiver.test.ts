// The board's YMODEM receiver, byte by byte, through the real PTY: a host
// that speaks the protocol by hand, to reach the cases a correct sender never
// produces (bad complements, wrong sequence numbers, silence, zero CRCs).
import type { Test } from 'tap';
import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { parseModule } from '../../../src/firmware/parse.js';
import { ACK, CA, EOT, NAK, SMALL_BLOCK, buildPacket, headerPayload } from '../../../src/protocol/ymodem.js';
import type { SimulatedBoard } from '../../../src/sim/board/simulated-board.js';
import { startSerialBench, until } from './fixtures/bench.js';
import { openHost, type Host } from './fixtures/host.js';

const C = 0x43;

/** A Photon in listening mode that has printed its prompt and its first 'C' after `f`. */
async function receiving(t: Test, scale = 20, ymodemWaitWallMs?: number): Promise<{ board: SimulatedBoard; host: Host }> {
  const { board, path } = await startSerialBench(t, { platform: 'photon', scale, ...(ymodemWaitWallMs === undefined ? {} : { ymodemWaitWallMs }) });
  const host = await openHost(path, 28800);
  t.teardown(() => host.close());
  await until(() => board.mode === 'listening', 3000, 'listening');
  await host.write('f');
  await host.waitFor(/\(press 'a' to abort\)\r\nC$/);
  return { board, host };
}

/** Writes `bytes` and resolves with the next `n` bytes the board sends back. */
async function exchange(host: Host, bytes: Buffer, n = 1): Promise<number[]> {
  const from = host.received().length;
  await host.write(bytes);
  await host.waitFor(new RegExp(`^[\\s\\S]{${n}}`), 3000, from);
  return [...host.received().subarray(from, from + n)];
}

const header = (length: number): Buffer => buildPacket(0, headerPayload('binary', length), SMALL_BLOCK, 0);

t.test('answers the header with ACK then C, and data packets with ACK', async (t) => {
  const { host } = await receiving(t);
  t.same(await exchange(host, header(300), 2), [ACK, C]);
  t.same(await exchange(host, buildPacket(1, Buffer.alloc(128, 1), SMALL_BLOCK), 1), [ACK]);

  t.test('a bad seq complement is NAKed', async (t) => {
    const bad = buildPacket(2, Buffer.alloc(128, 2), SMALL_BLOCK);
    bad[2] = 0x00;
    t.same(await exchange(host, bad), [NAK]);
  });
  t.test('a wrong sequence number is NAKed', async (t) => {
    t.same(await exchange(host, buildPacket(5, Buffer.alloc(128, 2), SMALL_BLOCK)), [NAK]);
  });
  t.test('the CRC is not checked: zeros there are fine', async (t) => {
    const zeroCrc = buildPacket(2, Buffer.alloc(128, 2), SMALL_BLOCK);
    zeroCrc.fill(0, zeroCrc.length - 2);
    t.same(await exchange(host, zeroCrc), [ACK]);
  });
  t.test('CA CA from the host cancels: ACK, then "Failed to receive the file!"', async (t) => {
    const from = host.received().length;
    await host.write(Buffer.of(CA, CA));
    await host.waitFor('Failed to receive the file!\r\n', 3000, from);
    t.equal(host.received().subarray(from).toString('latin1'), '\x06Failed to receive the file!\r\n');
  });
});

t.test('EOT is ACKed and the empty header ends the session; the image is installed', async (t) => {
  const { board, host } = await receiving(t);
  const image = makeTestApp({ platform: 'photon', version: 9, size: 1000 });
  t.same(await exchange(host, header(image.length), 2), [ACK, C]);
  t.same(await exchange(host, buildPacket(1, image, 1024), 1), [ACK], 'one 1024-byte packet, padded');
  t.same(await exchange(host, Buffer.of(EOT), 2), [ACK, C]);
  const from = host.received().length;
  await host.write(buildPacket(0, Buffer.alloc(0), SMALL_BLOCK, 0));
  await host.waitFor('Restarting system to apply firmware update...\r\n', 3000, from);
  t.equal(
    host.received().subarray(from).toString('latin1'),
    '\x06\r\nDownloaded file successfully!\r\nName: binary\r\nSize: 1000 bytes\r\nRestarting system to apply firmware update...\r\n',
    'the padding is cut at the length the header announced',
  );
  await until(() => board.runningAppHash() === parseModule(image).sha256, 5000, 'the new app runs');
  t.equal(board.resetReason, 'update');
});

t.test('silence after the header: C every 5 s of board time, then give up after more than 5 errors', async (t) => {
  // 5 s of board time is 25 ms at scale 200 (with the wall-time floor off): six waits take a fraction of a second.
  const { board, host } = await receiving(t, 200, 0);
  const from = host.received().length;
  await host.write(header(5000));
  await host.waitFor('Failed to receive the file!\r\n', 5000, from);
  // Before the header the board may have asked again ('C's, no error counted).
  t.match(
    host.received().subarray(from).toString('latin1'),
    /^C*\x06C(CCCCCC)\x18\x18Failed to receive the file!\r\n$/,
    "ACK and C for the header, a 'C' per timeout, and the sixth error ends it with CA CA",
  );
  t.equal(board.mode, 'listening');
});

t.test('the packet wait is never shorter than a real board\'s 5 s of wall time, however fast the board clock', async (t) => {
  // At x200 5 s of board time is 25 ms: a host 1.2 s late between packets
  // (a loaded bench computer) would have seen "Failed to receive the file!".
  const { host } = await receiving(t, 200);
  t.same(await exchange(host, header(300), 2), [ACK, C]);
  const from = host.received().length;
  await new Promise((r) => setTimeout(r, 1200));
  t.equal(host.received().subarray(from).toString('latin1'), '', "no 'C' asked again, no error counted");
  t.same(await exchange(host, buildPacket(1, Buffer.alloc(128, 1), SMALL_BLOCK), 1), [ACK], 'the late packet is taken');
});

t.test('an empty header before any file ends the session without an install', async (t) => {
  const { host } = await receiving(t);
  const from = host.received().length;
  await host.write(buildPacket(0, Buffer.alloc(0), SMALL_BLOCK, 0));
  await host.waitFor('Failed to receive the file!\r\n', 3000, from);
  t.equal(host.received().subarray(from).toString('latin1'), '\x06Failed to receive the file!\r\n');
});
