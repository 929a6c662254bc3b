import type { Test } from 'tap';
import t from 'tap';
import type { PlatformName } from '../../../src/core/platform.js';
import type { SimulatedBoard } from '../../../src/sim/board/simulated-board.js';
import { IDS, startSerialBench, until } from './fixtures/bench.js';
import { delay, openHost, openSettledHost, type Host } from './fixtures/host.js';

/** A board in listening mode (entered through 28800 baud) and a host on its port at 9600. */
async function listening(t: Test, platform: PlatformName, deviceOs?: string): Promise<{ board: SimulatedBoard; host: Host }> {
  const { board, path } = await startSerialBench(t, { platform, ...(deviceOs ? { deviceOs } : {}) });
  const trigger = await openHost(path, 28800);
  await until(() => board.mode === 'listening', 3000, `${platform} is listening`);
  await trigger.close();
  const host = await openSettledHost(path, 9600);
  t.teardown(() => host.close());
  return { board, host };
}

/** Sends one key and returns exactly what came back once the reply is complete. */
async function ask(host: Host, key: string, complete: RegExp): Promise<string> {
  const before = host.received().length;
  await host.write(key);
  await host.waitFor(complete, 3000, before);
  await delay(30); // anything more would be a wrong reply
  return host.received().subarray(before).toString('latin1');
}

t.test('i prints the device ID the way each generation does', async (t) => {
  t.test('Gen2 Wi-Fi (Photon): the old sentence', async (t) => {
    const { host } = await listening(t, 'photon');
    t.equal(await ask(host, 'i', /\r\n$/), `Your device id is ${IDS.photon}\r\n`);
  });
  t.test('Gen2 cellular (Electron): Device ID, IMEI and ICCID lines', async (t) => {
    const { board, host } = await listening(t, 'electron');
    const reply = await ask(host, 'i', /ICCID: \d+\r\n$/);
    t.equal(reply, `Device ID: ${IDS.electron}\r\nIMEI: ${board.imei}\r\nICCID: ${board.iccid}\r\n`);
    t.match(board.imei, /^\d{15}$/);
  });
  t.test('Gen3 Wi-Fi (Argon): Device ID only', async (t) => {
    const { host } = await listening(t, 'argon');
    t.equal(await ask(host, 'i', /\r\n$/), `Device ID: ${IDS.argon}\r\n`);
  });
});

t.test('the other commands on a Photon', async (t) => {
  const { board, host } = await listening(t, 'photon');

  t.test('v: the Device OS version', async (t) => {
    t.equal(await ask(host, 'v', /\r\n$/), 'system firmware version: 1.5.2\r\n');
  });

  t.test('m: the MAC address on its own line', async (t) => {
    const reply = await ask(host, 'm', /([0-9a-f]{2}:){5}[0-9a-f]{2}\r\n$/);
    t.equal(reply, `Your device MAC address is\r\n${board.macAddress}\r\n`);
  });

  t.test('c: whether the device is claimed', async (t) => {
    t.equal(await ask(host, 'c', /\r\n$/), 'Device claimed: yes\r\n');
  });

  t.test('s: one line of module JSON', async (t) => {
    const reply = await ask(host, 's', /\}\r\n$/);
    t.match(reply, /^\{[^\r\n]*\}\r\n$/, 'exactly one line');
    const info = JSON.parse(reply) as { p: number; m: Array<Record<string, unknown>> };
    t.equal(info.p, 6, 'platform ID of the Photon');
    const user = info.m.find((m) => m.f === 'u' && m.l === 'm');
    t.ok(user, 'the user part is listed');
    t.same(Object.keys(user ?? {}).sort(), ['d', 'f', 'l', 'n', 's', 'u', 'v', 'vc', 'vv']);
    const flashed = board.slots().find((slot) => slot.func === 'u' && slot.location === 'm')?.module?.info.sha256;
    t.equal(user?.u, flashed?.toUpperCase(), "u is the user part's SHA-256 in upper-case hex");
    t.match(user?.u, /^[0-9A-F]{64}$/);
    t.equal(user?.vv, user?.vc, 'every check passed');
    t.equal(user?.n, '1', 'index as a string');
    const system = info.m.find((m) => m.f === 's' && m.n === '1');
    t.same(system?.d, [], 'system part 1 of a Photon has no dependency');
    t.match(info.m.find((m) => m.f === 's' && m.n === '2')?.d, [{ f: 's', n: '1', v: 1512 }]);
    const empty = info.m.find((m) => m.l === 'f');
    t.same(empty, { s: 131072, l: 'f', vc: 0, vv: 0, d: [] }, 'an empty factory slot');
  });

  t.test('unknown keys are ignored', async (t) => {
    const before = host.received().length;
    await host.write('qZ?\r\n');
    await delay(100);
    t.equal(host.received().length, before, 'no reply');
    t.equal(board.mode, 'listening');
  });

  t.test('x leaves listening mode', async (t) => {
    await host.write('x');
    await until(() => board.mode === 'normal', 3000, 'the board is back in normal mode');
    t.pass();
  });
});

t.test('L enters safe mode', async (t) => {
  const { board, host } = await listening(t, 'argon');
  await host.write('L');
  await host.closed; // the board resets into safe mode
  await until(() => board.mode === 'safe', 3000, 'the board is in safe mode');
  t.equal(board.resetReason, 'safe_mode');
});

t.test('f starts a YMODEM receive; a is abort', async (t) => {
  const { board, host } = await listening(t, 'photon');
  const reply = await ask(host, 'f', /\r\nC$/);
  t.equal(reply, "Waiting for the binary file to be sent ... (press 'a' to abort)\r\nC", 'prompt, then C');
  const before = host.received().length;
  await host.write('a');
  await host.waitFor(/Aborted by user\.\r\n$/);
  t.equal(host.received().subarray(before).toString('latin1'), '\x18\x18Aborted by user.\r\n', 'CA CA, then the message');
  t.equal(board.mode, 'listening', 'still listening');
  t.equal(await ask(host, 'c', /\r\n$/), 'Device claimed: yes\r\n', 'commands work again');
});

t.test('Device OS 6.0 refuses serial flashing', async (t) => {
  const { board, path } = await startSerialBench(t, { platform: 'p2', deviceOs: '6.0.0' });
  board.enterMode('listening'); // 28800 no longer works; a control request or the button does
  const host = await openSettledHost(path, 9600);
  t.teardown(() => host.close());
  t.equal(await ask(host, 'f', /\x18\x18$/), 'Serial/YModem flashing is no longer supported\r\n\x18\x18');
});
