// Firmware update over USB control requests (particle-usb updateFirmware,
// requests 250-253). A board that answers the update with an error result
// refused the image: a firmware failure, with the board's words. Losing the
// board on the way is the rig's.
import { type FlashProgress } from '../../core/board-contract.js';
import { FlashRejectedError } from '../../core/errors.js';
import type { UsbControl } from './control.js';
import { isDeviceGone, isRefused, usbFailure } from './failure.js';
import { withDeadline } from '../../core/clock.js';

export async function usbUpdateFirmware(
  control: UsbControl,
  image: Buffer,
  o: { timeoutMs: number; signal?: AbortSignal; onProgress?: (p: FlashProgress) => void },
): Promise<string[]> {
  const messages: string[] = [];
  let sent = 0;
  const progress = (p: { event: string; bytes?: number }): void => {
    // particle-usb: start-erase, erased, start-download, downloaded (per chunk), complete-download.
    if (p.event === 'downloaded' && p.bytes !== undefined) {
      sent += p.bytes;
      o.onProgress?.({ method: 'usb', percent: Math.min(100, Math.round((sent * 100) / image.length)), bytes: sent, total: image.length });
    } else if (p.event === 'erased' || p.event === 'complete-download') {
      messages.push(`usb update: ${p.event}`);
    }
  };
  try {
    await withDeadline(control.device.updateFirmware(image, { timeout: o.timeoutMs, progress }), o.timeoutMs + 2000, `USB firmware update of ${control.id}`, o.signal);
  } catch (err) {
    if (o.signal?.aborted) throw err;
    if (isRefused(err) && !isDeviceGone(err)) {
      const text = (err as Error).message;
      messages.push(`board: ${text}`);
      throw new FlashRejectedError(`board ${control.id} refused the image over USB: ${text}`, 'usb', messages);
    }
    throw usbFailure(err, 'the USB firmware update', control.id, 'USB');
  }
  return messages;
}
