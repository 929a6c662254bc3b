// Opens a serial port without throwing away what the device already sent.
// serialport's own open (@serialport/bindings-cpp) ends with
// tcflush(TCIOFLUSH): on a USB CDC port (/dev/ttyACM*) the kernel submits
// its first reads at open(), so whatever a board printed while no one had
// its port open arrives in those first reads and is flushed away. The
// kernel bench showed it: a board reset, its port reopened three seconds
// later, and the boot's first 4.5 s of log lines were gone (a raw open kept
// them). Here the port is opened as serialport opens it (O_RDWR, O_NOCTTY,
// O_NONBLOCK, O_SYNC; libuv adds close-on-exec), its input made raw at once,
// then fully raw by stty (tcsetattr without a flush), and handed to
// serialport's own Linux port binding, so reading, writing, closing and
// speed changes stay serialport's. Linux only; elsewhere (and where stty is
// missing) serialport opens it.
// "At once" matters: a ttyACM number the kernel has not used before starts
// cooked (echo, CR to NL; a used one keeps the raw mode it was left in).
// Bytes that arrive while it is cooked are echoed back to the board and come
// out with an empty line after each line. With stty alone that window was
// stty's start-up (hundreds of ms in the kernel bench's emulated guest). So
// the open is synchronous and, in the same tick, node's own tty handle (on
// a second descriptor: termios belong to the tty) turns off echo, canonical
// lines and CR translation; stty then sets the rest (no output processing,
// the line settings). What the board sends during open() itself still meets
// the cooked line discipline: no program can set a tty's mode before its
// first open, so on a new ttyACM number a board's waiting output may gain
// empty lines. Nothing is lost.
import { execFile } from 'node:child_process';
import { close, closeSync, constants, openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { promisify } from 'node:util';
import { LinuxBinding, LinuxPortBinding, type LinuxBindingInterface, type LinuxOpenOptions } from '@serialport/bindings-cpp';

const run = promisify(execFile);
const STTY_TIMEOUT_MS = 5000;
/** Speeds termios names (stty takes them); others are set afterwards with serialport's custom-speed call. */
const NAMED_SPEEDS = new Set([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]);

const DEFAULTS = { vmin: 1, vtime: 0, dataBits: 8, lock: false, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true } as const;

async function openKeepingInput(options: LinuxOpenOptions): Promise<LinuxPortBinding> {
  const o = { ...DEFAULTS, ...options } as Required<LinuxOpenOptions>;
  // Synchronous, and raw input in the same tick: the kernel starts reading the device at open().
  const fd = openSync(o.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK | constants.O_SYNC); // node adds O_CLOEXEC
  try {
    rawInputNow(o.path);
    const speed = NAMED_SPEEDS.has(o.baudRate) ? [String(o.baudRate)] : [];
    // raw: no canonical lines, no signals, no output processing, min 1 time 0; -echo: nothing the board sends goes back to it.
    await run('stty', ['-F', o.path, ...speed, 'raw', '-echo', '-iexten', 'cs8', '-cstopb', '-parenb', 'clocal', 'cread', '-crtscts', o.hupcl ? 'hupcl' : '-hupcl'], { timeout: STTY_TIMEOUT_MS }).catch((e: { stderr?: string; message: string }) => {
      // One line, as serialport's own open errors are: stty says "stty: PATH: Inappropriate ioctl for device".
      const said = (e.stderr ?? '').trim().split('\n').at(-1)?.replace(/^stty: /, '');
      throw new Error(said || e.message.split('\n')[0]);
    });
    const port = new LinuxPortBinding(fd, o);
    if (speed.length === 0) await port.update({ baudRate: o.baudRate });
    return port;
  } catch (err) {
    close(fd, () => undefined);
    throw err;
  }
}

/**
 * Input raw now, synchronously: libuv's raw mode (no echo, no canonical
 * lines, no CR to NL, no signals) through a second descriptor, closed
 * again. tcsetattr with TCSADRAIN: nothing received is flushed. The tty
 * handle never reads (node starts a tty stream's reads only when asked).
 */
function rawInputNow(path: string): void {
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  let tty: ReadStream | undefined;
  try {
    tty = new ReadStream(fd);
    tty.setRawMode(true);
  } finally {
    if (tty) tty.destroy(); // closes fd
    else closeSync(fd);
  }
}

/** serialport's Linux binding with an open that keeps the device's pending input. */
export const keepInputBinding: LinuxBindingInterface = {
  list: () => LinuxBinding.list(),
  open: openKeepingInput,
};

export const canKeepInput = process.platform === 'linux';
