// The DfuSe state machine of the simulated bootloader, request by request,
// as AN3156 and dfu-util expect it (dfu-util itself runs in dfu-util.test.ts).
import t, { type Test } from 'tap';
import { UsbSocketClient } from '../../../src/transport/usb-socket/client.js';
import { controlIn, controlOut, deviceCall, interfaceCall, setAltSetting } from '../../../src/transport/usb-socket/device-calls.js';
import { Op } from '../../../src/protocol/usb-socket-frame.js';
import { listDevicesOn } from '../../../src/transport/usb-socket/list.js';
import { makeTestApp } from '../../../src/firmware/make.js';
import { ARGON, PHOTON_A, hashOf, intoDfu, startUsbBench, until } from './bench.js';
import type { SimulatedBoard } from '../../../src/sim/board/simulated-board.js';

const S = { idle: 2, dnBusy: 4, dnloadIdle: 5, manifest: 7, uploadIdle: 9, error: 10 } as const;

interface Dfu {
  dnload(block: number, data: Buffer): Promise<number>;
  status(): Promise<{ status: number; poll: number; state: number }>;
  clear(): Promise<number>;
  abort(): Promise<number>;
  state(): Promise<number>;
  upload(block: number, length: number): Promise<Buffer>;
  /** GETSTATUS, sleeping each poll timeout as dfu-util does, until no longer busy. */
  settle(): Promise<{ status: number; poll: number; state: number }>;
  command(cmd: number, address?: number): Promise<{ status: number; poll: number; state: number }>;
}

/** A DFU board on the bus, opened, interface 0 claimed, alt 0 set: where dfu-util starts. */
async function openDfu(t: Test, board: SimulatedBoard, socketPath: string): Promise<Dfu> {
  await intoDfu(board);
  const c = await UsbSocketClient.connect(socketPath);
  t.teardown(() => c.close());
  const dev = (await listDevicesOn(c)).find((d) => d.serialNumber === board.id);
  if (!dev) throw new Error('the board is listed');
  const id = dev.devId;
  await deviceCall(c, Op.open, id);
  await interfaceCall(c, Op.claim, id, 0);
  await setAltSetting(c, id, 0, 0);
  const out = (bRequest: number, wValue: number, data: Buffer = Buffer.alloc(0)) => controlOut(c, id, { bmRequestType: 0x21, bRequest, wValue, wIndex: 0 }, data, 1000);
  const inn = (bRequest: number, wValue: number, wLength: number) => controlIn(c, id, { bmRequestType: 0xa1, bRequest, wValue, wIndex: 0, wLength }, 1000);
  const dfu: Dfu = {
    dnload: (block, data) => out(1, block, data),
    status: async () => {
      const s = await inn(3, 0, 6);
      return { status: s.readUInt8(0), poll: s.readUIntLE(1, 3), state: s.readUInt8(4) };
    },
    clear: () => out(4, 0),
    abort: () => out(6, 0),
    state: async () => (await inn(5, 0, 1)).readUInt8(0),
    upload: (block, length) => inn(2, block, length),
    settle: async () => {
      for (let i = 0; i < 100; i++) {
        const s = await dfu.status();
        if (s.state !== S.dnBusy) return s;
        await new Promise((r) => setTimeout(r, s.poll));
      }
      throw new Error('still dfuDNBUSY after 100 polls');
    },
    command: async (cmd, address) => {
      const data = Buffer.alloc(address === undefined ? 1 : 5);
      data.writeUInt8(cmd, 0);
      if (address !== undefined) data.writeUInt32LE(address, 1);
      await dfu.dnload(0, data);
      const first = await dfu.status();
      if (first.state !== S.dnBusy) throw new Error(`expected dfuDNBUSY after a command, got state ${first.state}`);
      await new Promise((r) => setTimeout(r, first.poll));
      return dfu.settle();
    },
  };
  return dfu;
}

t.test('commands and data: SET_ADDRESS, ERASE, a data block, read back by UPLOAD', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const dfu = await openDfu(t, board, socketPath);
  t.same(await dfu.status(), { status: 0, poll: 0, state: S.idle }, 'dfuIDLE with no error at the start');

  t.same(await dfu.command(0x21, 0x080a0000), { status: 0, poll: 0, state: S.dnloadIdle }, 'SET_ADDRESS: busy, then dfuDNLOAD_IDLE');
  t.same(await dfu.command(0x41, 0x080a0000), { status: 0, poll: 0, state: S.dnloadIdle }, 'ERASE of the 128 KB sector');
  const block = Buffer.alloc(4096, 0xa5);
  t.equal(await dfu.dnload(2, block), 4096);
  t.equal((await dfu.status()).state, S.dnBusy, 'programming starts at the GETSTATUS after the block');
  t.equal((await dfu.settle()).state, S.dnloadIdle);
  t.same(board.dfuRead(0, 0x080a0000, 4096), block, 'block 2 lands at the address pointer');
  await dfu.dnload(3, Buffer.alloc(16, 0x3c));
  await dfu.settle();
  t.same(board.dfuRead(0, 0x080a1000, 16), Buffer.alloc(16, 0x3c), 'block 3 lands one transfer size further');

  t.equal(await dfu.abort(), 0);
  t.equal(await dfu.state(), S.idle, 'ABORT returns to dfuIDLE');
  t.same([...(await dfu.upload(0, 64))], [0x00, 0x21, 0x41, 0xfa], 'GET_COMMANDS lists the commands, Particle\'s 0xFA among them');
  t.equal(await dfu.state(), S.uploadIdle);
  await dfu.abort();
  await dfu.command(0x21, 0x080a0000);
  await dfu.abort();
  t.same(await dfu.upload(2, 4096), block, 'UPLOAD block 2 reads from the address pointer');
});

t.test('errors: the bootloader refuses, reports it at GETSTATUS, and recovers on CLRSTATUS', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const dfu = await openDfu(t, board, socketPath);

  t.same(await dfu.command(0x21, 0x000b4000), { status: 0x01, poll: 0, state: S.error }, 'SET_ADDRESS outside the map: errTARGET');
  await t.rejects(dfu.dnload(0, Buffer.from([0x21, 0, 0, 0x0a, 0x08])), { message: 'LIBUSB_TRANSFER_STALL' }, 'dfuERROR stalls downloads');
  await dfu.clear();
  t.equal(await dfu.state(), S.idle, 'CLRSTATUS clears the error');

  t.same(await dfu.command(0x41, 0x08000000), { status: 0x01, poll: 0, state: S.error }, 'ERASE of the bootloader sector: errTARGET');
  await dfu.clear();
  t.same(await dfu.command(0x41), { status: 0x01, poll: 0, state: S.error }, 'mass erase is refused');
  await dfu.clear();

  await dfu.command(0x21, 0x08000000);
  await dfu.dnload(2, Buffer.alloc(64, 1));
  t.same(await dfu.settle(), { status: 0x03, poll: 0, state: S.error }, 'a write into a read-only sector: errWRITE');
  await dfu.clear();

  await t.rejects(dfu.dnload(2, Buffer.alloc(4097)), { message: 'LIBUSB_TRANSFER_STALL' }, 'a block larger than wTransferSize stalls');
  t.equal((await dfu.status()).state, S.error);
});

t.test('busy time is board time: the poll timeout shrinks as the clock runs faster', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }], 10);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const dfu = await openDfu(t, board, socketPath);
  await dfu.dnload(0, Buffer.from([0x41, 0, 0, 0x0a, 0x08]));
  const first = await dfu.status();
  t.equal(first.state, S.dnBusy);
  t.ok(first.poll >= 90 && first.poll <= 110, `a 128 KB erase, ~1 s of board time, asks for ~100 ms at scale 10 (got ${first.poll})`);
  const early = await dfu.status();
  t.equal(early.state, S.dnBusy, 'asked again too early: still busy');
  t.ok(early.poll <= first.poll);
  await new Promise((r) => setTimeout(r, first.poll + 20));
  t.equal((await dfu.status()).state, S.dnloadIdle, 'done once the poll timeout has passed');
});

t.test('leave: a zero-length DNLOAD, then GETSTATUS, and the board boots what is in flash', async (t) => {
  t.test('Gen2 answers dfuDNLOAD_IDLE (as particle-usb expects of it)', async (t) => {
    const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
    const [board] = boards;
    if (!board) throw new Error('one board');
    const dfu = await openDfu(t, board, socketPath);
    const app = makeTestApp({ platform: 'photon', version: 9 });
    await dfu.command(0x21, 0x080a0000);
    await dfu.command(0x41, 0x080a0000);
    for (let off = 0, block = 2; off < app.length; off += 4096, block++) {
      await dfu.dnload(block, app.subarray(off, off + 4096));
      t.equal((await dfu.settle()).state, S.dnloadIdle, `block ${block} written`);
    }
    await dfu.dnload(0, Buffer.alloc(0));
    t.equal((await dfu.status()).state, S.dnloadIdle);
    await until(board, 'normal mode', () => board.mode === 'normal' && board.usb === 'serial');
    t.equal(board.runningAppHash(), hashOf(app));
  });

  t.test('Gen3 answers dfuMANIFEST', async (t) => {
    const { socketPath, boards } = await startUsbBench(t, [{ id: ARGON, platform: 'argon' }]);
    const [board] = boards;
    if (!board) throw new Error('one board');
    const dfu = await openDfu(t, board, socketPath);
    await dfu.dnload(0, Buffer.alloc(0));
    t.equal((await dfu.status()).state, S.manifest);
    await until(board, 'normal mode', () => board.mode === 'normal' && board.usb === 'serial');
  });
});

t.test('DfuSe 0xFA: the board leaves DFU into safe mode', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const dfu = await openDfu(t, board, socketPath);
  await dfu.dnload(0, Buffer.from([0xfa]));
  t.equal((await dfu.status()).state, S.manifest);
  await until(board, 'safe mode', () => board.mode === 'safe' && board.usb === 'serial');
  t.equal(board.resetReason, 'safe_mode');
});
