// Collects what a starting bench has opened so that close() (or a failed
// start) undoes it in reverse order, once, even if one step of it fails.
export class Teardown {
  readonly #steps: (() => void | Promise<void>)[] = [];
  #done: Promise<void> | undefined;

  add(step: () => void | Promise<void>): void {
    this.#steps.push(step);
  }

  run(): Promise<void> {
    this.#done ??= (async () => {
      const errors: unknown[] = [];
      for (const step of this.#steps.reverse()) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'the simulated bench did not close cleanly');
    })();
    return this.#done;
  }
}
