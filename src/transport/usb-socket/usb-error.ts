// A USB operation the device (or the bus) refused, named as node-usb names
// it, because particle-usb tells errors apart by those names (a stalled
// control transfer is "LIBUSB_TRANSFER_STALL", a vanished device
// "LIBUSB_ERROR_NO_DEVICE" / "LIBUSB_TRANSFER_NO_DEVICE").
import { UsbStatus, usbStatusName } from '../../protocol/usb-socket-frame.js';

// libusb_transfer_status values, which node-usb reports as errno of transfer errors.
const TRANSFER = {
  error: { errno: 1, name: 'LIBUSB_TRANSFER_ERROR' },
  timedOut: { errno: 2, name: 'LIBUSB_TRANSFER_TIMED_OUT' },
  stall: { errno: 4, name: 'LIBUSB_TRANSFER_STALL' },
  noDevice: { errno: 5, name: 'LIBUSB_TRANSFER_NO_DEVICE' },
  overflow: { errno: 6, name: 'LIBUSB_TRANSFER_OVERFLOW' },
} as const;

function transferOutcome(status: number): { errno: number; name: string } {
  if (status === UsbStatus.pipe) return TRANSFER.stall;
  if (status === UsbStatus.noDevice) return TRANSFER.noDevice;
  if (status === UsbStatus.timeout) return TRANSFER.timedOut;
  if (status === UsbStatus.overflow) return TRANSFER.overflow;
  return TRANSFER.error;
}

export class UsbSocketError extends Error {
  /** The libusb status the bus answered. */
  readonly status: number;
  /** As node-usb's LibUSBException: the libusb error code, or the transfer status for transfers. */
  readonly errno: number;

  constructor(status: number, during: 'call' | 'transfer') {
    const t = during === 'transfer' ? transferOutcome(status) : { errno: status, name: usbStatusName(status) };
    super(t.name);
    this.name = 'UsbSocketError';
    this.status = status;
    this.errno = t.errno;
  }

  get deviceGone(): boolean {
    return this.status === UsbStatus.noDevice;
  }
}
