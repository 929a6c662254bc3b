// What a board says about itself on USB, by mode, derived from the platform
// table: VID 0x2b04, PID serialPid/dfuPid, serial number = device ID. In DFU
// mode one interface with an alt setting per DfuSe memory (named as the real
// bootloaders name them) and a DFU functional descriptor (DfuSe 1.1a, 4 KB
// transfers); in serial mode a CDC ACM pair plus a vendor interface, the
// composite device Device OS presents for control requests.
import { PARTICLE_VID, type PlatformInfo } from '../../core/platform.js';
import type { DeviceId } from '../../core/domain.js';

export const DFU_TRANSFER_SIZE = 4096;
const MANUFACTURER = 'Particle';

export interface UsbIdentity {
  deviceDescriptor: Buffer;
  config: Buffer;
  /** String descriptors by index; index 0 is the language table. */
  strings: string[];
}

function deviceDescriptor(pid: number, composite: boolean): Buffer {
  const d = Buffer.alloc(18);
  d.writeUInt8(18, 0);
  d.writeUInt8(1, 1); // DEVICE
  d.writeUInt16LE(0x0200, 2); // USB 2.0
  // A composite CDC device announces interface association (EF/02/01).
  d.writeUInt8(composite ? 0xef : 0, 4);
  d.writeUInt8(composite ? 0x02 : 0, 5);
  d.writeUInt8(composite ? 0x01 : 0, 6);
  d.writeUInt8(64, 7);
  d.writeUInt16LE(PARTICLE_VID, 8);
  d.writeUInt16LE(pid, 10);
  d.writeUInt16LE(0x0200, 12); // bcdDevice: dfu-util prints it as ver=0200
  d.writeUInt8(1, 14); // iManufacturer
  d.writeUInt8(2, 15); // iProduct
  d.writeUInt8(3, 16); // iSerialNumber
  d.writeUInt8(1, 17); // one configuration
  return d;
}

function configuration(numInterfaces: number, body: number[]): Buffer {
  const total = 9 + body.length;
  return Buffer.from([9, 2, total & 0xff, total >> 8, numInterfaces, 1, 0, 0x80, 250, ...body]);
}

function dfuConfig(platform: PlatformInfo): Buffer {
  const body: number[] = [];
  platform.dfuAlts.forEach(({ alt }, i) => {
    // Interface 0, alt n, no endpoints, class DFU (FE/01), protocol 2 = DFU mode.
    body.push(9, 4, 0, alt, 0, 0xfe, 0x01, 0x02, 4 + i);
  });
  // DFU functional: will-detach | can-upload | can-download, detach 255 ms,
  // wTransferSize, bcdDFUVersion 1.1a (DfuSe).
  body.push(9, 0x21, 0x0b, 0xff, 0x00, DFU_TRANSFER_SIZE & 0xff, DFU_TRANSFER_SIZE >> 8, 0x1a, 0x01);
  return configuration(1, body);
}

function serialConfig(): Buffer {
  const body = [
    8, 0x0b, 0, 2, 0x02, 0x02, 0x01, 0, // IAD: interfaces 0-1 are one CDC function
    9, 4, 0, 0, 1, 0x02, 0x02, 0x01, 0, // CDC communication interface (ACM, AT commands)
    5, 0x24, 0x00, 0x10, 0x01, // CDC header, CDC 1.10
    5, 0x24, 0x01, 0x00, 0x01, // call management, data interface 1
    4, 0x24, 0x02, 0x02, // ACM: line coding supported (the baud-rate mode tricks)
    5, 0x24, 0x06, 0, 1, // union: master 0, slave 1
    7, 5, 0x82, 0x03, 8, 0, 0xff, // notification endpoint, interrupt IN
    9, 4, 1, 0, 2, 0x0a, 0, 0, 0, // CDC data interface
    7, 5, 0x01, 0x02, 64, 0, 0, // bulk OUT
    7, 5, 0x81, 0x02, 64, 0, 0, // bulk IN
    9, 4, 2, 0, 0, 0xff, 0xff, 0xff, 0, // vendor interface: Particle control requests
  ];
  return configuration(3, body);
}

export function describeDfu(platform: PlatformInfo, id: DeviceId): UsbIdentity {
  return {
    deviceDescriptor: deviceDescriptor(platform.dfuPid, false),
    config: dfuConfig(platform),
    strings: ['', MANUFACTURER, `${platform.displayName} DFU Mode`, id, ...platform.dfuAlts.map((a) => a.name)],
  };
}

export function describeSerial(platform: PlatformInfo, id: DeviceId): UsbIdentity {
  return {
    deviceDescriptor: deviceDescriptor(platform.serialPid, true),
    config: serialConfig(),
    strings: ['', MANUFACTURER, platform.displayName, id],
  };
}

/** GET_DESCRIPTOR(STRING, index) bytes: the language table (en-US) or UTF-16LE text. */
export function stringDescriptor(strings: readonly string[], index: number): Buffer | undefined {
  if (index === 0) return Buffer.from([4, 3, 0x09, 0x04]);
  const text = strings[index];
  if (text === undefined || index >= strings.length) return undefined;
  const utf16 = Buffer.from(text.slice(0, 126), 'utf16le');
  return Buffer.concat([Buffer.from([2 + utf16.length, 3]), utf16]);
}
