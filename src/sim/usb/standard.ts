// Chapter 9 standard requests every device answers the same way: its
// descriptors, status, configuration and interface settings.
import type { ControlSetup } from '../../protocol/usb-socket-messages.js';
import { stringDescriptor, type UsbIdentity } from './descriptors.js';
import { acceptOut, answerIn, requestKind, stall, type ControlOutcome } from './control-outcome.js';

const Std = { getStatus: 0, clearFeature: 1, setFeature: 3, getDescriptor: 6, getConfiguration: 8, setConfiguration: 9, getInterface: 10, setInterface: 11 } as const;
const Desc = { device: 1, configuration: 2, string: 3 } as const;

export interface InterfaceSettings {
  altOf(iface: number): number | undefined;
  /** Returns a libusb status (0 or NOT_FOUND). */
  setAlt(iface: number, alt: number): number;
}

/** Undefined when the request is not a standard one. */
export function standardRequest(setup: ControlSetup, identity: UsbIdentity, settings: InterfaceSettings): ControlOutcome | undefined {
  if (requestKind(setup.bmRequestType) !== 'standard') return undefined;
  switch (setup.bRequest) {
    case Std.getDescriptor: {
      const type = setup.wValue >> 8;
      const index = setup.wValue & 0xff;
      if (type === Desc.device) return answerIn(setup, identity.deviceDescriptor);
      if (type === Desc.configuration && index === 0) return answerIn(setup, identity.config);
      const text = type === Desc.string ? stringDescriptor(identity.strings, index) : undefined;
      return text ? answerIn(setup, text) : stall();
    }
    case Std.getStatus:
      return answerIn(setup, Buffer.from([0, 0]));
    // ENDPOINT_HALT and remote wake-up: nothing to clear or set on these devices, but a real one accepts them.
    case Std.clearFeature:
    case Std.setFeature:
      return acceptOut(setup);
    case Std.getConfiguration:
      return answerIn(setup, Buffer.from([identity.config[5] ?? 1]));
    case Std.setConfiguration:
      return setup.wValue === (identity.config[5] ?? 1) ? acceptOut(setup) : stall();
    case Std.getInterface: {
      const alt = settings.altOf(setup.wIndex);
      return alt === undefined ? stall() : answerIn(setup, Buffer.from([alt]));
    }
    case Std.setInterface:
      return settings.setAlt(setup.wIndex, setup.wValue) === 0 ? acceptOut(setup) : stall();
    default:
      return stall();
  }
}
