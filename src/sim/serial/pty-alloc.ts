// Allocates a pseudo-terminal pair for one simulated USB CDC port. Node can
// open /dev/ptmx but has no unlockpt()/ptsname()/ioctl, so a one-shot helper
// does them on the master fd it inherits as fd 3: build/native/pty-setup
// (native/pty-setup/pty-setup.c, built at install; ~1 ms) or, where nothing
// was compiled, the same steps in python3 (~30 ms). The helper also prepares
// the line for the baud watch:
// - packet mode (TIOCPKT) on the master, so every termios change the host
//   makes on the slave arrives as a status byte instead of needing a poll;
// - EXTPROC on the slave, which is what makes Linux send that status byte;
// - raw mode (no echo, no CR/LF translation): YMODEM is binary.
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InfraError } from '../../core/errors.js';

export interface PtyPair {
  /** Master side: the board's end. Non-blocking, close-on-exec. */
  masterFd: number;
  /** /dev/pts/N: what the host opens (through the stable symlink). */
  slavePath: string;
}

/** The line speed a fresh port starts at, and the one the watch re-arms to. */
export const IDLE_BAUD = 9600;

// The ioctl numbers python's termios lacks are the Linux x86/arm values.
// termios on the master fd is the slave's termios on Linux (tty_mode_ioctl
// redirects pty-master requests to the linked slave).
const HELPER = `
import fcntl, struct, sys, termios
def setup(fd):
  TIOCSPTLCK = getattr(termios, "TIOCSPTLCK", 0x40045431)
  TIOCGPTN = getattr(termios, "TIOCGPTN", 0x80045430)
  EXTPROC = getattr(termios, "EXTPROC", 0o200000)
  fcntl.ioctl(fd, TIOCSPTLCK, struct.pack("i", 0))
  n = struct.unpack("I", fcntl.ioctl(fd, TIOCGPTN, bytes(4)))[0]
  fcntl.ioctl(fd, termios.TIOCPKT, struct.pack("i", 1))
  a = termios.tcgetattr(fd)
  a[0] = 0
  a[1] = 0
  a[2] = (a[2] & ~(termios.CSIZE | termios.PARENB | termios.CSTOPB)) | termios.CS8 | termios.CREAD | termios.CLOCAL
  a[3] = EXTPROC
  a[4] = a[5] = termios.B${IDLE_BAUD}
  a[6][termios.VMIN] = 1
  a[6][termios.VTIME] = 0
  termios.tcsetattr(fd, termios.TCSANOW, a)
  print("/dev/pts/%d" % n)
for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1):
  setup(3 + i)
`;

const HELPER_TIMEOUT_MS = 10_000;

// The system interpreter starts in ~20 ms; a version manager's shim found
// first on PATH can take ten times that, on every port (re)appearance.
const SYSTEM_PYTHONS = ['/usr/bin/python3', '/usr/local/bin/python3'];

let chosen: string | undefined;
function python(): string {
  chosen ??= process.env.RIG_PYTHON ?? SYSTEM_PYTHONS.find((p) => existsSync(p)) ?? 'python3';
  return chosen;
}

/** Two levels up from src/sim/serial/ (tsx) or dist/sim/serial/ (built): the rig's root. */
const NATIVE_HELPER = fileURLToPath(new URL('../../../build/native/pty-setup', import.meta.url));

/** The compiled helper when the install built it, else python3 with the same steps; for `count` fds. */
function helperCommand(count: number): [string, string[]] {
  if (!process.env.RIG_PYTHON && existsSync(NATIVE_HELPER)) return [NATIVE_HELPER, [String(count)]];
  return [python(), ['-c', HELPER, String(count)]];
}

/** Runs the helper on the inherited master fds (3, 4, ...); resolves with their slave paths, in order. */
function runHelper(masterFds: readonly number[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const [command, args] = helperCommand(masterFds.length);
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe', ...masterFds],
      timeout: HELPER_TIMEOUT_MS,
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new InfraError(`cannot run ${command} to set up a PTY: ${e.message}`, 'run npm run build (needs gcc), or install python3', { cause: e })));
    child.on('close', (code, signal) => {
      const paths = out.trim().split('\n');
      if (code === 0 && paths.length === masterFds.length && paths.every((p) => /^\/dev\/pts\/\d+$/.test(p))) resolve(paths);
      else reject(new InfraError(`PTY setup helper failed (${signal ?? `exit ${code}`}): ${err.trim() || out.trim()}`));
    });
  });
}

/**
 * Ports set up ahead: a helper run costs a process spawn (milliseconds of
 * CPU in a large Node process), and boards re-enumerate often, so each run
 * prepares a few and the next appearances take them from here.
 */
const PTYS_PER_HELPER_RUN = 4;
const spare: PtyPair[] = [];
let batch: Promise<void> | undefined;

function openMaster(): number {
  const { O_RDWR, O_NOCTTY, O_NONBLOCK } = constants;
  try {
    // libuv opens files close-on-exec, so only the helper (fds 3...) inherits them.
    return openSync('/dev/ptmx', O_RDWR | O_NOCTTY | O_NONBLOCK);
  } catch (e) {
    throw new InfraError(`cannot open /dev/ptmx: ${(e as Error).message}`, 'the simulator needs Unix98 PTYs (devpts)', { cause: e });
  }
}

async function setUpBatch(count: number): Promise<PtyPair[]> {
  const fds: number[] = [];
  try {
    for (let i = 0; i < count; i++) fds.push(openMaster());
    const paths = await runHelper(fds);
    return fds.map((masterFd, i) => ({ masterFd, slavePath: paths[i]! }));
  } catch (e) {
    for (const fd of fds) closeSync(fd);
    throw e;
  }
}

export async function allocatePty(): Promise<PtyPair> {
  while (spare.length === 0) {
    // One helper run at a time; whoever finds the spares gone waits for it.
    batch ??= setUpBatch(PTYS_PER_HELPER_RUN)
      .then((pairs) => void spare.push(...pairs))
      .finally(() => (batch = undefined));
    await batch;
  }
  return spare.shift()!;
}
