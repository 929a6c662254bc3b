// The simulated bench served over USB/IP, tested with a USB/IP client over a
// real TCP socket (fixtures/usbip-client.ts speaks what vhci-hcd speaks):
// every board in the device list with its VID/PID and serial number, the
// same device model as the socket bus behind both (the same answer to the
// same Particle request), the CDC-ACM data endpoints carrying the serial
// port, and a mode change that ends the import and offers a new device.
import t from 'tap';
import { PARTICLE_VID, PLATFORMS } from '../../../src/core/platform.js';
import { UsbSocketClient } from '../../../src/transport/usb-socket/client.js';
import { controlIn, deviceCall } from '../../../src/transport/usb-socket/device-calls.js';
import { listDevicesOn } from '../../../src/transport/usb-socket/list.js';
import { Op } from '../../../src/protocol/usb-socket-frame.js';
import { UrbStatus } from '../../../src/protocol/usbip.js';
import { startBench, until } from '../control/fixtures.js';
import { devlist, importDevice, type ImportedDevice } from './fixtures/usbip-client.js';

const GET_DESCRIPTOR = { bmRequestType: 0x80, bRequest: 6 };
const stringOf = (b: Buffer): string => b.subarray(2, b[0]).toString('utf16le');
const lineCoding = (baud: number): Buffer => {
  const b = Buffer.from([0, 0, 0, 0, 0, 0, 8]);
  b.writeUInt32LE(baud, 0);
  return b;
};
const SET_LINE_CODING = { bmRequestType: 0x21, bRequest: 0x20, wValue: 0, wIndex: 0, wLength: 7 };

/** The Particle service request (INIT, CHECK, RECV) for a request type, as particle-usb drives it. */
async function particleRequest(control: (s: { bmRequestType: number; bRequest: number; wValue: number; wIndex: number; wLength: number }) => Promise<Buffer>, type: number): Promise<Buffer[]> {
  const init = await control({ bmRequestType: 0xc0, bRequest: 1, wValue: 0, wIndex: type, wLength: 64 });
  const id = init.readUInt16LE(6);
  const check = await control({ bmRequestType: 0xc0, bRequest: 2, wValue: 0, wIndex: id, wLength: 64 });
  const recv = await control({ bmRequestType: 0xc0, bRequest: 4, wValue: 0, wIndex: id, wLength: 64 });
  // The request id is the bus's own count: compare the replies without it.
  return [init.subarray(0, 6), check, recv];
}

async function readUntilText(dev: ImportedDevice, pattern: RegExp, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let text = '';
  while (!pattern.test(text)) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} on bulk IN within ${ms} ms; got ${JSON.stringify(text.slice(-200))}`);
    const { result } = dev.bulkIn(1, 128);
    text += (await result).data.toString('latin1');
  }
  return text;
}

t.test('the device list shows every board as the USB device it is, with its device ID as serial number', async (t) => {
  const bench = await startBench(t, { usbip: { port: 0 } });
  const port = bench.usbip!.port;
  const list = await devlist(port);
  t.equal(list.length, bench.boards.length, 'one device per board');
  for (const b of bench.boards) {
    t.notOk(b.serial, `${b.name}: no PTY, its serial port is on USB`);
    const d = list.find((x) => x.busid === b.usbipBusid);
    t.ok(d, `${b.name} listed as ${b.usbipBusid}`);
    if (!d) continue;
    t.equal(d.idVendor, PARTICLE_VID, `${b.name}: VID 2b04`);
    t.equal(d.idProduct, PLATFORMS[b.platform].serialPid, `${b.name}: its platform's serial-mode PID`);
    t.same(d.interfaces.map((i) => i.bInterfaceClass), [0x02, 0x0a, 0xff], `${b.name}: CDC comm, CDC data, vendor interfaces`);
    const dev = await importDevice(port, d.busid);
    const desc = await dev.control({ ...GET_DESCRIPTOR, wValue: 0x0100, wIndex: 0, wLength: 18 });
    t.equal(desc.status, 0);
    t.equal(desc.data.readUInt16LE(10), d.idProduct, 'the device descriptor agrees with the list');
    const serial = await dev.control({ ...GET_DESCRIPTOR, wValue: 0x0303, wIndex: 0x0409, wLength: 255 });
    t.equal(stringOf(serial.data), b.id, `${b.name}: iSerialNumber is the device ID`);
    dev.close();
    await dev.closed;
  }
  const dev = await importDevice(port, list[0]!.busid);
  t.teardown(() => dev.close());
  await t.rejects(importDevice(port, list[0]!.busid), /status 2/, 'a device already imported is busy for a second client');
});

t.test('a Particle request gets the answer the socket bus gives: one device model behind both', async (t) => {
  const bench = await startBench(t, { usbip: { port: 0 } });
  const photon = bench.boards.find((b) => b.name === 'photon-1')!;
  const dev = await importDevice(bench.usbip!.port, photon.usbipBusid!);
  t.teardown(() => dev.close());
  const overUsbip = await particleRequest(async (s) => {
    const r = await dev.control(s);
    if (r.status !== 0) throw new Error(`status ${r.status}`);
    return r.data;
  }, 20);

  const c = await UsbSocketClient.connect(bench.usb.socket);
  t.teardown(() => c.close());
  const listed = await listDevicesOn(c);
  const socketDev = listed.find((d) => d.serialNumber === photon.id && d.portPath === photon.usbipBusid);
  t.ok(socketDev, 'the same board on the socket bus');
  await deviceCall(c, Op.open, socketDev!.devId);
  const overSocket = await particleRequest((s) => controlIn(c, socketDev!.devId, s, 1000), 20);
  t.same(overUsbip.map((b) => b.toString('hex')), overSocket.map((b) => b.toString('hex')), 'INIT, CHECK and RECV answered alike');
  t.match(overUsbip[2]!.toString('latin1'), photon.id, 'the reply carries the device ID');
  const stalled = await dev.control({ bmRequestType: 0xc0, bRequest: 0x7e, wValue: 0, wIndex: 0, wLength: 8 });
  t.equal(stalled.status, UrbStatus.stall, 'an unknown vendor request stalls (-EPIPE)');
});

t.test('CDC-ACM carries the serial port: 28800 baud to listening, a command out, its reply in; unlink of a waiting read', async (t) => {
  const bench = await startBench(t, { usbip: { port: 0 } });
  const argon = bench.boards.find((b) => b.name === 'argon-1')!;
  const dev = await importDevice(bench.usbip!.port, argon.usbipBusid!);
  t.teardown(() => dev.close());
  const set = await dev.control(SET_LINE_CODING, lineCoding(28800));
  t.equal(set.status, 0, 'SET_LINE_CODING accepted');
  await until(() => bench.handles['argon-1']?.mode === 'listening', 5000, 'the argon is in listening mode');
  const got = await dev.control({ bmRequestType: 0xa1, bRequest: 0x21, wValue: 0, wIndex: 0, wLength: 7 });
  t.equal(got.data.readUInt32LE(0), 28800, 'GET_LINE_CODING gives the speed back');
  const out = await dev.bulkOut(1, Buffer.from('i'));
  t.same([out.status, out.actualLength], [0, 1], 'bulk OUT taken');
  const text = await readUntilText(dev, new RegExp(argon.id, 'i'), 5000);
  t.match(text, /Device ID/i, 'the listening-mode identity reply came back on bulk IN');

  const notify = dev.bulkIn(2, 16); // the notification endpoint has nothing to say: the read waits
  t.equal(await dev.unlink(notify.seqnum), UrbStatus.unlinked, 'a waiting read unlinks with -ECONNRESET');
});

t.test('a mode change is a detach: the import ends and the board comes back as a new device', async (t) => {
  const bench = await startBench(t, { usbip: { port: 0 } });
  const port = bench.usbip!.port;
  const photon = bench.boards.find((b) => b.name === 'photon-1')!;
  const before = (await devlist(port)).find((d) => d.busid === photon.usbipBusid)!;
  const dev = await importDevice(port, photon.usbipBusid!);
  t.teardown(() => dev.close());
  const set = await dev.control(SET_LINE_CODING, lineCoding(14400));
  t.equal(set.status, 0, 'the request completes before the board leaves');
  await dev.closed;
  t.pass('the import ended: the host sees an unplug');
  let after: Awaited<ReturnType<typeof devlist>>[number] | undefined;
  const deadline = Date.now() + 5000;
  while (!(after = (await devlist(port)).find((d) => d.busid === photon.usbipBusid && d.idProduct === PLATFORMS.photon.dfuPid))) {
    if (Date.now() > deadline) throw new Error('the photon did not come back in DFU mode');
    await new Promise((r) => setTimeout(r, 20));
  }
  t.not(after.devnum, before.devnum, 'a new enumeration: another device number');
  t.same(after.interfaces.map((i) => [i.bInterfaceClass, i.bInterfaceSubClass, i.bInterfaceProtocol]), [[0xfe, 1, 2]], 'one DFU interface');
  const dfu = await importDevice(port, photon.usbipBusid!);
  t.teardown(() => dfu.close());
  const status = await dfu.control({ bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 });
  t.equal(status.status, 0);
  t.equal(status.data[4], 2, 'DFU_GETSTATUS: dfuIDLE');
});
