// fault: the bench does something to the board now (power cut, reset, USB
// unplug, link quality, a full file system), optionally for a while before
// undoing it, or arms it for a moment of the next transfer ("OTA at 40%"):
// the flash step of that transfer then judges what it did. A fault that takes
// the board away returns once it is gone; one that brings it back (a replug,
// a reset, the undo after `for`) once it is back, in a new boot, within the
// step's `within`. A bench that cannot impose it throws UnsupportedError:
// runStep makes that a SKIP with the bench's reason, so the plan never
// silently does less.
import type { FaultStep } from '../../plan/steps-fault.js';
import { pass, type KindRunner } from '../result.js';
import type { FaultSpec } from '../../core/board-contract.js';

export const runFault: KindRunner<FaultStep> = async (step, ctx) => {
  const fault = faultSpecOf(step);
  const { board } = ctx;
  if (step.at) {
    // Validation refuses `for` and `within` here: when an armed fault fires is the board's to tell.
    ctx.note(`arming ${step.fault} at ${step.at.transfer} ${step.at.percent}%`);
    await board.fault({ fault, at: step.at }, ctx.signal);
    return pass({ details: { fault, armed: step.at } });
  }
  const wait = step.withinMs !== undefined ? { withinMs: ctx.clock.wallMsWithRigWork(step.withinMs) } : undefined;
  ctx.note(`fault ${step.fault}`);
  await board.fault(fault, ctx.signal, wait);
  const undo = undoOf(step.fault);
  if (step.forMs === undefined || !undo) return pass({ details: { fault } });
  await ctx.clock.sleep(step.forMs, ctx.signal);
  ctx.note(`undoing ${step.fault}`);
  if ('power' in undo) await board.power(undo.power, ctx.signal, wait);
  else await board.fault(undo.fault, ctx.signal, wait);
  return pass({ details: { fault, forMs: step.forMs, undone: 'power' in undo ? 'power on' : undo.fault.kind } });
};

// A plan's fault step as the board layer's FaultSpec, and how a fault that
// lasts `for` a while is undone.
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
