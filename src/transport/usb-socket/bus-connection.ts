// One long-lived connection per bus socket for looking at the bus (listings,
// waits for a board), instead of a connection per look: a look is then one
// round trip. Replaced when the bus closes it; it never keeps the process alive.
import { UsbSocketClient } from './client.js';

const connections = new Map<string, Promise<UsbSocketClient>>();

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
