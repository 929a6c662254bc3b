// A platform name from the one platform table, with a suggestion for typos.
import { z } from 'zod';
import type { PlatformName } from '../core/platform.js';
import { withFix, didYouMean } from '../yaml/describe.js';
import { PLATFORMS_LIST } from './vocabulary.js';

export const PlatformSchema = z
  .enum(PLATFORMS_LIST, {
    error: (iss) => typeof iss.input === 'string'
      ? withFix(`unknown platform '${iss.input}'${didYouMean(iss.input, PLATFORMS_LIST)}`, `platforms: ${PLATFORMS_LIST.join(', ')}`)
      : `expected a platform name, got ${iss.input === null ? 'nothing' : typeof iss.input}`,
  })
  .transform((p) => p as PlatformName);
