// Ctrl-C and SIGTERM, from the first moment of the process. bin/rig.js
// answers them at once while nothing has started ("nothing was run", exit
// 130). A command that owns the signals takes them over (takeSignals). For
// `rig run`, until the runner has a run id the answer stays the same; from
// then on a signal stops the run gracefully: its signal aborts (steps end,
// children such as dfu-util are killed by their owners) and the runner
// still writes the report, bailed out. A second signal exits at once.
export interface Interruptions {
  signal: AbortSignal;
  /** From now on a signal stops the run instead of exiting: the run has an id and will write a report. */
  runStarted(): void;
  dispose(): void;
}

/** Exit code of a process stopped before it did anything (128 + SIGINT, as a shell reports it). */
export const NOTHING_STARTED_EXIT = 130;

type SignalHandler = (name: NodeJS.Signals) => void;
const HOOK = Symbol.for('particle-rig.signal-handler');
const hooks = globalThis as { [HOOK]?: SignalHandler };

/**
 * Makes `handler` the answer to SIGINT and SIGTERM; returns how to give them
 * back. bin/rig.js keeps its one listener for the life of the process and
 * calls the handler set here: removing a listener would drop a signal that
 * arrived while the process was busy loading a command (libuv forgets what
 * it had not yet delivered to a stopped watcher). Without bin/rig.js (tests
 * that call a command in-process) the handler listens itself.
 */
export function takeSignals(handler: SignalHandler): () => void {
  const early = process.listeners('SIGINT').some((l) => (l as { rigEarly?: boolean }).rigEarly);
  if (early) {
    hooks[HOOK] = handler;
    return () => {
      if (hooks[HOOK] === handler) delete hooks[HOOK];
    };
  }
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export function interruptions(): Interruptions {
  const controller = new AbortController();
  let started = false;
  const onSignal = (name: NodeJS.Signals) => {
    if (!started) {
      process.stderr.write(`\nrig: ${name} before the run started: nothing was run\n`);
      process.exit(NOTHING_STARTED_EXIT);
    }
    if (controller.signal.aborted) process.exit(NOTHING_STARTED_EXIT);
    process.stderr.write(`\nrig: ${name}: stopping; the report will say what was captured (again to quit at once)\n`);
    controller.abort(`interrupted by ${name}`);
  };
  const giveBack = takeSignals(onSignal);
  return {
    signal: controller.signal,
    runStarted: () => void (started = true),
    dispose: giveBack,
  };
}
