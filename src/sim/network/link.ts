// The board's network link as the OTA download sees it: bandwidth, latency,
// loss per chunk, keep-alive, up/down. Loss draws from a PRNG seeded by the
// device ID, so a lossy run replays the same way every time. A lossy
// cellular link also drops out now and then (a 2G fade, a cell reselection):
// silent for DROPOUT_MS once every DROPOUT_MS * (1 - loss) / loss of a
// transfer, counted from the transfer's start. A short transfer fits between
// dropouts; a long one meets one (seed 003: 9 KB lands where 45 KB does not).
import type { Radio } from '../../core/platform.js';

export type LinkKind = 'wifi' | 'cellular';

export interface LinkOptions {
  kind: LinkKind;
  /** Sustained throughput towards the board, bytes per second. */
  bandwidth: number;
  /** One-way latency in board milliseconds. */
  latencyMs: number;
  /** Probability (0..1) that one OTA chunk is lost. */
  loss: number;
  /** Seconds between keep-alive pings; the cloud drops a silent session after it. */
  keepAliveS: number;
  /** False = the link is down (no chunk gets through, the cloud session drops). */
  up: boolean;
}

const DEFAULTS: Record<LinkKind, LinkOptions> = {
  wifi: { kind: 'wifi', bandwidth: 40_000, latencyMs: 30, loss: 0, keepAliveS: 25, up: true },
  cellular: { kind: 'cellular', bandwidth: 4_000, latencyMs: 400, loss: 0, keepAliveS: 23 * 60, up: true },
};

/** How long a lossy cellular link stays silent when it drops out (board ms). */
export const DROPOUT_MS = 30_000;

export function defaultLink(radio: Radio): LinkOptions {
  return { ...DEFAULTS[radio === 'cellular' ? 'cellular' : 'wifi'] };
}

export function validateLink(o: Partial<LinkOptions>): void {
  const bad = (what: string, v: unknown): never => {
    throw new TypeError(`Expected the link \`${what}\`, got ${JSON.stringify(v)}`);
  };
  if (o.kind !== undefined && o.kind !== 'wifi' && o.kind !== 'cellular') bad('kind to be wifi or cellular', o.kind);
  if (o.bandwidth !== undefined && !(o.bandwidth > 0)) bad('bandwidth to be a positive number of bytes/s', o.bandwidth);
  if (o.latencyMs !== undefined && !(o.latencyMs >= 0)) bad('latencyMs to be a non-negative number', o.latencyMs);
  if (o.loss !== undefined && !(o.loss >= 0 && o.loss <= 1)) bad('loss to be a probability between 0 and 1', o.loss);
  if (o.keepAliveS !== undefined && !(o.keepAliveS > 0)) bad('keepAliveS to be a positive number of seconds', o.keepAliveS);
}

/** mulberry32: tiny, fast, good enough to decide which chunk is lost. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

export class NetworkLink {
  private opts: LinkOptions;
  private readonly random: () => number;

  constructor(options: LinkOptions, seed: string) {
    validateLink(options);
    this.opts = { ...options };
    this.random = prng(seedOf(seed));
  }

  get options(): Readonly<LinkOptions> {
    return this.opts;
  }

  set(change: Partial<LinkOptions>): void {
    validateLink(change);
    this.opts = { ...this.opts, ...change };
  }

  /** Board ms the link needs to carry `bytes` (serialisation only, no latency). */
  transferMs(bytes: number): number {
    return (bytes / this.opts.bandwidth) * 1000;
  }

  /** Whether the link is in a dropout `transferMs` board ms into a transfer (lossy cellular links only). */
  inDropout(transferMs: number): boolean {
    const { kind, loss } = this.opts;
    if (kind !== 'cellular' || loss <= 0) return false;
    if (loss >= 1) return true;
    const good = (DROPOUT_MS * (1 - loss)) / loss;
    return transferMs % (good + DROPOUT_MS) >= good;
  }

  /** Whether one chunk gets through right now (`transferMs` into a transfer, for dropouts). */
  delivers(transferMs?: number): boolean {
    if (!this.opts.up) return false;
    if (transferMs !== undefined && this.inDropout(transferMs)) return false;
    return this.opts.loss === 0 ? true : this.random() >= this.opts.loss;
  }
}
