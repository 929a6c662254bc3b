// The contract between steps/runner and a board. A Board is one physical
// board, identified by its device ID, composed of the transports the bench
// gives it (serial, USB, dfu-util, cloud, power, bench control). The same
// code drives a real board and a simulated one: nothing here knows which.
import type { BoardMode, DeviceId, FlashMethod, ModuleInfo, ResetReason } from './domain.js';
import type { PlatformInfo } from './platform.js';

/** A firmware binary ready to send (see src/runner/firmware-for-board.ts). */
export interface FirmwareImage {
  name: string;
  image: Buffer;
  info: ModuleInfo;
  source: string;
}

/** Where a board is right now, as the bench computer sees it. */
export type BoardPresence = BoardMode | 'absent';

/** One line the board printed on its serial port, timestamped when its first byte arrived. */
export interface LogLine {
  /** Wall-clock ms (Date.now()) when the line's first byte arrived. */
  at: number;
  /** The line without its CR/LF. Bytes that are not UTF-8 are kept as U+FFFD here; trace.log keeps them raw. */
  text: string;
  /** Sequence number of the line in the capture, from 0. */
  seq: number;
  /**
   * Set when the line arrived just after the rig reopened the board's port:
   * the board may have printed it any time since its port went away (wall ms
   * of that), while the host was reconnecting. Ordering across captures reads it.
   */
  printedFrom?: number;
}

export interface LogCapture {
  /** Every complete line so far (and the partial last one is flushed at close). */
  lines(): readonly LogLine[];
  /** Bytes received so far, across every reconnection. */
  readonly bytes: number;
  /** The next line from `fromSeq` on matching `pattern`, within `withinMs` wall ms. Undefined on timeout. */
  waitFor(pattern: RegExp, o: { fromSeq?: number; withinMs: number; signal?: AbortSignal }): Promise<LogLine | undefined>;
  /** The last `n` lines before `beforeSeq` (default: the end). */
  tail(n: number, beforeSeq?: number): LogLine[];
  /** Where the raw capture is written (trace.log). */
  readonly file: string;
}

/** One cloud event about this board, as the event stream delivered it. */
export interface CloudEvent {
  name: string;
  data: string;
  ttl: number;
  publishedAt: string;
  coreid: string;
  /** Wall-clock ms when the rig received it. */
  at: number;
  seq: number;
}

export interface EventCapture {
  events(): readonly CloudEvent[];
  /** The next event from `fromSeq` on whose name starts with `name` and whose data matches `data`. */
  waitFor(name: string, o: { data?: RegExp; fromSeq?: number; withinMs: number; signal?: AbortSignal }): Promise<CloudEvent | undefined>;
  /** Where events are written (events.ndjson). */
  readonly file: string;
}

export interface FlashProgress {
  method: FlashMethod;
  /** 0-100 when known. */
  percent: number | undefined;
  bytes: number;
  total: number;
}

/** What the bench saw while flashing: the evidence a diagnosis rests on. */
export interface FlashReport {
  method: FlashMethod;
  durationMs: number;
  /** Lines a tool or the board said that matter (dfu-util output, YMODEM board messages, cloud reply). */
  messages: string[];
}

/** A module as the board itself reports it (module info request or serial `s`). */
export interface BoardModule {
  func: 'bootloader' | 'system-part' | 'user-part' | 'monolithic' | 'ncp' | 'radio-stack' | 'unknown';
  index: number;
  version: number;
  location: 'main' | 'backup' | 'factory' | 'temporary';
  maxSize: number;
  /** SHA-256 (lower-case) of a user part. */
  hash: string | undefined;
  checks: { integrity: boolean; dependencies: boolean; range: boolean; platform: boolean };
  dependencies: { func: string; index: number; version: number }[];
}

export type PowerAction = 'off' | 'on' | 'cycle';
export type ResetKind = 'soft' | 'pin' | 'power';

export type FaultSpec =
  | { kind: 'power-cut' | 'reset' | 'usb-unplug' | 'usb-replug' | 'link-restore' }
  | { kind: 'link'; bandwidthBps?: number; latencyMs?: number; lossPercent?: number }
  | { kind: 'fs-fill'; fillPercent: number };

export interface ArmedFault {
  fault: FaultSpec;
  at: { transfer: 'ota' | 'dfu' | 'serial'; percent: number };
}


/** The app a board runs as the rig read it: its SHA-256 (none outside normal mode), from where, in which mode. */
export interface RunningApp {
  hash: string | undefined;
  source: 'usb' | 'serial' | 'cloud';
  mode: BoardPresence;
}
export interface Board {
  readonly name: string;
  readonly id: DeviceId;
  readonly platform: PlatformInfo;
  readonly log: LogCapture;
  /** Undefined when the bench names no cloud. */
  readonly events: EventCapture | undefined;
  /** Its app's cloud functions; undefined when the bench names no cloud. */
  readonly functions: CloudFunctions | undefined;

  /** Mode as USB shows it (DFU PID, or the device-mode control request); 'absent' when not enumerated. */
  presence(signal?: AbortSignal): Promise<BoardPresence>;
  /** Waits until the board shows this presence; false on timeout. */
  waitForPresence(want: BoardPresence, o: { withinMs: number; signal?: AbortSignal }): Promise<boolean>;
  /** Enters the mode and verifies it. */
  enterMode(mode: BoardMode, signal?: AbortSignal): Promise<void>;
  reset(kind: ResetKind, signal?: AbortSignal): Promise<void>;
  power(action: PowerAction, signal?: AbortSignal): Promise<void>;
  flash(fw: FirmwareImage, via: FlashMethod, o?: { signal?: AbortSignal; onProgress?: (p: FlashProgress) => void }): Promise<FlashReport>;
  /** The modules the board reports. */
  modules(signal?: AbortSignal): Promise<BoardModule[]>;
  /**
   * SHA-256 (lower-case) of the running user part, where the rig read it, and
   * the mode the board was in. `cloudWaitMs`: where only serial would tell,
   * wait that long for the cloud's app-hash of this boot first.
   */
  runningApp(signal?: AbortSignal, o?: { cloudWaitMs?: number }): Promise<RunningApp>;
  /** The last reset reason the board or the cloud reported, if any. */
  lastResetReason(): ResetReason | undefined;
  /** Imposes a fault now, or arms it for a moment of the next transfer. */
  fault(f: FaultSpec | ArmedFault, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A cloud function call: the return value, or the cloud's refusal with the device as the cloud lists it. */
export type FunctionCall =
  | { kind: 'returned'; value: number }
  | { kind: 'refused'; text: string; connected: boolean; functions: string[] };

/**
 * The cloud functions of one board (Particle.function in its app), reached
 * through the bench's cloud; absent when the bench names no cloud.
 */
export interface CloudFunctions {
  /** Throws InfraError when the cloud cannot be reached or refuses the token. */
  call(name: string, arg: string, signal?: AbortSignal): Promise<FunctionCall>;
}
