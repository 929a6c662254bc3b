// The lines a board prints when a serial flash ends (particle-facts §4).
import { TOO_BIG } from '../board/module-checks.js';
import type { InstallResult } from '../board/contract.js';
import type { ReceiveOutcome } from './ymodem-receiver.js';

const CRLF = '\r\n';

export function installedLines(name: string, size: number): string {
  return (
    `${CRLF}Downloaded file successfully!${CRLF}` +
    `Name: ${name}${CRLF}` +
    `Size: ${size} bytes${CRLF}` +
    `Restarting system to apply firmware update...${CRLF}`
  );
}

export function refusedLine(result: Extract<InstallResult, { ok: false }>): string {
  return result.message + CRLF;
}

export function unreceivedLine(outcome: Exclude<ReceiveOutcome, { kind: 'received' }>): string {
  if (outcome.kind === 'too-big') return TOO_BIG + CRLF;
  if (outcome.kind === 'aborted') return `Aborted by user.${CRLF}`;
  return `Failed to receive the file!${CRLF}`;
}
