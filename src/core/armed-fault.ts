// An armed fault in words, the same everywhere the rig speaks of one (a flash
// step's diagnosis, the bench restored after a plan): "the power cut armed at
// 40% of the OTA".
import type { ArmableTransfer, ArmedFault, ArmedFaultStatus } from './board-contract.js';

const TRANSFER_WORDS: Record<ArmableTransfer, string> = {
  ota: 'the OTA',
  dfu: 'the DFU download',
  serial: 'the serial (YMODEM) transfer',
  usb: 'the USB control-request update',
};

const FAULT_WORDS: Record<string, string> = { 'power-cut': 'power cut', 'usb-unplug': 'USB unplug', reset: 'reset' };

export const transferWords = (t: ArmableTransfer): string => TRANSFER_WORDS[t];
export const faultWords = (kind: string): string => FAULT_WORDS[kind] ?? `${kind} fault`;

/** "the power cut armed at 40% of the OTA" */
export function armedFaultWords(a: ArmedFault): string {
  return `the ${faultWords(a.fault.kind)} armed at ${percentWords(a.at.percent)} of ${transferWords(a.at.transfer)}`;
}

export const percentWords = (p: number): string => `${Number.isInteger(p) ? p : p.toFixed(1)}%`;

/** How far its transfer got, for a fault that never fired: "its transfer never began", "the transfer got to 12%". */
export function reachWords(a: ArmedFaultStatus): string {
  return a.reachedPercent === undefined ? 'its transfer never began' : `the transfer got to ${percentWords(Math.floor(a.reachedPercent * 10) / 10)}`;
}
