// A bench file's board entry (with its `sim:` spec) as the options of one
// simulated board. Bench units are the plan's (bits/s, %, board ms); the
// link model's are bytes/s, a probability and seconds.
import type { BenchBoard, SimBoardSpec } from '../../bench/schema.js';
import type { SimBoardOptions, LinkOptions } from '../board/create.js';
import type { SimClock } from '../board/contract.js';
import { appImage } from './app-image.js';

type NetworkSpec = NonNullable<SimBoardSpec['network']>;

export function linkOptions(n: NetworkSpec | undefined): Partial<LinkOptions> | undefined {
  if (!n) return undefined;
  const out: Partial<LinkOptions> = {};
  if (n.kind !== undefined) out.kind = n.kind;
  if (n.bandwidthBps !== undefined) out.bandwidth = n.bandwidthBps / 8;
  if (n.latencyMs !== undefined) out.latencyMs = n.latencyMs;
  if (n.lossPercent !== undefined) out.loss = n.lossPercent / 100;
  if (n.keepAliveMs !== undefined) out.keepAliveS = n.keepAliveMs / 1000;
  return out;
}

export function simBoardOptions(board: BenchBoard, clock: SimClock): SimBoardOptions {
  const sim = board.sim;
  const options: SimBoardOptions = { name: board.name, id: board.id, platform: board.platform, clock };
  if (!sim) return options;
  if (sim.deviceOs !== undefined) options.deviceOs = sim.deviceOs;
  if (sim.power !== undefined) options.power = sim.power;
  if (sim.systemVersion !== undefined) options.systemVersion = sim.systemVersion;
  const network = linkOptions(sim.network);
  if (network) options.network = network;
  if (sim.fs) {
    options.fs = {};
    if (sim.fs.sizeBytes !== undefined) options.fs.sizeBytes = sim.fs.sizeBytes;
    if (sim.fs.usedPercent !== undefined) options.fs.usedPercent = sim.fs.usedPercent;
  }
  if (sim.app) options.app = appImage(board.name, board.platform, sim);
  return options;
}
