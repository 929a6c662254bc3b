// A minimal client of a Particle Cloud event stream (GET
// /v1/devices/:id/events, server-sent events): node:http, no library, each
// event stamped with its arrival (performance.now()). The least any tool
// could do to hear what a board publishes.
import { request, type ClientRequest } from 'node:http';

export interface HeardEvent {
  name: string;
  data: string;
  /** performance.now() when the event's frame was complete. */
  at: number;
}

export interface EventListener {
  readonly events: readonly HeardEvent[];
  /** Resolves with the first event from index `from` on that `match`es, or rejects after `withinMs`. */
  waitFor(match: (e: HeardEvent) => boolean, from: number, withinMs: number): Promise<{ event: HeardEvent; index: number }>;
  close(): void;
}

/** Opens the stream; resolves once the server answered 200 and sent its opening comment. */
export function listenToDevice(api: string, token: string, id: string): Promise<EventListener> {
  const events: HeardEvent[] = [];
  const waiters = new Set<() => void>();
  let req: ClientRequest;
  return new Promise((resolve, reject) => {
    req = request(`${api}/v1/devices/${id}/events`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET ${api}/v1/devices/${id}/events answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      res.on('data', (text: string) => {
        buffer += text;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!opened) {
            opened = true;
            resolve(listener);
          }
          let name: string | undefined;
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (name === undefined) continue; // a comment (keep-alive)
          let value = data;
          try {
            const body = JSON.parse(data) as { data?: unknown };
            if (typeof body.data === 'string') value = body.data;
          } catch {
            // not JSON: keep the raw data
          }
          events.push({ name, data: value, at: performance.now() });
          for (const w of [...waiters]) w();
        }
      });
    });
    req.on('error', reject);
    req.end();
    const listener: EventListener = {
      events,
      waitFor(match, from, withinMs) {
        return new Promise((res, rej) => {
          const check = (): void => {
            for (let i = from; i < events.length; i++) {
              const e = events[i]!;
              if (match(e)) {
                clearTimeout(timer);
                waiters.delete(check);
                res({ event: e, index: i });
                return;
              }
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            rej(new Error(`no matching event within ${withinMs} ms`));
          }, withinMs);
          waiters.add(check);
          check();
        });
      },
      close: () => req.destroy(),
    };
  });
}
