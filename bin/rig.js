#!/usr/bin/env node
// Entry point: the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('rig: the build is missing; run `npm run build` (npm ci does it through `prepare`)');
    process.exit(3);
  }
  throw err;
});
