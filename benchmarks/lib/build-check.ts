// The benchmarks run the compiled CLI (bin/rig.js -> dist/): say so when
// dist/ is missing or older than the sources, rather than time stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './paths.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A warning to print, or undefined when every source has an up-to-date build. */
export function staleBuildWarning(): string | undefined {
  const src = join(ROOT, 'src');
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return 'dist/ is missing: run `npm run build` first';
  const stale = tsFiles(src).filter((file) => {
    const built = join(ROOT, 'dist', relative(src, file)).replace(/\.ts$/, '.js');
    return !existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs;
  });
  if (stale.length === 0) return undefined;
  const names = stale.slice(0, 3).map((f) => relative(ROOT, f)).join(', ');
  return `dist/ is older than ${stale.length} source file(s) (${names}${stale.length > 3 ? ', ...' : ''}): run \`npm run build\` to time the current code`;
}
