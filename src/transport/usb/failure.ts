// What a failed USB call means for the rig. A board that left the bus or
// stopped answering is the rig losing its reach (InfraError), never a
// firmware verdict; the caller decides what a refused request means.
import { InfraError } from '../../core/errors.js';

const GONE = /NO_DEVICE|not open|closed the connection|disconnected|Device is not found/i;

function chain(err: unknown): Error[] {
  const out: Error[] = [];
  for (let e: unknown = err; e instanceof Error && out.length < 5; e = e.cause) out.push(e);
  return out;
}

/** True when the error says the device is no longer on the bus. */
export function isDeviceGone(err: unknown): boolean {
  return chain(err).some((e) => GONE.test(e.message) || ('deviceGone' in e && e.deviceGone === true));
}

export function isTimeout(err: unknown): boolean {
  return chain(err).some((e) => e.name === 'TimeoutError' || /TIMED_OUT|timeout/i.test(e.message));
}

/** True when the board answered with an error result (particle-usb RequestError). */
export function isRefused(err: unknown): boolean {
  return chain(err).some((e) => e.name === 'RequestError');
}

/** The InfraError for a USB call `what` on board `id` that failed with `err`. */
export function usbFailure(err: unknown, what: string, id: string, bus: string): InfraError {
  if (err instanceof InfraError) return err;
  const text = chain(err).map((e) => e.message).join(': ');
  if (isDeviceGone(err)) {
    return new InfraError(`board ${id} vanished from ${bus} during ${what}`, 'is it still plugged in and powered?', { cause: err });
  }
  if (isTimeout(err)) {
    return new InfraError(`board ${id} did not answer ${what} on ${bus} in time (${text})`, 'a board that stops answering USB needs a reset or a power cycle', { cause: err });
  }
  return new InfraError(`${what} on board ${id} failed on ${bus}: ${text}`, undefined, { cause: err });
}
