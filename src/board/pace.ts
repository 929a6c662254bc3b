// A board's pace (the Board contract's Pace): a wait looks again when the
// board does something (its USB bus changed: it left, came back, changed
// mode; a cloud event about it arrived), or after the wait's own interval,
// whichever comes first. A fixed poll interval in wall time would be time
// the rig adds to every wait, whatever the board's speed.
import type { EventCapture, Pace } from '../core/board-contract.js';
import type { BusGeneration, UsbBus } from '../transport/usb.js';

export function boardPace(bus: Pick<UsbBus, 'generation' | 'nextChange'>, events: Pick<EventCapture, 'events' | 'waitFor'> | undefined): Pace {
  // Asked before the first look of the wait: no change after that look is missed.
  let generation: Promise<BusGeneration> = bus.generation().catch(() => undefined);
  let seq = events?.events().length ?? 0;
  return async (withinMs, signal) => {
    signal?.throwIfAborted();
    const since = await generation;
    const woken = new AbortController();
    const stop = signal ? AbortSignal.any([signal, woken.signal]) : woken.signal;
    const changed = bus.nextChange(since, withinMs, stop).then((g) => {
      generation = Promise.resolve(g);
    });
    const heard = events ? events.waitFor('', { fromSeq: seq, withinMs, signal: stop }).then(() => undefined) : changed;
    changed.catch(() => undefined);
    heard.catch(() => undefined);
    try {
      await Promise.race([changed, heard]);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      // A bus that does not answer: the wait's interval is the pause.
    } finally {
      woken.abort();
      seq = events?.events().length ?? seq;
    }
  };
}
