// The serial transport against the simulated bench: real PTYs opened with
// serialport, the same bytes a board's USB CDC port carries. Listening-mode
// commands and their parsed replies, the baud-rate mode requests, and serial
// (YMODEM) flashing with the board's verdicts.
import t, { type Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchSchema } from '../../src/bench/schema.js';
import { serialPortLocator } from '../../src/board/serial-port-finder.js';
import { type FlashProgress } from '../../src/core/board-contract.js';
import { FlashRejectedError, InfraError } from '../../src/core/errors.js';
import type { DeviceId } from '../../src/core/domain.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { startSimBench } from '../../src/sim/bench.js';
import type { SimulatedBoard } from '../../src/sim/board/simulated-board.js';
import { dfuByBaud, directSerialLine, enterSafeModeKey, flashOverSerial, leaveListening, listeningByBaud, readClaimed, readDeviceId, readMac, readSystemInfo, readVersion, type SerialLine } from '../../src/transport/serial.js';

interface BoardSpec { name: string; platform: string; id: string; sim?: Record<string, unknown> }
interface Bench { line(name: string): SerialLine; board(name: string): SimulatedBoard }

async function bench(t: Test, boards: BoardSpec[], timeScale = 20): Promise<Bench> {
  const runDir = await mkdtemp(join(tmpdir(), 'rig-serial-t-'));
  const sim = await startSimBench({ bench: BenchSchema.parse({ bench: 'serial-test', simulator: true, boards }), runDir, timeScale, onError: (e) => t.fail(e.message) });
  t.teardown(async () => {
    await sim.close();
    await rm(runDir, { recursive: true, force: true });
  });
  const entry = (name: string) => sim.boards.find((b) => b.name === name) ?? t.fail(`no board ${name}`);
  return {
    line: (name) => {
      const b = entry(name) as (typeof sim.boards)[number];
      return directSerialLine(name, serialPortLocator(b.id, { serial: b.serial }));
    },
    board: (name) => sim.handles[name] as SimulatedBoard,
  };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** SHA-256 of the user part in flash (in listening mode no app runs). */
const appInFlash = (board: SimulatedBoard): string | undefined => board.slots().find((s) => s.func === 'u' && s.location === 'm')?.module?.info.sha256;

const PHOTON = { name: 'photon-1', platform: 'photon', id: '3a002c000847343337373738' };
const ELECTRON = { name: 'electron-1', platform: 'electron', id: '2f0041000551353431383736' };
const ARGON = { name: 'argon-1', platform: 'argon', id: 'e00fce68a1b2c3d4e5f60718', sim: { deviceOs: '4.0.2' } };
const ARGON_6 = { name: 'argon-6', platform: 'argon', id: 'e00fce68a1b2c3d4e5f60799', sim: { deviceOs: '6.1.0' } };

t.test('listening-mode commands and their parsed replies, on every reply style', async (t) => {
  const b = await bench(t, [PHOTON, ELECTRON, ARGON]);
  for (const spec of [PHOTON, ELECTRON, ARGON]) {
    const board = b.board(spec.name);
    t.ok(await listeningByBaud(b.line(spec.name)), `${spec.name}: the 28800-baud request puts it in listening mode`);
    t.equal(board.mode, 'listening');
    const replies = await b.line(spec.name).use(async (port) => ({
      id: await readDeviceId(port, { timeoutMs: 2000 }),
      version: await readVersion(port, { timeoutMs: 2000 }),
      mac: await readMac(port, { timeoutMs: 2000 }),
      claimed: await readClaimed(port, { timeoutMs: 2000 }),
      info: await readSystemInfo(port, { timeoutMs: 2000 }),
    }));
    t.equal(replies.id, spec.id as DeviceId, `${spec.name}: i -> the device ID`);
    t.equal(replies.version, board.deviceOsVersion, `${spec.name}: v -> the Device OS version`);
    t.equal(replies.mac, board.macAddress.toLowerCase(), `${spec.name}: m -> the MAC address`);
    t.equal(replies.claimed, board.claimed, `${spec.name}: c -> claimed`);
    t.equal(replies.info.platformId, board.platform.id, `${spec.name}: s -> the platform ID`);
    const user = replies.info.modules.find((m) => m.func === 'user-part');
    t.equal(user?.hash, appInFlash(board), `${spec.name}: s -> the user part's SHA-256, lower-case`);
    t.match(user, { location: 'main', checks: { integrity: true, dependencies: true, range: true, platform: true } });
    t.ok(replies.info.modules.some((m) => m.func === 'system-part' && m.index === 1 && m.version > 0), 'system part 1 with its version');
    t.ok(replies.info.modules.every((m) => m.func !== 'unknown'), 'empty slots are left out');
    await b.line(spec.name).use((port) => leaveListening(port));
    await until(() => board.mode === 'normal', `${spec.name}: x leaves listening mode`);
  }
});

t.test('a command outside listening mode times out (the app got the key)', async (t) => {
  const b = await bench(t, [PHOTON]);
  await t.rejects(b.line('photon-1').use((port) => readDeviceId(port, { timeoutMs: 300 })), { name: 'TimeoutError', message: /the device ID \(reply to 'i'\) did not happen within 300 ms/ });
});

t.test('L from listening mode: the board resets into safe mode', async (t) => {
  const b = await bench(t, [PHOTON]);
  t.ok(await listeningByBaud(b.line('photon-1')));
  await b.line('photon-1').use((port) => enterSafeModeKey(port));
  await until(() => b.board('photon-1').mode === 'safe', 'safe mode');
});

t.test('14400 baud: the board resets into DFU mode and its serial port goes away', async (t) => {
  const b = await bench(t, [PHOTON]);
  t.ok(await dfuByBaud(b.line('photon-1')), 'the port vanished');
  await until(() => b.board('photon-1').usb === 'dfu', 'DFU mode on USB');
  const absent = await b.line('photon-1').use(async () => 'open', { timeoutMs: 200 }).catch((e: unknown) => e);
  t.ok(absent instanceof InfraError, 'a session cannot get a port while the board is in DFU mode');
  t.match((absent as InfraError).message, 'photon-1: no serial port within 200 ms');
});

t.test('Device OS 6.0+ ignores 28800 baud: the request reports it', async (t) => {
  const b = await bench(t, [ARGON_6]);
  t.equal(await listeningByBaud(b.line('argon-6'), { reactMs: 600 }), false);
  t.equal(b.board('argon-6').mode, 'normal');
});

t.test('serial flashing', async (t) => {
  t.test('from normal mode: 28800 trick, YMODEM, the board restarts into the new app', async (t) => {
    const b = await bench(t, [PHOTON]);
    const image = makeTestApp({ platform: 'photon', version: 11, size: 9000 });
    const progress: FlashProgress[] = [];
    const report = await flashOverSerial(b.line('photon-1'), image, { onProgress: (p) => progress.push(p) });
    t.equal(report.method, 'serial');
    t.ok(report.messages.includes('Downloaded file successfully!'), report.messages.join(' | '));
    t.ok(report.messages.includes('Size: 9000 bytes'));
    t.equal(progress.at(-1)?.percent, 100);
    t.ok(progress.every((p) => p.method === 'serial' && p.total === 9000));
    const board = b.board('photon-1');
    await until(() => board.mode === 'normal' && board.usb === 'serial' && board.runningAppHash() === parseModule(image).sha256, 'the new app running');
    t.equal(board.resetReason, 'update');
  });

  t.test('an image the board refuses: FlashRejectedError with its own words', async (t) => {
    const b = await bench(t, [PHOTON]);
    const before = appInFlash(b.board('photon-1'));
    const p1App = makeTestApp({ platform: 'p1', version: 3 });
    const err = await flashOverSerial(b.line('photon-1'), p1App).catch((e: unknown) => e);
    t.ok(err instanceof FlashRejectedError, String(err));
    t.equal((err as FlashRejectedError).method, 'serial');
    t.ok((err as FlashRejectedError).boardMessages.some((l) => /Validation failed/.test(l)), (err as FlashRejectedError).boardMessages.join(' | '));
    t.equal(appInFlash(b.board('photon-1')), before, 'the old app is still in flash');
  });

  t.test('Device OS 6.0+ in listening mode refuses serial flashing: FlashRejectedError', async (t) => {
    const b = await bench(t, [ARGON_6]);
    b.board('argon-6').enterMode('listening'); // set-up: a USB request would do this on a bench
    const err = await flashOverSerial(b.line('argon-6'), makeTestApp({ platform: 'argon', version: 2 })).catch((e: unknown) => e);
    t.ok(err instanceof FlashRejectedError, String(err));
    t.ok((err as FlashRejectedError).boardMessages.includes('Serial/YModem flashing is no longer supported'));
  });

  t.test('a board that does not enter listening mode: InfraError, nothing sent', async (t) => {
    const b = await bench(t, [ARGON_6]);
    const err = await flashOverSerial(b.line('argon-6'), makeTestApp({ platform: 'argon', version: 2 }), { listenMs: 500 }).catch((e: unknown) => e);
    t.ok(err instanceof InfraError, String(err));
    t.match((err as InfraError).message, 'did not enter listening mode within 500 ms');
    t.match((err as InfraError).fix, /Device OS 6\.0\+ ignores the 28800-baud trick/);
  });

  t.test('an abort mid-transfer cancels the session (CA CA); the board keeps its app', async (t) => {
    const b = await bench(t, [PHOTON]);
    const before = appInFlash(b.board('photon-1'));
    const ac = new AbortController();
    const image = makeTestApp({ platform: 'photon', version: 12, size: 60_000 });
    const err = await flashOverSerial(b.line('photon-1'), image, {
      signal: ac.signal,
      onProgress: (p) => { if ((p.percent ?? 0) >= 30) ac.abort(new Error('step cancelled')); },
    }).catch((e: unknown) => e);
    t.equal((err as Error).name, 'AbortError', String(err));
    t.equal(appInFlash(b.board('photon-1')), before, 'nothing was installed');
  });
});
