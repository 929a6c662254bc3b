// Runs the built `rig` command as a user would (node bin/rig.js), so the
// tests cover argument parsing, exit codes and what reaches the terminal.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RIG = fileURLToPath(new URL('../../bin/rig.js', import.meta.url));

export interface RigResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runRig(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RigResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [RIG, ...args],
      { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs `fn` over `items` with at most `limit` at once (a 2-core machine runs other test files too). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
