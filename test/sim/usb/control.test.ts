// Particle's control-request service on the simulated board, at the level of
// single USB transfers (particle-usb drives it whole in
// test/transport/usb-socket-particle.test.ts).
import t, { type Test } from 'tap';
import DeviceOSProtobuf from '@particle/device-os-protobuf';
import { UsbSocketClient } from '../../../src/transport/usb-socket/client.js';
import { controlIn, controlOut, deviceCall } from '../../../src/transport/usb-socket/device-calls.js';
import { Op } from '../../../src/protocol/usb-socket-frame.js';
import { listDevicesOn } from '../../../src/transport/usb-socket/list.js';
import { PHOTON_A, intoDfu, startUsbBench } from './bench.js';

const Service = { init: 1, check: 2, send: 3, recv: 4, reset: 5 } as const;
const Status = { ok: 0, pending: 2, busy: 3, notFound: 5 } as const;

interface Reply {
  status: number;
  id?: number;
  size?: number;
  result?: number;
}

/** Service reply: u32 flags (1 status, 2 id, 4 size, 8 result), u16 status, then the flagged fields. */
function parseReply(b: Buffer): Reply {
  const flags = b.readUInt32LE(0);
  const r: Reply = { status: b.readUInt16LE(4) };
  let at = 6;
  if (flags & 2) {
    r.id = b.readUInt16LE(at);
    at += 2;
  }
  if (flags & 4) {
    r.size = b.readUInt32LE(at);
    at += 4;
  }
  if (flags & 8) r.result = b.readInt32LE(at);
  return r;
}

async function serialDevice(t: Test, socketPath: string) {
  const c = await UsbSocketClient.connect(socketPath);
  t.teardown(() => c.close());
  const [dev] = await listDevicesOn(c);
  if (!dev) throw new Error('listed');
  await deviceCall(c, Op.open, dev.devId);
  const vendorIn = async (bRequest: number, wIndex: number, wValue = 0, wLength = 64) =>
    controlIn(c, dev.devId, { bmRequestType: 0xc0, bRequest, wValue, wIndex, wLength }, 1000);
  const service = async (bRequest: number, wIndex: number, wValue = 0) => parseReply(await vendorIn(bRequest, wIndex, wValue));
  const send = (id: number, data: Buffer) => controlOut(c, dev.devId, { bmRequestType: 0x40, bRequest: Service.send, wValue: 0, wIndex: id }, data, 1000);
  return { c, dev, vendorIn, service, send };
}

t.test('INIT, CHECK, RECV: a device ID request answered with GetDeviceIdReply', async (t) => {
  const { socketPath } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const { service, vendorIn } = await serialDevice(t, socketPath);
  const init = await service(Service.init, 20);
  t.equal(init.status, Status.ok);
  t.ok(init.id && init.id > 0, 'a request id');
  const check = await service(Service.check, init.id ?? 0);
  t.equal(check.status, Status.ok);
  t.equal(check.result, 0);
  t.ok(check.size && check.size > 24, 'a reply to fetch');
  const body = await vendorIn(Service.recv, init.id ?? 0, 0, check.size ?? 0);
  t.same(DeviceOSProtobuf.decode('GetDeviceIdReply', body), { id: PHOTON_A });
  t.equal((await service(Service.check, init.id ?? 0)).status, Status.notFound, 'a fetched request is gone');
});

t.test('system version (30) and serial number (21) as protobuf replies', async (t) => {
  const { socketPath } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon', deviceOs: '2.3.0' }]);
  const { service, vendorIn } = await serialDevice(t, socketPath);
  const ask = async (type: number, reply: string): Promise<unknown> => {
    const { id = 0 } = await service(Service.init, type);
    const { size = 0 } = await service(Service.check, id);
    return DeviceOSProtobuf.decode(reply, await vendorIn(Service.recv, id, 0, size));
  };
  t.same(await ask(30, 'GetSystemVersionReply'), { version: '2.3.0' });
  t.match(await ask(21, 'GetSerialNumberReply'), { serial: /^[A-Z0-9]{1,16}$/ });
});

t.test('a request with a payload: INIT with its size, SEND, then CHECK', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  const { service, send, vendorIn } = await serialDevice(t, socketPath);
  const payload = Buffer.from(DeviceOSProtobuf.encode('StartFirmwareUpdateRequest', { size: 4096 }));
  const init = await service(Service.init, 250, payload.length);
  const id = init.id ?? 0;
  t.equal((await service(Service.check, id)).status, Status.pending, 'no result before the payload arrived');
  await t.rejects(send(id, Buffer.concat([payload, Buffer.from([0])])), { message: 'LIBUSB_TRANSFER_STALL' }, 'more than announced stalls');
  t.equal(await send(id, payload), payload.length);
  const check = await service(Service.check, id);
  t.equal(check.result, 0);
  const reply = DeviceOSProtobuf.decode('StartFirmwareUpdateReply', await vendorIn(Service.recv, id, 0, check.size ?? 0)) as { chunkSize: number };
  t.equal(reply.chunkSize, 4096);
  t.equal(board?.mode, 'normal');
});

t.test('service bookkeeping: unknown ids, RESET, BUSY, unsupported request types', async (t) => {
  const { socketPath } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const { service } = await serialDevice(t, socketPath);
  t.equal((await service(Service.check, 777)).status, Status.notFound);

  const wifiScan = await service(Service.init, 112);
  t.same(await service(Service.check, wifiScan.id ?? 0), { status: Status.ok, result: -120, size: 0 }, 'a request the board does not simulate: NOT_SUPPORTED');

  const ids: number[] = [];
  for (let i = 0; i < 8; i++) ids.push((await service(Service.init, 20)).id ?? 0);
  t.equal((await service(Service.init, 20)).status, Status.busy, 'the ninth open request: BUSY');
  t.equal((await service(Service.reset, 0)).status, Status.ok, 'RESET 0 drops them all');
  t.equal((await service(Service.check, ids[0] ?? 0)).status, Status.notFound);
  t.equal((await service(Service.init, 20)).status, Status.ok, 'room again');
});

t.test('legacy requests on bRequest 0x50', async (t) => {
  const { socketPath } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon', deviceOs: '1.5.2' }]);
  const { vendorIn } = await serialDevice(t, socketPath);
  t.equal((await vendorIn(0x50, 30)).toString(), '1.5.2\0', 'system version, NUL-terminated');
  await t.rejects(vendorIn(0x50, 99), { message: 'LIBUSB_TRANSFER_STALL' }, 'an unknown legacy request stalls');
});

t.test('in DFU mode the bootloader knows no Particle control requests', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  await intoDfu(board);
  const { vendorIn } = await serialDevice(t, socketPath);
  await t.rejects(vendorIn(0x50, 30), { message: 'LIBUSB_TRANSFER_STALL' });
  await t.rejects(vendorIn(Service.init, 20), { message: 'LIBUSB_TRANSFER_STALL' });
});
