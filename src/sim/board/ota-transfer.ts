// One OTA download over the board's modelled link (particle-facts §7).
// Device OS < 3.0 ("fast OTA"): the cloud streams every 512-byte chunk
// without per-chunk acks, then UpdateDone; the board answers with the chunks
// it missed and they are resent, round after round. Device OS >= 3.0:
// UpdateStart, chunks acknowledged every 2, UpdateFinish. No progress for the
// stall timeout ends the transfer; the board then resets with update_timeout.
// Each protocol prints its own lines (particle-facts §7, §8): the UpdateDone
// rounds and an abort belong to fast OTA only, in the wording of the board's
// release (Device OS 2.0 reworded them under [comm.ota]).
// Time is computed from the clock, not counted in ticks, so the download takes
// the same board time at any time scale.
import type { NetworkLink } from '../network/link.js';
import type { Lifetime } from './lifetime.js';
import type { LogLevel } from './log.js';
import type { OtaProgress, SimClock } from './contract.js';

export const CHUNK_SIZE = 512;
/** Rounds in a row that deliver nothing before the board aborts the transfer. */
const ROUNDS_BEFORE_ABORT = 5;
/** The cloud retries an aborted transfer this many times, a second apart (seed 003). */
const RETRIES_AFTER_ABORT = 7;
/** No chunk for this long breaks the session's exchange: the board aborts the transfer (seed 003's 70 s silence). */
export const ABORT_SILENCE_MS = 20_000;

export type OtaOutcome = { kind: 'complete' } | { kind: 'timeout'; chunk: number; chunksTotal: number };

export interface OtaHost {
  clock: SimClock;
  lifetime: Lifetime;
  link: NetworkLink;
  protocol: 'fast' | 'acked';
  /** Fast OTA's trace wording: Device OS before 2.0 ('1.x'), or 2.x (device-os communication/src/chunked_transfer.cpp). */
  fastOtaLines: '1.x' | '2.x';
  /** 2.x: the most chunks one UpdateDone asks to be resent (MISSED_CHUNKS_TO_SEND: 20 on the Argon, else 40). */
  missedChunksPerRequest: number;
  stallTimeoutMs: number;
  /** Device OS before 0.7 reports an abort with spark/device/ota_result. */
  legacyResultEvent: boolean;
  log(category: string, level: LogLevel, message: string): void;
  publish(name: string, data: string): void;
  /** False while the app starves the cloud: nothing received is processed. */
  cloudServiced(): boolean;
  progress(p: OtaProgress): void;
  finished(outcome: OtaOutcome): void;
}

export class OtaTransfer {
  readonly chunksTotal: number;
  private readonly received: Uint8Array;
  private receivedCount = 0;
  private round: number[] = [];
  private roundStart = 0;
  private delivered = 0;
  private next = 0;
  private emptyRounds = 0;
  private aborted = false;
  private retries = 0;
  private lastProgressAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private startedAt = 0;
  /** The whole image was already in the OTA area (resumed transfer). */
  private readonly resumed: boolean;

  constructor(readonly image: Buffer, private readonly host: OtaHost, o: { alreadyReceived?: boolean } = {}) {
    this.chunksTotal = Math.max(1, Math.ceil(image.length / CHUNK_SIZE));
    this.received = new Uint8Array(this.chunksTotal);
    this.resumed = o.alreadyReceived === true;
    if (this.resumed) {
      this.received.fill(1);
      this.receivedCount = this.chunksTotal;
    }
  }


  get bytesReceived(): number {
    return Math.min(this.image.length, this.receivedCount * CHUNK_SIZE);
  }

  get percent(): number {
    return (this.receivedCount / this.chunksTotal) * 100;
  }

  start(): void {
    const now = this.host.clock.now();
    this.lastProgressAt = now;
    this.startedAt = now;
    if (this.host.protocol === 'acked') {
      this.host.log('comm.ota', 'INFO', 'Received UpdateStart request');
      this.host.log('comm.ota', 'INFO', `File size: ${this.image.length}`);
      // UNCONFIRMED wording: the resume itself is Device OS 3.0+'s resumable OTA.
      if (this.resumed) this.host.log('comm.ota', 'INFO', `Resuming transfer: ${this.image.length} of ${this.image.length} bytes already received`);
    }
    this.beginRound(now, this.resumed ? [] : [...Array(this.chunksTotal).keys()]);
    this.tick();
  }

  stop(): void {
    this.done = true;
    this.host.lifetime.cancel(this.timer);
  }

  private beginRound(at: number, missing: number[]): void {
    this.round = this.host.protocol === 'acked' ? missing.slice(0, 2) : missing;
    this.roundStart = at;
    this.delivered = 0;
    this.next = 0;
  }

  private chunkMs(): number {
    return this.host.link.transferMs(CHUNK_SIZE);
  }

  private arrival(k: number): number {
    return this.roundStart + this.host.link.options.latencyMs + (k + 1) * this.chunkMs();
  }

  /** When the closing message (UpdateDone, or the ack of a window) has crossed the link. */
  private closeAt(): number {
    return this.arrival(this.round.length - 1) + this.host.link.options.latencyMs;
  }

  private tick(): void {
    if (this.done) return;
    const now = this.host.clock.now();
    if (this.host.cloudServiced() && !this.aborted) {
      // Every round due by now, not just one: a late tick (a loaded host, a
      // high time scale) must not look like a silent link. Acked OTA's rounds
      // are two chunks each, so a tick often owes many.
      for (;;) {
        while (this.next < this.round.length && this.arrival(this.next) <= now) {
          const index = this.round[this.next++];
          const at = this.arrival(this.next - 1);
          if (index === undefined || this.received[index] === 1 || !this.host.link.delivers(at - this.startedAt)) continue;
          this.received[index] = 1;
          this.receivedCount++;
          this.delivered++;
          // Board time of the chunk's arrival, not of this tick: a late tick changes nothing.
          this.lastProgressAt = at;
          // Reported chunk by chunk, so a fault armed at a percentage (or a
          // listener changing the link) acts at that chunk, however late this tick runs.
          this.host.progress({ chunksTotal: this.chunksTotal, chunksReceived: this.receivedCount, bytesReceived: this.bytesReceived });
          if (this.done) return;
        }
        if (this.next < this.round.length || now < this.closeAt()) break;
        // A round ends with a silence of ABORT_SILENCE_MS at most: the abort comes at its time, not after later rounds.
        if (this.closeAt() - this.lastProgressAt >= ABORT_SILENCE_MS) break;
        if (this.closeRound(this.closeAt())) return;
        if (this.aborted) break;
      }
      if (!this.aborted && now - this.lastProgressAt >= ABORT_SILENCE_MS) this.abort(this.lastProgressAt + ABORT_SILENCE_MS);
    } else if (this.aborted && this.host.cloudServiced() && now >= this.roundStart && this.retries < RETRIES_AFTER_ABORT) {
      this.retries++;
      this.reportAbort();
      this.roundStart = now + 1000;
    }
    if (now - this.lastProgressAt >= this.host.stallTimeoutMs) {
      if (this.host.protocol === 'acked') this.host.log('comm.ota', 'ERROR', 'Transfer timeout');
      this.finish({ kind: 'timeout', chunk: this.firstMissing(), chunksTotal: this.chunksTotal });
      return;
    }
    this.schedule(now);
  }

  private schedule(now: number): void {
    const wants = [this.lastProgressAt + this.host.stallTimeoutMs];
    // A starved board processes nothing: only the stall deadline matters.
    if (!this.host.cloudServiced()) wants.push(Infinity);
    else if (this.aborted) wants.push(this.retries < RETRIES_AFTER_ABORT ? this.roundStart : Infinity);
    else if (this.next < this.round.length) wants.push(this.arrival(this.next), this.lastProgressAt + ABORT_SILENCE_MS);
    else wants.push(this.closeAt(), this.lastProgressAt + ABORT_SILENCE_MS);
    // At least a few wall milliseconds between ticks: each tick catches up on all that is due.
    const delay = Math.max(Math.min(...wants) - now, this.host.clock.scale * 2);
    this.timer = this.host.lifetime.after(delay, () => this.tick());
  }

  private firstMissing(): number {
    const i = this.received.indexOf(0);
    return i < 0 ? this.chunksTotal : i;
  }

  /** Handles the round's closing message, which arrived at board time `at`. True when the transfer ended. */
  private closeRound(at: number): boolean {
    const missing: number[] = [];
    for (let i = 0; i < this.chunksTotal; i++) if (this.received[i] === 0) missing.push(i);
    const fast = this.host.protocol === 'fast';
    if (fast) this.logUpdateDone(missing, at);
    if (missing.length === 0) {
      if (!fast) this.host.log('comm.ota', 'INFO', 'Received UpdateFinish request');
      this.finish({ kind: 'complete' });
      return true;
    }
    this.emptyRounds = this.delivered === 0 ? this.emptyRounds + 1 : 0;
    if (this.emptyRounds >= ROUNDS_BEFORE_ABORT) {
      this.abort(at);
      return false;
    }
    // The missing-chunk list travels to the cloud before the resend starts.
    this.beginRound(at + this.host.link.options.latencyMs, missing);
    return false;
  }

  /** Fast OTA's lines for an UpdateDone: what came in, then all done or which chunks to resend. */
  private logUpdateDone(missing: readonly number[], at: number): void {
    const log = (category: string, level: LogLevel, message: string) => this.host.log(category, level, message);
    const first = missing[0];
    if (this.host.fastOtaLines === '1.x') {
      log('comm', 'TRACE', 'update done received');
      if (first === undefined) log('comm', 'TRACE', 'update done - all done!');
      else {
        log('comm', 'TRACE', `update done - missing chunks starting at ${first}`);
        log('comm', 'TRACE', `Sent ${missing.length} missing chunks`);
      }
      return;
    }
    log('comm.ota', 'TRACE', `Received UpdateDone; chunk count: ${this.delivered}`);
    if (first === undefined) {
      const seconds = Math.floor((at - this.startedAt) / 1000);
      log('comm.ota', 'INFO', `Update done in ${seconds}s; avg rate ${seconds > 0 ? Math.floor(this.image.length / seconds) : 0} B/s`);
    } else {
      // The board asks for what came in this round and a fifth more (at least 2), up to its cap.
      const asked = Math.min(this.delivered + Math.max(Math.floor(this.delivered * 0.2), 2), this.host.missedChunksPerRequest);
      log('comm.ota', 'TRACE', `Requested ${asked} chunks starting at ${first}`);
    }
  }

  private abort(at: number): void {
    this.aborted = true;
    this.reportAbort();
    this.roundStart = at + 1000;
  }

  private reportAbort(): void {
    // Device OS 3.0+ has no abort of its own: the cloud resends, and the board waits out its transfer timeout.
    if (this.host.protocol !== 'fast') return;
    if (this.host.fastOtaLines === '1.x') this.host.log('comm', 'WARN', 'handle received message failed - aborting transfer');
    else this.host.log('comm.ota', 'WARN', 'Aborting transfer');
    if (this.host.legacyResultEvent) {
      this.host.log('system', 'INFO', 'Send spark/device/ota_result event');
      this.host.publish('spark/device/ota_result', '{"r":"error"}');
    }
  }

  private finish(outcome: OtaOutcome): void {
    this.stop();
    this.host.finished(outcome);
  }
}
