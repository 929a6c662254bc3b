// The rig's own folder (package.json, rig/, schema/, build/): two levels
// above this file, in src/core/ (tsx) and dist/core/ (built) alike.
import { fileURLToPath } from 'node:url';

export const RIG_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
