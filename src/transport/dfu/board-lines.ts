// Which of dfu-util's lines are about the board it was asked to write.
// dfu-util probes every DFU device on the bus before it picks one: `-d`
// does not keep it from a DFU-mode device of another PID, and `-S` is
// checked only once a device is open. So a neighbour it cannot open (a
// P2 leaving DFU mode while a Photon is written beside it, a device without
// udev rules) gets a line of its own, "Cannot open DFU device 2b04:d020
// found on devnum 4 (LIBUSB_ERROR_NO_DEVICE)", in this board's output. A line
// that names another VID:PID, another serial, or a USB path other than this
// board's is about that device, not this board's claim.
import type { DeviceId } from '../../core/domain.js';

export interface DfuTarget {
  /** `2b04:d006`: the VID:PID the board has in DFU mode. */
  device: string;
  deviceId: DeviceId;
}

const VID_PID = /\b[0-9a-f]{4}:[0-9a-f]{4}\b/gi;
const SERIAL = /serial="([^"]*)"/;
const PATH = /path="([^"]*)"/;

/** The lines about `target` or about no device in particular, in order. */
export function linesAboutBoard(lines: readonly string[], target: DfuTarget): string[] {
  const serialIsOurs = (l: string): boolean => SERIAL.exec(l)?.[1]?.toLowerCase() === target.deviceId.toLowerCase();
  // Paths come with a serial in dfu-util's listings: this board's are those listed with its serial.
  const ourPaths = new Set(lines.filter(serialIsOurs).map((l) => PATH.exec(l)?.[1]).filter((p) => p !== undefined));
  return lines.filter((l) => {
    const ids = l.match(VID_PID) ?? [];
    if (ids.some((id) => id.toLowerCase() !== target.device.toLowerCase())) return false;
    if (SERIAL.test(l) && !serialIsOurs(l)) return false;
    const path = PATH.exec(l)?.[1];
    return path === undefined || ourPaths.has(path);
  });
}
