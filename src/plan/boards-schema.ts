// Which boards of the bench a plan runs on. Keys combine with AND; a
// platform or name list matches any of its entries; a board must carry every
// listed tag. No `boards` key: every board of the bench.
import { z } from 'zod';
import { PlatformSchema } from './platform-schema.js';

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
