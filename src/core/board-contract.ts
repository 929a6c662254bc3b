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

/**
 * A stretch of wall time (Date.now() ms) in which the capture did not have
 * the board's port open: from when the port went away (or the capture
 * began) to when it was open again; `to` absent: not open again yet. A
 * board that boots prints while its port is closed, which the port may still
 * deliver on the reopen; a board that goes away again first takes what it
 * printed with it.
 */
export interface BlindSpan {
  from: number;
  to?: number;
}

export interface LogCapture {
  /** Every complete line so far (and the partial last one is flushed at close). */
  lines(): readonly LogLine[];
  /** When the capture did not have the board's port open, oldest first. */
  blindSpans(): readonly BlindSpan[];
  /**
   * Resolves once the capture has the board's current port open, at once
   * when the board has no port now (DFU mode, off, unplugged, between two
   * boots), or after `withinMs` wall ms: what takes the board away before
   * then takes its boot away unheard.
   */
  untilListening(o: { withinMs: number; signal?: AbortSignal }): Promise<void>;
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

/** The transfers a fault can be armed at: a flash's `via`. */
export type ArmableTransfer = 'ota' | 'dfu' | 'serial' | 'usb';

export interface ArmedFault {
  fault: FaultSpec;
  at: { transfer: ArmableTransfer; percent: number };
}

/** A fault armed at a transfer as the bench tells it back: how far its transfer got, and whether and where it fired. */
export interface ArmedFaultStatus extends ArmedFault {
  /** The furthest the transfer got while the fault was armed (0-100); undefined when it never began. */
  reachedPercent?: number;
  /** Where it fired: the transfer's percentage then, and the wall ms (Date.now()). */
  fired?: { percent: number; atMs: number };
}


/** What a health check looks at, in order: each needs the one before it. */
export type HealthCheckName = 'usb' | 'control' | 'serial' | 'cloud';

/** One look of a health check: whether it held, and what the rig saw, in words. */
export interface HealthCheck {
  name: HealthCheckName;
  ok: boolean;
  detail: string;
}

/**
 * Whether a board is fit to run jobs, as its health check found it: on USB
 * in a known mode, answering a control request, its serial port open, online
 * when the bench has a cloud. `checks` holds each look made (a failed look
 * ends the check); `reason` says in one line why it is not healthy.
 */
export interface HealthReading {
  healthy: boolean;
  checks: HealthCheck[];
  reason?: string;
}

/** The app a board runs as the rig read it: its SHA-256 (none outside normal mode), from where, in which mode and boot. */
export interface RunningApp {
  hash: string | undefined;
  source: 'usb' | 'serial' | 'cloud';
  mode: BoardPresence;
  /** The boot the reading belongs to: the board's current one (a cloud app-hash of an older boot is never taken). */
  boot?: Boot;
}
/**
 * Why a boot began, as far as the rig can tell: its own reset, power action
 * (a power cut, a power switch), flash or mode change, or the USB cable it
 * put back ('replug'); 'enumeration' when the board came back on USB of its
 * own accord (an OTA update applied, a crash, a cable put back by hand);
 * 'found' for the boot the board was already in when the rig first looked.
 */
export type BootCause = 'found' | 'enumeration' | 'reset' | 'power' | 'replug' | 'flash' | 'mode';

/**
 * One boot of a board: from a (re)start to the next. The rig sees a boot as a
 * new USB enumeration, so it dates it between two looks at the bus; when the
 * rig itself caused it, from its request on.
 */
export interface Boot {
  /** 1, 2, ...: the boots the rig saw, in order. */
  readonly number: number;
  readonly why: BootCause;
  /**
   * Wall ms (Date.now()) from which the boot may have begun: the rig's
   * request that caused it, else its last look at the bus before it (for a
   * 'found' boot, when the rig opened the board). Evidence that arrived at or
   * after it belongs to this boot, unless to a later one.
   */
  readonly startedAt: number;
  /** Wall ms when the rig first saw it on USB: evidence from then on surely belongs to it (or a later boot). */
  readonly seenAt: number;
  /** The seq of its first trace line and of its first cloud event (0 without a cloud): the captures' lengths at startedAt. */
  readonly logSeq: number;
  readonly eventSeq: number;
}

/** The boots the rig saw a board in, as of its last look at the bus (`presence()` looks). */
export interface BootHistory {
  /** The boot the board was in when the rig last saw it on USB; undefined until the rig has. */
  readonly current: Boot | undefined;
  /** Every boot seen, oldest first. */
  list(): readonly Boot[];
  /** The boot a piece of evidence (a trace line, a cloud event, a reading with its wall ms) belongs to; undefined when it is older than every boot seen. */
  bootOf(evidence: { at: number }): Boot | undefined;
  /** Whether the board began a boot after `since` (a boot, or a wall ms); a 'found' boot began at an unknown time and never counts. */
  bootedSince(since: Boot | number): boolean;
  /** Each change of the mode the rig read (presence reads), with its wall ms, oldest first: the report's timeline shows them. */
  modes(): readonly ModeSeen[];
}

/** A mode the rig read the board in, from `at` (wall ms) until the next one. */
export interface ModeSeen {
  readonly at: number;
  readonly mode: BoardPresence;
}

/**
 * Paces the looks of a wait: each call resolves at the board's next sign of
 * change since the previous call (or since the pace was made): its USB bus
 * changed, or a cloud event about it arrived; else after `withinMs` wall ms.
 * Rejects with the signal's reason when it aborts first. A wait looks again
 * when the board does something, not a poll interval later.
 */
export type Pace = (withinMs: number, signal?: AbortSignal) => Promise<void>;

export interface Board {
  readonly name: string;
  readonly id: DeviceId;
  readonly platform: PlatformInfo;
  readonly log: LogCapture;
  /** Undefined when the bench names no cloud. */
  readonly events: EventCapture | undefined;
  /** Its app's cloud functions; undefined when the bench names no cloud. */
  readonly functions: CloudFunctions | undefined;
  /** The boots the rig saw this board in, as of its last look at the bus. */
  readonly boots: BootHistory;

  /** Mode as USB shows it (DFU PID, or the device-mode control request); 'absent' when not enumerated. Every look at the bus also brings `boots` up to date. */
  presence(signal?: AbortSignal): Promise<BoardPresence>;
  /** A pace for a wait's looks (see Pace); where a board has none, waits poll. */
  pace?(): Pace;
  /** Waits until the board shows this presence; false on timeout. */
  waitForPresence(want: BoardPresence, o: { withinMs: number; signal?: AbortSignal }): Promise<boolean>;
  /** Enters the mode and verifies it. */
  enterMode(mode: BoardMode, signal?: AbortSignal): Promise<void>;
  /** Resets it; returns once it is back on USB, in a new boot (InfraError when it is not back within `withinMs`, wall ms; default a re-enumeration's time). */
  reset(kind: ResetKind, signal?: AbortSignal, o?: { withinMs?: number }): Promise<void>;
  /**
   * Switches its power. `off` returns once it is off USB; `on` (from off) and
   * `cycle` once it is back, in a new boot; InfraError when it is not in time.
   * Evidence from before the switch belongs to no later boot. `withinMs`
   * (wall ms) bounds the wait.
   */
  power(action: PowerAction, signal?: AbortSignal, o?: { withinMs?: number }): Promise<void>;
  flash(fw: FirmwareImage, via: FlashMethod, o?: { signal?: AbortSignal; onProgress?: (p: FlashProgress) => void }): Promise<FlashReport>;
  /** The modules the board reports. */
  modules(signal?: AbortSignal): Promise<BoardModule[]>;
  /**
   * SHA-256 (lower-case) of the running user part, where the rig read it, and
   * the mode and boot the board was in. Only evidence of the board's current
   * boot counts: a board not on USB throws InfraError (what the cloud said
   * before is no word on it now). `cloudWaitMs`: where only serial would
   * tell, wait that long for the cloud's app-hash of this boot first.
   */
  runningApp(signal?: AbortSignal, o?: { cloudWaitMs?: number }): Promise<RunningApp>;
  /** The reset reason reported for the board's current boot, if any (one from an earlier boot never counts). */
  lastResetReason(): ResetReason | undefined;
  /**
   * Imposes a fault now, or arms it for a moment of the next transfer. One
   * that takes the board away (power-cut, usb-unplug) returns once it is off
   * USB, and what it did before belongs to no later boot; usb-replug returns
   * once the board is back, in a new boot (InfraError when it is not within
   * `withinMs`, wall ms).
   */
  fault(f: FaultSpec | ArmedFault, signal?: AbortSignal, o?: { withinMs?: number }): Promise<void>;
  /** The faults armed on its transfers since the bench last disarmed them: waiting, or fired and where. */
  armedFaults(signal?: AbortSignal): Promise<ArmedFaultStatus[]>;
  /** Disarms the faults armed at one transfer (one that ended before they fired); returns them as they stood. */
  disarm(transfer: ArmableTransfer, signal?: AbortSignal): Promise<ArmedFaultStatus[]>;
  /**
   * Puts the bench back as it was before the plan (armed faults disarmed,
   * link restored, power on, cable in) and waits for the board on USB;
   * returns what it restored, in words. InfraError when the board is not back.
   */
  restore(signal?: AbortSignal, o?: { withinMs?: number }): Promise<string[]>;
  /**
   * Its health check (before a board's first job, `rig boards --health`):
   * looks only, except that a board found in DFU or listening mode is asked
   * back to normal mode. Resolves with what it found, also when unhealthy;
   * `withinMs` (wall ms) bounds the whole check.
   */
  health(o: { withinMs: number; signal?: AbortSignal }): Promise<HealthReading>;
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
