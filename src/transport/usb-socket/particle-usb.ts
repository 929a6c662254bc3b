// The part of particle-usb 3.8 the rig calls, typed (the package ships no
// types). Loaded with require: it is CommonJS.
import { createRequire } from 'node:module';

export interface FirmwareModuleDependency {
  type: string;
  index: number;
  version: number;
}

/** One entry of getFirmwareModuleInfo(); `store`, `maxSize`, `hash` come from Device OS 5.6+. */
export interface FirmwareModuleInfo {
  type: string;
  index: number;
  version: number;
  size: number;
  store?: string;
  maxSize?: number;
  hash?: string;
  failedFlags?: number;
  validity?: number;
  validityErrors: string[];
  dependencies: FirmwareModuleDependency[];
}

interface Timeout {
  timeout?: number;
}

/** A particle-usb device (the prototype particle-usb picks by platform and mode). */
export interface ParticleUsbDevice {
  readonly id: string | null;
  readonly type: string;
  readonly platformId: number;
  readonly isOpen: boolean;
  readonly isInDfuMode: boolean;
  /** Device OS version read at open (legacy request 30); null in DFU mode. */
  readonly firmwareVersion: string | null;
  readonly vendorId: number;
  readonly productId: number;
  getDeviceId(o?: Timeout): Promise<string>;
  getSerialNumber(o?: Timeout): Promise<string>;
  /** 'NORMAL' or 'LISTENING' (Device OS reports safe mode as NORMAL). */
  getDeviceMode(o?: Timeout): Promise<string>;
  getFirmwareModuleInfo(o?: Timeout): Promise<FirmwareModuleInfo[]>;
  enterDfuMode(o?: Timeout & { noReconnectWait?: boolean }): Promise<void>;
  enterSafeMode(o?: Timeout): Promise<void>;
  enterListeningMode(o?: Timeout): Promise<void>;
  leaveListeningMode(o?: Timeout): Promise<void>;
  reset(o?: Timeout & { force?: boolean }): Promise<void>;
  updateFirmware(data: Buffer, o?: Timeout & { progress?: (p: { event: string; bytes?: number }) => void }): Promise<void>;
  close(o?: { processPendingRequests?: boolean; timeout?: number }): Promise<void>;
}

interface ParticleUsbModule {
  openNativeUsbDevice(nativeDevice: object, options?: object): Promise<ParticleUsbDevice>;
}

const require = createRequire(import.meta.url);

export const particleUsb = require('particle-usb') as ParticleUsbModule;
