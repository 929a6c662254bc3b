// The bus's framing and payload codecs (./src/protocol/usb-socket.md),
// byte by byte: the C stand-in in native/ reads and writes exactly these.
import t from 'tap';
import { FrameSplitter, MAX_BODY, Op, decodeRequest, decodeResponse, encodeRequest, encodeResponse, usbStatusName } from '../../src/protocol/usb-socket-frame.js';
import { decodeControl, decodeDeviceList, encodeControl, encodeDeviceList, interfacesOf, type ListedDevice } from '../../src/protocol/usb-socket-messages.js';

t.test('a request frame: u32 length, u32 seq, u8 op, payload', async (t) => {
  const f = encodeRequest(0x01020304, Op.control, Buffer.from([0xaa, 0xbb]));
  t.same([...f], [7, 0, 0, 0, 4, 3, 2, 1, 7, 0xaa, 0xbb]);
  t.same(decodeRequest(f.subarray(4)), { seq: 0x01020304, op: 7, payload: Buffer.from([0xaa, 0xbb]) });
  t.throws(() => decodeRequest(Buffer.alloc(3)), RangeError);
});

t.test('a response frame: u32 length, u32 seq, i32 status, payload', async (t) => {
  const f = encodeResponse(9, -9);
  t.same([...f], [8, 0, 0, 0, 9, 0, 0, 0, 0xf7, 0xff, 0xff, 0xff]);
  t.same(decodeResponse(f.subarray(4)), { seq: 9, status: -9, payload: Buffer.alloc(0) });
  t.equal(usbStatusName(-9), 'LIBUSB_ERROR_PIPE');
  t.equal(usbStatusName(12), 'LIBUSB_SUCCESS', 'a byte count is success');
});

t.test('the splitter reassembles frames cut anywhere and refuses absurd lengths', async (t) => {
  const stream = Buffer.concat([encodeRequest(1, Op.list), encodeRequest(2, Op.open, Buffer.from([1, 0, 0, 0]))]);
  const s = new FrameSplitter();
  const bodies = [...stream].flatMap((byte) => s.push(Buffer.from([byte])));
  t.same(bodies.map((b) => decodeRequest(b).seq), [1, 2], 'byte by byte');
  const big = Buffer.alloc(4);
  big.writeUInt32LE(MAX_BODY + 1);
  t.throws(() => new FrameSplitter().push(big), /exceeds/);
});

t.test('a device list round-trips, and a truncated one is an error', async (t) => {
  const dev: ListedDevice = {
    devId: 70000,
    bus: 1,
    address: 9,
    speed: 2,
    ports: [1, 4],
    deviceDescriptor: Buffer.from([18, 1, 0, 2, 0, 0, 0, 64, 4, 0x2b, 6, 0xd0, 0, 2, 1, 2, 3, 1]),
    config: Buffer.from([9, 2, 18, 0, 1, 1, 0, 0x80, 250, 9, 4, 0, 0, 0, 0xfe, 1, 2, 4]),
  };
  const bytes = encodeDeviceList([dev, { ...dev, devId: 70001, ports: [2] }]);
  t.equal(bytes[0], 2, 'u8 count first');
  t.same(decodeDeviceList(bytes), [dev, { ...dev, devId: 70001, ports: [2] }]);
  t.throws(() => decodeDeviceList(bytes.subarray(0, bytes.length - 1)), /truncated/);
});

t.test('a control transfer carries its OUT data, never IN data', async (t) => {
  const out = { devId: 5, bmRequestType: 0x21, bRequest: 1, wValue: 2, wIndex: 0, wLength: 3, timeoutMs: 500, data: Buffer.from([1, 2, 3]) };
  const enc = encodeControl(out);
  t.equal(enc.length, 16 + 3);
  t.same(decodeControl(enc), out);
  const inn = { ...out, bmRequestType: 0xa1, bRequest: 3, wLength: 6, data: Buffer.alloc(0) };
  t.equal(encodeControl(inn).length, 16, 'IN: the header only');
  t.same(decodeControl(encodeControl(inn)), inn);
  t.throws(() => decodeControl(Buffer.concat([enc, Buffer.from([9])])), /wLength says 3/);
});

t.test('interfaces and alt settings of a configuration bundle', async (t) => {
  const cfg = Buffer.from([9, 2, 36, 0, 2, 1, 0, 0x80, 250, 9, 4, 0, 0, 0, 0xfe, 1, 2, 4, 9, 4, 0, 1, 0, 0xfe, 1, 2, 5, 9, 4, 1, 0, 0, 0xff, 0xff, 0xff, 0]);
  t.same([...interfacesOf(cfg)], [[0, [0, 1]], [1, [0]]]);
});
