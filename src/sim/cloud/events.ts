// Server-sent event streams as the Particle Cloud serves them:
//   event: <name>
//   data: {"data":..,"ttl":..,"published_at":..,"coreid":..}
// A `:ok` comment opens the stream and keep-alive comments follow, so that
// clients with an idle timeout (particle-api-js gives up after 15 s) stay
// connected while the boards are quiet.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamEvent, EventFilter, EventHub } from './event-hub.js';

export interface EventStreamOptions {
  /** Wall milliseconds between keep-alive comments. */
  keepAliveMs: number;
  /** A client that lets this many bytes pile up unread is cut off. */
  maxBufferedBytes: number;
}

export const DEFAULT_STREAM_OPTIONS: EventStreamOptions = { keepAliveMs: 9000, maxBufferedBytes: 1 << 20 };

/** One SSE frame. Event names cannot carry line breaks; they would end the field. */
export function formatEvent(event: StreamEvent): string {
  const name = event.name.replace(/[\r\n]/g, ' ');
  const body = { data: event.data, ttl: event.ttl, published_at: event.published_at, coreid: event.coreid };
  return `event: ${name}\ndata: ${JSON.stringify(body)}\n\n`;
}

/** The open streams of one server, so that shutdown can end them all cleanly. */
export class EventStreams {
  readonly #open = new Set<() => void>();
  readonly #hub: EventHub;
  readonly #options: EventStreamOptions;

  constructor(hub: EventHub, options: Partial<EventStreamOptions> = {}) {
    this.#hub = hub;
    this.#options = { ...DEFAULT_STREAM_OPTIONS, ...options };
    if (!(this.#options.keepAliveMs > 0)) {
      throw new TypeError(`Expected keepAliveMs to be a positive number, got ${String(options.keepAliveMs)}`);
    }
  }

  get size(): number {
    return this.#open.size;
  }

  /** Takes over the response until the client leaves or the server shuts down. */
  open(req: IncomingMessage, res: ServerResponse, filter: EventFilter): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write(':ok\n\n');
    const send = (text: string): void => {
      if (res.writableLength > this.#options.maxBufferedBytes) {
        close();
        res.destroy();
        return;
      }
      res.write(text);
    };
    const unsubscribe = this.#hub.subscribe(filter, (event) => send(formatEvent(event)));
    const keepAlive = setInterval(() => send(':\n\n'), this.#options.keepAliveMs);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(keepAlive);
      this.#open.delete(end);
    };
    const end = (): void => {
      close();
      res.end();
    };
    this.#open.add(end);
    req.on('close', close);
    res.on('error', close);
  }

  /** Ends every open stream (the clients see a normal end of response). */
  closeAll(): void {
    for (const end of [...this.#open]) end();
  }
}
