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
}

export interface SimBenchBoard {
  name: string;
  platform: PlatformName;
  id: DeviceId;
  /** The board's serial port: a stable symlink to its PTY. */
  serial: string;
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
    const endpoints = handles.map((board) => new SerialEndpoint({ board, linkPath: join(runDir, `${board.name}.tty`), onError }));
    teardown.add(() => endpoints.forEach((e) => e.stop()));
    await Promise.all(endpoints.map((e) => e.start()));
    const bus = await startUsbBus({ socketPath: socket, boards: handles });
    teardown.add(() => bus.close());
    const cloud = await createCloudServer({ boards: handles, tokens: o.token === undefined ? undefined : [o.token] });
    teardown.add(() => cloud.close());
    const control = await startControlServer({ boards: handles, serial: (h) => endpoints.find((e) => e.board === h)?.counters });
    teardown.add(() => control.close());

    for (const h of handles) h.powerOn();
    const bootMs = o.bootTimeoutMs ?? 10_000;
    await Promise.all(endpoints.map((e) => waitForPath(e.path, bootMs, `board ${e.board.name} did not boot to its serial port`)));

    return {
      name: bench.name,
      timeScale,
      runDir,
      boards: endpoints.map((e, i) => ({ name: e.board.name, platform: bench.boards[i]!.platform, id: e.board.id, serial: e.path })),
      cloud: { api: cloud.url, token: cloud.token },
      usb: { socket },
      usbEnv: usbToolEnv({ kind: 'socket', socket }),
      control: { api: control.api },
      handles: Object.fromEntries(handles.map((h) => [h.name, h])),
      close: () => teardown.run(),
    };
  } catch (err) {
    await teardown.run().catch(() => undefined);
    throw err;
  }
}
