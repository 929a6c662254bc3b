// The reference reader of a serial port: the least any program could do to
// read it. `stty raw -echo`, then `cat` of the tty into a file; what it read
// is the file's size. The stty is needed on the simulated bench: a PTY gives
// no sign of an open() as such, so the simulated port takes the host's first
// settings change (any serial program makes one when it opens a port) for
// the host opening it, and a port no host has opened takes no board output
// once it is a second old (src/sim/serial/pty-line.ts): a bare `cat` would
// read nothing there.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PlainReader {
  /** /dev/pts/N that cat reads. */
  readonly tty: string;
  /** cat's process ID. */
  readonly pid: number;
  /** Bytes cat has written to its file so far. */
  bytes(): number;
  close(): Promise<void>;
}

const OPEN_LIMIT_MS = 5000;

/** Whether process `pid` holds `path` open (it is cat by then: sh execs it after stty). */
function holds(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `stty -F TTY raw -echo && exec cat TTY > out` on the port `link` names; resolves once cat has it open. */
export async function startPlainReader(link: string, out: string): Promise<PlainReader> {
  const tty = realpathSync(link);
  const child = spawn('sh', ['-c', 'stty -F "$1" raw -echo && exec cat "$1" > "$2"', 'plain-reader', tty, out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const deadline = Date.now() + OPEN_LIMIT_MS;
  while (!holds(child.pid ?? -1, tty) || !/\bcat\b/.test(safeComm(child.pid))) {
    if (child.exitCode !== null) throw new Error(`the plain reader (stty + cat of ${tty}) exited with ${child.exitCode}: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the plain reader did not open ${tty} within ${OPEN_LIMIT_MS} ms`);
    }
    await sleep(5);
  }
  return {
    tty,
    pid: child.pid ?? -1,
    bytes: () => {
      try {
        return statSync(out).size;
      } catch {
        return 0;
      }
    },
    close: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

function safeComm(pid: number | undefined): string {
  try {
    return pid === undefined ? '' : readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}
