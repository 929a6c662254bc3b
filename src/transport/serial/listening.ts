// Listening-mode commands (particle-facts §3) on an open port, each with its
// reply parsed. The board must already be in listening mode: in any other
// mode the keys go to the app and the reply never comes (a TimeoutError).
import type { Duplex } from 'node:stream';
import { parseDeviceId, type DeviceId } from '../../core/domain.js';
import { parseSystemInfo, type SystemInfo } from '../../core/module-listing.js';
import { ask, completeLine, press, type ReplyOptions, type ReplyParser } from './reply.js';

// Gen2 Wi-Fi: "Your device id is <id>"; cellular and Gen3+: "Device ID: <id>".
const ID_LINE = /(?:Your (?:core|device) id is|Device ID:)\s*([0-9a-f]{24})/i;
const VERSION_LINE = /system firmware version:\s*([\w.+-]+)/;
const MAC = /Your device MAC address is\s*\r?\n\s*([0-9a-f]{2}(?::[0-9a-f]{2}){5})\s*\r?\n/i;
const CLAIMED_LINE = /Device claimed:\s*(yes|no)/;

const lineGroup = (pattern: RegExp): ReplyParser<string> => {
  const line = completeLine(pattern);
  return (text) => line(text)?.[1];
};

export function readDeviceId(port: Duplex, o?: ReplyOptions): Promise<DeviceId> {
  const parse = lineGroup(ID_LINE);
  return ask(port, 'i', (text) => { const id = parse(text); return id === undefined ? undefined : parseDeviceId(id); }, 'the device ID', o);
}

/** Device OS version, e.g. "1.5.2". */
export function readVersion(port: Duplex, o?: ReplyOptions): Promise<string> {
  return ask(port, 'v', lineGroup(VERSION_LINE), 'the system firmware version', o);
}

/** The `s` JSON: platform ID and every module in a slot (hashes lower-case). */
export function readSystemInfo(port: Duplex, o?: ReplyOptions): Promise<SystemInfo> {
  const parse: ReplyParser<SystemInfo> = (text) => {
    for (const line of text.split('\n').slice(0, -1)) {
      const info = line.trimStart().startsWith('{') ? parseSystemInfo(line.trim()) : undefined;
      if (info) return info;
    }
    return undefined;
  };
  return ask(port, 's', parse, 'the module list', o);
}

/** MAC address, lower-case, e.g. "aa:bb:cc:dd:ee:ff". */
export function readMac(port: Duplex, o?: ReplyOptions): Promise<string> {
  return ask(port, 'm', (text) => MAC.exec(text)?.[1]?.toLowerCase(), 'the MAC address', o);
}

export function readClaimed(port: Duplex, o?: ReplyOptions): Promise<boolean> {
  const parse = lineGroup(CLAIMED_LINE);
  return ask(port, 'c', (text) => { const v = parse(text); return v === undefined ? undefined : v === 'yes'; }, 'the claim status', o);
}

/** `x`: the board leaves listening mode. No reply: verify the mode elsewhere. */
export function leaveListening(port: Duplex): Promise<void> {
  return press(port, 'x');
}

/** `L`: the board resets into safe mode. No reply: verify the mode elsewhere. */
export function enterSafeModeKey(port: Duplex): Promise<void> {
  return press(port, 'L');
}

/** Whether the board answers a listening-mode command (`v`) within `ms`. */
export async function answersListening(port: Duplex, ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await readVersion(port, { timeoutMs: ms, signal });
    return true;
  } catch (e) {
    if (signal?.aborted) throw e;
    if ((e as Error).name === 'TimeoutError') return false;
    throw e;
  }
}
