// particle-usb's own code (openNativeUsbDevice, getDeviceId, getDeviceMode,
// getFirmwareModuleInfo, mode changes, reset, updateFirmware) driving boards
// on a USB-over-socket bus through the rig's adapter. The bus is the
// simulated bench's, on a real Unix socket; nothing is mocked.
import t, { type Test } from 'tap';
import { makeTestApp } from '../../src/firmware/make.js';
import { InfraError } from '../../src/core/errors.js';
import { listParticleBoards, openParticleDevice, type ParticleUsbDevice } from '../../src/transport/usb-socket/index.js';
import { ARGON, PHOTON_A, PHOTON_B, hashOf, intoDfu, shortTempDir, startUsbBench, until } from '../sim/usb/bench.js';
import { join } from 'node:path';

async function closing(t: Test, device: ParticleUsbDevice): Promise<ParticleUsbDevice> {
  t.teardown(() => device.close().catch(() => undefined));
  return device;
}

t.test('board discovery lists Particle boards by device ID, platform and mode', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [
    { id: PHOTON_A, platform: 'photon' },
    { id: PHOTON_B, platform: 'photon' },
    { id: ARGON, platform: 'argon' },
  ]);
  const [, , argon] = boards;
  if (!argon) throw new Error('three boards');
  await intoDfu(argon);
  const found = await listParticleBoards(socketPath);
  t.same(
    found.map((b) => [b.deviceId, b.platform, b.mode, b.productId.toString(16), b.portPath]),
    [
      [PHOTON_A, 'photon', 'serial', 'c006', '1-1'],
      [PHOTON_B, 'photon', 'serial', 'c006', '1-2'],
      [ARGON, 'argon', 'dfu', 'd00c', '1-3'],
    ],
  );
});

t.test('particle-usb reads identity, version, mode and modules of a board in normal mode', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon', deviceOs: '1.5.2' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const dev = await closing(t, await openParticleDevice(socketPath, PHOTON_A));
  t.equal(dev.type, 'photon');
  t.equal(dev.isInDfuMode, false);
  t.equal(dev.id, PHOTON_A, 'the device ID from the USB serial number');
  t.equal(dev.firmwareVersion, '1.5.2', 'the legacy system-version request answered at open');
  t.equal(await dev.getDeviceId(), PHOTON_A);
  t.match(await dev.getSerialNumber(), /^[A-Z0-9]{1,16}$/);
  t.equal(await dev.getDeviceMode(), 'NORMAL');

  const modules = await dev.getFirmwareModuleInfo();
  const user = modules.find((m) => m.type === 'USER_PART');
  const systems = modules.filter((m) => m.type === 'SYSTEM_PART');
  t.same(systems.map((m) => [m.index, m.version]), [[1, 1512], [2, 1512]], 'the stock system parts of 1.5.2');
  t.ok(user, 'the user part is listed');
  t.same(user?.validityErrors, [], 'and passes its checks');
  t.ok(modules.every((m) => m.hash === undefined), 'Device OS before 5.6 answers in the deprecated format (no hashes)');
});

t.test('Device OS 5.6+ answers module info in the new format, with the app hash', async (t) => {
  const app = makeTestApp({ platform: 'argon', version: 12, depends: [{ func: 'system-part', index: 1, version: 5600 }] });
  const { socketPath } = await startUsbBench(t, [{ id: ARGON, platform: 'argon', deviceOs: '5.6.0', app }]);
  const dev = await closing(t, await openParticleDevice(socketPath, ARGON));
  const modules = await dev.getFirmwareModuleInfo();
  const user = modules.find((m) => m.type === 'USER_PART');
  t.equal(user?.hash, hashOf(app), 'the running app identity, as the board computes it');
  t.equal(user?.store, 'MAIN');
  t.equal(user?.version, 12);
  t.same(user?.dependencies, [{ index: 1, version: 5600, type: 'SYSTEM_PART' }]);
});

t.test('particle-usb switches modes', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');

  t.test('listening mode and back', async (t) => {
    const dev = await closing(t, await openParticleDevice(socketPath, PHOTON_A));
    await dev.enterListeningMode({ timeout: 5000 });
    t.equal(board.mode, 'listening');
    t.equal(await dev.getDeviceMode(), 'LISTENING');
    await dev.leaveListeningMode();
    await until(board, 'normal mode', () => board.mode === 'normal');
    t.equal(await dev.getDeviceMode(), 'NORMAL');
  });

  t.test('DFU mode: the board re-enumerates with the DFU PID; the old handle is dead', async (t) => {
    const dev = await closing(t, await openParticleDevice(socketPath, PHOTON_A));
    await dev.enterDfuMode({ timeout: 5000 });
    t.equal(board.mode, 'dfu');
    t.equal(board.usb, 'dfu');
    await t.rejects(dev.getDeviceId(), 'a closed device refuses requests');
    const dfu = await closing(t, await openParticleDevice(socketPath, PHOTON_A, { mode: 'dfu' }));
    t.equal(dfu.isInDfuMode, true);
    t.equal(dfu.productId, 0xd006);
  });

  t.test('safe mode from DFU mode (DfuSe command 0xFA)', async (t) => {
    const dfu = await openParticleDevice(socketPath, PHOTON_A, { mode: 'dfu' });
    await dfu.enterSafeMode();
    await dfu.close();
    await until(board, 'safe mode', () => board.mode === 'safe' && board.usb === 'serial');
    const dev = await closing(t, await openParticleDevice(socketPath, PHOTON_A, { mode: 'serial' }));
    t.equal(await dev.getDeviceMode(), 'NORMAL', 'Device OS has no safe-mode value in GetDeviceModeReply');
  });

  t.test('reset leaves safe mode into normal mode', async (t) => {
    const dev = await openParticleDevice(socketPath, PHOTON_A, { mode: 'serial' });
    await dev.reset();
    await dev.close();
    await until(board, 'normal mode after reset', () => board.mode === 'normal' && board.usb === 'serial');
    t.equal(board.resetReason, 'user');
  });

  t.test('safe mode from normal mode (control request 60)', async (t) => {
    const dev = await openParticleDevice(socketPath, PHOTON_A, { mode: 'serial' });
    await dev.enterSafeMode();
    await dev.close();
    await until(board, 'safe mode', () => board.mode === 'safe');
    t.equal(board.resetReason, 'safe_mode');
  });

  t.test('a forced reset (bRequest 0x50, wIndex 40)', async (t) => {
    const dev = await openParticleDevice(socketPath, PHOTON_A, { mode: 'serial' });
    let left = false;
    board.once('usbChange', () => (left = true));
    await dev.reset({ force: true });
    await dev.close();
    await until(board, 'back in normal mode after leaving the bus', () => left && board.mode === 'normal' && board.usb === 'serial');
    t.equal(board.resetReason, 'user');
  });

  t.test('reset from DFU mode leaves DFU (particle-usb sends the DfuSe leave)', async (t) => {
    await intoDfu(board);
    const dfu = await openParticleDevice(socketPath, PHOTON_A, { mode: 'dfu' });
    await dfu.reset();
    await dfu.close();
    await until(board, 'normal mode', () => board.mode === 'normal' && board.usb === 'serial');
  });
});

t.test('particle-usb updateFirmware installs an app over control requests', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  const app = makeTestApp({ platform: 'photon', version: 21, size: 9000 });
  const dev = await openParticleDevice(socketPath, PHOTON_A);
  await dev.updateFirmware(app, { timeout: 10_000 });
  await dev.close();
  await until(board, 'the reset that applies the update', () => board.resetReason === 'update' && board.usb === 'serial');
  t.equal(board.runningAppHash(), hashOf(app), 'the new app runs');

  const again = await closing(t, await openParticleDevice(socketPath, PHOTON_A));
  const wrong = makeTestApp({ platform: 'argon' });
  await t.rejects(again.updateFirmware(wrong, { timeout: 10_000 }), { message: /Invalid data format|Unknown error|BAD_DATA/i }, 'an image for another platform is refused');
  t.equal(board.runningAppHash(), hashOf(app), 'and the app is unchanged');
});

t.test('a bus that is not there is an infrastructure failure, named so', async (t) => {
  const missing = join(await shortTempDir(t), 'none.sock');
  await t.rejects(openParticleDevice(missing, PHOTON_A), InfraError);
  await t.rejects(listParticleBoards(missing), { name: 'InfraError', message: /cannot reach the USB bus at .*none\.sock/ });
});

t.test('a board that does not come within the timeout', async (t) => {
  const { socketPath } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  await t.rejects(openParticleDevice(socketPath, PHOTON_A, { mode: 'dfu', timeoutMs: 200 }), { name: 'TimeoutError', message: /3a002c000847343337373738 \(dfu mode\)/ });
});
