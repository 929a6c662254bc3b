// A USB bus reached over a Unix socket (./protocol.md): listing devices,
// waiting for a board by device ID, and particle-usb devices on it.
export { UsbSocketClient } from './client.js';
export { busConnection } from './bus-connection.js';
export { listUsbSocketDevices, type UsbSocketDevice, type ListFilter } from './list.js';
export { busGeneration, nextBusChange, waitForUsbSocketDevice, type UsbMode, type WaitOptions } from './wait.js';
export { listParticleBoards, openParticleDevice, openFoundDevice, type ParticleBoardOnBus, type OpenOptions } from './open.js';
export { UsbSocketNativeDevice } from './native-device.js';
export { UsbSocketError } from './usb-error.js';
export type { ParticleUsbDevice, FirmwareModuleInfo } from './particle-usb.js';
