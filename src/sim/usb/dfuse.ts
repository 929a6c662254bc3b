// The DfuSe 1.1a state machine of a Particle bootloader in DFU mode. Block 0
// of DNLOAD carries commands (SET_ADDRESS, ERASE, Particle's 0xFA safe
// mode); blocks >= 2 are data at address + (block - 2) * wTransferSize. As
// on the chip, work starts at the GETSTATUS after a DNLOAD, answers dfuDNBUSY
// with a poll timeout, and its result (or error) shows at the next GETSTATUS.
// A zero-length DNLOAD is "leave": the board resets into what is in flash.
import type { ControlSetup } from '../../protocol/usb-socket-messages.js';
import { parseDfuseLayout, sectorAt, type Sector } from '../board/dfuse-layout.js';
import type { SimBoard } from '../board/contract.js';
import { DFU_TRANSFER_SIZE } from './descriptors.js';
import { DfuProgressMeter } from './dfu-progress.js';
import { DfuRequest, DfuseCommand, DfuState, DfuStatus, statusBytes, SUPPORTED_COMMANDS } from './dfu-codes.js';
import type { DfuStateCode, DfuStatusCode } from './dfu-codes.js';
import { acceptOut, answerIn, requestKind, stall, type ControlOutcome, type DeviceFunction } from './control-outcome.js';

// Board-time cost of flash work, reported as the DNBUSY poll timeout.
// Magnitudes of STM32F2 / nRF52 flash (UNCONFIRMED per part; keep them small).
const ERASE_MS_PER_KB = 8;
const WRITE_MS_PER_KB = 5;

export class DfuseTarget implements DeviceFunction {
  private state: DfuStateCode = DfuState.dfuIdle;
  private status: DfuStatusCode = DfuStatus.ok;
  private address = 0;
  private pending: { block: number; data: Buffer } | undefined;
  private busyUntil = 0;
  private result: DfuStatusCode = DfuStatus.ok;
  private readonly layouts = new Map<number, Sector[]>();
  private readonly progress: DfuProgressMeter;

  constructor(
    private readonly board: SimBoard,
    private readonly alt: () => number,
  ) {
    for (const { alt, name } of board.platform.dfuAlts) this.layouts.set(alt, parseDfuseLayout(name));
    this.progress = new DfuProgressMeter(board);
  }

  control(setup: ControlSetup, data: Buffer): ControlOutcome | undefined {
    if (requestKind(setup.bmRequestType) !== 'class') return undefined;
    switch (setup.bRequest) {
      case DfuRequest.dnload:
        return this.dnload(setup, data);
      case DfuRequest.upload:
        return this.upload(setup);
      case DfuRequest.getStatus:
        return this.getStatus(setup);
      case DfuRequest.clrStatus:
        this.state = DfuState.dfuIdle;
        this.status = DfuStatus.ok;
        return acceptOut(setup);
      case DfuRequest.getState:
        return answerIn(setup, Buffer.from([this.state]));
      case DfuRequest.abort:
        return this.abort(setup);
      case DfuRequest.detach:
        return acceptOut(setup); // already in DFU mode
      default:
        return this.fail(DfuStatus.errStalledPacket);
    }
  }

  private fail(status: DfuStatusCode): ControlOutcome {
    this.state = DfuState.error;
    this.status = status;
    return stall();
  }

  private dnload(setup: ControlSetup, data: Buffer): ControlOutcome {
    if (this.state !== DfuState.dfuIdle && this.state !== DfuState.dnloadIdle) return this.fail(DfuStatus.errStalledPacket);
    if (setup.wLength === 0) {
      this.state = DfuState.manifestSync;
      return acceptOut(setup);
    }
    if (setup.wLength > DFU_TRANSFER_SIZE) return this.fail(DfuStatus.errStalledPacket);
    this.pending = { block: setup.wValue, data: Buffer.from(data) };
    this.state = DfuState.dnloadSync;
    return acceptOut(setup);
  }

  private getStatus(setup: ControlSetup): ControlOutcome {
    const now = this.board.clock.now();
    const reply = (status: DfuStatusCode, pollBoardMs: number, state: DfuStateCode, after?: () => void): ControlOutcome =>
      answerIn(setup, statusBytes(status, pollBoardMs / this.board.clock.scale, state), after);

    switch (this.state) {
      case DfuState.dnloadSync: {
        const job = this.pending;
        this.pending = undefined;
        if (job?.block === 0 && job.data[0] === DfuseCommand.enterSafeMode) {
          this.state = DfuState.manifest;
          return reply(DfuStatus.ok, 0, this.state, () => this.board.enterMode('safe'));
        }
        const { result, busyMs } = job ? this.execute(job) : { result: DfuStatus.errUnknown, busyMs: 0 };
        this.result = result;
        this.busyUntil = now + busyMs;
        this.state = DfuState.dnBusy;
        return reply(DfuStatus.ok, busyMs, this.state);
      }
      case DfuState.dnBusy: {
        if (now < this.busyUntil) return reply(DfuStatus.ok, this.busyUntil - now, this.state);
        if (this.result !== DfuStatus.ok) {
          this.state = DfuState.error;
          this.status = this.result;
          return reply(this.status, 0, this.state);
        }
        this.state = DfuState.dnloadIdle;
        return reply(DfuStatus.ok, 0, this.state);
      }
      case DfuState.manifestSync: {
        // Gen2 bootloaders answer dfuDNLOAD_IDLE here (particle-usb's dfu.js
        // notes it is done "to please dfu-util"); later ones dfuMANIFEST.
        this.state = this.board.platform.generation === 2 ? DfuState.dnloadIdle : DfuState.manifest;
        const answer = reply(DfuStatus.ok, 0, this.state, () => this.board.dfuLeave());
        this.state = DfuState.manifest;
        return answer;
      }
      default:
        return reply(this.status, 0, this.state);
    }
  }

  private execute(job: { block: number; data: Buffer }): { result: DfuStatusCode; busyMs: number } {
    const alt = this.alt();
    const layout = this.layouts.get(alt) ?? [];
    if (job.block === 0) {
      const cmd = job.data[0];
      const arg = job.data.length >= 5 ? job.data.readUInt32LE(1) : undefined;
      if (cmd === DfuseCommand.setAddress && arg !== undefined) {
        if (!sectorAt(layout, arg)) return { result: DfuStatus.errTarget, busyMs: 0 };
        this.address = arg;
        return { result: DfuStatus.ok, busyMs: 0 };
      }
      if (cmd === DfuseCommand.erase && arg !== undefined) {
        // The bootloader never erases a sector its map marks non-erasable (itself).
        const sector = sectorAt(layout, arg);
        if (!sector?.erasable || !this.board.dfuErase(alt, arg).ok) return { result: DfuStatus.errTarget, busyMs: 0 };
        return { result: DfuStatus.ok, busyMs: (sector.size / 1024) * ERASE_MS_PER_KB };
      }
      // Mass erase (0x41 alone), read unprotect and unknown commands: refused.
      return { result: DfuStatus.errTarget, busyMs: 0 };
    }
    if (job.block === 1) return { result: DfuStatus.errStalledPacket, busyMs: 0 };
    const at = this.address + (job.block - 2) * DFU_TRANSFER_SIZE;
    const r = this.board.dfuWrite(alt, at, job.data);
    if (!r.ok) return { result: r.error === 'address' ? DfuStatus.errAddress : DfuStatus.errWrite, busyMs: 0 };
    this.progress.wrote(at, job.data);
    return { result: DfuStatus.ok, busyMs: (job.data.length / 1024) * WRITE_MS_PER_KB };
  }

  private upload(setup: ControlSetup): ControlOutcome {
    if (this.state !== DfuState.dfuIdle && this.state !== DfuState.uploadIdle) return this.fail(DfuStatus.errStalledPacket);
    if (setup.wValue === 0) {
      this.state = DfuState.uploadIdle;
      return answerIn(setup, Buffer.from(SUPPORTED_COMMANDS));
    }
    if (setup.wValue === 1) return this.fail(DfuStatus.errStalledPacket);
    const at = this.address + (setup.wValue - 2) * DFU_TRANSFER_SIZE;
    const bytes = this.board.dfuRead(this.alt(), at, setup.wLength);
    if (bytes.length === 0 && setup.wLength > 0) return this.fail(DfuStatus.errAddress);
    this.state = DfuState.uploadIdle;
    return answerIn(setup, bytes);
  }

  private abort(setup: ControlSetup): ControlOutcome {
    const abortable: DfuStateCode[] = [DfuState.dfuIdle, DfuState.dnloadSync, DfuState.dnBusy, DfuState.dnloadIdle, DfuState.uploadIdle];
    if (!abortable.includes(this.state)) return this.fail(DfuStatus.errStalledPacket);
    this.state = DfuState.dfuIdle;
    this.pending = undefined;
    return acceptOut(setup);
  }
}
