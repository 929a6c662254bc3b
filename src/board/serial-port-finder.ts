// Finds a board's serial port by its device ID, the one identity that
// survives re-enumeration: the bench's `serial:` path when it names one (a
// stable /dev/serial/by-id link, or the simulated bench's PTY link), else the
// port whose USB serial number carries the device ID (particle-facts §1):
// among udev's /dev/serial/by-id names (a directory read, cheap enough to
// repeat while a board is away), or without that folder serialport's list().
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { parseDeviceId, type DeviceId } from '../core/domain.js';
import { PARTICLE_VID } from '../core/platform.js';
import type { PortLocator } from '../transport/serial/line.js';

export interface PortListing {
  path: string;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
}

/** serialport's list(); replaceable because no USB serial device exists on a test machine. */
export type ListPorts = () => Promise<PortListing[]>;

export interface FindSerialPortOptions {
  /** The bench's `serial:` path for this board, if it names one. */
  serial?: string | undefined;
  list?: ListPorts;
  /** udev's links named after the USB serial number. Default /dev/serial/by-id. */
  byIdDir?: string;
}

const BY_ID_DIR = '/dev/serial/by-id';

/**
 * A by-id link such as usb-Particle_Photon_3a002c000847343337373738-if00 for
 * this board; null when there is no by-id folder (no USB serial device at
 * all, or not Linux with udev). Where the folder exists, udev keeps it for
 * every USB serial port, so a board without a link has no port now, and the
 * follower may look every few ms without listing the system's ports.
 */
function byIdLink(dir: string, id: DeviceId): string | undefined | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  const name = names.find((n) => /particle/i.test(n) && parseDeviceId(n) === id);
  return name === undefined ? undefined : join(dir, name);
}

const listSystemPorts: ListPorts = () => SerialPort.list();

function isParticle(p: PortListing): boolean {
  // Some systems leave vendorId out; the serial number still decides.
  return p.vendorId === undefined || parseInt(p.vendorId, 16) === PARTICLE_VID;
}

/** The board's port path now, or undefined while it has none (DFU mode, resetting, unplugged). */
export async function findSerialPort(id: DeviceId, o: FindSerialPortOptions = {}): Promise<string | undefined> {
  if (o.serial !== undefined) return existsSync(o.serial) ? o.serial : undefined;
  const link = byIdLink(o.byIdDir ?? BY_ID_DIR, id);
  if (link !== null) return link;
  const ports = await (o.list ?? listSystemPorts)();
  return ports.find((p) => isParticle(p) && p.serialNumber !== undefined && parseDeviceId(p.serialNumber) === id)?.path;
}

/** A locator the log capture and serial sessions call whenever they need the port again. */
export function serialPortLocator(id: DeviceId, o: FindSerialPortOptions = {}): PortLocator {
  return () => findSerialPort(id, o);
}
