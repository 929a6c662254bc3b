// A board as the device endpoints describe it (GET /v1/devices[/:id]).
// Field names and types follow api.particle.io; values the simulator has no
// notion of (IP address, variables) are given their empty forms; functions
// are those the running app registered.
import type { BoardEntry } from './registry.js';

export interface DeviceSummary {
  id: string;
  name: string;
  last_app: string | null;
  last_ip_address: string | null;
  last_heard: string | null;
  last_handshake_at: string | null;
  product_id: number;
  online: boolean;
  connected: boolean;
  platform_id: number;
  cellular: boolean;
  notes: string | null;
  functions: string[];
  variables: Record<string, string>;
  status: string;
  serial_number: string | null;
  mac_wifi: string | null;
  iccid?: string;
  imei?: string;
  system_firmware_version: string;
  current_build_target: string;
}

export interface DeviceDetail extends DeviceSummary {
  firmware_updates_enabled: boolean;
  firmware_updates_forced: boolean;
  /** Not a field of the real API: the simulator's view of whether an update waits for the app. */
  firmware_updates_pending: boolean;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function deviceSummary(entry: BoardEntry): DeviceSummary {
  const { board } = entry;
  const online = board.cloudConnected;
  const cellular = board.platform.radio === 'cellular';
  const summary: DeviceSummary = {
    id: board.id,
    name: board.name,
    last_app: null,
    last_ip_address: online ? '127.0.0.1' : null,
    last_heard: iso(entry.lastHeard),
    last_handshake_at: iso(entry.lastHandshake),
    // A developer device (not in a product) reports its platform ID as product ID.
    product_id: board.platform.id,
    online,
    connected: online,
    platform_id: board.platform.id,
    cellular,
    notes: null,
    functions: board.cloudFunctions?.() ?? [],
    variables: {},
    status: 'normal',
    serial_number: null,
    mac_wifi: cellular ? null : board.macAddress,
    system_firmware_version: board.deviceOsVersion,
    current_build_target: board.deviceOsVersion,
  };
  if (board.iccid !== undefined) summary.iccid = board.iccid;
  if (board.imei !== undefined) summary.imei = board.imei;
  return summary;
}

export function deviceDetail(entry: BoardEntry): DeviceDetail {
  return {
    ...deviceSummary(entry),
    firmware_updates_enabled: entry.updatesEnabled,
    firmware_updates_forced: false,
    firmware_updates_pending: entry.board.updatesPending,
  };
}
