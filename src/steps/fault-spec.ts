// A plan's fault step as the board layer's FaultSpec, and how a fault that
// lasts `for` a while is undone.
import type { FaultSpec } from '../core/board-contract.js';
import type { FaultStep } from '../plan/steps-fault.js';

export function faultSpecOf(step: FaultStep): FaultSpec {
  switch (step.fault) {
    case 'link':
      return {
        kind: 'link',
        ...(step.bandwidthBps !== undefined ? { bandwidthBps: step.bandwidthBps } : {}),
        ...(step.latencyMs !== undefined ? { latencyMs: step.latencyMs } : {}),
        ...(step.lossPercent !== undefined ? { lossPercent: step.lossPercent } : {}),
      };
    case 'fs-fill':
      return { kind: 'fs-fill', fillPercent: step.fillPercent ?? 100 };
    default:
      return { kind: step.fault };
  }
}

/** What ends a fault that lasts a while: power back on, USB plugged back, the link as it was. */
export type Undo = { power: 'on' } | { fault: FaultSpec };

export function undoOf(kind: FaultStep['fault']): Undo | undefined {
  switch (kind) {
    case 'power-cut': return { power: 'on' };
    case 'usb-unplug': return { fault: { kind: 'usb-replug' } };
    case 'link': return { fault: { kind: 'link-restore' } };
    default: return undefined;
  }
}
