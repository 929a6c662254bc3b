#!/usr/bin/env bash
# The kernel bench: the simulated bench on this host serving its boards over
# USB/IP, a Linux guest (Debian's kernel under QEMU) that attaches them with
# vhci-hcd, and COMMAND run inside the guest in the project folder as a
# non-root user, with RIG_BENCH naming a bench file that reaches the boards
# as a lab host does (by device ID: serial ports through udev, USB through
# libusb, Debian's dfu-util; the cloud and bench control at the host's
# address). Prints the guest's console and exits with COMMAND's exit code
# (3 when the guest could not run it).
#   bash scripts/kernel-bench.sh [COMMAND...]
# Default COMMAND: node bin/rig.js run plans/smoke.yaml --bench "$RIG_BENCH"
# Env: RIG_KERNEL_SIM_BENCH (default rig/kernel-sim.yaml), RIG_GUEST_TIMEOUT
# (seconds, default 900), RIG_KEEP_JOB=1 keeps the job folder (.kernel-bench/).
# Installs nothing: scripts/install-system-packages.sh does (qemu-system-x86,
# busybox-static, usbip, udev, kmod, cpio), and `npm run build` builds dist/.
set -uo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
cd "$project"
die() { echo "kernel-bench: $*" >&2; exit 3; }
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing: bash scripts/install-system-packages.sh"
[ -f dist/cli/main.js ] || die "dist/ is not built: npm run build"
kroot=$(bash scripts/usb-guest/fetch-kernel.sh) || die "could not fetch Debian's kernel"
bash scripts/usb-guest/mkinitramfs.sh "$kroot" >/dev/null || die "could not build the initramfs"

mkdir -p .kernel-bench
job=$(mktemp -d "$project/.kernel-bench/job-XXXXXX")
sim_pid=""
watchdog=""
cleanup() {
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
  # A guest still running (the script was interrupted) is stopped: nothing outlives the script.
  if [ -f "$job/qemu.pid" ]; then kill "$(cat "$job/qemu.pid")" 2>/dev/null; fi
  exec 4>&- 2>/dev/null # end of stdin stops rig sim
  if [ -n "$sim_pid" ]; then
    for _ in $(seq 1 50); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$sim_pid" 2>/dev/null
    wait "$sim_pid" 2>/dev/null
  fi
  [ "${RIG_KEEP_JOB:-}" = 1 ] || rm -rf "$job"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A parent that dies (a test runner's timeout) takes the bench and the guest along.
parent=$PPID
( while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -TERM $$ 2>/dev/null ) &
watchdog=$!

# The simulated bench, serving USB/IP on the host's loopback (the guest's 10.0.2.2).
mkfifo "$job/sim.stdin"
node bin/rig.js sim --json --usbip 127.0.0.1:0 --bench "${RIG_KERNEL_SIM_BENCH:-rig/kernel-sim.yaml}" < "$job/sim.stdin" > "$job/sim.out" 2> "$job/sim.err" &
sim_pid=$!
exec 4> "$job/sim.stdin"
for _ in $(seq 1 300); do grep -q '"event":"ready"' "$job/sim.out" 2>/dev/null && break; kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.1; done
grep -q '"event":"ready"' "$job/sim.out" || { cat "$job/sim.err" >&2; die "the simulated bench did not start"; }

# The guest's bench file: the same boards by device ID, nothing simulated.
node - "$job" "${RIG_KERNEL_SIM_BENCH:-rig/kernel-sim.yaml}" <<'EOJS' || die "could not write the guest's bench file"
const { readFileSync, writeFileSync } = require('node:fs');
const [job, simBench] = process.argv.slice(2);
const lines = readFileSync(`${job}/sim.out`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const boards = lines.filter((l) => l.event === 'board');
const ready = lines.find((l) => l.event === 'ready');
const guest = (url) => url.replace('//127.0.0.1:', '//10.0.2.2:');
const timeScale = /^timeScale:\s*(\S+)/m.exec(readFileSync(simBench, 'utf8'))?.[1] ?? '1';
writeFileSync(`${job}/token`, `${ready.cloud.token}\n`, { mode: 0o644 });
writeFileSync(`${job}/bench.yaml`, [
  '# The kernel bench as the guest sees it: a lab bench (boards by device ID).',
  'bench: kernel',
  `timeScale: ${timeScale}`,
  `cloud: { api: ${guest(ready.cloud.api)}, token: "file:${job}/token" }`,
  `control: { api: ${guest(ready.control.api)} }`,
  'boards:',
  ...boards.map((b) => `  - { name: ${b.name}, platform: ${b.platform}, id: ${b.id} }`),
  '',
].join('\n'));
writeFileSync(`${job}/usbip-port`, `${ready.usbip.port}\n`);
writeFileSync(`${job}/boards`, `${boards.length}\n`);
EOJS
if [ $# -eq 0 ]; then
  printf '%s\n' 'exec node bin/rig.js run plans/smoke.yaml --bench "$RIG_BENCH"' > "$job/command.sh"
else
  { printf 'exec'; printf ' %q' "$@"; printf '\n'; } > "$job/command.sh"
fi
chmod -R a+rX "$job"
# The guest's user writes reports (and the history next to them) into the project.
mkdir -p reports && chmod a+rwx reports "$job"

start=$(date +%s.%N)
# In the background and waited for: a signal to this script then acts at once (cleanup stops the guest).
timeout "${RIG_GUEST_TIMEOUT:-900}" nice -n 10 bash scripts/usb-guest/boot.sh "$kroot" "$project" "$job" < /dev/null > >(tee "$job/console.log") &
wait $!
end=$(date +%s.%N)
echo "kernel-bench: guest ran $(awk "BEGIN { printf \"%.1f\", $end - $start }") s; USB/IP imports:" >&2
grep 'usbip:' "$job/sim.err" >&2
[ -f "$job/agent.log" ] && { echo "kernel-bench: attach agent:" >&2; cat "$job/agent.log" >&2; }
[ -f "$job/exit-code" ] || die "the guest did not run the command (see the console above)"
exit "$(cat "$job/exit-code")"
