// What a board does for each Particle control request type (particle-facts
// §2), with protobuf payloads where Device OS uses them. Requests that make
// the board reset or change mode do it once the host has fetched the result,
// as Device OS does from the request's completion handler.
import type { SimBoard } from '../board/contract.js';
import { UsbFirmwareUpdate } from './firmware-update.js';
import { moduleInfoReply } from './module-info.js';
import { encodeMessage, SystemResult } from './protobuf.js';

export const RequestType = {
  deviceId: 20,
  serialNumber: 21,
  systemVersion: 30,
  reset: 40,
  factoryReset: 41,
  dfuMode: 50,
  safeMode: 60,
  startListening: 70,
  stopListening: 71,
  getDeviceMode: 72,
  moduleInfo: 90,
  startFirmwareUpdate: 250,
  finishFirmwareUpdate: 251,
  cancelFirmwareUpdate: 252,
  firmwareUpdateData: 253,
} as const;

export interface RequestResult {
  /** Device OS system_error_t: 0 or a negative code. */
  result: number;
  reply?: Buffer;
  /** Runs once the host has the result (reset, mode change). */
  after?: () => void;
}

/**
 * The hardware serial number (GetSerialNumberReply, at most 16 characters).
 * Real ones are printed on the board's label; ours is derived from the
 * device ID so it is stable (format UNCONFIRMED).
 */
export function serialNumberOf(board: SimBoard): string {
  return `${board.platform.displayName.slice(0, 3).toUpperCase()}SIM${board.id.slice(-9).toUpperCase()}`.slice(0, 16);
}

const ok = (reply?: Buffer, after?: () => void): RequestResult => ({
  result: SystemResult.ok,
  ...(reply ? { reply } : {}),
  ...(after ? { after } : {}),
});

/** One board's request handlers; the firmware update in progress is per device. */
export class ControlRequests {
  private readonly update: UsbFirmwareUpdate;

  constructor(private readonly board: SimBoard) {
    this.update = new UsbFirmwareUpdate(board);
  }

  handle(type: number, payload: Buffer): RequestResult {
    const b = this.board;
    switch (type) {
      case RequestType.deviceId:
        return ok(encodeMessage('GetDeviceIdReply', { id: b.id }));
      case RequestType.serialNumber:
        return ok(encodeMessage('GetSerialNumberReply', { serial: serialNumberOf(b) }));
      case RequestType.systemVersion:
        return ok(encodeMessage('GetSystemVersionReply', { version: b.deviceOsVersion }));
      case RequestType.reset:
        return ok(undefined, () => b.reset('user'));
      case RequestType.dfuMode:
        return ok(undefined, () => b.enterMode('dfu'));
      case RequestType.safeMode:
        return ok(undefined, () => b.enterMode('safe'));
      case RequestType.startListening:
        return ok(undefined, () => b.enterMode('listening'));
      case RequestType.stopListening:
        return b.mode === 'listening' ? ok(undefined, () => b.enterMode('normal')) : ok();
      case RequestType.getDeviceMode:
        // DeviceMode knows NORMAL_MODE (0) and LISTENING_MODE (1) only; safe mode reports normal.
        return ok(encodeMessage('GetDeviceModeReply', { mode: b.mode === 'listening' ? 1 : 0 }));
      case RequestType.moduleInfo:
        return ok(moduleInfoReply(b));
      case RequestType.startFirmwareUpdate:
        return this.update.start(payload);
      case RequestType.firmwareUpdateData:
        return this.update.data(payload);
      case RequestType.finishFirmwareUpdate:
        return this.update.finish(payload);
      case RequestType.cancelFirmwareUpdate:
        return this.update.cancel();
      default:
        // Factory reset, Wi-Fi, mesh, logging...: not simulated.
        return { result: SystemResult.notSupported };
    }
  }
}
