// The bench control service of the simulated bench: HTTP JSON on 127.0.0.1,
// no token (loopback only, like a lab's power switch). The rig reaches it
// through src/transport/bench-control.ts for power steps and faults.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedBoard } from '../board/simulated-board.js';
import type { SerialCounters } from '../serial/endpoint.js';
import type { ControlledBoard } from './apply.js';
import { reply } from './json-body.js';
import { createControlHandler } from './routes.js';

export interface ControlServer {
  /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly api: string;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  boards: readonly SimulatedBoard[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A board's serial byte counters, listed by GET /v1/boards. */
  serial?: (board: SimulatedBoard) => SerialCounters | undefined;
}

export async function startControlServer(o: ControlServerOptions): Promise<ControlServer> {
  // The link each board starts with is what link-restore returns to.
  const boards: ControlledBoard[] = o.boards.map((handle) => ({ handle, baseline: { ...handle.link.options }, serial: () => o.serial?.(handle) }));
  const handle = createControlHandler(boards);
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  await listen(server, o.port ?? 0);
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    api: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
