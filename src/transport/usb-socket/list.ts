// Which devices a USB-over-socket bus has right now, with the strings a
// bench needs to tell boards apart (serial number = device ID on Particle
// boards). Strings are read once per enumeration (a devId is never reused
// for another one), so a listing is one round trip on the bus's look-up
// connection.
import { busConnection } from './bus-connection.js';
import type { UsbSocketClient } from './client.js';
import { deviceCall, readString } from './device-calls.js';
import { Op } from '../../protocol/usb-socket-frame.js';
import { decodeDeviceList, type ListedDevice } from '../../protocol/usb-socket-messages.js';
import { UsbSocketError } from './usb-error.js';

export interface UsbSocketDevice {
  socketPath: string;
  /** This enumeration of the device; a later one gets a new devId. */
  devId: number;
  busNumber: number;
  address: number;
  /** As dfu-util prints it: "<bus>-<port>[.<port>...]". */
  portPath: string;
  vendorId: number;
  productId: number;
  bcdDevice: number;
  manufacturer: string;
  product: string;
  serialNumber: string;
  /** The raw listing (descriptors), for an adapter that opens the device. */
  listed: ListedDevice;
}

export interface ListFilter {
  vendorId?: number;
  productIds?: readonly number[];
}

/** String descriptors by devId, per connection: what a bus said of an enumeration does not change. */
const stringsSeen = new WeakMap<UsbSocketClient, Map<number, string[]>>();

export async function listDevicesOn(client: UsbSocketClient, filter: ListFilter = {}): Promise<UsbSocketDevice[]> {
  const r = await client.call(Op.list);
  const listed = decodeDeviceList(r.payload);
  const seen = stringsSeen.get(client) ?? new Map<number, string[]>();
  stringsSeen.set(client, seen);
  // Enumerations that left the bus are forgotten.
  const present = new Set(listed.map((d) => d.devId));
  for (const devId of seen.keys()) if (!present.has(devId)) seen.delete(devId);
  const found: UsbSocketDevice[] = [];
  for (const d of listed) {
    const desc = d.deviceDescriptor;
    const vendorId = desc.readUInt16LE(8);
    const productId = desc.readUInt16LE(10);
    if (filter.vendorId !== undefined && vendorId !== filter.vendorId) continue;
    if (filter.productIds && !filter.productIds.includes(productId)) continue;
    const strings = seen.get(d.devId) ?? (await readStrings(client, d.devId, [desc.readUInt8(14), desc.readUInt8(15), desc.readUInt8(16)]));
    if (!strings) continue; // it left the bus while we looked at it
    seen.set(d.devId, strings);
    const [manufacturer = '', product = '', serialNumber = ''] = strings;
    found.push({
      socketPath: client.socketPath,
      devId: d.devId,
      busNumber: d.bus,
      address: d.address,
      portPath: `${d.bus}-${d.ports.join('.')}`,
      vendorId,
      productId,
      bcdDevice: desc.readUInt16LE(12),
      manufacturer,
      product,
      serialNumber,
      listed: d,
    });
  }
  return found;
}

async function readStrings(client: UsbSocketClient, devId: number, indexes: number[]): Promise<string[] | undefined> {
  try {
    await deviceCall(client, Op.open, devId);
    try {
      const out: string[] = [];
      for (const i of indexes) out.push(await readString(client, devId, i));
      return out;
    } finally {
      await deviceCall(client, Op.close, devId).catch(() => undefined);
    }
  } catch (err) {
    if (err instanceof UsbSocketError && err.deviceGone) return undefined;
    throw err;
  }
}

/** Lists the devices on the bus served at `socketPath`. */
export async function listUsbSocketDevices(socketPath: string, filter: ListFilter = {}): Promise<UsbSocketDevice[]> {
  return listDevicesOn(await busConnection(socketPath), filter);
}
