#!/bin/bash
# PID 1 of the kernel bench's guest (the host's userland, through the overlay):
# pseudo file systems, the kernel's modules, the network (host = 10.0.2.2),
# udev with the repository's rules for Particle devices, vhci-hcd and
# cdc-acm; a non-root user `rig` in plugdev and dialout, as a lab host has;
# the attach agent; then the job: $job/command.sh run as `rig` in the project
# folder. Its exit code goes to the console (RIG-GUEST-EXIT n) and to
# $job/exit-code; then the guest powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /dev/shm
arg() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" /proc/cmdline; }
project=$(arg rig.project); job=$(arg rig.job); kroot=$(arg rig.kroot)
mount -t tmpfs tmpfs /run; mkdir -p /run/udev
# A fresh /tmp (the host's own is no place for the guest's files) would hide
# a project cloned under /tmp, as CI's may be: its mount is moved over it.
case "$project/" in
  /tmp/*) mkdir -p /run/rig-project && mount --move "$project" /run/rig-project
          mount -t tmpfs tmpfs /tmp && mkdir -p "$project" && mount --move /run/rig-project "$project" ;;
  *) mount -t tmpfs tmpfs /tmp ;;
esac
off() { sync; echo o > /proc/sysrq-trigger; sleep 10; }
say() { echo "RIG-GUEST $(cut -d' ' -f1 /proc/uptime)s $*"; }
say "up"
mkdir -p /lib/modules && mount --bind "$kroot/lib/modules" /lib/modules
modprobe virtio_net && ip link set lo up && ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
hostname kernel-bench
# The lab host's set-up: the udev rules the README gives, a user who is not root.
install -m 644 "$project/deploy/udev/50-particle.rules" /etc/udev/rules.d/50-particle.rules
groupadd -f plugdev; groupadd -f dialout
useradd -M -d /tmp/rig-home -G plugdev,dialout rig 2>/dev/null; mkdir -p /tmp/rig-home && chown rig: /tmp/rig-home
/lib/systemd/systemd-udevd --daemon
modprobe vhci-hcd && modprobe cdc-acm
# No coldplug trigger: the devices that matter (the boards) all arrive after udevd starts.
say "udev and vhci-hcd ready"
expected=$(cat "$job/boards" 2>/dev/null || echo 0)
node "$project/scripts/usb-guest/attach-agent.mjs" --host 10.0.2.2 --port "$(cat "$job/usbip-port")" --expect "$expected" --ready "$job/attached" > "$job/agent.log" 2>&1 &
for _ in $(seq 1 600); do [ -e "$job/attached" ] && break; sleep 0.1; done
# Attached is not yet enumerated: the hub driver takes the new devices one
# by one (with three boards the last came a second later), and udev can
# only settle what the kernel has announced. Wait for every Particle device
# in sysfs, then for udev.
particle() { grep -lx 2b04 /sys/bus/usb/devices/*/idVendor 2>/dev/null | wc -l; }
for _ in $(seq 1 300); do [ "$(particle)" -ge "$expected" ] && break; sleep 0.1; done
udevadm settle -t 10
say "boards attached: $(cat "$job/attached" 2>/dev/null || echo none)"
cd "$project" || off
runuser -u rig -- env HOME=/tmp/rig-home RIG_BENCH="$job/bench.yaml" RIG_LOCK_DIR=/tmp/rig-locks bash "$job/command.sh"
rc=$?
echo "$rc" > "$job/exit-code"
say "done"
echo "RIG-GUEST-EXIT $rc"
off
