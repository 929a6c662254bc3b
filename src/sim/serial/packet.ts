// Decodes one read from a PTY master in packet mode (TIOCPKT): a leading 0
// byte means host data follows; otherwise the single byte is a status report
// about the slave's line (Linux's TIOCPKT_* bits).

const TIOCPKT_DATA = 0x00;
const TIOCPKT_FLUSHREAD = 0x01;
const TIOCPKT_FLUSHWRITE = 0x02;
const TIOCPKT_NOSTOP = 0x10;
const TIOCPKT_DOSTOP = 0x20;
const TIOCPKT_IOCTL = 0x40;

export type PtyPacket =
  | { kind: 'data'; bytes: Buffer }
  /** The host changed termios (speed, flow control...), and maybe flushed too (reports merge until read). */
  | { kind: 'termios'; inputFlushed: boolean }
  /** The host flushed its queues (serialport does on open at standard speeds). */
  | { kind: 'flush'; inputFlushed: boolean };

// libuv hands each read() to Node separately, and a packet-mode read never
// mixes status and data, so one chunk is one packet.
// FLUSHREAD: the host threw away its input, i.e. what the board had sent and
// it had not read (tcflush(TCIFLUSH) on the slave); FLUSHWRITE: its output.
export function decodePacket(chunk: Buffer): PtyPacket {
  const head = chunk[0] ?? TIOCPKT_DATA;
  if (head === TIOCPKT_DATA) return { kind: 'data', bytes: chunk.subarray(1) };
  const inputFlushed = (head & TIOCPKT_FLUSHREAD) !== 0;
  if (head & (TIOCPKT_IOCTL | TIOCPKT_NOSTOP | TIOCPKT_DOSTOP)) return { kind: 'termios', inputFlushed };
  if (head & (TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE)) return { kind: 'flush', inputFlushed };
  // STOP/START (XON/XOFF state) say nothing about the line speed.
  return { kind: 'flush', inputFlushed };
}
