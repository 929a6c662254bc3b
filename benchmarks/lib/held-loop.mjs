// Loaded into `rig run` with NODE_OPTIONS=--import (the soak's
// BENCH_SOAK_HOST_LOAD): holds the rig's event loop RIG_HELD_MS every
// RIG_HELD_EVERY_MS, as a busy bench computer does, to see whether the
// simulated bench asks the rig for promptness no real board asks for. Only
// the `rig run` process is held; the simulator it starts (`rig sim`) is not.
if (process.argv[2] === 'run') {
  const held = Number(process.env.RIG_HELD_MS);
  const every = Number(process.env.RIG_HELD_EVERY_MS);
  if (held > 0 && every > 0) {
    setInterval(() => {
      const end = performance.now() + held;
      while (performance.now() < end);
    }, every).unref();
  }
}
