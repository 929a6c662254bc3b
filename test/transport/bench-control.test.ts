// The bench control client (src/transport/bench-control.ts) against the
// simulated bench's real control service on 127.0.0.1, driving real
// simulated boards.
import t, { type Test } from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceId } from '../../src/core/domain.js';
import { InfraError, UnsupportedError } from '../../src/core/errors.js';
import { createSimBoard } from '../../src/sim/board/create.js';
import type { SimulatedBoard } from '../../src/sim/board/simulated-board.js';
import { createClock } from '../../src/sim/clock.js';
import { startControlServer } from '../../src/sim/control/server.js';
import { benchControl, requireBenchControl } from '../../src/transport/bench-control.js';

const PHOTON = '3a002c000847343337373738' as DeviceId;

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function startControl(t: Test): Promise<{ api: string; photon: SimulatedBoard }> {
  // On a battery, so pulling its cable leaves it running.
  const photon = createSimBoard({ name: 'photon-1', id: PHOTON, platform: 'photon', clock: createClock(200), power: 'external' });
  const control = await startControlServer({ boards: [photon] });
  t.teardown(async () => {
    await control.close();
    photon.dispose();
  });
  photon.powerOn();
  await until(() => photon.usb === 'serial', 'the photon is on USB');
  return { api: control.api, photon };
}

t.test('a bench with a control service', async (t) => {
  const { api, photon } = await startControl(t);
  const control = benchControl(api);

  t.test('capabilities', async (t) => {
    const caps = await control.capabilities();
    t.ok(caps.includes('power-cut') && caps.includes('armed') && caps.includes('power'));
  });

  t.test('power off, on, cycle', async (t) => {
    await control.power(PHOTON, 'off');
    t.equal(photon.usb, 'absent');
    await control.power(PHOTON, 'on');
    await until(() => photon.usb === 'serial', 'booted again');
    t.equal(photon.resetReason, 'power_down');
    await control.power(PHOTON, 'cycle');
    await until(() => photon.usb === 'serial', 'booted after the cycle');
  });

  t.test('a fault now: USB unplug and replug', async (t) => {
    await control.fault(PHOTON, { kind: 'usb-unplug' });
    t.equal(photon.usb, 'absent');
    t.equal(photon.mode, 'normal', 'the board keeps running');
    await control.fault(PHOTON, { kind: 'usb-replug' });
    t.equal(photon.usb, 'serial');
  });

  t.test('a fault armed at a transfer percentage', async (t) => {
    await control.fault(PHOTON, { fault: { kind: 'reset' }, at: { transfer: 'ota', percent: 40 } });
    t.pass('accepted (the OTA tests show it firing)');
  });

  t.test('a fault the service cannot arm is Unsupported, with its reason', async (t) => {
    const err = await control.fault(PHOTON, { fault: { kind: 'link', lossPercent: 50 }, at: { transfer: 'ota', percent: 40 } }).catch((e: unknown) => e);
    t.type(err, UnsupportedError);
    t.match((err as UnsupportedError).reason, /cannot be armed/);
  });

  t.test('an unknown board is an infrastructure failure', async (t) => {
    await t.rejects(control.power('0123456789abcdef01234567' as DeviceId, 'cycle'), { name: 'InfraError', message: /does not know .*no board 0123456789abcdef01234567/ });
  });
});

t.test('a service that lacks a kind: Unsupported before anything is sent', async (t) => {
  // A stand-in for a lab's control service that can only reset (the
  // simulated one can do everything); it counts what reaches it.
  const posts: string[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'POST') posts.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ faults: ['reset'] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const control = benchControl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await t.rejects(control.power(PHOTON, 'cycle'), { name: 'UnsupportedError', message: /cannot switch power .* can do reset/ });
  await t.rejects(control.fault(PHOTON, { kind: 'power-cut' }), { name: 'UnsupportedError', message: /cannot impose a power-cut fault/ });
  await t.rejects(control.fault(PHOTON, { fault: { kind: 'reset' }, at: { transfer: 'dfu', percent: 10 } }), { name: 'UnsupportedError', message: /cannot arm a reset fault at 10 % of a dfu transfer/ });
  t.same(posts, [], 'nothing was sent');
});

t.test('no control service, or one that does not answer', async (t) => {
  t.throws(() => requireBenchControl(undefined, 'power cycle'), { name: 'UnsupportedError', message: /power cycle: this bench has no bench control service/ });
  const server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((r) => server.close(() => r()));
  const err = await benchControl(api).capabilities().catch((e: unknown) => e);
  t.type(err, InfraError);
  t.match((err as InfraError).message, /cannot be reached .*ECONNREFUSED/);
});
