#!/usr/bin/env node
// Entry point: the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
// Ctrl-C and SIGTERM have one listener for the life of the process: until a
// command hands it a handler (src/cli/interruptions.ts), a signal ends the
// process with one line instead of killing it silently.
const early = (name) => {
  const handler = globalThis[Symbol.for('particle-rig.signal-handler')];
  if (handler) return handler(name);
  process.stderr.write(`\nrig: ${name} before anything started: nothing was run\n`);
  process.exit(130);
};
early.rigEarly = true;
process.on('SIGINT', early);
process.on('SIGTERM', early);
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('rig: the build is missing; run `npm run build` (npm ci does it through `prepare`)');
    process.exit(3);
  }
  throw err;
});
