// Encodes and decodes Particle control-request payloads with the same
// protobuf definitions particle-usb uses (@particle/device-os-protobuf, a
// dependency of particle-usb), so a reply the simulator builds is read by
// particle-usb exactly as a real board's.
import DeviceOSProtobuf from '@particle/device-os-protobuf';

/** Device OS system_error_t codes carried as a control request's result. */
export const SystemResult = {
  ok: 0,
  notSupported: -120,
  notAllowed: -130,
  tooLarge: -190,
  invalidState: -210,
  invalidArgument: -270,
  badData: -280,
} as const;

export function encodeMessage(name: string, data: object): Buffer {
  return Buffer.from(DeviceOSProtobuf.encode(name, data));
}

/** Decodes into the plain object protobufjs makes; the caller states the fields it reads. */
export function decodeMessage<T extends object>(name: string, bytes: Buffer): Partial<T> {
  return DeviceOSProtobuf.decode(name, bytes) as Partial<T>;
}
