// Which boards of the bench a plan runs on, and the platform names it may use. Keys combine with AND; a
// platform or name list matches any of its entries; a board must carry every
// listed tag. No `boards` key: every board of the bench.
import { z } from 'zod';
import type { PlatformName } from '../core/platform.js';
import { withFix, didYouMean, quote } from '../yaml/describe.js';
import { PLATFORMS_LIST } from './vocabulary.js';

// A platform name from the one platform table, with a suggestion for typos.
export const PlatformSchema = z
  .enum(PLATFORMS_LIST, {
    error: (iss) => typeof iss.input === 'string'
      ? withFix(`unknown platform ${quote(iss.input)}${didYouMean(iss.input, PLATFORMS_LIST)}`, `platforms: ${PLATFORMS_LIST.join(', ')}`)
      : `expected a platform name, got ${iss.input === null ? 'nothing' : typeof iss.input}`,
  })
  .transform((p) => p as PlatformName);

function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
}

export const BoardSelectorSchema = z
  .strictObject({
    platform: oneOrMany(PlatformSchema).optional().meta({ description: 'platforms to run on (any of them)' }),
    tags: oneOrMany(z.string().min(1)).optional().meta({ description: 'tags a board must all carry' }),
    names: oneOrMany(z.string().min(1)).optional().meta({ description: 'bench board names (any of them)' }),
  })
  .transform((v) => ({ platforms: v.platform, tags: v.tags, names: v.names }));

export type BoardSelector = z.output<typeof BoardSelectorSchema>;
