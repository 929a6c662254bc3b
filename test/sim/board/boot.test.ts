import t from 'tap';
import { createHash } from 'node:crypto';
import { makeTestApp } from '../../../src/firmware/make.js';
import { ID, online, startBoard } from './fixtures/board.js';

t.test('power-on boots the app and connects to the cloud', async (t) => {
  const app = makeTestApp({ platform: 'photon', behaviour: { logRate: 5, logMessage: 'hello' } });
  const { board, rec } = startBoard(t, { app });
  t.equal(board.usb, 'absent', 'USB is absent while the board comes up');
  await online(rec);
  t.same(rec.values('usb'), ['serial'], 'USB enumerates as CDC serial once');
  t.same(rec.values('led'), ['blinking-green', 'blinking-cyan', 'breathing-cyan'], 'LED: network, cloud, connected');
  t.equal(board.mode, 'normal');
  const sha = createHash('sha256').update(app.subarray(0, app.length - 38)).digest('hex');
  t.same(rec.events(), ['spark/status=online', 'spark/device/last_reset=power_down', `spark/device/app-hash=${sha.toUpperCase()}`],
    'online, last_reset power_down, app-hash of the image');
  t.equal(board.runningAppHash(), sha);
  await rec.untilLine(/\[app\] INFO: hello$/);
  const odd = rec.lines().filter((l) => !/^\d{10} \[[a-z.]+\] (TRACE|INFO|WARN|ERROR|PANIC): /.test(l));
  t.same(odd, [], 'every line is `%010u [category] LEVEL: message`');
  t.ok(rec.lines().includes(rec.lines().find((l) => / \[system\] INFO: Cloud connected$/.test(l)) ?? '-'), 'the cloud connection is logged');
  const ms = rec.lines().map((l) => Number(l.slice(0, 10)));
  t.same(ms, [...ms].sort((a, b) => a - b), 'timestamps (ms since boot) never go backwards');
});

t.test('the module list reads like the `s` command', async (t) => {
  const { board, rec } = startBoard(t, { platform: 'electron', deviceOs: '0.6.4',
    app: makeTestApp({ platform: 'electron', depends: [{ func: 'system-part', index: 2, version: 110 }] }) });
  await online(rec);
  const info = JSON.parse(board.systemInfo()) as { p: number; m: Record<string, unknown>[] };
  t.equal(info.p, 10, 'platform id of the Electron');
  const byKey = Object.fromEntries(info.m.map((m) => [`${String(m.f ?? 'empty')}${String(m.n ?? '')}@${String(m.l)}`, m]));
  t.match(byKey['b0@m'], { v: 11, vc: 30, vv: 30 }, 'bootloader 11 (Device OS 0.6.4)');
  t.match(byKey['s1@m'], { v: 110, d: [{ f: 's', n: '3', v: 110 }] }, 'system part 1 needs part 3 (seed 004)');
  t.match(byKey['s2@m'], { v: 110, d: [{ f: 's', n: '1', v: 110 }] });
  t.match(byKey['s3@m'], { v: 110, d: [] });
  t.match(byKey['u1@m'], { vc: 30, vv: 30, u: /^[0-9A-F]{64}$/, d: [{ f: 's', n: '2', v: 110 }] });
  t.match(byKey['empty@f'], { s: 131072, l: 'f', d: [] }, 'empty factory slot');
  t.equal(board.deviceOsVersion, '0.6.4');
  t.match(board.imei, /^\d{15}$/, 'a cellular board has an IMEI');
});

t.test('system module versions follow the Device OS release table', async (t) => {
  const cases: [string, number, number][] = [['1.5.2', 1512, 502], ['1.4.4', 1406, 501], ['0.7.0', 207, 101]];
  for (const [os, system, bootloader] of cases) {
    const { board } = startBoard(t, { deviceOs: os, app: makeTestApp({ platform: 'photon', depends: [{ func: 'system-part', index: 1, version: 0 }] }) });
    const slots = board.slots();
    t.equal(slots.find((s) => s.func === 's')?.module?.info.version, system, `${os} -> system ${system}`);
    t.equal(slots.find((s) => s.func === 'b')?.module?.info.version, bootloader, `${os} -> bootloader ${bootloader}`);
  }
  const { board } = startBoard(t, { systemVersion: 1406 });
  t.equal(board.slots().find((s) => s.func === 's')?.module?.info.version, 1406, 'systemVersion overrides the release');
});

t.test('identity survives: device ID, MAC address, platform', async (t) => {
  const { board } = startBoard(t);
  t.equal(board.id, ID);
  t.match(board.macAddress, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  t.equal(board.platform.name, 'photon');
  t.equal(board.imei, undefined, 'a Wi-Fi board has no IMEI');
  t.throws(() => startBoard(t, { id: 'nope' as typeof ID }), /device ID of 24/);
});
