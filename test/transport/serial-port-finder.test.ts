// Finding a board's serial port by device ID. The bench's `serial:` path is
// checked on the real file system; serialport's list() is replaced by a
// fixed listing because no USB serial device can exist on a test machine
// (a PTY has no USB serial number for list() to report).
import t from 'tap';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { findSerialPort, serialPortLocator, type PortListing } from '../../src/board/serial-port-finder.js';
import type { DeviceId } from '../../src/core/domain.js';

const ID = '3a002c000847343337373738' as DeviceId;

t.test('the bench names a path: that path while it exists, nothing while it is gone', async (t) => {
  const dir = t.testdir({ 'ttyACM0': '' });
  const link = join(dir, 'photon-1.tty');
  symlinkSync(join(dir, 'ttyACM0'), link);
  t.equal(await findSerialPort(ID, { serial: link, list: async () => t.fail('list() is not asked') as never }), link);
  rmSync(link);
  t.equal(await findSerialPort(ID, { serial: link }), undefined, 'the board is in DFU mode or resetting');
});

t.test('no path named: udev\'s by-id link that carries the device ID', async (t) => {
  const dir = t.testdir({
    'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0': '',
    'usb-Particle_Photon_3a002c000847343337373738-if00': '',
  });
  const list = async (): Promise<PortListing[]> => t.fail('list() is not asked when a by-id link matches') as never;
  t.equal(await findSerialPort(ID, { byIdDir: dir, list }), join(dir, 'usb-Particle_Photon_3a002c000847343337373738-if00'));
  t.equal(await findSerialPort('e00fce68a1b2c3d4e5f60718' as DeviceId, { byIdDir: dir, list: async () => [] }), undefined);
});

t.test('no path named and no by-id link: the port whose USB serial number carries the device ID', async (t) => {
  const none = join(t.testdir({}), 'no-by-id');
  const listing: PortListing[] = [
    { path: '/dev/ttyUSB0', serialNumber: 'A50285BI', vendorId: '0403' },
    { path: '/dev/ttyACM0', serialNumber: 'e00fce68a1b2c3d4e5f60718', vendorId: '2b04' },
    // Old Gen2 Device OS wraps the ID in other text, upper-case.
    { path: '/dev/ttyACM1', serialNumber: 'Particle_3A002C000847343337373738', vendorId: '2B04' },
  ];
  const find = (id: string, ports: PortListing[]) => findSerialPort(id as DeviceId, { byIdDir: none, list: async () => ports });
  t.equal(await find(ID, listing), '/dev/ttyACM1');
  t.equal(await find('e00fce68a1b2c3d4e5f60718', listing), '/dev/ttyACM0');
  t.equal(await find('0a10aced202194944a0452c8', listing), undefined, 'a board not on USB');
  t.equal(await find(ID, [{ path: '/dev/ttyUSB1', serialNumber: ID, vendorId: '0403' }]), undefined, 'a non-Particle device with the same digits is not the board');
  t.equal(await find(ID, [{ path: '/dev/ttyACM2', serialNumber: ID }]), '/dev/ttyACM2', 'a listing without vendor ID still matches by serial number');
});

t.test('a locator asks again on every call: the port follows re-enumeration', async (t) => {
  let listing: PortListing[] = [{ path: '/dev/ttyACM0', serialNumber: ID, vendorId: '2b04' }];
  const locate = serialPortLocator(ID, { byIdDir: join(t.testdir({}), 'no-by-id'), list: async () => listing });
  t.equal(await locate(), '/dev/ttyACM0');
  listing = [];
  t.equal(await locate(), undefined);
  listing = [{ path: '/dev/ttyACM3', serialNumber: ID, vendorId: '2b04' }];
  t.equal(await locate(), '/dev/ttyACM3', 'a new path after the board came back');
});
