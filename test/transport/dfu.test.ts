// dfu-util through the rig's DFU transport against the simulated bench: real
// dfu-util 0.11 reaching the simulated USB bus through the preloaded libusb
// stand-in, exactly the command line the rig runs on a real bench.
import t, { type Test } from 'tap';
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchSchema } from '../../src/bench/schema.js';
import type { DfuAccess } from '../../src/transport/dfu.js';
import { type FlashProgress } from '../../src/core/board-contract.js';
import { FlashRejectedError, InfraError } from '../../src/core/errors.js';
import type { DeviceId } from '../../src/core/domain.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { PLATFORMS, type PlatformName } from '../../src/core/platform.js';
import { startSimBench, type RunningSimBench } from '../../src/sim/bench.js';
import type { SimulatedBoard } from '../../src/sim/board/simulated-board.js';
import { flashDfu, listDfuDevices } from '../../src/transport/dfu.js';

// IDs of their own, so a search for this test's dfu-util processes finds no one else's.
const IDS: Partial<Record<PlatformName, DeviceId>> = {
  photon: '3a002c0008473433373dfa01' as DeviceId,
  argon: 'e00fce68f15c8c1e5ddfa002' as DeviceId,
  p2: '0a10aced2021949440dfa003' as DeviceId,
};

async function bench(t: Test, platforms: PlatformName[], timeScale = 50): Promise<{ sim: RunningSimBench; access: DfuAccess; handle: (p: PlatformName) => SimulatedBoard }> {
  const runDir = await mkdtemp(join(tmpdir(), 'rig-dfu-t-'));
  const spec = BenchSchema.parse({ bench: 'dfu-test', simulator: true, boards: platforms.map((p) => ({ name: `${p}-1`, platform: p, id: IDS[p] })) });
  const sim = await startSimBench({ bench: spec, runDir, timeScale, onError: (e) => t.fail(e.message) });
  t.teardown(async () => {
    await sim.close();
    await rm(runDir, { recursive: true, force: true });
  });
  const handle = (p: PlatformName): SimulatedBoard => sim.handles[`${p}-1`] as SimulatedBoard;
  return { sim, access: { usb: { kind: 'socket', socket: sim.usb.socket } }, handle };
}

/** Polls until `check` holds; rejects naming `what` after `ms`. */
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function intoDfu(board: SimulatedBoard): Promise<void> {
  board.enterMode('dfu');
  await until(() => board.usb === 'dfu', `${board.name} in DFU mode on USB`);
}

const imageOf = (platform: PlatformName, o: { version: number; size?: number }) => {
  const image = makeTestApp({ platform, version: o.version, size: o.size });
  return { image, info: parseModule(image) };
};

t.test('dfu-util -l through the bench bus: the board in DFU mode, with platform and device ID', async (t) => {
  const { access, handle } = await bench(t, ['photon', 'argon']);
  t.same(await listDfuDevices(access), [], 'no board in DFU mode: nothing listed');
  await intoDfu(handle('argon'));
  const list = await listDfuDevices(access);
  t.same(list.map((d) => d.alt).sort(), [0, 1, 2], 'the Argon\'s three alt settings (dfu-util lists them in any order)');
  t.ok(list.every((d) => d.deviceId === IDS.argon && d.platform?.name === 'argon' && d.productId === 0xd00c));
});

t.test('a test app flashed by DFU: progress to 100%, the board leaves DFU and runs it', async (t) => {
  const { access, handle } = await bench(t, ['photon', 'p2']);
  for (const platform of ['photon', 'p2'] as const) {
    const board = handle(platform);
    await intoDfu(board);
    const fw = imageOf(platform, { version: 42, size: 20_000 });
    const progress: FlashProgress[] = [];
    const report = await flashDfu(access, { deviceId: board.id, platform: PLATFORMS[platform] }, fw, { onProgress: (p) => progress.push(p) });
    t.equal(report.method, 'dfu');
    t.ok(report.messages.includes('File downloaded successfully'), `${platform}: dfu-util's confirmation kept`);
    t.ok(report.messages.some((m) => m.includes(`address = 0x${fw.info.startAddress.toString(16).padStart(8, '0')}`)), `${platform}: written at the module's own start address`);
    t.equal(progress.at(-1)?.percent, 100, `${platform}: progress reaches 100%`);
    t.ok(progress.every((p, i) => p.method === 'dfu' && p.total === fw.image.length && (i === 0 || (p.percent ?? -1) > (progress[i - 1]?.percent ?? -1))), 'progress only goes up');
    await until(() => board.mode === 'normal' && board.usb === 'serial', `${platform} back in normal mode`);
    t.equal(board.runningAppHash(), fw.info.sha256, `${platform} runs the app that was sent`);
  }
});

t.test('an image the board\'s memory map cannot take is a FlashRejectedError; the board stays in DFU', async (t) => {
  const { access, handle } = await bench(t, ['photon']);
  const board = handle('photon');
  await intoDfu(board);
  const argonApp = imageOf('argon', { version: 3 }); // built with 1.1.0, so at 0x000d4000: not Photon flash
  const err = await flashDfu(access, { deviceId: board.id, platform: PLATFORMS.photon }, argonApp).catch((e: unknown) => e);
  t.ok(err instanceof FlashRejectedError, String(err));
  t.match((err as FlashRejectedError).message, /memory map has no room for the image: Last page at 0x000d4fff is not writeable/);
  t.equal(board.mode, 'dfu');
});

t.test('the image\'s temporary file is gone after a flash, written or refused', async (t) => {
  const { access, handle } = await bench(t, ['photon']);
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = t.testdir({});
  t.teardown(() => void (tmp === undefined ? delete process.env.TMPDIR : (process.env.TMPDIR = tmp)));
  const board = handle('photon');
  const target = { deviceId: board.id, platform: PLATFORMS.photon };
  await intoDfu(board);
  await t.rejects(flashDfu(access, target, imageOf('argon', { version: 3 })), FlashRejectedError, 'refused');
  t.same(readdirSync(process.env.TMPDIR), [], 'nothing left after a refusal');
  const fw = imageOf('photon', { version: 43 });
  let during: string[] = [];
  await flashDfu(access, target, fw, { onProgress: () => void (during = during.length ? during : readdirSync(process.env.TMPDIR as string)) });
  t.match(during, [/^rig-dfu-/], 'while dfu-util ran, the image was in a folder of its own there');
  t.same(readdirSync(process.env.TMPDIR), [], 'nothing left after a write');
  await until(() => board.mode === 'normal' && board.usb === 'serial', 'photon back in normal mode');
  t.equal(board.runningAppHash(), fw.info.sha256, 'and the board runs what the file held');
});

t.test('no board in DFU mode: InfraError telling to put it in DFU mode', async (t) => {
  const { access, handle } = await bench(t, ['photon']);
  const board = handle('photon');
  const err = await flashDfu(access, { deviceId: board.id, platform: PLATFORMS.photon }, imageOf('photon', { version: 2 })).catch((e: unknown) => e);
  t.ok(err instanceof InfraError, String(err));
  t.match((err as InfraError).message, `no DFU device 2b04:d006 with serial ${board.id}`);
  t.equal((err as InfraError).fix, 'put the board in DFU mode / check the cable');
  t.equal(board.mode, 'normal', 'the board in normal mode was not touched');
});

t.test('dfu-util missing from PATH: InfraError saying how to install it', async (t) => {
  const path = process.env.PATH;
  process.env.PATH = t.testdir({});
  t.teardown(() => void (process.env.PATH = path));
  const fw = imageOf('photon', { version: 2 });
  const err = await flashDfu({ usb: { kind: 'native' } }, { deviceId: IDS.photon as DeviceId, platform: PLATFORMS.photon }, fw).catch((e: unknown) => e);
  t.ok(err instanceof InfraError, String(err));
  t.match((err as InfraError).message, "dfu-util is not installed (no program 'dfu-util' on PATH)");
  t.match((err as InfraError).fix, /apt-get install dfu-util/);
  await t.rejects(listDfuDevices({ usb: { kind: 'native' } }), { name: 'InfraError', message: /dfu-util is not installed/ });
});

/** dfu-util processes working on this board, by the -S argument the rig gives them. */
async function dfuUtilsFor(id: string): Promise<string[]> {
  const ps = await execa('ps', ['-eo', 'pid=,args='], { reject: false });
  return ps.stdout.split('\n').filter((l) => /\bdfu-util\b/.test(l) && l.includes(id));
}

t.test('a slow flash: an abort kills dfu-util at once, and so does the timeout', async (t) => {
  // At time scale 1 erasing and writing 120 KB takes over a second of wall time.
  const { access, handle } = await bench(t, ['photon'], 1);
  const board = handle('photon');
  const fw = imageOf('photon', { version: 9, size: 120_000 });
  const target = { deviceId: board.id, platform: PLATFORMS.photon };

  await intoDfu(board);
  const ac = new AbortController();
  let running: string[] = [];
  const flashing = flashDfu(access, target, fw, {
    signal: ac.signal,
    onProgress: () => {
      if (ac.signal.aborted) return;
      void dfuUtilsFor(board.id).then((p) => {
        running = p;
        ac.abort(new Error('step cancelled'));
      });
    },
  });
  await t.rejects(flashing, { message: 'step cancelled' }, 'the abort reason comes back');
  t.equal(running.length, 1, 'dfu-util was running when the abort came');
  t.same(await dfuUtilsFor(board.id), [], 'and it is gone now');

  await until(() => board.usb === 'dfu', 'the board still in DFU mode');
  // A dfu-util killed mid-erase leaves the bootloader mid-request: start the timeout case from a fresh DFU entry.
  board.faults.reset();
  await until(() => board.usb === 'serial', 'the board back in normal mode');
  await intoDfu(board);
  const started = Date.now();
  const err = await flashDfu(access, target, fw, { timeoutMs: 300 }).catch((e: unknown) => e);
  t.ok(err instanceof InfraError, String(err));
  t.match((err as InfraError).message, 'dfu-util did not finish within 300 ms and was killed');
  t.ok(Date.now() - started < 3000, 'it did not wait for the flash to end');
  t.same(await dfuUtilsFor(board.id), [], 'no dfu-util left behind');
});
