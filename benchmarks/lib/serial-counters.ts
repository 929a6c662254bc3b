// The board side of the log-capture count: what the simulated board wrote
// to its serial port, read from the bench control service's board listing
// (GET /v1/boards, `serial` per board; see src/sim/serial/endpoint.ts).
import { z } from 'zod';

const Counters = z.object({ offered: z.number(), sent: z.number(), dropped: z.number() });
const Listing = z.array(z.looseObject({ id: z.string(), serial: Counters.optional() }));

export type SerialCounters = z.output<typeof Counters>;

export async function readSerialCounters(controlApi: string, id: string): Promise<SerialCounters> {
  const res = await fetch(`${controlApi}/v1/boards`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${controlApi}/v1/boards answered ${res.status}`);
  const board = Listing.parse(await res.json()).find((b) => b.id === id);
  if (!board) throw new Error(`the bench control service does not list board ${id}`);
  if (!board.serial) throw new Error('the bench control service lists no serial byte counters (a simulator older than the benchmarks?)');
  return board.serial;
}

export function minus(a: SerialCounters, b: SerialCounters): SerialCounters {
  return { offered: a.offered - b.offered, sent: a.sent - b.sent, dropped: a.dropped - b.dropped };
}
