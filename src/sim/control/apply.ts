// Maps control-service requests onto a simulated board: power, faults now,
// and faults armed at a transfer percentage. Bench units (bits/s, %) become
// the link model's (bytes/s, probability).
import type { ArmableTransfer, ArmedFaultStatus, FaultSpec, PowerAction } from '../../core/board-contract.js';
import type { LinkOptions } from '../board/create.js';
import type { SimulatedBoard } from '../board/simulated-board.js';
import type { ArmedFaultRecord, TransferFault } from '../board/faults.js';
import type { FaultRequest } from './requests.js';
import type { SerialCounters } from '../serial/endpoint.js';

export interface ControlledBoard {
  handle: SimulatedBoard;
  /** The link as the bench file set it up: what link-restore goes back to. */
  baseline: LinkOptions;
  /** Bytes the board wrote to its serial port, when the bench serves one (benchmarks compare it with what the rig captured). */
  serial?: () => SerialCounters | undefined;
}

/** Thrown for what the simulator cannot do; the server answers 501. */
export class UnsupportedFault extends Error {}

export function applyPower(b: ControlledBoard, action: PowerAction): void {
  if (action !== 'on') b.handle.faults.powerCut();
  if (action !== 'off') b.handle.powerOn();
}

function linkChange(f: Extract<FaultSpec, { kind: 'link' }>): Partial<LinkOptions> {
  const change: Partial<LinkOptions> = {};
  if (f.bandwidthBps !== undefined) change.bandwidth = f.bandwidthBps / 8;
  if (f.latencyMs !== undefined) change.latencyMs = f.latencyMs;
  if (f.lossPercent !== undefined) change.loss = f.lossPercent / 100;
  // A link fault that names no quality is the link going down.
  if (Object.keys(change).length === 0) change.up = false;
  return change;
}

export function applyFault(b: ControlledBoard, f: FaultSpec): void {
  const faults = b.handle.faults;
  switch (f.kind) {
    case 'power-cut': return faults.powerCut();
    case 'reset': return faults.reset();
    case 'usb-unplug': return faults.unplug();
    case 'usb-replug': return faults.replug();
    case 'link': return faults.setLink(linkChange(f));
    case 'link-restore': return faults.setLink({ ...b.baseline, up: true });
    case 'fs-fill': return faults.fillFs(f.fillPercent);
  }
}

const ARMABLE: Partial<Record<FaultSpec['kind'], TransferFault>> = { 'power-cut': 'power-cut', reset: 'reset', 'usb-unplug': 'unplug' };

export function applyFaultRequest(b: ControlledBoard, r: FaultRequest): void {
  if (!r.at) return applyFault(b, r.fault);
  const armed = ARMABLE[r.fault.kind];
  if (!armed) throw new UnsupportedFault(`a ${r.fault.kind} fault cannot be armed at a transfer percentage (armable: ${Object.keys(ARMABLE).join(', ')})`);
  b.handle.faults.armAt(r.at.transfer, r.at.percent, armed);
}

const FAULT_OF: Record<TransferFault, 'power-cut' | 'reset' | 'usb-unplug'> = { 'power-cut': 'power-cut', reset: 'reset', unplug: 'usb-unplug' };

/** A board's armed fault in the control protocol's words. */
function statusOf(r: ArmedFaultRecord): ArmedFaultStatus {
  return {
    fault: { kind: FAULT_OF[r.fault] },
    at: { transfer: r.transfer, percent: r.percent },
    ...(r.reachedPercent !== undefined ? { reachedPercent: r.reachedPercent } : {}),
    ...(r.fired ? { fired: r.fired } : {}),
  };
}

/** The faults armed on the board since the last disarm: waiting, or fired and where. */
export const armedFaults = (b: ControlledBoard): ArmedFaultStatus[] => b.handle.faults.armedFaults().map(statusOf);

/** Disarms what still waits and forgets what fired (of one transfer, or all); answers with those faults as they stood. */
export const disarmFaults = (b: ControlledBoard, transfer?: ArmableTransfer): ArmedFaultStatus[] => b.handle.faults.disarm(transfer).map(statusOf);
