// The simulated bench assembled from a bench file: one clock, a simulated
// board per bench board, a PTY serial port per board at <runDir>/<name>.tty,
// the USB bus at <runDir>/usb.sock, the local cloud and the bench control
// service. `rig sim` runs it in its own process (which `rig run` starts as a
// child); tests start it in-process. Everything it opens, close() closes.
import { usbToolEnv } from '../core/bench-access.js';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { loadBench, type LoadedBench } from '../bench/loader.js';
import type { Bench } from '../bench/schema.js';
import type { DeviceId } from '../core/domain.js';
import type { PlatformName } from '../core/platform.js';
import { createSimBoard } from './board/create.js';
import type { SimulatedBoard } from './board/simulated-board.js';
import { createClock } from './clock.js';
import { createCloudServer } from './cloud/server.js';
import { startControlServer } from './control/server.js';
import { SerialEndpoint } from './serial/endpoint.js';
import { startUsbBus } from './usb/bus.js';
import { CdcLine } from './serial/cdc-line.js';
import { startUsbipServer, type UsbipImportEvent } from './usb/usbip-server.js';
import { waitForUsb } from './bench/wait-usb.js';
import { simBoardOptions } from './bench/board-options.js';
import { Teardown } from './bench/teardown.js';
import { waitForPath } from './bench/wait-path.js';

export interface StartSimBenchOptions {
  /** A bench file (loaded and checked), or an already loaded `bench` (as loadBench gives it, or its `.bench`). */
  benchFile?: string;
  bench?: Bench | LoadedBench;
  /** Where ports and sockets live. Short: a Unix socket path must stay under 108 bytes. */
  runDir: string;
  /** Overrides the bench's timeScale (tests run faster). */
  timeScale?: number;
  /** The cloud's access token. Default: a generated one. */
  token?: string;
  /** Wall ms each board gets to boot and show its serial port. Default 10 s. */
  bootTimeoutMs?: number;
  /** Diagnostics (serial port trouble). Default: stderr. */
  onError?: (error: Error) => void;
  /**
   * Serve the boards over USB/IP too (TCP, default host 127.0.0.1, port 0 = any
   * free one). Each board's serial port is then its USB device's CDC-ACM
   * function instead of a PTY: a host reads it through its own kernel.
   */
  usbip?: { host?: string; port?: number; onImport?: (e: UsbipImportEvent) => void };
}

export interface SimBenchBoard {
  name: string;
  platform: PlatformName;
  id: DeviceId;
  /** The board's serial port: a stable symlink to its PTY (none when USB/IP carries it). */
  serial?: string;
  /** The board's USB/IP bus ID, when the bench serves USB/IP. */
  usbipBusid?: string;
}

export interface RunningSimBench {
  name: string;
  timeScale: number;
  runDir: string;
  boards: SimBenchBoard[];
  cloud: { api: string; token: string };
  usb: { socket: string };
  /** Environment under which dfu-util (or any libusb program) sees the simulated bus. */
  usbEnv: Record<string, string>;
  control: { api: string };
  /** Where the USB/IP server listens, when the bench serves one. */
  usbip?: { host: string; port: number };
  /** The simulated boards by name: for test set-up only; the rig never touches them. */
  handles: Record<string, SimulatedBoard>;
  /** Closes everything; idempotent. */
  close(): Promise<void>;
}

/** sockaddr_un.sun_path is 108 bytes with its terminating NUL. */
const MAX_SOCKET_PATH = 107;

async function benchOf(o: StartSimBenchOptions): Promise<Bench> {
  if (o.bench) return 'placeAt' in o.bench ? o.bench.bench : o.bench;
  if (o.benchFile) return (await loadBench(o.benchFile)).bench;
  throw new TypeError('Expected startSimBench to get `benchFile` or `bench`, got neither');
}

export async function startSimBench(o: StartSimBenchOptions): Promise<RunningSimBench> {
  const bench = await benchOf(o);
  const runDir = resolve(o.runDir);
  const socket = join(runDir, 'usb.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new TypeError(`Expected a run directory short enough for a Unix socket (${MAX_SOCKET_PATH} bytes), got ${socket}`);
  }
  const timeScale = o.timeScale ?? bench.timeScale;
  const onError = o.onError ?? ((e: Error) => process.stderr.write(`rig sim: ${e.message}\n`));
  await mkdir(runDir, { recursive: true });

  const teardown = new Teardown();
  try {
    const clock = createClock(timeScale);
    const handles = bench.boards.map((b) => createSimBoard(simBoardOptions(b, clock)));
    teardown.add(() => handles.forEach((h) => h.dispose()));
    // Over USB/IP each board's serial port is the CDC-ACM function of its USB device; else a PTY.
    const lines = new Map(o.usbip ? handles.map((h) => [h, new CdcLine(`${h.name} on USB/IP`)] as const) : []);
    const endpoints = handles.map((board) => {
      const line = lines.get(board);
      return new SerialEndpoint({ board, ...(line ? { line } : { linkPath: join(runDir, `${board.name}.tty`) }), onError });
    });
    teardown.add(() => endpoints.forEach((e) => e.stop()));
    await Promise.all(endpoints.map((e) => e.start()));
    const bus = await startUsbBus({ socketPath: socket, boards: handles, serialLineOf: (h) => lines.get(h as SimulatedBoard) });
    teardown.add(() => bus.close());
    const usbip = o.usbip ? await startUsbipServer({ bus, ...o.usbip }) : undefined;
    if (usbip) teardown.add(() => usbip.close());
    const cloud = await createCloudServer({ boards: handles, tokens: o.token === undefined ? undefined : [o.token] });
    teardown.add(() => cloud.close());
    const control = await startControlServer({ boards: handles, serial: (h) => endpoints.find((e) => e.board === h)?.counters });
    teardown.add(() => control.close());

    for (const h of handles) h.powerOn();
    const bootMs = o.bootTimeoutMs ?? 10_000;
    await Promise.all(
      endpoints.map((e) =>
        e.path === undefined
          ? waitForUsb(e.board, 'serial', bootMs, `board ${e.board.name} did not boot to its serial port`)
          : waitForPath(e.path, bootMs, `board ${e.board.name} did not boot to its serial port`),
      ),
    );

    return {
      name: bench.name,
      timeScale,
      runDir,
      boards: endpoints.map((e, i) => {
        const busid = usbip?.busidOf(e.board);
        return { name: e.board.name, platform: bench.boards[i]!.platform, id: e.board.id, ...(e.path ? { serial: e.path } : {}), ...(busid ? { usbipBusid: busid } : {}) };
      }),
      cloud: { api: cloud.url, token: cloud.token },
      usb: { socket },
      usbEnv: usbToolEnv({ kind: 'socket', socket }),
      control: { api: control.api },
      ...(usbip ? { usbip: { host: usbip.host, port: usbip.port } } : {}),
      handles: Object.fromEntries(handles.map((h) => [h.name, h])),
      close: () => teardown.run(),
    };
  } catch (err) {
    await teardown.run().catch(() => undefined);
    throw err;
  }
}
