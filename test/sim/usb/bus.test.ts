// The bus as a host controller shows it: enumeration, descriptors, device
// generations across re-enumeration, per-connection claims, stalls, and a
// server that survives a broken client. Spoken to with the rig's own
// client over the real socket.
import t, { type Test } from 'tap';
import { connect } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsbSocketClient } from '../../../src/transport/usb-socket/client.js';
import { controlIn, deviceCall, interfaceCall, readString, setAltSetting } from '../../../src/transport/usb-socket/device-calls.js';
import { Op, UsbStatus, WIRE_VERSION } from '../../../src/protocol/usb-socket-frame.js';
import { listDevicesOn } from '../../../src/transport/usb-socket/list.js';
import { busGeneration, nextBusChange } from '../../../src/transport/usb-socket/wait.js';
import { encodeDevRef, encodeVersion } from '../../../src/protocol/usb-socket-messages.js';
import { startUsbBus } from '../../../src/sim/usb/bus.js';
import { ARGON, PHOTON_A, intoDfu, shortTempDir, startUsbBench, until } from './bench.js';

async function client(t: Test, socketPath: string): Promise<UsbSocketClient> {
  const c = await UsbSocketClient.connect(socketPath);
  t.teardown(() => c.close());
  return c;
}

const getDescriptor = (type: number, index: number, wLength: number) => ({ bmRequestType: 0x80, bRequest: 6, wValue: (type << 8) | index, wIndex: 0, wLength });

t.test('HELLO: a client of another protocol version is refused', async (t) => {
  const { socketPath } = await startUsbBench(t, []);
  const c = await client(t, socketPath);
  t.equal((await c.call(Op.hello, encodeVersion(WIRE_VERSION))).status, UsbStatus.ok);
  t.equal((await c.call(Op.hello, encodeVersion(WIRE_VERSION + 1))).status, UsbStatus.notSupported);
  t.equal((await c.call(99 as typeof Op.hello)).status, UsbStatus.notSupported, 'an unknown op');
});

t.test('a board enumerates with Particle descriptors in serial and in DFU mode', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }, { id: ARGON, platform: 'argon' }]);
  const [photon, argon] = boards;
  if (!photon || !argon) throw new Error('two boards');
  const c = await client(t, socketPath);

  const serial = await listDevicesOn(c);
  t.same(
    serial.map((d) => [d.vendorId, d.productId, d.manufacturer, d.product, d.serialNumber, d.portPath]),
    [
      [0x2b04, 0xc006, 'Particle', 'Photon', PHOTON_A, '1-1'],
      [0x2b04, 0xc00c, 'Particle', 'Argon', ARGON, '1-2'],
    ],
  );
  const cfg = serial[0]?.listed.config ?? Buffer.alloc(0);
  t.equal(cfg[4], 3, 'CDC communication + data + vendor control interface');
  t.ok(cfg.includes(Buffer.from([9, 4, 2, 0, 0, 0xff, 0xff, 0xff])), 'interface 2 is vendor-specific');
  t.ok(cfg.includes(Buffer.from([9, 4, 0, 0, 1, 0x02, 0x02, 0x01])), 'interface 0 is CDC ACM');

  await intoDfu(argon);
  const [, dfu] = await listDevicesOn(c);
  t.equal(dfu?.productId, 0xd00c);
  t.equal(dfu?.product, 'Argon DFU Mode');
  t.equal(dfu?.serialNumber, ARGON);
  const dcfg = dfu?.listed.config ?? Buffer.alloc(0);
  const functional = dcfg.subarray(dcfg.length - 9);
  t.same([...functional.subarray(0, 2)], [9, 0x21], 'the DFU functional descriptor closes the bundle');
  t.equal(functional.readUInt16LE(5), 4096, 'wTransferSize');
  t.equal(functional.readUInt16LE(7), 0x011a, 'bcdDFUVersion: DfuSe 1.1a');
  if (!dfu) return;
  await deviceCall(c, Op.open, dfu.devId);
  const names = [];
  for (const i of [4, 5, 6]) names.push(await readString(c, dfu.devId, i));
  t.same(names, argon.platform.dfuAlts.map((a) => a.name), 'alt settings carry the DfuSe memory names');
  t.same([...(await controlIn(c, dfu.devId, getDescriptor(3, 0, 255), 1000))], [4, 3, 0x09, 0x04], 'language table: en-US');
  await t.rejects(controlIn(c, dfu.devId, getDescriptor(3, 40, 255), 1000), { message: 'LIBUSB_TRANSFER_STALL' }, 'a string that does not exist stalls');
  t.same((await controlIn(c, dfu.devId, getDescriptor(2, 0, 4), 1000)).readUInt16LE(2), dcfg.length, 'wTotalLength of a short read');
});

t.test('a re-enumeration makes every old handle answer NO_DEVICE', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const c = await client(t, socketPath);
  const [before] = await listDevicesOn(c);
  if (!before) throw new Error('listed');
  await deviceCall(c, Op.open, before.devId);
  await intoDfu(board);
  await t.rejects(controlIn(c, before.devId, getDescriptor(1, 0, 18), 1000), { message: 'LIBUSB_TRANSFER_NO_DEVICE' });
  await t.rejects(deviceCall(c, Op.open, before.devId), { message: 'LIBUSB_ERROR_NO_DEVICE' });
  const [after] = await listDevicesOn(c);
  t.not(after?.devId, before.devId, 'a new generation');
  t.not(after?.address, before.address, 'a new device address');
  t.equal(after?.portPath, before.portPath, 'on the same port');

  t.test('unplugged: gone from the list; plugged back: a new device again', async (t) => {
    board.faults.unplug();
    await until(board, 'off the bus', () => board.usb === 'absent');
    t.same(await listDevicesOn(c), []);
    board.faults.replug();
    await until(board, 'back', () => board.usb !== 'absent');
    const [back] = await listDevicesOn(c);
    t.ok(back && after && back.devId > after.devId);
  });
});

t.test('WATCH answers at the next change of the bus, at once for a change not yet seen, or at its time', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const generation = await busGeneration(socketPath);
  t.type(generation, 'number', 'a bus with WATCH tells its generation');

  let started = Date.now();
  t.equal(await nextBusChange(socketPath, generation, 60), generation, 'no change: the same generation, at the time given');
  t.ok(Date.now() - started >= 50, 'waited for its time');

  started = Date.now();
  const woken = nextBusChange(socketPath, generation, 10_000);
  board.faults.unplug();
  const next = await woken;
  t.ok(Date.now() - started < 1000, 'woken by the board leaving, not by the 10 s limit');
  t.not(next, generation);

  board.faults.replug();
  await until(board, 'back', () => board.usb !== 'absent');
  started = Date.now();
  t.not(await nextBusChange(socketPath, next, 10_000), next, 'a change made before the WATCH answers at once');
  t.ok(Date.now() - started < 1000);

  const aborted = new AbortController();
  const watching = nextBusChange(socketPath, await busGeneration(socketPath), 10_000, aborted.signal);
  aborted.abort(new Error('stopped'));
  await t.rejects(watching, /stopped/, 'a cancelled wait ends with its signal');
});

t.test('interface claims belong to a connection', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  await intoDfu(board);
  const a = await client(t, socketPath);
  const b = await UsbSocketClient.connect(socketPath);
  t.teardown(() => b.close());
  const [dev] = await listDevicesOn(a);
  if (!dev) throw new Error('listed');

  await t.rejects(setAltSetting(a, dev.devId, 0, 1), { message: 'LIBUSB_ERROR_NOT_FOUND' }, 'no alt setting without a claim');
  await interfaceCall(a, Op.claim, dev.devId, 0);
  await setAltSetting(a, dev.devId, 0, 1);
  await t.rejects(setAltSetting(a, dev.devId, 0, 7), { message: 'LIBUSB_ERROR_NOT_FOUND' }, 'an alt setting the device lacks');
  await t.rejects(interfaceCall(a, Op.claim, dev.devId, 3), { message: 'LIBUSB_ERROR_NOT_FOUND' }, 'an interface the device lacks');
  await t.rejects(interfaceCall(b, Op.claim, dev.devId, 0), { message: 'LIBUSB_ERROR_BUSY' }, 'another client cannot claim it');
  t.same([...(await controlIn(b, dev.devId, { bmRequestType: 0x81, bRequest: 10, wValue: 0, wIndex: 0, wLength: 1 }, 1000))], [1], 'the alt setting is the device\'s, seen by every client');
  a.close();
  // The bus sees the other socket close on its own schedule: retry briefly.
  const deadline = Date.now() + 2000;
  let claimed = false;
  while (!claimed && Date.now() < deadline) {
    claimed = await interfaceCall(b, Op.claim, dev.devId, 0).then(() => true, () => false);
    if (!claimed) await new Promise((r) => setTimeout(r, 5));
  }
  t.ok(claimed, 'a closed connection leaves its claims behind');
});

t.test('the server outlives a client that breaks the framing', async (t) => {
  const { socketPath } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const rogue = connect(socketPath);
  const closed = new Promise<void>((resolve) => rogue.on('close', () => resolve()));
  rogue.on('error', () => undefined);
  const huge = Buffer.alloc(8);
  huge.writeUInt32LE(0x7fffffff, 0);
  rogue.write(huge);
  await closed;
  t.pass('the broken client was disconnected');
  const c = await client(t, socketPath);
  t.equal((await listDevicesOn(c)).length, 1, 'others are still served');
  t.equal((await c.call(Op.open, encodeDevRef(9999))).status, UsbStatus.noDevice, 'a devId never handed out');
  t.equal((await c.call(Op.open, Buffer.alloc(1))).status, UsbStatus.invalidParam, 'a truncated payload');
});

t.test('the socket file', async (t) => {
  t.test('a stale file left by a dead bus is replaced', async (t) => {
    const path = join(await shortTempDir(t), 'bus.sock');
    await writeFile(path, '');
    const bus = await startUsbBus({ socketPath: path });
    t.teardown(() => bus.close());
    const c = await client(t, path);
    t.same(await listDevicesOn(c), []);
  });
  t.test('a live bus is not taken over', async (t) => {
    const path = join(await shortTempDir(t), 'bus.sock');
    const bus = await startUsbBus({ socketPath: path });
    t.teardown(() => bus.close());
    await t.rejects(startUsbBus({ socketPath: path }), { message: /another USB bus already serves/ });
  });
  t.test('closing the bus ends its clients\' connections', async (t) => {
    const path = join(await shortTempDir(t), 'bus.sock');
    const bus = await startUsbBus({ socketPath: path });
    const c = await UsbSocketClient.connect(path);
    await bus.close();
    await t.rejects(c.call(Op.list), { name: 'InfraError' });
    t.equal(c.closed, true);
  });
});
