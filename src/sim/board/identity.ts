// Stable made-up identity details derived from the device ID, so a board
// prints the same MAC address, IMEI and ICCID in every run.
import { createHash } from 'node:crypto';
import type { DeviceId } from '../../core/domain.js';

function digest(id: DeviceId, what: string): Buffer {
  return createHash('sha256').update(`${what}:${id}`).digest();
}

function digits(id: DeviceId, what: string, n: number): string {
  return [...digest(id, what)].map((b) => String(b % 10)).join('').slice(0, n);
}

export function macAddressOf(id: DeviceId): string {
  const d = digest(id, 'mac');
  // Locally administered, unicast first byte.
  const bytes = [(d[0] ?? 0) & 0xfe | 0x02, ...d.subarray(1, 6)];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function imeiOf(id: DeviceId): string {
  return `35${digits(id, 'imei', 13)}`;
}

export function iccidOf(id: DeviceId): string {
  return `8934${digits(id, 'iccid', 16)}`;
}
