// `rig agent`: a bench host's agent in the lab. It runs until SIGTERM or
// SIGINT and then leaves the lab (unregisters, closes Redis) before the
// bench's own shutdown.
import { benchFileFor } from '../../bench/default.js';
import { loadBench } from '../../bench/loader.js';
import { ExitCode, InputError } from '../../core/errors.js';
import { parseDuration } from '../../plan/duration.js';
import { runAgent } from '../../lab/agent.js';
import { parseQueueUrl } from '../../lab/connection.js';
import { takeSignals } from '../interruptions.js';
import { rigVersion } from '../version.js';

export interface AgentCommandOptions {
  queue: string;
  bench?: string;
  host?: string;
  /** How often an unhealthy board is looked at again (--recheck). */
  recheck?: string;
}

export async function agentCommand(opts: AgentCommandOptions): Promise<number> {
  parseQueueUrl(opts.queue); // bad input before anything starts
  const recheckEveryMs = opts.recheck === undefined ? undefined : parseDuration(opts.recheck);
  if (opts.recheck !== undefined && !recheckEveryMs) throw new InputError(`--recheck: "${opts.recheck}" is not a duration like 30s or 5m`);
  const loaded = await loadBench(benchFileFor(opts.bench).file);
  const stop = new AbortController();
  const giveBack = takeSignals((name) => {
    if (stop.signal.aborted) process.exit(ExitCode.infrastructure); // a second signal: at once
    process.stderr.write(`rig agent: ${name}: leaving the lab\n`);
    stop.abort(`stopped by ${name}`);
  });
  try {
    await runAgent({
      queueUrl: opts.queue, bench: loaded, stop: stop.signal, ...(opts.host ? { host: opts.host } : {}),
      say: (line) => process.stderr.write(`rig ${line}\n`), rigVersion: rigVersion(), ...(recheckEveryMs ? { recheckEveryMs } : {}),
    });
    return ExitCode.ok;
  } finally {
    giveBack();
  }
}
