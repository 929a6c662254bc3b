// A real redis-server for a lab test or benchmark: on 127.0.0.1, on a free
// port, nothing saved to disk, a password required (the rig's credentials
// path is the one taken). Shared by test/lab/fixtures/redis.ts and
// benchmarks/lab.ts; each stops it as it stops its other processes.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Readable } from 'node:stream';

export type RedisServer = ChildProcessByStdio<null, Readable, Readable>;

const READY_LIMIT_MS = 10_000;

/** A port nobody listens on now (the kernel's pick for port 0, closed again). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts redis-server on 127.0.0.1:PORT with PASSWORD; resolves once it accepts connections (within 10 s). */
export async function launchRedisServer(port: number, password: string): Promise<RedisServer> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', password], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${READY_LIMIT_MS / 1000} s:\n${output}`)), READY_LIMIT_MS);
      child.on('error', (err) => reject(new Error(`cannot start redis-server (run scripts/install-system-packages.sh): ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        output += d;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw err;
  }
  child.removeAllListeners('exit');
  return child;
}
