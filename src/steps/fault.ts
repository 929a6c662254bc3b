// fault: the bench does something to the board now (power cut, reset, USB
// unplug, link quality, a full file system), optionally for a while before
// undoing it, or arms it for a moment of the next transfer ("OTA at 40%").
// A bench that cannot impose it throws UnsupportedError: runStep makes that
// a SKIP with the bench's reason, so the plan never silently does less.
import { UnsupportedError } from '../core/errors.js';
import type { FaultStep } from '../plan/steps-fault.js';
import { faultSpecOf, undoOf } from './fault-spec.js';
import { pass, type KindRunner } from './result.js';

export const runFault: KindRunner<FaultStep> = async (step, ctx) => {
  const fault = faultSpecOf(step);
  const { board } = ctx;
  if (step.at) {
    // An armed fault fires while a later step transfers; the rig cannot tell when, so it cannot time an undo.
    if (step.forMs !== undefined) {
      throw new UnsupportedError(`a fault armed at ${step.at.transfer} ${step.at.percent}% cannot last 'for' a time: undo it with a later step (power: on, fault: usb-replug)`);
    }
    ctx.note(`arming ${step.fault} at ${step.at.transfer} ${step.at.percent}%`);
    await board.fault({ fault, at: step.at }, ctx.signal);
    return pass({ details: { fault, armed: step.at } });
  }
  ctx.note(`fault ${step.fault}`);
  await board.fault(fault, ctx.signal);
  const undo = undoOf(step.fault);
  if (step.forMs === undefined || !undo) return pass({ details: { fault } });
  await ctx.clock.sleep(step.forMs, ctx.signal);
  ctx.note(`undoing ${step.fault}`);
  if ('power' in undo) await board.power(undo.power, ctx.signal);
  else await board.fault(undo.fault, ctx.signal);
  return pass({ details: { fault, forMs: step.forMs, undone: 'power' in undo ? 'power on' : undo.fault.kind } });
};
