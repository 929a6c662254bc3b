// The bench control service on real simulated boards (no serial, no USB:
// the service only drives the board's state machine). Every request is real
// HTTP on 127.0.0.1.
import t, { type Test } from 'tap';
import type { DeviceId } from '../../../src/core/domain.js';
import { createSimBoard } from '../../../src/sim/board/create.js';
import type { SimulatedBoard } from '../../../src/sim/board/simulated-board.js';
import { createClock } from '../../../src/sim/clock.js';
import { startControlServer, type ControlServer } from '../../../src/sim/control/server.js';
import { SIM_CAPABILITIES } from '../../../src/sim/control/capabilities.js';
import { post, until } from './fixtures.js';

const PHOTON = '3a002c000847343337373738' as DeviceId;
const BORON = 'e00fce681d0c3a2b4c5d6e7f' as DeviceId;

async function startControl(t: Test): Promise<{ control: ControlServer; photon: SimulatedBoard; boron: SimulatedBoard }> {
  const clock = createClock(200);
  const photon = createSimBoard({ name: 'photon-1', id: PHOTON, platform: 'photon', clock, network: { bandwidth: 25_000 } });
  const boron = createSimBoard({ name: 'boron-1', id: BORON, platform: 'boron', clock });
  const control = await startControlServer({ boards: [photon, boron] });
  t.teardown(async () => {
    await control.close();
    photon.dispose();
    boron.dispose();
  });
  photon.powerOn();
  boron.powerOn();
  await until(() => photon.usb === 'serial' && boron.usb === 'serial', 5000, 'both boards are on USB');
  return { control, photon, boron };
}

const faultUrl = (c: ControlServer, id: string) => `${c.api}/v1/boards/${id}/faults`;
const powerUrl = (c: ControlServer, id: string) => `${c.api}/v1/boards/${id}/power`;

t.test('GET /v1/capabilities lists every fault kind, power and armed', async (t) => {
  const { control } = await startControl(t);
  const res = await fetch(`${control.api}/v1/capabilities`);
  t.equal(res.status, 200);
  const body = (await res.json()) as { faults: string[] };
  t.same(body.faults, SIM_CAPABILITIES);
  for (const kind of ['power-cut', 'reset', 'usb-unplug', 'usb-replug', 'link', 'link-restore', 'fs-fill', 'power', 'armed']) {
    t.ok(body.faults.includes(kind), `includes ${kind}`);
  }
  t.match(control.api, /^http:\/\/127\.0\.0\.1:\d+$/, 'loopback only');
});

t.test('power: off, on and cycle', async (t) => {
  const { control, photon, boron } = await startControl(t);
  t.equal((await post(powerUrl(control, PHOTON), { action: 'off' })).status, 204);
  t.equal(photon.usb, 'absent', 'off: the board leaves USB');
  t.equal(photon.led, 'off');
  t.equal(boron.usb, 'serial', 'the other board is untouched');
  t.equal((await post(powerUrl(control, PHOTON), { action: 'on' })).status, 204);
  await until(() => photon.usb === 'serial' && photon.mode === 'normal', 5000, 'the photon boots again');
  t.equal(photon.resetReason, 'power_down');

  t.equal((await post(powerUrl(control, 'boron-1'), { action: 'cycle' })).status, 204, 'a board may be named instead of its ID');
  t.equal(boron.resetReason, 'power_down', 'cycle: booted again after a power loss');
  await until(() => boron.usb === 'serial', 5000, 'the boron is back on USB');
});

t.test('faults now: reset, usb-unplug/replug, link, link-restore, fs-fill', async (t) => {
  const { control, photon } = await startControl(t);
  const send = (fault: unknown) => post(faultUrl(control, PHOTON.toUpperCase()), { fault });

  t.equal((await send({ kind: 'reset' })).status, 204, 'device IDs match case-insensitively');
  t.equal(photon.resetReason, 'pin_reset');
  await until(() => photon.usb === 'serial', 5000, 'the photon is back after the reset');

  t.equal((await send({ kind: 'usb-unplug' })).status, 204);
  t.equal(photon.usb, 'absent', 'unplugged: gone from USB');
  t.equal(photon.led, 'off', 'a USB-powered board loses power with its cable');
  t.equal((await send({ kind: 'usb-replug' })).status, 204);
  await until(() => photon.usb === 'serial', 5000, 'the photon boots again once plugged back');

  t.equal((await send({ kind: 'link', bandwidthBps: 16_000, latencyMs: 250, lossPercent: 10 })).status, 204);
  t.match(photon.link.options, { bandwidth: 2000, latencyMs: 250, loss: 0.1, up: true }, 'bits/s -> bytes/s, % -> probability');
  t.equal((await send({ kind: 'link' })).status, 204);
  t.equal(photon.link.options.up, false, 'a link fault naming no quality takes the link down');
  t.equal((await send({ kind: 'link-restore' })).status, 204);
  t.match(photon.link.options, { bandwidth: 25_000, loss: 0, up: true }, 'restored to the link the board started with');

  t.equal((await send({ kind: 'fs-fill', fillPercent: 97 })).status, 204);
  t.equal(photon.fs.usedPercent, 97);
});

t.test('an armed power-cut fires when the transfer reaches its percentage', async (t) => {
  const { control, photon } = await startControl(t);
  const r = await post(faultUrl(control, PHOTON), { fault: { kind: 'power-cut' }, at: { transfer: 'dfu', percent: 40 } });
  t.equal(r.status, 204);
  photon.transferProgress('dfu', 30);
  t.equal(photon.usb, 'serial', 'not yet at 30%');
  photon.transferProgress('dfu', 41);
  t.equal(photon.usb, 'absent', 'power cut at 41%');
});

t.test('armed faults read back: how far the transfer got, whether and where it fired; DELETE disarms, per transfer or all', async (t) => {
  const { control, photon } = await startControl(t);
  const read = async (method: 'GET' | 'DELETE', query = ''): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${faultUrl(control, PHOTON)}${query}`, { method });
    return { status: res.status, json: await res.json() };
  };
  t.same(await read('GET'), { status: 200, json: { armed: [] } }, 'none armed');
  t.equal((await post(faultUrl(control, PHOTON), { fault: { kind: 'reset' }, at: { transfer: 'usb', percent: 50 } })).status, 204, 'usb is a transfer too');
  t.equal((await post(faultUrl(control, PHOTON), { fault: { kind: 'usb-unplug' }, at: { transfer: 'serial', percent: 90 } })).status, 204);
  const before = Date.now();
  photon.transferProgress('usb', 20);
  photon.transferProgress('usb', 55);
  photon.transferProgress('serial', 12.5);
  const after = await read('GET');
  t.match(after.json, {
    armed: [
      { fault: { kind: 'reset' }, at: { transfer: 'usb', percent: 50 }, reachedPercent: 55, fired: { percent: 55 } },
      { fault: { kind: 'usb-unplug' }, at: { transfer: 'serial', percent: 90 }, reachedPercent: 12.5 },
    ],
  });
  const [fired, waiting] = (after.json as { armed: { fired?: { atMs: number } }[] }).armed;
  t.ok(fired!.fired!.atMs >= before && fired!.fired!.atMs <= Date.now(), 'fired when the transfer got there');
  t.notOk(waiting!.fired, 'the serial one still waits');
  await until(() => photon.usb === 'serial', 5000, 'the board is back after the reset that fired');

  const bad = await read('DELETE', '?transfer=bluetooth');
  t.equal(bad.status, 400);
  t.match(bad.json, { error: /no transfer 'bluetooth'/ });
  t.match(await read('DELETE', '?transfer=serial'), { status: 200, json: { disarmed: [{ at: { transfer: 'serial' }, reachedPercent: 12.5 }] } });
  photon.transferProgress('serial', 95);
  t.equal(photon.usb, 'serial', 'a disarmed fault never fires');
  t.match(await read('GET'), { json: { armed: [{ at: { transfer: 'usb' } }] } }, 'the other transfer\'s story is kept');
  t.match(await read('DELETE'), { json: { disarmed: [{ at: { transfer: 'usb' }, fired: { percent: 55 } }] } });
  t.same(await read('GET'), { status: 200, json: { armed: [] } }, 'all gone');
});

t.test('errors: 404 unknown board or route, 400 bad body, 405 wrong method, 501 what cannot be armed', async (t) => {
  const { control } = await startControl(t);
  const unknown = await post(faultUrl(control, 'ffffffffffffffffffffffff'), { fault: { kind: 'reset' } });
  t.equal(unknown.status, 404);
  t.match(unknown.json, { error: /no board ffffffffffffffffffffffff/ });
  t.equal((await post(`${control.api}/v1/nothing`, {})).status, 404);

  const notJson = await post(faultUrl(control, PHOTON), '{"fault":');
  t.equal(notJson.status, 400);
  t.match(notJson.json, { error: /not JSON/ });
  const badKind = await post(faultUrl(control, PHOTON), { fault: { kind: 'lightning' } });
  t.equal(badKind.status, 400);
  t.match(badKind.json, { error: /kind/ });
  t.equal((await post(faultUrl(control, PHOTON), { fault: { kind: 'fs-fill', fillPercent: 140 } })).status, 400, 'fill above 100%');
  t.equal((await post(powerUrl(control, PHOTON), { action: 'explode' })).status, 400);
  t.equal((await post(faultUrl(control, PHOTON), { fault: { kind: 'reset' }, at: { transfer: 'ota', percent: -1 } })).status, 400);

  const armedLink = await post(faultUrl(control, PHOTON), { fault: { kind: 'link' }, at: { transfer: 'ota', percent: 50 } });
  t.equal(armedLink.status, 501);
  t.match(armedLink.json, { error: /cannot be armed/ });

  const get = await fetch(powerUrl(control, PHOTON));
  t.equal(get.status, 405, 'power takes POST only');
  await get.text();
});

t.test('close() stops listening and may be called twice', async (t) => {
  const { control } = await startControl(t);
  await Promise.all([control.close(), control.close()]);
  const outcome = await fetch(`${control.api}/v1/capabilities`).then(() => 'answered', () => 'refused');
  t.equal(outcome, 'refused');
});
