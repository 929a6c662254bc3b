// Flashes one module through dfu-util: the image goes to a temporary file,
// dfu-util writes it at the module's start address on the board named by
// its device ID, and the outcome is classified (./outcome.ts). The report
// keeps what dfu-util said of this board (./board-lines.ts).
// The temporary file is made and removed with synchronous calls: a module
// is a megabyte at most, written to the page cache in about a millisecond,
// whereas each asynchronous call is a round trip through libuv's thread
// pool; on a loaded bench computer the six of them (mkdtemp, open, write,
// close, and rm's unlink and rmdir) added 10-15 ms of waiting for threads to
// a DFU flash step (strace of `rig run` on the simulated bench).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FirmwareImage, FlashProgress, FlashReport } from '../../core/board-contract.js';
import type { DeviceId } from '../../core/domain.js';
import type { PlatformInfo } from '../../core/platform.js';
import { linesAboutBoard } from './board-lines.js';
import { deviceFilter, dfuWriteArgs } from './command.js';
import { dfuFailure } from './outcome.js';
import { DfuProgressParser, significantLines } from './progress.js';
import { runDfuUtil, type DfuAccess } from './run.js';

export interface DfuFlashOptions {
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
  /** Wall ms before dfu-util is killed. Default 120 s. */
  timeoutMs?: number;
  /** Default 0 (internal flash). */
  alt?: number;
  /** Reset into normal mode after the write. Default true. */
  leave?: boolean;
}

export interface DfuBoard {
  deviceId: DeviceId;
  platform: PlatformInfo;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export async function flashDfu(access: DfuAccess, board: DfuBoard, fw: Pick<FirmwareImage, 'image' | 'info'>, o: DfuFlashOptions = {}): Promise<FlashReport> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'rig-dfu-'));
  try {
    const file = join(dir, 'module.bin');
    writeFileSync(file, fw.image);
    const args = dfuWriteArgs({ platform: board.platform, deviceId: board.deviceId, address: fw.info.startAddress, file, alt: o.alt, leave: o.leave });
    const total = fw.image.length;
    const progress = new DfuProgressParser((p) => o.onProgress?.({ method: 'dfu', percent: p.percent, bytes: p.bytes, total }));
    const run = await runDfuUtil(access, args, { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: o.signal, onStdout: (c) => progress.feed(c) });
    const target = { deviceId: board.deviceId, device: deviceFilter(board.platform) };
    const failure = dfuFailure(run, target);
    if (failure) throw failure;
    return { method: 'dfu', durationMs: Date.now() - started, messages: linesAboutBoard(significantLines(`${run.stdout}\n${run.stderr}`), target) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
