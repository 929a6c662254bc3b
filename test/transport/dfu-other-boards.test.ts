// A Photon written by real dfu-util while a P2 beside it leaves DFU mode
// (issue 10, point 7): dfu-util probes every DFU device on the bus, so it
// lists the P2, fails to open it and says so on the Photon's output. That
// line is about the P2, not the Photon's claim. The moment is made exact:
// the test sits between dfu-util and the simulated bus, and takes the P2 off
// the bus right after the bus listed it, before dfu-util opens it (the race
// two boards flashed side by side run into on a bench).
import t, { type Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchSchema } from '../../src/bench/schema.js';
import type { DeviceId } from '../../src/core/domain.js';
import { PLATFORMS } from '../../src/core/platform.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { Op } from '../../src/protocol/usb-socket-frame.js';
import { startSimBench } from '../../src/sim/bench.js';
import type { SimulatedBoard } from '../../src/sim/board/simulated-board.js';
import { dfuWriteArgs, flashDfu, runDfuUtil, type DfuAccess } from '../../src/transport/dfu.js';

const PHOTON = '3a002c0008473433373dfb01' as DeviceId;
const P2 = '0a10aced2021949440dfb003' as DeviceId;

/** Splits a stream of `u32le length + body` frames; gives each whole frame (length included). */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32LE(0)) {
      const size = 4 + pending.readUInt32LE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  };
}

/**
 * A socket in front of the simulated bus that passes every frame through and
 * calls `afterList` once, when the bus has answered the first LIST and
 * before the client reads that answer.
 */
async function busBetween(t: Test, bus: string, dir: string, afterList: () => void): Promise<string> {
  const path = join(dir, 'between.sock');
  let armed = true;
  const server = createServer((client: Socket) => {
    const upstream = createConnection(bus);
    const lists = new Set<number>();
    // Request body: u32le seq, u8 op; response body: u32le seq, i32le status.
    client.on('data', frames((f) => {
      if (f.readUInt8(8) === Op.list) lists.add(f.readUInt32LE(4));
      upstream.write(f);
    }));
    upstream.on('data', frames((f) => {
      if (armed && lists.has(f.readUInt32LE(4))) {
        armed = false;
        afterList();
      }
      client.write(f);
    }));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return path;
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A Photon and a P2 both in DFU mode, and a bus on which the P2 vanishes once dfu-util has listed it. */
async function photonBesideLeavingP2(t: Test): Promise<{ access: DfuAccess; photon: SimulatedBoard; p2: SimulatedBoard }> {
  const dir = await mkdtemp(join(tmpdir(), 'rig-dfu-o-'));
  const spec = BenchSchema.parse({
    bench: 'dfu-other-boards', simulator: true,
    boards: [{ name: 'photon-1', platform: 'photon', id: PHOTON }, { name: 'p2-1', platform: 'p2', id: P2 }],
  });
  const sim = await startSimBench({ bench: spec, runDir: dir, timeScale: 50, onError: (e) => t.fail(e.message) });
  t.teardown(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  const photon = sim.handles['photon-1'] as SimulatedBoard;
  const p2 = sim.handles['p2-1'] as SimulatedBoard;
  for (const board of [photon, p2]) {
    board.enterMode('dfu');
    await until(() => board.usb === 'dfu', `${board.name} in DFU mode`);
  }
  const socket = await busBetween(t, sim.usb.socket, dir, () => p2.faults.unplug());
  return { access: { usb: { kind: 'socket', socket } }, photon, p2 };
}

const photonApp = () => {
  const image = makeTestApp({ platform: 'photon', version: 7 });
  return { image, info: parseModule(image) };
};

t.test('real dfu-util names the P2 it could not open in the Photon\'s output', async (t) => {
  const { access, p2 } = await photonBesideLeavingP2(t);
  const dir = t.testdir({ 'app.bin': photonApp().image });
  const args = dfuWriteArgs({ platform: PLATFORMS.photon, deviceId: PHOTON, address: photonApp().info.startAddress, file: join(dir, 'app.bin') });
  const run = await runDfuUtil(access, args, { timeoutMs: 30_000 });
  t.equal(p2.usb, 'absent', 'the P2 left the bus between the listing and the opening');
  t.match(run.stdout, /File downloaded successfully/, 'the Photon was written');
  t.match(run.stderr, /Cannot open DFU device 2b04:d020/, 'and dfu-util said it could not open the P2');
});

t.test('the Photon\'s DFU claim holds no line about the P2', async (t) => {
  const { access, photon, p2 } = await photonBesideLeavingP2(t);
  const report = await flashDfu(access, { deviceId: PHOTON, platform: PLATFORMS.photon }, photonApp());
  t.equal(p2.usb, 'absent', 'the P2 left the bus as dfu-util probed it');
  t.ok(report.messages.includes('File downloaded successfully'), 'the Photon\'s own words are kept');
  t.ok(report.messages.includes('Device ID 2b04:d006'), 'with its own VID:PID');
  t.notOk(report.messages.some((m) => /2b04:d020/i.test(m)), `nothing about the P2: ${JSON.stringify(report.messages)}`);
  await until(() => photon.mode === 'normal', 'the Photon back in normal mode');
});
