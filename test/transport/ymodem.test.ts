// The rig's YMODEM sender against a real simulated board: a serialport
// client on the board's PTY, the board's own receiver and install checks.
import type { Test } from 'tap';
import t from 'tap';
import { InfraError } from '../../src/core/errors.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import type { PlatformName } from '../../src/core/platform.js';
import type { SimulatedBoard } from '../../src/sim/board/simulated-board.js';
import { sendYmodem, YmodemAbortedError, YmodemLinkError, YmodemRejectedError, type YmodemProgress } from '../../src/transport/ymodem.js';
import { startSerialBench, until } from '../sim/serial/fixtures/bench.js';
import { openHost, openSettledHost, type Host } from '../sim/serial/fixtures/host.js';

/** A board put in listening mode by opening its port at 28800, the port left open for the transfer. */
async function listeningBoard(t: Test, platform: PlatformName, deviceOs?: string): Promise<{ board: SimulatedBoard; host: Host }> {
  const { board, path } = await startSerialBench(t, { platform, ...(deviceOs ? { deviceOs } : {}) });
  const host = await openSettledHost(path, 28800);
  t.teardown(() => host.close());
  await until(() => board.mode === 'listening', 3000, `${board.name} is listening`);
  return { board, host };
}

const userPartHash = (board: SimulatedBoard): string | undefined =>
  board.slots().find((s) => s.func === 'u' && s.location === 'm')?.module?.info.sha256;

t.test('flashes a test app over serial and the board runs it', async (t) => {
  const { board, host } = await listeningBoard(t, 'photon');
  // 4 full 1024-byte packets and a 100-byte tail that goes in one 128-byte packet.
  const image = makeTestApp({ platform: 'photon', version: 7, size: 4 * 1024 + 100 });
  const progress: YmodemProgress[] = [];
  const result = await sendYmodem(host.port, image, { onProgress: (p) => progress.push(p) });

  t.equal(result.ok, true);
  t.same(result.boardMessages, [
    "Waiting for the binary file to be sent ... (press 'a' to abort)",
    'Downloaded file successfully!',
    'Name: binary',
    `Size: ${image.length} bytes`,
    'Restarting system to apply firmware update...',
  ], "the board's own lines, verbatim");
  t.equal(result.packets, 5);
  t.equal(result.resends, 0);
  t.same(progress.map((p) => p.percent), [24, 48, 73, 97, 100], 'progress per packet');
  t.equal(progress.at(-1)?.bytes, image.length);

  t.same(await host.closed, { disconnected: true }, 'the board resets after the install');
  await until(() => board.mode === 'normal' && board.runningAppHash() !== undefined, 5000, 'the board runs an app again');
  t.equal(board.runningAppHash(), parseModule(image).sha256, 'the running app is the one sent');
  t.equal(board.resetReason, 'update');
});

t.test('a corrupted image is refused with the board\'s validation message', async (t) => {
  const { board, host } = await listeningBoard(t, 'argon');
  const before = userPartHash(board);
  const image = makeTestApp({ platform: 'argon', version: 3 });
  image[1000] = (image[1000] ?? 0) ^ 0xff; // the stored CRC no longer matches
  const err = await sendYmodem(host.port, image).catch((e: unknown) => e);
  t.type(err, YmodemRejectedError);
  t.notOk(err instanceof InfraError, 'a refusal is about the firmware, not the rig');
  const rejected = err as YmodemRejectedError;
  t.equal(rejected.reason, 'validation');
  t.match(rejected.boardMessages.at(-1), /^Validation failed: \d+$/);
  t.match(rejected.message, /Validation failed/);
  t.equal(board.mode, 'listening', 'the board stays in listening mode');
  t.equal(userPartHash(board), before, 'the old user part is still there');
});

t.test('an image bigger than the board can take is refused at the header', async (t) => {
  const { host } = await listeningBoard(t, 'photon');
  const image = makeTestApp({ platform: 'photon', size: 300 * 1024 });
  let packets = 0;
  const err = await sendYmodem(host.port, image, { onProgress: () => packets++ }).catch((e: unknown) => e);
  t.type(err, YmodemRejectedError);
  t.equal((err as YmodemRejectedError).reason, 'too-big');
  t.equal((err as YmodemRejectedError).boardMessages.at(-1), 'The file size is higher than the allowed space memory!');
  t.equal(packets, 0, 'no data packet was sent');
});

t.test('an abort from the rig cancels the transfer with CA CA', async (t) => {
  const { board, host } = await listeningBoard(t, 'photon');
  const before = userPartHash(board);
  const image = makeTestApp({ platform: 'photon', size: 32 * 1024 });
  const abort = new AbortController();
  const err = await sendYmodem(host.port, image, {
    signal: abort.signal,
    onProgress: (p) => p.percent >= 30 && abort.abort(new Error('step timeout')),
  }).catch((e: unknown) => e);
  t.type(err, YmodemAbortedError);
  t.notOk(err instanceof InfraError);
  await host.waitFor('Failed to receive the file!\r\n');
  t.pass('the board saw the cancel and says so');
  t.equal(board.mode, 'listening');
  t.equal(userPartHash(board), before, 'nothing was installed');
});

t.test('an unplug in the middle of the transfer is an infrastructure error', async (t) => {
  const { board, host } = await listeningBoard(t, 'boron');
  board.faults.armAt('serial', 40, 'unplug');
  const image = makeTestApp({ platform: 'boron', size: 32 * 1024 });
  let last = 0;
  const err = await sendYmodem(host.port, image, { onProgress: (p) => (last = p.percent) }).catch((e: unknown) => e);
  t.type(err, YmodemLinkError);
  t.type(err, InfraError, 'the rig lost its reach, the firmware is not at fault');
  t.equal((err as YmodemLinkError).phase, 'data');
  t.ok(last >= 37 && last < 100, `stopped near 40% (last progress ${last}%)`);
  t.equal(board.usb, 'absent');
});

t.test('Device OS 6.0 refuses: the sender reports it as unsupported', async (t) => {
  const { board, path } = await startSerialBench(t, { platform: 'p2', deviceOs: '6.0.0' });
  board.enterMode('listening');
  const host = await openSettledHost(path, 9600);
  t.teardown(() => host.close());
  const err = await sendYmodem(host.port, makeTestApp({ platform: 'p2' })).catch((e: unknown) => e);
  t.type(err, YmodemRejectedError);
  t.equal((err as YmodemRejectedError).reason, 'unsupported');
  t.same((err as YmodemRejectedError).boardMessages, ['Serial/YModem flashing is no longer supported']);
});

t.test('a board that never answers f: a handshake timeout, infrastructure', async (t) => {
  const { path } = await startSerialBench(t, { platform: 'photon' });
  const host = await openHost(path, 9600); // normal mode: `f` means nothing
  t.teardown(() => host.close());
  const err = await sendYmodem(host.port, makeTestApp({ platform: 'photon' }), { handshakeTimeoutMs: 300 }).catch((e: unknown) => e);
  t.type(err, YmodemLinkError);
  t.equal((err as YmodemLinkError).phase, 'handshake');
  t.match((err as Error).message, /no prompt and no 'C' within 300 ms/);
});
