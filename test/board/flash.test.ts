// The Board flashes every way a product ships, on the simulated bench with
// real dfu-util, a real PTY and YMODEM, particle-api-js against the local
// cloud and particle-usb on the socket bus; each flash is proven by the hash
// of the app the board then runs, never by the tool saying "done".
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FirmwareImage } from '../../src/core/board-contract.js';
import { FlashRejectedError, UnsupportedError, InputError } from '../../src/core/errors.js';
import type { PlatformName } from '../../src/core/platform.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { TOKEN, startBoardBench } from './fixtures/sim-bench.js';

function firmware(platform: PlatformName, version: number, o: { size?: number; depends?: number } = {}): FirmwareImage {
  const image = makeTestApp({ platform, version, size: o.size, ...(o.depends ? { depends: [{ func: 'system-part', index: 1, version: o.depends }] } : {}) });
  return { name: `v${version}`, image, info: parseModule(image), source: 'make' };
}

t.test('every way, proven by the running app', async (t) => {
  const bench = await startBoardBench(t);
  const photon = bench.board('photon-1');
  const argon = bench.board('argon-1');

  t.test('DFU: dfu-util writes, the board comes back and runs it', async (t) => {
    const fw = firmware('photon', 11);
    const progress: number[] = [];
    const report = await photon.flash(fw, 'dfu', { onProgress: (p) => progress.push(p.percent ?? -1) });
    t.equal(report.method, 'dfu');
    t.ok(report.messages.some((m) => /File downloaded successfully|Download done/.test(m)), 'dfu-util said so');
    t.equal(report.messages.at(-1), 'board back in normal mode');
    t.ok(progress.length > 0, 'progress was reported');
    const app = await photon.runningApp();
    t.equal(app.hash, fw.info.sha256, `running ${app.source}: the app sent`);
    t.equal(bench.sim.handles['photon-1']?.runningAppHash(), fw.info.sha256);
  });

  t.test('serial: YMODEM in listening mode, the board applies it and resets', async (t) => {
    const fw = firmware('photon', 12);
    const from = photon.events?.events().length ?? 0;
    const report = await photon.flash(fw, 'serial');
    t.equal(report.method, 'serial');
    t.ok(report.messages.some((m) => /Downloaded file successfully/.test(m)), 'the board said so');
    t.equal((await photon.runningApp()).hash, fw.info.sha256);
    // The board is back on USB before the cloud has relayed its reset reason: wait for that event.
    t.ok(await photon.events?.waitFor('spark/device/last_reset', { fromSeq: from, withinMs: 5000, data: /^update$/ }), 'the cloud hears of the update reset');
    t.equal(photon.lastResetReason(), 'update');
  });

  t.test('OTA: the cloud takes it; the events and the app hash show it ran', async (t) => {
    const fw = firmware('photon', 13);
    const from = photon.events?.events().length ?? 0;
    const report = await photon.flash(fw, 'ota');
    t.same(report.messages, ['cloud: HTTP 200: Update started']);
    // The previous flash's reboot may still publish its own app-hash after `from`: wait for this app's.
    const hash = await photon.events?.waitFor('spark/device/app-hash', { fromSeq: from, withinMs: 5000, data: new RegExp(`^${fw.info.sha256}$`, 'i') });
    t.equal(hash?.data.toLowerCase(), fw.info.sha256, 'the cloud reports the new app (upper-case on the wire)');
    let app = await photon.runningApp();
    for (let i = 0; i < 100 && app.hash !== fw.info.sha256; i++) app = await photon.runningApp();
    t.equal(app.hash, fw.info.sha256, `and the board runs it (read from ${app.source})`);
    const file = readFileSync(join(bench.artifacts, 'photon-1', 'events.ndjson'), 'utf8');
    t.match(file, /"name":"spark\/flash\/status","data":"success "/);
    t.notOk(file.includes(TOKEN), 'the token is not in events.ndjson');
  });

  t.test('USB: particle-usb updateFirmware over control requests', async (t) => {
    const fw = firmware('argon', 14, { depends: 5600 });
    const seen: number[] = [];
    const report = await argon.flash(fw, 'usb', { onProgress: (p) => seen.push(p.percent ?? -1) });
    t.equal(report.method, 'usb');
    t.equal(seen.at(-1), 100);
    t.same(await argon.runningApp(), { hash: fw.info.sha256, source: 'usb', mode: 'normal', boot: argon.boots.current }, 'Device OS 5.6 says the hash over USB');
  });

  t.test('DFU on Gen3, proven over USB', async (t) => {
    const fw = firmware('argon', 15, { depends: 5600 });
    await argon.flash(fw, 'dfu');
    t.same(await argon.runningApp(), { hash: fw.info.sha256, source: 'usb', mode: 'normal', boot: argon.boots.current });
  });

  t.test('an image for another platform is refused before anything is sent', async (t) => {
    const before = bench.sim.handles['photon-1']?.runningAppHash();
    for (const via of ['dfu', 'serial', 'ota', 'usb'] as const) {
      const err = await photon.flash(firmware('argon', 16), via).catch((e: unknown) => e);
      t.type(err, InputError, via);
      t.match((err as InputError).message, /built for argon \(12\), board is photon \(6\)/);
    }
    t.equal(await photon.presence(), 'normal', 'the board was not touched');
    t.equal(bench.sim.handles['photon-1']?.runningAppHash(), before);
  });
});

t.test('a board that refuses the image: FlashRejectedError in its words, and it keeps its app', async (t) => {
  // Device OS 6 refuses serial (YMODEM) installs; USB puts it in listening mode, where 28800 baud no longer would.
  const bench = await startBoardBench(t, { boards: [{ name: 'argon-6', platform: 'argon', id: 'e00fce68a1b2c3d4e5f60719', sim: { deviceOs: '6.1.0' } }] });
  const argon = bench.board('argon-6');
  const running = bench.sim.handles['argon-6']?.runningAppHash();
  const err = await argon.flash(firmware('argon', 17, { depends: 6100 }), 'serial').catch((e: unknown) => e);
  t.type(err, FlashRejectedError);
  t.equal((err as FlashRejectedError).method, 'serial');
  t.match((err as FlashRejectedError).boardMessages.join('\n'), /no longer supported/);
  t.equal(await argon.presence(), 'normal', 'out of listening mode again');
  t.equal(bench.sim.handles['argon-6']?.runningAppHash(), running);
});

t.test('without a cloud', async (t) => {
  const bench = await startBoardBench(t, { without: ['cloud'], boards: [{ name: 'photon-1', platform: 'photon', id: '3a002c000847343337373738', sim: { deviceOs: '1.5.2' } }] });
  const photon = bench.board('photon-1');
  t.equal(photon.events, undefined);

  t.test('OTA is a SKIP with the reason', async (t) => {
    const err = await photon.flash(firmware('photon', 20), 'ota').catch((e: unknown) => e);
    t.type(err, UnsupportedError);
    t.match((err as UnsupportedError).reason, /OTA needs a cloud/);
  });

  t.test('the running app is read with `s` in listening mode when USB does not say it', async (t) => {
    const fw = firmware('photon', 21);
    await photon.flash(fw, 'dfu');
    t.same(await photon.runningApp(), { hash: fw.info.sha256, source: 'serial', mode: 'normal', boot: photon.boots.current });
    t.equal(await photon.presence(), 'normal', 'and the board is back in normal mode');
    t.equal(photon.lastResetReason(), undefined, 'no cloud, no reset reason');
  });
});
