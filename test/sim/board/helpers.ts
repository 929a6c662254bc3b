// Shared test fixtures for the simulated board: a board on a fast clock, and
// a recorder of everything it emits with event-driven waits (no polling).
import type { Test } from 'tap';
import { createClock } from '../../../src/sim/clock.js';
import { createSimBoard, type SimBoardHandle, type SimBoardOptions } from '../../../src/sim/board/create.js';
import type { DeviceId } from '../../../src/domain.js';

export type Rec =
  | { t: 'serial'; line: string }
  | { t: 'usb'; v: string }
  | { t: 'led'; v: string }
  | { t: 'mode'; v: string }
  | { t: 'event'; name: string; data: string }
  | { t: 'cloud'; online: boolean }
  | { t: 'ota'; received: number; total: number };

export class Recorder {
  readonly log: Rec[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private partial = '';

  constructor(board: SimBoardHandle) {
    board.on('serialOutput', (b) => {
      this.partial += b.toString('latin1');
      let i: number;
      while ((i = this.partial.indexOf('\r\n')) >= 0) {
        this.push({ t: 'serial', line: this.partial.slice(0, i) });
        this.partial = this.partial.slice(i + 2);
      }
    });
    board.on('usbChange', (v) => this.push({ t: 'usb', v }));
    board.on('led', (v) => this.push({ t: 'led', v }));
    board.on('mode', (v) => this.push({ t: 'mode', v }));
    board.on('cloudEvent', (name, data) => this.push({ t: 'event', name, data }));
    board.on('cloudConnection', (online) => this.push({ t: 'cloud', online }));
    board.on('otaProgress', (p) => this.push({ t: 'ota', received: p.chunksReceived, total: p.chunksTotal }));
  }

  private push(r: Rec): void {
    this.log.push(r);
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }

  lines(): string[] {
    return this.log.flatMap((r) => (r.t === 'serial' ? [r.line] : []));
  }

  events(): string[] {
    return this.log.flatMap((r) => (r.t === 'event' ? [`${r.name}=${r.data}`] : []));
  }

  values(t: 'usb' | 'led' | 'mode'): string[] {
    return this.log.flatMap((r) => (r.t === t ? [r.v] : []));
  }

  /** Index just past the last record, to look only at what comes after. */
  mark(): number {
    return this.log.length;
  }

  eventsSince(mark: number): string[] {
    return this.log.slice(mark).flatMap((r) => (r.t === 'event' ? [`${r.name}=${r.data}`] : []));
  }

  linesSince(mark: number): string[] {
    return this.log.slice(mark).flatMap((r) => (r.t === 'serial' ? [r.line] : []));
  }

  /** Resolves when `check` holds (re-checked on every emission); rejects after `wallMs`. */
  until(what: string, check: () => boolean, wallMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x.check !== check);
        reject(new Error(`timed out after ${wallMs} ms waiting for ${what}; last records: ${JSON.stringify(this.log.slice(-8))}`));
      }, wallMs);
      this.waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  untilEvent(name: string, data?: string | RegExp, since = 0, wallMs?: number): Promise<void> {
    const match = (r: Rec): boolean => r.t === 'event' && r.name === name &&
      (data === undefined || (typeof data === 'string' ? r.data === data : data.test(r.data)));
    return this.until(`event ${name} ${String(data ?? '')}`, () => this.log.slice(since).some(match), wallMs);
  }

  untilLine(pattern: RegExp, since = 0, wallMs?: number): Promise<void> {
    return this.until(`log line ${String(pattern)}`, () => this.log.slice(since).some((r) => r.t === 'serial' && pattern.test(r.line)), wallMs);
  }
}

export const ID = '0123456789abcdef01234567' as DeviceId;

/** A powered-on board on a clock `scale` times faster than the wall, disposed when the test ends. */
export function startBoard(t: Test, o: Partial<SimBoardOptions> & { scale?: number } = {}): { board: SimBoardHandle; rec: Recorder } {
  const { scale = 200, ...rest } = o;
  const board = createSimBoard({ name: 'b1', id: ID, platform: 'photon', clock: createClock(scale), ...rest });
  const rec = new Recorder(board);
  t.teardown(() => board.dispose());
  board.powerOn();
  return { board, rec };
}

export async function online(rec: Recorder, since = 0): Promise<void> {
  await rec.until('cloud online', () => rec.log.slice(since).some((r) => r.t === 'cloud' && r.online));
}
