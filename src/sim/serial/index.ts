// The simulated bench's serial side: one PTY port per board (SerialEndpoint)
// with the listening-mode console and the YMODEM receiver behind it.
export { SerialEndpoint, DFU_BAUD, LISTENING_BAUD, type SerialEndpointOptions } from './endpoint.js';
export { SimPty, HANGUP_DELAY_MS, type SimPtyOptions, type SimPtyEvents } from './pty.js';
export { DEFAULT_BAUD_WATCH_TIMING, type BaudWatchTiming } from './baud-watch.js';
export type { SerialBoard } from './listening.js';
