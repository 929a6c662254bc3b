// Finding a board's serial port by device ID. The bench's `serial:` path is
// checked on the real file system; serialport's list() is replaced by a
// fixed listing because no USB serial device can exist on a test machine
// (a PTY has no USB serial number for list() to report).
import t from 'tap';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { findSerialPort, serialPortLocator, type PortListing } from '../../src/board/serial-port-finder.js';
import type { DeviceId } from '../../src/domain.js';

const ID = '3a002c000847343337373738' as DeviceId;

t.test('the bench names a path: that path while it exists, nothing while it is gone', async (t) => {
  const dir = t.testdir({ 'ttyACM0': '' });
  const link = join(dir, 'photon-1.tty');
  symlinkSync(join(dir, 'ttyACM0'), link);
  t.equal(await findSerialPort(ID, { serial: link, list: async () => t.fail('list() is not asked') as never }), link);
  rmSync(link);
  t.equal(await findSerialPort(ID, { serial: link }), undefined, 'the board is in DFU mode or resetting');
});

t.test('no path named: the port whose USB serial number carries the device ID', async (t) => {
  const listing: PortListing[] = [
    { path: '/dev/ttyUSB0', serialNumber: 'A50285BI', vendorId: '0403' },
    { path: '/dev/ttyACM0', serialNumber: 'e00fce68a1b2c3d4e5f60718', vendorId: '2b04' },
    // Old Gen2 Device OS wraps the ID in other text, upper-case.
    { path: '/dev/ttyACM1', serialNumber: 'Particle_3A002C000847343337373738', vendorId: '2B04' },
  ];
  t.equal(await findSerialPort(ID, { list: async () => listing }), '/dev/ttyACM1');
  t.equal(await findSerialPort('e00fce68a1b2c3d4e5f60718' as DeviceId, { list: async () => listing }), '/dev/ttyACM0');
  t.equal(await findSerialPort('0a10aced202194944a0452c8' as DeviceId, { list: async () => listing }), undefined, 'a board not on USB');
  const foreign = [{ path: '/dev/ttyUSB1', serialNumber: ID, vendorId: '0403' }];
  t.equal(await findSerialPort(ID, { list: async () => foreign }), undefined, 'a non-Particle device with the same digits is not the board');
  const noVendor = [{ path: '/dev/ttyACM2', serialNumber: ID }];
  t.equal(await findSerialPort(ID, { list: async () => noVendor }), '/dev/ttyACM2', 'a listing without vendor ID still matches by serial number');
});

t.test('a locator asks again on every call: the port follows re-enumeration', async (t) => {
  let listing: PortListing[] = [{ path: '/dev/ttyACM0', serialNumber: ID, vendorId: '2b04' }];
  const locate = serialPortLocator(ID, { list: async () => listing });
  t.equal(await locate(), '/dev/ttyACM0');
  listing = [];
  t.equal(await locate(), undefined);
  listing = [{ path: '/dev/ttyACM3', serialNumber: ID, vendorId: '2b04' }];
  t.equal(await locate(), '/dev/ttyACM3', 'a new path after the board came back');
});
