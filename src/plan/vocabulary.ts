// The closed word lists of the plan format, as runtime values. Each list is
// tied to its domain type, so a change in src/domain.ts fails to compile here.
import { BOARD_MODES, type BoardMode, type FlashMethod, type ResetReason } from '../core/domain.js';
import { PLATFORM_NAMES, type PlatformName } from '../core/platform.js';

type Exactly<T extends string, L extends readonly T[]> = [T] extends [L[number]] ? L : never;

export const FLASH_METHODS = ['dfu', 'serial', 'ota', 'usb'] as const satisfies readonly FlashMethod[];
const flashMethodsComplete: Exactly<FlashMethod, typeof FLASH_METHODS> = FLASH_METHODS;

export const MODES = BOARD_MODES as readonly BoardMode[] as [BoardMode, ...BoardMode[]];

export const PLATFORMS_LIST = PLATFORM_NAMES as [PlatformName, ...PlatformName[]];

export const RESET_REASONS = [
  'update', 'update_timeout', 'update_error', 'pin_reset', 'power_down', 'power_management',
  'user', 'panic, hard_fault', 'safe_mode', 'dfu_mode', 'watchdog', 'none',
] as const satisfies readonly ResetReason[];
const resetReasonsComplete: Exactly<ResetReason, typeof RESET_REASONS> = RESET_REASONS;

/** How a `reset` step resets: a soft reset request, a reset-pin-style USB request, or power. */
export const RESET_HOWS = ['soft', 'pin', 'power'] as const;
export type ResetHow = (typeof RESET_HOWS)[number];

export const POWER_ACTIONS = ['off', 'on', 'cycle'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

export const FAULT_KINDS = ['power-cut', 'reset', 'usb-unplug', 'usb-replug', 'link', 'link-restore', 'fs-fill'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const TRANSFERS = ['ota', 'dfu', 'serial', 'usb'] as const;
export type Transfer = (typeof TRANSFERS)[number];

/**
 * What became of an update, judged by the app hash the board runs against
 * the image the rig sent: applied; reported-success-not-applied (the cloud or
 * the tool said success, the old app or none runs); failed (reported failed
 * or refused); timed-out (update_timeout reset); pending (held by the app);
 * interrupted (a fault the plan armed fired during the transfer: the
 * diagnosis says where, and what the board did next).
 */
export const UPDATE_VERDICTS = ['applied', 'reported-success-not-applied', 'failed', 'timed-out', 'pending', 'interrupted'] as const;
export type UpdateVerdict = (typeof UPDATE_VERDICTS)[number];

export const MODULE_FUNCTIONS = ['bootloader', 'system-part', 'user-part'] as const;
export const MODULE_LOCATIONS = ['main', 'backup', 'factory', 'temporary'] as const;
export const CHECK_RESULTS = ['pass', 'fail'] as const;

// Referenced so the compile-time completeness checks above are not unused.
void flashMethodsComplete;
void resetReasonsComplete;
