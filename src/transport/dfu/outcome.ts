// What a dfu-util run means (particle-facts §5). Success is the line
// `File downloaded successfully`, even with exit 74 (with :leave the board
// resets at once and dfu-util 0.11 then fails its last get_status). The rig
// failing to reach the board is an InfraError with the fix in it; the board
// refusing the image (its DfuSe status, or a range its memory map lacks) is
// a FlashRejectedError.
import { FlashRejectedError, InfraError } from '../../core/errors.js';

export interface DfuRun {
  program: string;
  exitCode: number | undefined;
  /** The spawn error code, e.g. ENOENT when the program is missing. */
  spawnCode: string | undefined;
  stdout: string;
  stderr: string;
}

export const DOWNLOADED = /File downloaded successfully/;

// DfuSe status codes a board reports when it refuses what it was sent:
// errTARGET 1, errFILE 2, errWRITE 3, errADDRESS 8.
const REFUSING_STATUS = new Set([1, 2, 3, 8]);
const STATUS = /state\(\d+\) = dfuERROR, status\((\d+)\) = ([^\n]*)/;
const NOT_WRITABLE = /(Last|First) page at 0x[0-9a-f]+ is not writeable|Address 0x[0-9a-f]+ is outside/i;

/** The last line dfu-util wrote on stderr, for a message. */
function lastError(run: DfuRun): string {
  const lines = run.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/Invalid DFU suffix|valid DFU suffix will be required/.test(l));
  return lines.at(-1) ?? `exit ${run.exitCode ?? 'unknown'}`;
}

/** Undefined when the image was written; otherwise the error to throw. */
export function dfuFailure(run: DfuRun, what: { deviceId: string; device: string }): InfraError | FlashRejectedError | undefined {
  const all = `${run.stdout}\n${run.stderr}`;
  if (run.spawnCode === 'ENOENT') {
    return new InfraError(`dfu-util is not installed (no program '${run.program}' on PATH)`, 'apt-get install dfu-util, or name its path in the bench tools');
  }
  if (DOWNLOADED.test(run.stdout)) return undefined;
  if (/No DFU capable USB device available/.test(all)) {
    return new InfraError(`no DFU device ${what.device} with serial ${what.deviceId}`, 'put the board in DFU mode / check the cable');
  }
  if (/Cannot open DFU device/.test(all)) {
    return new InfraError(`dfu-util cannot open the DFU device ${what.device} (${what.deviceId})`, 'install the udev rules for Particle devices (or run with access to USB)');
  }
  const status = STATUS.exec(all);
  if (status && REFUSING_STATUS.has(Number(status[1]))) {
    return new FlashRejectedError(`the board refused the DFU write: ${status[2]?.trim()} (DfuSe status ${status[1]})`, 'dfu', lines(all));
  }
  const range = NOT_WRITABLE.exec(all);
  if (range) return new FlashRejectedError(`the board's memory map has no room for the image: ${range[0]}`, 'dfu', lines(all));
  if (run.exitCode === 0) return new InfraError('dfu-util ended without confirming the download', 'check the board and the cable, and run the flash again');
  return new InfraError(`dfu-util failed (exit ${run.exitCode ?? 'unknown'}): ${lastError(run)}`, 'check the board is in DFU mode and the cable is sound');
}

function lines(text: string): string[] {
  return text.split(/[\r\n]/).map((l) => l.trim()).filter((l) => l.startsWith('dfu-util:') || /dfuERROR/.test(l));
}
