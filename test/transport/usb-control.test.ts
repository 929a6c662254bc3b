// The rig's USB transport (src/transport/usb.ts) driving simulated boards
// through particle-usb on the simulated bus: a real Unix socket, real
// particle-usb code, nothing mocked.
import t from 'tap';
import { join } from 'node:path';
import { makeTestApp } from '../../src/firmware/make.js';
import { InfraError, FlashRejectedError } from '../../src/core/errors.js';
import { openUsbControl, usbBusFor, usbUpdateFirmware, withUsbControl } from '../../src/transport/usb.js';
import { ARGON, PHOTON_A, PHOTON_B, hashOf, intoDfu, shortTempDir, startUsbBench, until } from '../sim/usb/bench.js';

t.test('enumeration lists Particle boards by device ID, platform and mode', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [
    { id: PHOTON_A, platform: 'photon' },
    { id: ARGON, platform: 'argon' },
  ]);
  const bus = usbBusFor({ kind: 'socket', socket: socketPath });
  const before = await bus.list();
  t.same(before.map((b) => [b.id, b.platform.name, b.mode, b.productId.toString(16), b.portPath]), [
    [PHOTON_A, 'photon', 'serial', 'c006', '1-1'],
    [ARGON, 'argon', 'serial', 'c00c', '1-2'],
  ]);
  const argon = boards[1];
  if (!argon) throw new Error('two boards');
  await intoDfu(argon);
  const after = await bus.list();
  const a = after.find((b) => b.id === ARGON);
  t.equal(a?.mode, 'dfu', 'the DFU PID says DFU mode');
  t.equal(a?.productId, 0xd00c);
  t.not(a?.enumeration, before[1]?.enumeration, 'a re-enumeration is a new enumeration');
  t.equal(after.find((b) => b.id === PHOTON_A)?.enumeration, before[0]?.enumeration, 'the other board did not re-enumerate');
});

t.test('control requests on an open board', async (t) => {
  const app = makeTestApp({ platform: 'argon', version: 12, depends: [{ func: 'system-part', index: 1, version: 5600 }] });
  const { socketPath } = await startUsbBench(t, [
    { id: PHOTON_A, platform: 'photon', deviceOs: '1.5.2' },
    { id: ARGON, platform: 'argon', deviceOs: '5.6.0', app },
  ]);
  const bus = usbBusFor({ kind: 'socket', socket: socketPath });

  t.test('identity, version and mode', async (t) => {
    await withUsbControl(bus, PHOTON_A, {}, async (c) => {
      t.equal(await c.deviceId(), PHOTON_A);
      t.equal(c.systemVersion, '1.5.2');
      t.equal(c.platform.name, 'photon');
      t.equal(await c.mode(), 'normal');
    });
  });

  t.test('modules in the deprecated format: slot sizes from the platform table, no hash', async (t) => {
    const modules = await withUsbControl(bus, PHOTON_A, {}, (c) => c.modules());
    const user = modules.find((m) => m.func === 'user-part');
    t.same(modules.filter((m) => m.func === 'system-part').map((m) => [m.index, m.version, m.maxSize]), [[1, 1512, 256 * 1024], [2, 1512, 256 * 1024]]);
    t.equal(user?.maxSize, 128 * 1024);
    t.equal(user?.hash, undefined, 'Device OS before 5.6 does not say the hash');
    t.same(user?.checks, { integrity: true, dependencies: true, range: true, platform: true });
  });

  t.test('modules in the new format carry the running app hash, lower-case', async (t) => {
    const modules = await withUsbControl(bus, ARGON, {}, (c) => c.modules());
    const user = modules.find((m) => m.func === 'user-part' && m.location === 'main');
    t.equal(user?.hash, hashOf(app));
    t.equal(user?.version, 12);
    t.same(user?.dependencies, [{ func: 'system-part', index: 1, version: 5600 }]);
  });
});

t.test('mode changes are requests; the board re-enumerates afterwards', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const bus = usbBusFor({ kind: 'socket', socket: socketPath });

  t.test('listening and back', async (t) => {
    await withUsbControl(bus, PHOTON_A, {}, async (c) => {
      await c.enterListeningMode();
      t.equal(await c.mode(), 'listening');
      await c.leaveListeningMode();
    });
    await until(board, 'normal mode', () => board.mode === 'normal');
  });

  t.test('DFU mode, then the DFU device opens in DFU mode only', async (t) => {
    await withUsbControl(bus, PHOTON_A, {}, (c) => c.enterDfuMode());
    const dfu = await openUsbControl(bus, PHOTON_A, { mode: 'dfu', timeoutMs: 3000 });
    t.equal(dfu.inDfu, true);
    t.equal(await dfu.mode(), 'dfu');
    t.equal(dfu.systemVersion, undefined);
    await dfu.reset();
    await dfu.release();
    await until(board, 'normal mode', () => board.mode === 'normal' && board.usb === 'serial');
  });

  t.test('safe mode, and a forced reset out of it', async (t) => {
    await withUsbControl(bus, PHOTON_A, { mode: 'serial', timeoutMs: 3000 }, (c) => c.enterSafeMode());
    await until(board, 'safe mode', () => board.mode === 'safe' && board.usb === 'serial');
    await withUsbControl(bus, PHOTON_A, { mode: 'serial', timeoutMs: 3000 }, (c) => c.reset({ force: true }));
    await until(board, 'normal mode', () => board.mode === 'normal' && board.usb === 'serial');
    t.equal(board.resetReason, 'user');
  });
});

t.test('a board in serial mode stays open between jobs on one enumeration, never past it', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const bus = usbBusFor({ kind: 'socket', socket: socketPath });
  t.teardown(() => bus.closeBoard(PHOTON_A));
  const deviceOfJob = () => withUsbControl(bus, PHOTON_A, { mode: 'serial' }, async (c) => {
    t.equal(await c.deviceId(), PHOTON_A);
    return c.device;
  });

  const first = await deviceOfJob();
  t.equal(await deviceOfJob(), first, 'the next job on the same enumeration gets the same open device');
  t.equal(first.isOpen, true, 'kept open between jobs');

  await withUsbControl(bus, PHOTON_A, { mode: 'serial' }, (c) => c.reset());
  await until(board, 'back in normal mode', () => board.mode === 'normal' && board.usb === 'serial');
  const afterReset = await deviceOfJob();
  t.not(afterReset, first, 'a new enumeration is opened afresh');
  t.equal(first.isOpen, false, 'the device of the gone enumeration is closed');

  await t.rejects(withUsbControl(bus, PHOTON_A, { mode: 'serial' }, () => Promise.reject(new Error('a job that failed'))), /a job that failed/);
  t.equal(afterReset.isOpen, false, 'a device whose job failed is closed, not handed to the next job');
  t.not(await deviceOfJob(), afterReset);

  await withUsbControl(bus, PHOTON_A, { mode: 'serial' }, (c) => c.enterDfuMode());
  const dfu = await withUsbControl(bus, PHOTON_A, { mode: 'dfu', timeoutMs: 3000 }, async (c) => c.device);
  t.equal(dfu.isOpen, false, 'a DFU-mode device is closed after its job: dfu-util must be able to claim it');
  await withUsbControl(bus, PHOTON_A, { mode: 'dfu', timeoutMs: 3000 }, (c) => c.reset());
  await until(board, 'normal mode', () => board.mode === 'normal' && board.usb === 'serial');

  const last = await deviceOfJob();
  await bus.closeBoard(PHOTON_A);
  t.equal(last.isOpen, false, 'closeBoard lets go of the kept device');
});

t.test('firmware update over control requests', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const bus = usbBusFor({ kind: 'socket', socket: socketPath });

  t.test('an app is installed, with progress', async (t) => {
    const app = makeTestApp({ platform: 'photon', version: 21, size: 9000 });
    const seen: number[] = [];
    await withUsbControl(bus, PHOTON_A, {}, (c) => usbUpdateFirmware(c, app, { timeoutMs: 10_000, onProgress: (p) => seen.push(p.percent ?? -1) }));
    t.ok(seen.length > 1, 'several progress reports');
    t.equal(seen.at(-1), 100, 'the last says 100 %');
    await until(board, 'the reset that applies the update', () => board.resetReason === 'update' && board.usb === 'serial');
    t.equal(board.runningAppHash(), hashOf(app));
  });

  t.test('an image the board refuses is a FlashRejectedError, with its words', async (t) => {
    const before = board.runningAppHash();
    const wrong = makeTestApp({ platform: 'argon' });
    const err = await withUsbControl(bus, PHOTON_A, { mode: 'serial', timeoutMs: 3000 }, (c) => usbUpdateFirmware(c, wrong, { timeoutMs: 10_000 })).catch((e: unknown) => e);
    t.type(err, FlashRejectedError);
    t.equal((err as FlashRejectedError).method, 'usb');
    t.ok((err as FlashRejectedError).boardMessages.length > 0);
    t.equal(board.runningAppHash(), before, 'the app is unchanged');
  });
});

t.test('losing the board is an infrastructure failure', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }, { id: PHOTON_B, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('two boards');
  const bus = usbBusFor({ kind: 'socket', socket: socketPath });

  t.test('unplugged between open and request', async (t) => {
    const c = await openUsbControl(bus, PHOTON_A);
    t.teardown(() => c.release());
    board.faults.unplug();
    t.teardown(() => board.faults.replug());
    await t.rejects(c.mode(), { name: 'InfraError', message: /board 3a002c000847343337373738 vanished from the USB bus at .* during the device mode request/ });
  });

  t.test('unplugged in the middle of a firmware update', async (t) => {
    await until(board, 'back on USB', () => board.usb === 'serial');
    const app = makeTestApp({ platform: 'photon', version: 30, size: 60_000 });
    const c = await openUsbControl(bus, PHOTON_A);
    t.teardown(() => c.release());
    let cut = false;
    const err = await usbUpdateFirmware(c, app, {
      timeoutMs: 10_000,
      onProgress: (p) => {
        if (!cut && (p.percent ?? 0) >= 20) {
          cut = true;
          board.faults.unplug();
        }
      },
    }).catch((e: unknown) => e);
    board.faults.replug();
    t.ok(cut, 'the cable was pulled at 20 %');
    t.type(err, InfraError, 'not a firmware failure');
    t.match((err as InfraError).message, /vanished .* during the USB firmware update/);
  });

  t.test('a board that is not there', async (t) => {
    await t.rejects(openUsbControl(bus, '0123456789abcdef01234567' as never, { timeoutMs: 200 }), { name: 'InfraError', message: /board 0123456789abcdef01234567 is not on the USB bus at .* after 200 ms/ });
  });

  t.test('a bus that is not there', async (t) => {
    const missing = usbBusFor({ kind: 'socket', socket: join(await shortTempDir(t), 'none.sock') });
    await t.rejects(missing.list(), { name: 'InfraError', message: /cannot reach the USB bus/ });
    await t.rejects(openUsbControl(missing, PHOTON_A, { timeoutMs: 200 }), InfraError);
  });
});
