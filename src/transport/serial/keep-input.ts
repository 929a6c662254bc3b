// Opens a serial port without throwing away what the device already sent.
// serialport's own open (@serialport/bindings-cpp) ends with
// tcflush(TCIOFLUSH): on a USB CDC port (/dev/ttyACM*) the kernel submits
// its first reads at open(), so whatever a board printed while no one had
// its port open arrives in those first reads and is flushed away. The
// kernel bench showed it: a board reset, its port reopened three seconds
// later, and the boot's first 4.5 s of log lines were gone (a raw open kept
// them). Here the port is opened as serialport opens it (O_RDWR, O_NOCTTY,
// O_NONBLOCK, O_SYNC; libuv adds close-on-exec), put in raw mode by stty (tcsetattr
// without a flush), and handed to serialport's own Linux port binding, so
// reading, writing, closing and speed changes stay serialport's. Linux
// only; elsewhere (and where stty is missing) serialport opens it.
import { execFile } from 'node:child_process';
import { close, constants, open } from 'node:fs';
import { promisify } from 'node:util';
import { LinuxBinding, LinuxPortBinding, type LinuxBindingInterface, type LinuxOpenOptions } from '@serialport/bindings-cpp';

const run = promisify(execFile);
const openFile = promisify(open);
const STTY_TIMEOUT_MS = 5000;
/** Speeds termios names (stty takes them); others are set afterwards with serialport's custom-speed call. */
const NAMED_SPEEDS = new Set([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]);

const DEFAULTS = { vmin: 1, vtime: 0, dataBits: 8, lock: false, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true } as const;

async function openKeepingInput(options: LinuxOpenOptions): Promise<LinuxPortBinding> {
  const o = { ...DEFAULTS, ...options } as Required<LinuxOpenOptions>;
  const fd = await openFile(o.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK | constants.O_SYNC); // libuv adds O_CLOEXEC
  try {
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

/** serialport's Linux binding with an open that keeps the device's pending input. */
export const keepInputBinding: LinuxBindingInterface = {
  list: () => LinuxBinding.list(),
  open: openKeepingInput,
};

export const canKeepInput = process.platform === 'linux';
