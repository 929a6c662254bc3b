// One long-lived connection per bus socket for looking at the bus (listings,
// waits for a board), instead of a connection per look: a look is then one
// round trip. Replaced when the bus closes it; it never keeps the process alive.
// And a spare: a device opened on the bus gets a connection of its own (its
// claims are the connection's), already connected and greeted, so opening a
// board that re-enumerated does not wait for a connect and a HELLO; the next
// spare is opened at once, off the critical path.
import { UsbSocketClient } from './client.js';

const connections = new Map<string, Promise<UsbSocketClient>>();
const spares = new Map<string, Promise<UsbSocketClient>>();

export async function busConnection(socketPath: string): Promise<UsbSocketClient> {
  const open = connections.get(socketPath);
  if (open) {
    const client = await open.catch(() => undefined);
    if (client && !client.closed) return client;
    if (connections.get(socketPath) !== open) return busConnection(socketPath);
  }
  const fresh = UsbSocketClient.connect(socketPath, undefined, { keepsProcessAlive: false });
  connections.set(socketPath, fresh);
  fresh.catch(() => {
    if (connections.get(socketPath) === fresh) connections.delete(socketPath);
  });
  return fresh;
}

function connectIdle(socketPath: string): Promise<UsbSocketClient> {
  return UsbSocketClient.connect(socketPath, undefined, { keepsProcessAlive: false });
}

/**
 * A new connection to the bus for one device, nobody else's: the spare when
 * it is open and unused, else a fresh one. Either way a spare is opened for
 * the next device. A spare that failed or that the bus closed is dropped.
 */
export async function ownConnection(socketPath: string): Promise<UsbSocketClient> {
  const spare = spares.get(socketPath);
  const next = connectIdle(socketPath);
  next.catch(() => {
    if (spares.get(socketPath) === next) spares.delete(socketPath);
  });
  spares.set(socketPath, next);
  const client = spare && (await spare.catch(() => undefined));
  if (client && !client.closed) return client;
  return connectIdle(socketPath);
}
