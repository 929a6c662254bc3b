// Simulated boards follow the Device OS facts (particle-facts §3, §5, §7,
// §11; issue 10 point 8), seen the way a host sees a real board: the `s`
// listing on the serial port, a YMODEM install, the trace lines and events
// of an OTA.
import type { Test } from 'tap';
import t from 'tap';
import type { PlatformName } from '../../../src/core/platform.js';
import { makeTestApp } from '../../../src/firmware/make.js';
import { parseModule } from '../../../src/firmware/parse.js';
import { createSimBoard } from '../../../src/sim/board/create.js';
import { createClock } from '../../../src/sim/clock.js';
import type { SimulatedBoard } from '../../../src/sim/board/simulated-board.js';
import { sendYmodem, YmodemRejectedError } from '../../../src/transport/ymodem.js';
import { IDS, startSerialBench, until } from '../serial/fixtures/bench.js';
import { delay, openSettledHost, type Host } from '../serial/fixtures/host.js';
import { online, startBoard } from './fixtures/board.js';

/** A board in listening mode (its port opened at 28800), with the host left on the port. */
async function listening(t: Test, platform: PlatformName, deviceOs: string): Promise<{ board: SimulatedBoard; host: Host }> {
  const { board, path } = await startSerialBench(t, { platform, deviceOs });
  const host = await openSettledHost(path, 28800);
  t.teardown(() => host.close());
  await until(() => board.mode === 'listening', 3000, `${platform} on ${deviceOs} is listening`);
  return { board, host };
}

interface ModuleJson { f?: string; n?: string; l: string; s: number; v?: number }

/** The `s` reply: one line of JSON, as `particle serial inspect` reads it (a trace line printed just before listening may precede it). */
async function inspect(host: Host): Promise<ModuleJson[]> {
  const before = host.received().length;
  await host.write('s');
  const reply = /\{"p":.*\}\r\n/;
  await host.waitFor(reply, 3000, before);
  await delay(30);
  const line = reply.exec(host.received().subarray(before).toString('latin1'))?.[0] ?? '';
  return (JSON.parse(line) as { m: ModuleJson[] }).m;
}

/** The module of function `f` in its main location (every board here has an app in its user part). */
const main = (modules: ModuleJson[], f: string) => modules.find((m) => m.f === f && m.l === 'm');

t.test('module versions and the user slot, as `s` lists them, come from the release table', async (t) => {
  // [platform, release, system, bootloader, user slot]
  const cases: [PlatformName, string, number, number, number][] = [
    ['argon', '2.3.0', 2301, 1006, 128 * 1024],
    ['argon', '5.8.0', 5800, 2600, 256 * 1024],
    ['p2', '5.8.0', 5800, 2600, 1536 * 1024], // the P2's bootloader from the table too, not from a pattern
    ['xenon', '0.8.0-rc.27', 326, 215, 128 * 1024],
    ['photon', '0.8.0-rc.14', 312, 201, 128 * 1024],
  ];
  for (const [platform, release, system, bootloader, userSlot] of cases) {
    t.test(`${platform} on ${release}`, async (t) => {
      const { host } = await listening(t, platform, release);
      const modules = await inspect(host);
      t.equal(main(modules, 's')?.v, system, `system part 1 version ${system}`);
      t.equal(main(modules, 'b')?.v, bootloader, `bootloader version ${bootloader}`);
      t.equal(main(modules, 'u')?.s, userSlot, `user part slot of ${userSlot} bytes`);
    });
  }
});

t.test('a release the platform never ran, or no release at all, makes no board', async (t) => {
  const board = (platform: PlatformName, deviceOs: string) => () =>
    createSimBoard({ name: 'b', id: IDS[platform], platform, deviceOs, clock: createClock(20) });
  t.throws(board('photon', '5.8.0'), { name: 'TypeError', message: /^the Photon never ran Device OS 5\.8\.0/ });
  t.throws(board('xenon', '6.1.0'), /the Xenon never ran Device OS 6\.1\.0/);
  t.throws(board('p2', '1.5.2'), /the P2 never ran Device OS 1\.5\.2/);
  t.throws(board('argon', '0.8.0'), /Device OS 0\.8\.0 is not a release/, '0.8.0 itself was never released: no module version 800');
});

t.test('the Gen3 user slot follows the Device OS: 128 KB at 0x000D4000 before 3.1', async (t) => {
  // Both apps depend on 2.3.0's system part, so only their slot differs.
  const depends = [{ func: 'system-part' as const, index: 1, version: 2301 }];
  const old = makeTestApp({ platform: 'argon', version: 2, deviceOs: '2.3.0' });
  const wide = makeTestApp({ platform: 'argon', version: 3, deviceOs: '3.1.0', depends });
  t.equal(parseModule(old).startAddress, 0x000d4000);
  t.equal(parseModule(wide).startAddress, 0x000b4000);

  t.test('an Argon on 2.3.0 refuses the app made for the 3.1 slot, and takes the one made for its own', async (t) => {
    const { board, host } = await listening(t, 'argon', '2.3.0');
    const err = await sendYmodem(host.port, wide).catch((e: unknown) => e);
    t.type(err, YmodemRejectedError);
    t.equal((err as YmodemRejectedError).boardMessages.at(-1), 'Validation failed: 8', 'the address range check (bit 8) fails, nothing else');
    t.equal((await sendYmodem(host.port, old)).ok, true);
    await until(() => board.mode === 'normal' && board.runningAppHash() === parseModule(old).sha256, 5000, 'the 2.3.0 app runs');
  });

  t.test('an Argon on 4.0.2 still runs an app made for the old slot', async (t) => {
    const { board, host } = await listening(t, 'argon', '4.0.2');
    t.equal((await sendYmodem(host.port, old)).ok, true);
    await until(() => board.mode === 'normal' && board.runningAppHash() === parseModule(old).sha256, 5000, 'the 2.3.0 app runs on 4.0.2');
  });
});

t.test('OTA trace lines by Device OS: fast OTA in 1.x or 2.x words before 3.0, none of it from 3.0 (a Boron on 5.8.0)', async (t) => {
  // [platform, release, a lossy download's lines, a dead link's lines, lines it must not print]
  const cases: [PlatformName, string, RegExp[], RegExp[], RegExp][] = [
    ['electron', '1.5.2',
      [/ \[comm\] TRACE: update done - missing chunks starting at \d+$/, / \[comm\] TRACE: update done - all done!$/],
      [/ \[comm\] WARN: handle received message failed - aborting transfer$/],
      /\[comm\.ota\]/],
    ['electron', '2.3.0',
      [/ \[comm\.ota\] TRACE: Received UpdateDone; chunk count: \d+$/, / \[comm\.ota\] TRACE: Requested \d+ chunks starting at \d+$/,
        / \[comm\.ota\] INFO: Update done in \d+s; avg rate \d+ B\/s$/],
      [/ \[comm\.ota\] WARN: Aborting transfer$/],
      /update done|handle received message failed|UpdateStart/],
    ['boron', '5.8.0',
      [/ \[comm\.ota\] INFO: Received UpdateStart request$/, / \[comm\.ota\] INFO: Received UpdateFinish request$/],
      [/ \[comm\.ota\] ERROR: Transfer timeout$/],
      /update done|UpdateDone|missing chunks|[Aa]borting transfer/],
  ];
  for (const [platform, release, lossy, dead, never] of cases) {
    t.test(`${platform} on ${release}`, async (t) => {
      const { board, rec } = startBoard(t, { platform, deviceOs: release, scale: 2000, network: { loss: 0.05, bandwidth: 20_000 } });
      await rec.untilEvent('spark/device/app-hash');
      const image = makeTestApp({ platform, deviceOs: release, version: 5, size: 45_000 });
      let m = rec.mark();
      board.startOta(image);
      await rec.untilEvent('spark/device/last_reset', 'update', m, 10_000);
      let lines = rec.linesSince(m);
      for (const line of lossy) t.ok(lines.some((l) => line.test(l)), `a lossy download: ${line}`);
      t.same(lines.filter((l) => never.test(l)), [], 'none of another release\'s lines');

      // The link dies at 40% of the next download.
      board.on('otaProgress', (p) => {
        if (p.chunksReceived === 36) board.faults.setLink({ loss: 1 });
      });
      m = rec.mark();
      board.startOta(makeTestApp({ platform, deviceOs: release, version: 6, size: 45_000 }));
      await rec.untilEvent('spark/device/last_reset', 'update_timeout', m, 10_000);
      lines = rec.linesSince(m);
      for (const line of dead) t.ok(lines.some((l) => line.test(l)), `a dead link: ${line}`);
      t.same(lines.filter((l) => never.test(l)), [], 'none of another release\'s lines');
      t.notOk(rec.eventsSince(m).some((e) => e.startsWith('spark/device/ota_result')), 'no ota_result event (before 0.7 only)');
    });
  }
});

t.test('blocks-cloud-in-setup starves the cloud only where the system thread is off by default (before 6.2.0)', async (t) => {
  for (const [release, starves] of [['6.1.0', true], ['6.2.0', false]] as const) {
    t.test(`Argon on ${release}`, async (t) => {
      const blocking = makeTestApp({ platform: 'argon', deviceOs: release, behaviour: { blocksCloudInSetup: true } });
      const { board, rec } = startBoard(t, { platform: 'argon', deviceOs: release, app: blocking, scale: 1000 });
      await online(rec);
      await rec.untilEvent('spark/device/app-hash');
      const old = board.runningAppHash();
      const image = makeTestApp({ platform: 'argon', deviceOs: release, version: 2 });
      const m = rec.mark();
      board.startOta(image);
      await rec.untilEvent('spark/device/last_reset', undefined, m, 10_000);
      t.same(rec.eventsSince(m).find((e) => e.startsWith('spark/device/last_reset')),
        `spark/device/last_reset=${starves ? 'update_timeout' : 'update'}`, starves ? 'the stalled OTA times out' : 'the system thread serves the cloud: the OTA lands');
      await rec.untilEvent('spark/device/app-hash', undefined, m, 10_000);
      t.equal(board.runningAppHash() === old, starves, starves ? 'the old app runs' : 'the new app runs');
    });
  }
});
