// Reaching a board over its USB CDC serial port (serialport): open a port,
// listening-mode commands with parsed replies, the baud-rate mode requests,
// YMODEM flashing, and the follower that keeps a port open across resets.
// Who owns the port: see serial/line.ts.
export { LOG_BAUD, openSerialPort, closeSerialPort, setBaud, portClosed } from './serial/port.js';
export { directSerialLine, locateWithin, type PortLocator, type SerialLine, type SerialSessionOptions } from './serial/line.js';
export {
  readDeviceId,
  readVersion,
  readSystemInfo,
  readMac,
  readClaimed,
  leaveListening,
  enterSafeModeKey,
  answersListening,
} from './serial/listening.js';
export { DEFAULT_REPLY_TIMEOUT_MS, type ReplyOptions } from './serial/reply.js';
export { parseSystemInfo, type SystemInfo } from '../core/module-listing.js';
export { DFU_BAUD, LISTENING_BAUD, dfuByBaud, listeningByBaud, type BaudTrickOptions } from './serial/baud-trick.js';
export { flashOverSerial, type SerialFlashOptions } from './serial/flash.js';
export { PortFollower, type PortFollowerOptions } from './serial/follower.js';
export { LineAssembler, type AssembledLine } from './serial/line-assembler.js';
