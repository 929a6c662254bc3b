// Mode changes fall back to the serial port (line-coding trick, listening
// keys) when the board refuses the USB control requests for them, as
// Device OS before 0.8 does. The simulated board answers every request, so
// the bus here opens boards for real and refuses the four mode requests
// with the error particle-usb raises for an unsupported request: the one
// thing mocked.
import t from 'tap';
import { RigBoard } from '../../src/board/board.js';
import { SerialLogCapture } from '../../src/board/log-capture.js';
import { serialPortLocator } from '../../src/board/serial-port-finder.js';
import { PLATFORMS } from '../../src/core/platform.js';
import { usbBusFor, type UsbBus } from '../../src/transport/usb.js';
import type { ParticleUsbDevice } from '../../src/transport/usb-socket/index.js';
import { join } from 'node:path';
import { PHOTON, startBoardBench } from './fixtures/sim-bench.js';
import { BenchClock } from '../../src/core/clock.js';

function notSupported(): Promise<never> {
  const err = new Error('Request is not supported');
  err.name = 'RequestError';
  return Promise.reject(err);
}

t.test('mode requests the board refuses over USB go through its serial port', async (t) => {
  const bench = await startBoardBench(t, { boards: [{ name: 'photon-1', platform: 'photon', id: PHOTON, sim: { deviceOs: '1.5.2' } }], without: ['cloud'] });
  const sim = bench.sim.handles['photon-1']!;
  const real = usbBusFor(bench.access.usb);
  const oldDeviceOs: UsbBus = {
    description: real.description,
    list: (signal) => real.list(signal),
    async open(id, o) {
      const lease = await real.open(id, o);
      const d = lease.device;
      if (d.isInDfuMode) return lease;
      const old: ParticleUsbDevice = {
        get id() { return d.id; },
        get type() { return d.type; },
        get platformId() { return d.platformId; },
        get isOpen() { return d.isOpen; },
        get isInDfuMode() { return d.isInDfuMode; },
        get firmwareVersion() { return d.firmwareVersion; },
        get vendorId() { return d.vendorId; },
        get productId() { return d.productId; },
        getDeviceId: (x) => d.getDeviceId(x),
        getSerialNumber: (x) => d.getSerialNumber(x),
        getDeviceMode: (x) => d.getDeviceMode(x),
        getFirmwareModuleInfo: (x) => d.getFirmwareModuleInfo(x),
        enterDfuMode: notSupported,
        enterSafeMode: notSupported,
        enterListeningMode: notSupported,
        leaveListeningMode: notSupported,
        reset: (x) => d.reset(x),
        updateFirmware: (data, x) => d.updateFirmware(data, x),
        close: (x) => d.close(x),
      };
      return { device: old, release: (r) => lease.release(r) };
    },
    closeBoard: (id) => real.closeBoard(id),
    generation: () => real.generation(),
    nextChange: (since, withinMs, signal) => real.nextChange(since, withinMs, signal),
  };
  // The bench's own Board holds the port; this one takes it over.
  await bench.board('photon-1').close();
  const id = PHOTON;
  const serial = bench.sim.boards[0]!.serial;
  const log = SerialLogCapture.start({ board: 'photon-1', locate: serialPortLocator(id, { serial }), file: join(t.testdir({}), 'trace.log') });
  const board = new RigBoard({
    name: 'photon-1', id, platform: PLATFORMS.photon, access: bench.access, clock: new BenchClock(bench.access.timeScale), bus: oldDeviceOs, log, events: undefined,
    bench: { name: 'photon-1', platform: 'photon', id, tags: [], serial },
  });
  t.teardown(() => board.close());

  t.test('listening mode by 28800 baud, out of it by `x`', async (t) => {
    await board.enterMode('listening');
    t.equal(sim.mode, 'listening');
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
  });

  t.test('safe mode by 28800 baud and `L`', async (t) => {
    await board.enterMode('safe');
    t.equal(sim.mode, 'safe');
    t.equal(await board.presence(), 'safe');
  });

  t.test('DFU mode by 14400 baud', async (t) => {
    await board.enterMode('dfu');
    t.equal(sim.mode, 'dfu');
  });

  t.test('out of DFU mode by the DfuSe leave, which the bootloader does answer', async (t) => {
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
  });

  t.test('serial flashing enters listening mode the same way', async (t) => {
    const { makeTestApp } = await import('../../src/firmware/make.js');
    const { parseModule } = await import('../../src/firmware/parse.js');
    const image = makeTestApp({ platform: 'photon', version: 40 });
    await board.flash({ name: 'v40', image, info: parseModule(image), source: 'make' }, 'serial');
    t.equal(sim.runningAppHash(), parseModule(image).sha256);
  });
});
