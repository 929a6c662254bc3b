// A board's cloud events for the whole run: each one numbered, timestamped
// on arrival and appended to events.ndjson at once (a run that dies keeps
// what it saw), and waited for by name prefix and data pattern.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CloudEvent, EventCapture } from '../../core/board-contract.js';
import { redactSecret } from '../../core/redact.js';
import type { StreamedEvent } from './event-stream.js';
import { waitWithin } from '../../core/clock.js';

interface Waiter {
  matches(e: CloudEvent): boolean;
  resolve(e: CloudEvent | undefined): void;
}

export class CloudEventLog implements EventCapture {
  readonly #events: CloudEvent[] = [];
  readonly #waiters = new Set<Waiter>();

  /** `secret` (the token) is removed from anything written, should an event ever echo it. */
  constructor(
    readonly file: string,
    private readonly secret: string,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  events(): readonly CloudEvent[] {
    return this.#events;
  }

  add(e: StreamedEvent, at = Date.now()): CloudEvent {
    const event: CloudEvent = {
      name: String(e.name),
      data: e.data === null || e.data === undefined ? '' : String(e.data),
      ttl: Number(e.ttl),
      publishedAt: String(e.published_at),
      coreid: String(e.coreid),
      at,
      seq: this.#events.length,
    };
    this.#events.push(event);
    appendFileSync(this.file, redactSecret(JSON.stringify(event), this.secret) + '\n');
    for (const w of this.#waiters) {
      if (w.matches(event)) w.resolve(event);
    }
    return event;
  }

  waitFor(name: string, o: { data?: RegExp; fromSeq?: number; withinMs: number; signal?: AbortSignal }): Promise<CloudEvent | undefined> {
    const from = o.fromSeq ?? 0;
    const matches = (e: CloudEvent): boolean => e.seq >= from && e.name.startsWith(name) && (!o.data || o.data.test(e.data));
    const seen = this.#events.slice(from).find(matches);
    if (seen) return Promise.resolve(seen);
    return waitWithin<CloudEvent | undefined>({ ms: o.withinMs, signal: o.signal, onTimeout: () => undefined }, (resolve) => {
      const waiter: Waiter = { matches, resolve };
      this.#waiters.add(waiter);
      return () => this.#waiters.delete(waiter);
    });
  }

  /** The latest event whose name starts with `name`. */
  latest(name: string): CloudEvent | undefined {
    for (let i = this.#events.length - 1; i >= 0; i--) {
      const e = this.#events[i];
      if (e?.name.startsWith(name)) return e;
    }
    return undefined;
  }

  /** Waiters end with "not seen" (a closing run). */
  close(): void {
    for (const w of [...this.#waiters]) w.resolve(undefined);
  }
}
