// What a board in listening mode prints for each one-character command
// (particle-facts §3). Pure text; the session decides when to print it.
import type { SimBoard } from '../board/contract.js';
import { systemInfoJson } from '../board/module-listing.js';

const CRLF = '\r\n';

/** `i`: Gen2 Wi-Fi boards print the old sentence; cellular and Gen3+ print labelled lines. */
export function identityReply(board: SimBoard): string {
  const p = board.platform;
  if (p.generation === 2 && p.radio === 'wifi') return `Your device id is ${board.id}${CRLF}`;
  let out = `Device ID: ${board.id}${CRLF}`;
  if (p.radio === 'cellular') out += `IMEI: ${board.imei ?? ''}${CRLF}ICCID: ${board.iccid ?? ''}${CRLF}`;
  return out;
}

export function versionReply(board: SimBoard): string {
  return `system firmware version: ${board.deviceOsVersion}${CRLF}`;
}

/** `s`: one line of JSON, `{"p":<platform id>,"m":[...]}`. */
export function systemInfoReply(board: SimBoard): string {
  return systemInfoJson(board.platform, board.slots()) + CRLF;
}

export function macReply(board: SimBoard): string {
  return `Your device MAC address is${CRLF}${board.macAddress}${CRLF}`;
}

export function claimedReply(board: SimBoard): string {
  return `Device claimed: ${board.claimed ? 'yes' : 'no'}${CRLF}`;
}

export const FLASH_PROMPT = `Waiting for the binary file to be sent ... (press 'a' to abort)${CRLF}`;
export const FLASH_UNSUPPORTED = `Serial/YModem flashing is no longer supported${CRLF}`;
