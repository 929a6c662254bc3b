// Ctrl-C and SIGTERM stop a run gracefully: the run's signal aborts (steps
// end, children such as dfu-util are killed by their owners) and the report
// is still written. A second Ctrl-C exits at once.
export interface Interruptions {
  signal: AbortSignal;
  dispose(): void;
}

export function interruptions(): Interruptions {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nrig: ${name}: stopping; the report will say what was captured (again to quit at once)\n`);
    controller.abort(`interrupted by ${name}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
