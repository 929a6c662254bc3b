// Reads the line speed the host set on a PTY. `stty` cannot show custom
// speeds such as 14400 or 28800; the TCGETS2 ioctl can, and serialport's own
// native binding already does it (getBaudRate). On a PTY master the request
// reaches the slave's termios, i.e. what the host asked for.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type GetBaudRate = (fd: number) => Promise<{ baudRate: number }>;

// serialport's binding package (a dependency of serialport) exposes the
// promisified native calls here; its typings only say `Function`.
const bindings = require('@serialport/bindings-cpp/dist/load-bindings.js') as { asyncGetBaudRate: GetBaudRate };

export async function readLineSpeed(fd: number): Promise<number> {
  const { baudRate } = await bindings.asyncGetBaudRate(fd);
  return baudRate;
}
