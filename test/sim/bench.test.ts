// startSimBench from the built-in rig/sim.yaml: every way a board is reached
// (PTY, USB bus through real dfu-util, cloud, bench control) is live, and
// close() leaves nothing behind.
import t from 'tap';
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { execa } from 'execa';
import { SerialPort } from 'serialport';
import { post, ROOT, startBench, shortRunDir, SIM_YAML, until } from './control/fixtures.js';
import { join } from 'node:path';
import { startSimBench } from '../../src/sim/bench.js';
import { InputError } from '../../src/core/errors.js';
import { loadBench } from '../../src/bench/loader.js';
import { openHost } from './serial/fixtures/host.js';

/** A board's PTY path (this bench serves no USB/IP, so every board has one). */
const pty = (b: { serial?: string | undefined; name: string }): string => {
  if (b.serial === undefined) throw new Error(`${b.name} has no PTY`);
  return b.serial;
};

t.test('rig/sim.yaml gives four booted boards, each with a PTY serial port', async (t) => {
  const bench = await startBench(t);
  t.same(bench.boards.map((b) => [b.name, b.platform, b.id]), [
    ['photon-1', 'photon', '3a002c000847343337373738'],
    ['electron-1', 'electron', '2f0041000551353431383736'],
    ['argon-1', 'argon', 'e00fce68a1b2c3d4e5f60718'],
    ['p2-1', 'p2', '0a10aced202194944a0452c8'],
  ]);
  for (const b of bench.boards) {
    t.equal(b.serial, `${bench.runDir}/${b.name}.tty`, `${b.name}: stable port path in the run dir`);
    t.ok(lstatSync(pty(b)).isSymbolicLink(), `${b.name}: the port is a link`);
    t.match(realpathSync(pty(b)), /^\/dev\/pts\/\d+$/, `${b.name}: to a PTY`);
    t.equal(bench.handles[b.name]?.mode, 'normal', `${b.name} runs its app`);
  }
  t.equal(bench.timeScale, 50, 'the test\'s timeScale overrides the file\'s');
  t.same(bench.usbEnv, { LD_PRELOAD: join(ROOT, 'build', 'native', 'libusb-socket.so'), RIG_USB_SOCKET: bench.usb.socket });
});

t.test('the cloud answers with the bench token and refuses without it', async (t) => {
  const bench = await startBench(t, { token: 'sim-test-token-42' });
  t.equal(bench.cloud.token, 'sim-test-token-42');
  t.match(bench.cloud.api, /^http:\/\/127\.0\.0\.1:\d+$/);
  const ok = await fetch(`${bench.cloud.api}/v1/devices`, { headers: { authorization: `Bearer ${bench.cloud.token}` } });
  t.equal(ok.status, 200);
  const devices = (await ok.json()) as { id: string }[];
  t.same(devices.map((d) => d.id).sort(), bench.boards.map((b) => b.id).sort(), 'every board is in the device list');
  const none = await fetch(`${bench.cloud.api}/v1/devices`);
  t.equal(none.status, 401, 'no token: 401');
  await none.text();
});

t.test('a loaded bench may be given instead of a file; a token is generated when none is given', async (t) => {
  const loaded = await loadBench(SIM_YAML);
  const bench = await startBench(t, { bench: loaded, benchFile: undefined });
  t.equal(bench.name, 'sim');
  t.equal(bench.boards.length, 4);
  t.match(bench.cloud.token, /^[0-9a-f]{40}$/);
});

t.test('the 14400 baud trick puts a board in DFU; real dfu-util lists it on the bench\'s USB bus', async (t) => {
  const bench = await startBench(t);
  const photon = bench.boards[0]!;
  const before = await execa('dfu-util', ['-l'], { env: bench.usbEnv, reject: false, all: true, timeout: 20_000 });
  t.notMatch(before.stdout, /Found DFU/, 'no board in DFU mode yet');

  const port = new SerialPort({ path: pty(photon), baudRate: 14400, autoOpen: false });
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  await new Promise<void>((resolve) => port.close(() => resolve()));
  await until(() => bench.handles['photon-1']?.usb === 'dfu', 5000, 'the photon enumerates as DFU');
  await until(() => !existsSync(pty(photon)), 3000, 'the photon\'s serial port vanishes in DFU mode');

  const r = await execa('dfu-util', ['-l'], { env: bench.usbEnv, reject: false, all: true, timeout: 20_000 });
  t.equal(r.exitCode, 0, `dfu-util -l succeeds${r.exitCode === 0 ? '' : `: ${r.all}`}`);
  t.match(r.stdout, /Found DFU: \[2b04:d006\].*alt=0.*serial="3a002c000847343337373738"/);
  t.notMatch(r.stdout, /2f0041000551353431383736/, 'boards in normal mode are not DFU devices');
});

t.test('bench control: power-cut makes the port vanish, power on brings it back', async (t) => {
  const bench = await startBench(t);
  const argon = bench.boards[2]!;
  const caps = (await (await fetch(`${bench.control.api}/v1/capabilities`)).json()) as { faults: string[] };
  t.ok(caps.faults.includes('armed') && caps.faults.includes('power'), 'capabilities include armed and power');

  t.equal((await post(`${bench.control.api}/v1/boards/${argon.id}/faults`, { fault: { kind: 'power-cut' } })).status, 204);
  await until(() => !existsSync(pty(argon)), 3000, 'the argon\'s port vanishes');
  t.equal(bench.handles['argon-1']?.usb, 'absent');
  t.ok(existsSync(pty(bench.boards[0]!)), 'other boards keep their ports');

  t.equal((await post(`${bench.control.api}/v1/boards/${argon.id}/power`, { action: 'on' })).status, 204);
  await until(() => existsSync(pty(argon)), 5000, 'the argon\'s port comes back at the same path');
  t.equal(bench.handles['argon-1']?.resetReason, 'power_down');
});

t.test('close() removes ports and socket, and may be called twice', async (t) => {
  const runDir = await shortRunDir(t);
  const bench = await startSimBench({ benchFile: SIM_YAML, runDir, timeScale: 50 });
  t.ok(existsSync(bench.usb.socket));
  await Promise.all([bench.close(), bench.close()]);
  await bench.close();
  t.same(readdirSync(runDir), [], 'nothing left in the run dir');
  const refused = await fetch(`${bench.control.api}/v1/capabilities`).then(() => 'answered', () => 'refused');
  t.equal(refused, 'refused', 'the control service is gone');
  const cloudGone = await fetch(`${bench.cloud.api}/v1/devices`).then(() => 'answered', () => 'refused');
  t.equal(cloudGone, 'refused', 'the cloud is gone');
});

t.test('a run dir too long for a Unix socket is refused before anything starts', async (t) => {
  await t.rejects(startSimBench({ benchFile: SIM_YAML, runDir: `/tmp/${'x'.repeat(120)}` }), /short enough for a Unix socket/);
});

t.test('a board\'s sim spec: app version and behaviour, link in bench units, file system', async (t) => {
  const dir = t.testdir({
    'bench.yaml': [
      'bench: spec',
      'simulator: true',
      'boards:',
      '  - name: boron-1',
      '    platform: boron',
      '    id: e00fce681d0c3a2b4c5d6e7f',
      '    sim:',
      '      deviceOs: 4.0.2',
      '      app: { version: 7, behaviour: { log-rate: 20, log-message: spec-app-says-hi, disables-updates: false } }',
      '      network: { kind: cellular, bandwidth: 16kbps, latency: 300ms, loss: 5%, keepAlive: 2m }',
      '      fs: { size: 64KB, used: 50% }',
      '',
    ].join('\n'),
  });
  const bench = await startBench(t, { benchFile: join(dir, 'bench.yaml') });
  const boron = bench.handles['boron-1']!;
  t.match(boron.link.options, { kind: 'cellular', bandwidth: 2000, latencyMs: 300, loss: 0.05, keepAliveS: 120 }, 'bits/s -> bytes/s, % -> probability, ms -> s');
  t.equal(boron.fs.usedPercent, 50);
  t.equal(boron.deviceOsVersion, '4.0.2');
  const user = boron.slots().find((s) => s.func === 'u');
  t.equal(user?.module?.info.version, 7, 'the app has the version the bench asks for');
  t.equal(boron.mode, 'normal', 'the app depends on exactly the board\'s system version: no safe mode');

  const host = await openHost(pty(bench.boards[0]!), 115200);
  t.teardown(() => host.close());
  await host.waitFor('spec-app-says-hi', 3000);
  t.pass('the app logs with the behaviour the bench gave it');
});

t.test('a bad sim.app behaviour is an InputError naming the board', async (t) => {
  const dir = t.testdir({
    'bench.yaml': 'bench: bad\nsimulator: true\nboards:\n  - { name: photon-9, platform: photon, id: 3a002c000847343337373799, sim: { app: { behaviour: { glows: true } } } }\n',
  });
  const runDir = await shortRunDir(t);
  const err = await startSimBench({ benchFile: join(dir, 'bench.yaml'), runDir }).then(() => undefined, (e: unknown) => e);
  t.type(err, InputError);
  t.match((err as Error).message, /board photon-9 sim\.app: behaviour: unknown behaviour "glows"/);
  t.same(readdirSync(runDir), [], 'nothing was left running or lying around');
});
