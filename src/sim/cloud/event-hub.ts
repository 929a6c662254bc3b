// The cloud's event bus: every event the cloud knows about (published by a
// board, or by the cloud about a board) goes through here, and every open
// server-sent event stream subscribes with its own filter.
import type { DeviceId } from '../../core/domain.js';

/** An event as the Particle Cloud serves it in an event stream. */
export interface StreamEvent {
  name: string;
  data: string;
  ttl: number;
  /** Wall-clock ISO time: the cloud is not a board and does not use board time. */
  published_at: string;
  coreid: DeviceId;
}

/** Which events a stream wants: a name prefix and/or one device. */
export interface EventFilter {
  prefix?: string;
  deviceId?: DeviceId;
}

export type EventListener = (event: StreamEvent) => void;

export function matches(filter: EventFilter, event: StreamEvent): boolean {
  if (filter.deviceId !== undefined && event.coreid !== filter.deviceId) return false;
  if (filter.prefix !== undefined && !event.name.startsWith(filter.prefix)) return false;
  return true;
}

export class EventHub {
  readonly #subscribers = new Map<EventListener, EventFilter>();

  /** Delivers to every matching subscriber; one failing subscriber does not starve the others. */
  publish(event: StreamEvent): void {
    for (const [listener, filter] of [...this.#subscribers]) {
      if (!matches(filter, event)) continue;
      try {
        listener(event);
      } catch {
        // A broken stream is closed by its own error handling; the bus goes on.
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(filter: EventFilter, listener: EventListener): () => void {
    this.#subscribers.set(listener, filter);
    return () => {
      this.#subscribers.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }
}
