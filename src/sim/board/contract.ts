// The contract between a simulated board (the state machine of a real one)
// and the three ways it is reached: its PTY serial port, the simulated USB
// bus and the local cloud. Endpoints translate bytes and requests into calls
// on this interface; the board decides what a real board would do.
import type { EventEmitter } from 'node:events';
import type { BoardMode, DeviceId, LedState, ModuleInfo, ResetReason } from '../../core/domain.js';
import type { PlatformInfo } from '../../core/platform.js';

/** Board time: milliseconds since the board's power-on, running `scale` times faster than wall time. */
export interface SimClock {
  readonly scale: number;
  /** Board milliseconds since the simulator started. */
  now(): number;
  /** Resolves after `boardMs` of board time (boardMs / scale of wall time). Rejects with the signal's reason. */
  sleep(boardMs: number, signal?: AbortSignal): Promise<void>;
  setTimeout(fn: () => void, boardMs: number): NodeJS.Timeout;
  setInterval(fn: () => void, boardMs: number): NodeJS.Timeout;
}

/** How the board shows up on USB right now. `absent` = unplugged, powered off, or between resets. */
export type UsbPresence = 'serial' | 'dfu' | 'absent';

/** Module locations and check bits as in the `s` command's JSON (particle-facts §3). */
export type ModuleLocation = 'm' | 'b' | 'f' | 't';
export const CheckBits = { integrity: 2, dependencies: 4, range: 8, platform: 16, product: 32 } as const;

export interface SimModuleSlot {
  /** 'b' bootloader, 's' system part, 'u' user part, 'c' NCP, 'a' radio stack. */
  func: 'b' | 's' | 'u' | 'c' | 'a';
  index: number;
  location: ModuleLocation;
  maxSize: number;
  /** Present when the slot holds a module. */
  module?: {
    info: ModuleInfo;
    /** Checks done / passed (bit set of CheckBits). */
    vc: number;
    vv: number;
  };
}

/** Outcome of installing an image (YMODEM end, OTA apply, USB firmware update). */
export type InstallResult =
  | { ok: true; info: ModuleInfo }
  | { ok: false; code: number; message: string };

export interface OtaProgress {
  chunksTotal: number;
  chunksReceived: number;
  bytesReceived: number;
}

/** A cloud function call as the device answers it: its return value, or why there is none. */
export type FunctionCallResult =
  | { ok: true; returnValue: number }
  | { ok: false; reason: 'offline' | 'unknown' };

export interface SimBoardEvents {
  /** Bytes the board writes to its USB CDC serial port (trace log, listening-mode replies). */
  serialOutput: [chunk: Buffer];
  /** USB presence changed: the board re-enumerated as serial, as DFU, or vanished. */
  usbChange: [presence: UsbPresence];
  mode: [mode: BoardMode];
  led: [led: LedState];
  /** The board published (or the cloud published about it) an event. */
  cloudEvent: [name: string, data: string, ttl: number];
  /** The board's cloud session came up or went down. */
  cloudConnection: [online: boolean];
  otaProgress: [progress: OtaProgress];
}

export interface SimBoard extends EventEmitter<SimBoardEvents> {
  readonly name: string;
  readonly id: DeviceId;
  readonly platform: PlatformInfo;
  readonly clock: SimClock;
  readonly mode: BoardMode;
  readonly led: LedState;
  readonly usb: UsbPresence;
  readonly resetReason: ResetReason;
  readonly cloudConnected: boolean;
  /** e.g. "1.5.2"; what `v` prints. */
  readonly deviceOsVersion: string;
  readonly macAddress: string;
  readonly claimed: boolean;
  /** Cellular boards only. */
  readonly imei: string | undefined;
  readonly iccid: string | undefined;

  /** Every slot, in the order the `s` command lists them. */
  slots(): SimModuleSlot[];
  /** SHA-256 of the running user part, or undefined when no valid app runs. */
  runningAppHash(): string | undefined;

  // --- mode changes, from serial line coding, control requests, `L`/`x`, DfuSe, buttons
  enterMode(mode: BoardMode): void;
  reset(reason: ResetReason): void;

  // --- DFU (alt = DFU alt setting); written bytes are validated when the board leaves DFU
  dfuWrite(alt: number, address: number, data: Buffer): { ok: true } | { ok: false; error: 'address' | 'write' };
  dfuErase(alt: number, address: number): { ok: true } | { ok: false; error: 'address' };
  dfuRead(alt: number, address: number, length: number): Buffer;
  /** DFU manifest/leave: the board resets and boots what is now in flash. */
  dfuLeave(): void;

  // --- serial (YMODEM) and USB control-request firmware updates
  installImage(image: Buffer, via: 'serial' | 'usb'): InstallResult;

  // --- cloud OTA: the cloud hands the board an image; the board downloads it
  // over its modelled link and publishes the real event sequence.
  startOta(image: Buffer): { accepted: true } | { accepted: false; reason: 'offline' | 'updates-disabled' | 'busy' };
  /** Cloud-side flag: updates pending while the app has disabled them. */
  readonly updatesPending: boolean;

  // --- additions (optional, so in-test stand-ins need not implement them)
  /** Cloud-side "force enable OTA": a pending update goes ahead although the app disabled updates. */
  allowUpdates?(): void;
  /** Endpoints report how far a DFU, serial or USB transfer is (bytes written / image length, 0-100), so armed faults can fire. */
  transferProgress?(transfer: 'dfu' | 'serial' | 'usb', percent: number): void;
  /** `{"p":<platform id>,"m":[<module JSON>...]}` as the `s` listening-mode command prints it. */
  systemInfo?(): string;
  /** The cloud functions the running app registered (Particle.function), as the cloud lists them. */
  cloudFunctions?(): string[];
  /** Calls one of them with its argument. */
  callFunction?(name: string, arg: string): FunctionCallResult;
}
