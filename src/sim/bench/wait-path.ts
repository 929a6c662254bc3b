// Waits until a path exists (a board's serial port link appears once the
// board has booted and enumerated). Bounded: a board that never shows its
// port is reported, not waited on forever.
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export async function waitForPath(path: string, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${what}: ${path} did not appear within ${withinMs} ms`);
    await delay(10);
  }
}
