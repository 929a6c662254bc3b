// Domain vocabulary shared by every layer. Only types and tiny pure helpers.
import type { PlatformName } from './platform.js';

/** 24 lower-case hex digits; the one identity that survives every mode change. */
export type DeviceId = string & { readonly __brand: 'DeviceId' };

const DEVICE_ID = /[0-9a-f]{24}/i;

/** Extracts a device ID from a USB serial number or a reply line (old Gen2 OS wraps it). */
export function parseDeviceId(text: string): DeviceId | undefined {
  const m = DEVICE_ID.exec(text);
  return m ? (m[0].toLowerCase() as DeviceId) : undefined;
}

export function isDeviceId(text: string): text is DeviceId {
  return /^[0-9a-f]{24}$/.test(text);
}

export type BoardMode = 'normal' | 'listening' | 'dfu' | 'safe';
export const BOARD_MODES: readonly BoardMode[] = ['normal', 'listening', 'dfu', 'safe'];

export type LedState =
  | 'off'
  | 'breathing-cyan'
  | 'blinking-green'
  | 'blinking-cyan'
  | 'blinking-magenta'
  | 'breathing-magenta'
  | 'blinking-yellow'
  | 'blinking-blue'
  | 'red-sos';

/** Reset reasons as the cloud reports them in spark/device/last_reset. */
export type ResetReason =
  | 'update'
  | 'update_timeout'
  | 'update_error'
  | 'pin_reset'
  | 'power_down'
  | 'power_management'
  | 'user'
  | 'panic, hard_fault'
  | 'safe_mode'
  | 'dfu_mode'
  | 'watchdog'
  | 'none';

/** Module function codes of the module prefix. */
export const ModuleFunction = {
  bootloader: 2,
  monolithic: 3,
  systemPart: 4,
  userPart: 5,
  ncp: 7,
  radioStack: 8,
  asset: 9,
} as const;
export type ModuleFunctionName = keyof typeof ModuleFunction;

export function moduleFunctionName(code: number): ModuleFunctionName | undefined {
  return (Object.keys(ModuleFunction) as ModuleFunctionName[]).find((k) => ModuleFunction[k] === code);
}

export interface ModuleDependency {
  func: ModuleFunctionName;
  index: number;
  version: number;
}

/** What a module binary says about itself (prefix + suffix + checks). */
export interface ModuleInfo {
  platform: PlatformName | undefined;
  platformId: number;
  func: ModuleFunctionName | undefined;
  funcCode: number;
  index: number;
  version: number;
  startAddress: number;
  endAddress: number;
  flags: number;
  dependencies: ModuleDependency[];
  productId: number;
  productVersion: number;
  /** SHA-256 over [0, len-38): the running app's identity. Lower-case hex. */
  sha256: string;
  /** CRC-32 stored in the file, and the one computed over [0, len-4). */
  crcStored: number;
  crcComputed: number;
  suffixSize: number;
  fileSize: number;
}

export type FlashMethod = 'dfu' | 'serial' | 'ota' | 'usb';

/** How a step ended. `infra` = the rig could not reach or drive the board. */
export type StepStatus = 'pass' | 'fail' | 'skip' | 'infra';

export interface StepResult {
  status: StepStatus;
  /** Short human title of the step, e.g. "flash candidate via dfu". */
  name: string;
  durationMs: number;
  expected?: unknown;
  actual?: unknown;
  /** Plain-words cause, in the field's own terms. */
  diagnosis?: string;
  /** Why a step was skipped. */
  skipReason?: string;
  /** The last log lines before the failure. */
  logExcerpt?: string[];
  artifacts?: string[];
  /** Extra structured facts (statistics of a repeat, transfer numbers...). */
  details?: Record<string, unknown>;
  /** Attempts of a repeat step, in order. */
  children?: StepResult[];
  /** ISO 8601: when the step began (the HTML report's timeline places it by this). */
  startedAt?: string;
  /**
   * What a passing symptom expectation (expect-log, expect-event, expect-reset)
   * matched: the capture, the item's seq in it (trace.log's line number from 0,
   * events.ndjson's `seq`) and its arrival, wall ms. Marked on the timeline.
   */
  matched?: { stream: 'log' | 'events'; seq: number; at: number };
}
