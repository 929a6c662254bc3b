// The boards this cloud knows, with what the cloud itself remembers about
// each (when it last heard from it, whether its app allows updates), and the
// relay of each board's events onto the cloud's event bus. The board model
// emits the cloud-side events of a session (spark/status, last_reset,
// app-hash) itself; the cloud stamps and serves them.
import type { DeviceId } from '../../core/domain.js';
import type { SimBoard, SimBoardEvents } from '../board/contract.js';
import type { EventHub } from './event-hub.js';

export interface BoardEntry {
  readonly board: SimBoard;
  /** Wall-clock time of the last event or session start, as `last_heard` reports it. */
  lastHeard: Date | null;
  lastHandshake: Date | null;
  /** What the app last told the cloud (particle/device/updates/enabled); true on every new session. */
  updatesEnabled: boolean;
}

export class BoardRegistry {
  readonly #entries = new Map<DeviceId, { entry: BoardEntry; detach: () => void }>();
  readonly #hub: EventHub;

  constructor(hub: EventHub) {
    this.#hub = hub;
  }

  add(board: SimBoard): void {
    if (this.#entries.has(board.id)) throw new TypeError(`Board ${board.id} is already on this cloud`);
    const now = board.cloudConnected ? new Date() : null;
    const entry: BoardEntry = { board, lastHeard: now, lastHandshake: now, updatesEnabled: true };
    const publish = (name: string, data: string, ttl: number): void => {
      entry.lastHeard = new Date();
      this.#hub.publish({ name, data, ttl, published_at: entry.lastHeard.toISOString(), coreid: board.id });
    };
    const onEvent = (...[name, data, ttl]: SimBoardEvents['cloudEvent']): void => {
      if (name === 'particle/device/updates/enabled') entry.updatesEnabled = data !== 'false';
      publish(name, data, ttl);
    };
    // The simulated board publishes spark/status itself (src/sim/board/simulated-board.ts),
    // so the session change only updates what the cloud remembers.
    const onConnection = (...[online]: SimBoardEvents['cloudConnection']): void => {
      if (!online) return;
      entry.lastHandshake = entry.lastHeard = new Date();
      entry.updatesEnabled = true;
    };
    board.on('cloudEvent', onEvent);
    board.on('cloudConnection', onConnection);
    const detach = (): void => {
      board.off('cloudEvent', onEvent);
      board.off('cloudConnection', onConnection);
    };
    this.#entries.set(board.id, { entry, detach });
  }

  /** Forgets a board (by device ID); its events stop reaching the streams. */
  remove(id: DeviceId): boolean {
    const found = this.#entries.get(id);
    if (!found) return false;
    found.detach();
    this.#entries.delete(id);
    return true;
  }

  /** By device ID (any case) or by name, as the real API resolves `:deviceId`. */
  find(idOrName: string): BoardEntry | undefined {
    const byId = this.#entries.get(idOrName.toLowerCase() as DeviceId);
    if (byId) return byId.entry;
    return this.list().find((e) => e.board.name === idOrName);
  }

  list(): BoardEntry[] {
    return [...this.#entries.values()].map((v) => v.entry);
  }

  dispose(): void {
    for (const id of [...this.#entries.keys()]) this.remove(id);
  }
}
