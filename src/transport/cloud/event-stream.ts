// One device's cloud event stream (GET /v1/devices/:id/events, SSE) through
// particle-api-js, kept open for the whole run. particle-api-js reconnects
// on its own every 2 s with a timer nobody can cancel, and abort() leaves
// its idle timer behind; so the rig takes reconnection over (backoff, a
// clean stop) and every connection has its own agent that stop() cuts.
import type { DeviceId } from '../../core/domain.js';
import type { InfraError } from '../../core/errors.js';
import { apiClient, type ApiClient, type CloudAccess } from './api.js';
import { cloudInfraError, describeCloudFailure } from './failure.js';

/** An event as the stream delivers it. */
export interface StreamedEvent {
  name: string;
  data: string;
  ttl: number;
  published_at: string;
  coreid: string;
}

interface ApiEventStream {
  idleTimeout?: NodeJS.Timeout | null;
  reconnect: () => void;
  abort(): void;
  on(event: 'event', fn: (e: StreamedEvent) => void): unknown;
}

export interface EventStreamHooks {
  onEvent(e: StreamedEvent): void;
  /** The stream dropped (why) and the rig is reconnecting. */
  onDrop?(why: string): void;
  onReconnect?(): void;
}

/** Wall ms before each reconnection attempt; the last repeats. */
export const RECONNECT_BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000] as const;

export class DeviceEventStream {
  #current: { client: ApiClient; stream: ApiEventStream } | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The client of a connection attempt in flight: stop() cuts it too. */
  #pending: ApiClient | undefined;
  #attempt = 0;
  #stopped = false;
  /** Reconnections so far. */
  reconnects = 0;

  constructor(
    private readonly cloud: CloudAccess,
    private readonly id: DeviceId,
    private readonly hooks: EventStreamHooks,
    private readonly backoff: readonly number[] = RECONNECT_BACKOFF_MS,
  ) {}

  get connected(): boolean {
    return this.#current !== undefined;
  }

  /** The first connection: the cloud unreachable or the token refused is an InfraError. */
  async start(): Promise<void> {
    const failure = await this.#connect();
    if (failure) throw failure;
  }

  async #connect(): Promise<InfraError | undefined> {
    const client = apiClient(this.cloud);
    this.#pending = client;
    try {
      const stream = (await client.particle.getEventStream({ deviceId: this.id })) as unknown as ApiEventStream;
      if (this.#stopped) {
        client.destroy();
        DeviceEventStream.#close(stream);
        return undefined;
      }
      // particle-api-js calls this.reconnect() when the response ends, errors or goes idle.
      stream.reconnect = () => this.#dropped(stream, 'the event stream ended');
      stream.on('event', (e) => this.hooks.onEvent(e));
      this.#current = { client, stream };
      this.#attempt = 0;
      return undefined;
    } catch (err) {
      client.destroy();
      if (this.#stopped) return undefined;
      return cloudInfraError(describeCloudFailure(err, this.cloud.token), `opening the event stream of ${this.id}`, this.cloud.api);
    } finally {
      if (this.#pending === client) this.#pending = undefined;
    }
  }

  #dropped(stream: ApiEventStream, why: string): void {
    if (this.#current?.stream !== stream) return;
    this.#current.client.destroy();
    DeviceEventStream.#close(stream);
    this.#current = undefined;
    if (this.#stopped) return;
    this.hooks.onDrop?.(why);
    this.#schedule();
  }

  #schedule(): void {
    const wait = this.backoff[Math.min(this.#attempt, this.backoff.length - 1)] ?? 1000;
    this.#attempt += 1;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect().then((failure) => {
        if (this.#stopped) return;
        if (failure) return this.#schedule();
        this.reconnects += 1;
        this.hooks.onReconnect?.();
      });
    }, wait);
  }

  static #close(stream: ApiEventStream): void {
    stream.reconnect = () => undefined;
    stream.abort();
    if (stream.idleTimeout) clearTimeout(stream.idleTimeout);
    stream.idleTimeout = null;
  }

  /** Ends the stream; no timer or connection is left behind. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending?.destroy();
    const current = this.#current;
    this.#current = undefined;
    if (current) {
      DeviceEventStream.#close(current.stream);
      current.client.destroy();
    }
  }
}
