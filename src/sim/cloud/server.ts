// A local Particle Cloud for simulated boards: the API subset the rig uses
// (device list and info, OTA flash, server-sent event streams), on node:http,
// bound to 127.0.0.1, every route behind a bearer token. Tokens are never
// logged; request lines are logged without their query string for that reason.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceId } from '../../core/domain.js';
import type { SimBoard } from '../board/contract.js';
import { TokenSet, generateToken } from './auth.js';
import { EventHub } from './event-hub.js';
import { EventStreams } from './events.js';
import { createRequestHandler } from './handler.js';
import { BoardRegistry } from './registry.js';
import { sendJson } from './api-reply.js';

export interface CloudServerOptions {
  boards?: SimBoard[];
  /** Accepted access tokens. None given: one is generated and returned as `token`. */
  tokens?: string[];
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Wall milliseconds between keep-alive comments on event streams. Default 9000. */
  keepAliveMs?: number;
  /** Largest request body (an OTA image) accepted. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Receives one line per request (method, path, status), never a token. */
  log?: (line: string) => void;
}

export interface CloudServer {
  /** Base URL for clients, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** An accepted token: the first one given, or the generated one. */
  readonly token: string;
  addBoard(board: SimBoard): void;
  removeBoard(id: DeviceId): boolean;
  /** Number of open event streams (for tests and the sim's status line). */
  readonly streamCount: number;
  /** Ends every event stream, detaches from the boards, stops listening. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

export async function createCloudServer(options: CloudServerOptions = {}): Promise<CloudServer> {
  const tokenList = options.tokens && options.tokens.length > 0 ? options.tokens : [generateToken()];
  const tokens = new TokenSet(tokenList);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (!Number.isInteger(maxBody) || maxBody <= 0) {
    throw new TypeError(`Expected maxBodyBytes to be a positive integer, got ${String(options.maxBodyBytes)}`);
  }
  const hub = new EventHub();
  const registry = new BoardRegistry(hub);
  const streams = new EventStreams(hub, options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs });
  for (const board of options.boards ?? []) registry.add(board);

  const handle = createRequestHandler({ tokens, maxBody, registry, streams });

  const server = createServer((req, res) => {
    res.on('finish', () => options.log?.(`${req.method ?? '?'} ${(req.url ?? '/').split('?')[0]} ${res.statusCode}`));
    handle(req, res).catch((err: unknown) => {
      options.log?.(`error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'Internal error in the simulated cloud' });
      else res.destroy();
    });
  });
  try {
    await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (err) {
    registry.dispose(); // a cloud that never listened must not keep holding the boards
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    token: tokenList[0] as string,
    addBoard: (board) => registry.add(board),
    removeBoard: (id) => registry.remove(id),
    get streamCount() {
      return streams.size;
    },
    close() {
      closing ??= shutdown(server, () => {
        streams.closeAll();
        registry.dispose();
      });
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Ends streams first so clients see a clean end of response, then closes; stragglers are cut after 1 s. */
function shutdown(server: ReturnType<typeof createServer>, endStreams: () => void): Promise<void> {
  return new Promise((resolve) => {
    endStreams();
    const force = setTimeout(() => server.closeAllConnections(), 1000);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
