#!/bin/bash
# Runs in the kernel bench's guest as the non-root user (test/hardware-path/kernel-bench.test.ts):
# the rig on a lab bench file, boards found by device ID through the kernel.
#   lab-bench.sh PART...   (udev, boards, smoke, capture, field)
# Each part prints one marker line the test reads: NAME-RC <exit code> <wall s> [details].
# Every part runs; the exit code is 1 when any failed.
cd "$(dirname "$0")/../../.."
failed=0
now() { date +%s.%N; }
for part in "$@"; do
  start=$(now)
  case $part in
    udev)
      # Every board of the bench file gets its link, or the part fails (after 20 s).
      ids=$(grep -oE '\bid: *[0-9a-f]{24}\b' "$RIG_BENCH" | grep -oE '[0-9a-f]{24}')
      for _ in $(seq 1 200); do
        missing=""; for id in $ids; do ls /dev/serial/by-id/*"_${id}-if00" >/dev/null 2>&1 || missing="$missing $id"; done
        [ -z "$missing" ] && break; sleep 0.1
      done
      [ -z "$missing" ] && rc=0 || { rc=1; echo "UDEV-ERR no /dev/serial/by-id link for:$missing"; }
      detail=$(for l in /dev/serial/by-id/*; do [ -e "$l" ] && printf '%s=%s;' "${l##*/}" "$(readlink -f "$l")"; done) ;;
    boards)
      node bin/rig.js boards --json --bench "$RIG_BENCH" > /tmp/boards.json 2>/tmp/boards.err
      rc=$?; detail=$(tr -d '\n ' < /tmp/boards.json); [ $rc = 0 ] || sed 's/^/BOARDS-ERR /' /tmp/boards.err ;;
    smoke)
      node bin/rig.js run plans/smoke.yaml --bench "$RIG_BENCH" > /tmp/smoke.out 2>&1
      rc=$?; grep -aE ' · smoke: \[' /tmp/smoke.out | sed 's/.*\r//; s/\x1b\[[0-9;]*[A-Za-z]//g'; detail=""
      [ $rc = 0 ] || tail -n 15 /tmp/smoke.out | sed 's/^/SMOKE-OUT /'
      grep -aoE 'report: [^,]+/report\.tap' /tmp/smoke.out | sed 's/^report: /SMOKE-REPORT /; s/report\.tap$/report.json/' ;;
    capture)
      node test/hardware-path/guest/capture-renumber.mjs 2>/tmp/capture.err
      rc=$?; detail=""; [ $rc = 0 ] || tail -n 15 /tmp/capture.err | sed 's/^/CAPTURE-ERR /' ;;
    field)
      node bin/rig.js run plans/field/002-ota-serial-fail-dfu-works.yaml --bench "$RIG_BENCH" > /tmp/field.out 2>&1
      rc=$?; detail=""; [ $rc = 0 ] || tail -n 15 /tmp/field.out | sed 's/^/FIELD-OUT /' ;;
    *) echo "lab-bench: no part $part" >&2; exit 2 ;;
  esac
  [ "$rc" = 0 ] || failed=1
  echo "${part^^}-RC $rc $(awk "BEGIN { printf \"%.1f\", $(now) - $start }") $detail"
done
exit $failed
