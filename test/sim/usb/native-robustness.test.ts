// The libusb stand-in when the bus misbehaves: it must fail the way libusb
// fails (errors, not crashes or SIGPIPE), and leak nothing. A bus that dies
// at one exact request cannot be arranged with the real simulated bus, so a
// small peer speaking the same protocol does it here: it answers HELLO and
// LIST like the bus, then drops the connection at the chosen request.
import t, { type Test } from 'tap';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { FrameSplitter, Op, UsbStatus, decodeRequest, encodeResponse } from '../../../src/protocol/usb-socket-frame.js';
import { encodeDeviceList, encodeVersion } from '../../../src/protocol/usb-socket-messages.js';
import { describeDfu } from '../../../src/sim/usb/descriptors.js';
import { PLATFORMS } from '../../../src/core/platform.js';
import { PHOTON_A, dfuUtil, ensureNativeLibrary, shortTempDir, startUsbBench, intoDfu } from './bench.js';

/** A bus with one Photon in DFU mode that hangs up when it receives `dieAt`. */
async function dyingBus(t: Test, dieAt: number): Promise<string> {
  const path = join(await shortTempDir(t), 'dying.sock');
  const identity = describeDfu(PLATFORMS.photon, PHOTON_A);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const splitter = new FrameSplitter();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const body of splitter.push(chunk)) {
        const req = decodeRequest(body);
        if (req.op === dieAt) return void socket.destroy();
        if (req.op === Op.hello) socket.write(encodeResponse(req.seq, UsbStatus.ok, encodeVersion(1)));
        else if (req.op === Op.list) {
          const dev = { devId: 1, bus: 1, address: 5, speed: 2, ports: [1], deviceDescriptor: identity.deviceDescriptor, config: identity.config };
          socket.write(encodeResponse(req.seq, UsbStatus.ok, encodeDeviceList([dev])));
        } else socket.write(encodeResponse(req.seq, req.op === Op.control ? UsbStatus.pipe : UsbStatus.ok));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return path;
}

t.test('a bus that hangs up mid-session: dfu-util fails with an error, never a signal', async (t) => {
  for (const [where, op] of [['at OPEN', Op.open], ['at the first control transfer', Op.control]] as const) {
    t.test(where, async (t) => {
      const r = await dfuUtil(await dyingBus(t, op), ['-d', '2b04:d006', '-a', '0', '-s', '0x080a0000', '-D', '/dev/null']);
      t.equal(r.signal, undefined, 'not killed (SIGPIPE or a crash)');
      t.equal(r.exitCode, 74, r.all);
      t.match(r.stderr, /LIBUSB_ERROR_NO_DEVICE/, 'the bus going away reads as the device going away');
    });
  }
  t.test('before answering HELLO', async (t) => {
    const r = await dfuUtil(await dyingBus(t, Op.hello), ['-l']);
    t.equal(r.signal, undefined);
    t.match(r.stderr, /libusb-socket: the bus at .* did not answer HELLO/);
  });
});

const hasValgrind = !(await execa('valgrind', ['--version'], { reject: false })).failed;

t.test('no memory errors and no leaks under valgrind', { skip: hasValgrind ? false : 'valgrind is not installed' }, async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  await intoDfu(board);
  const env = { LD_PRELOAD: await ensureNativeLibrary(), RIG_USB_SOCKET: socketPath };
  const r = await execa('valgrind', ['--leak-check=full', '--error-exitcode=9', 'dfu-util', '-l'], { env, reject: false, all: true, timeout: 60_000 });
  t.equal(r.exitCode, 0, r.all);
  t.match(r.stderr, /ERROR SUMMARY: 0 errors/);
  t.match(r.stderr, /All heap blocks were freed -- no leaks are possible/);
});
