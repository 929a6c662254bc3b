#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the rig needs when they are missing:
# dfu-util (DFU flashing), gcc + libusb-1.0 headers (our USB-over-socket
# libusb stand-in, built at npm install), python3 (PTY set-up of the simulated bench),
# xmllint (the tests validate JUnit reports against their schema),
# chromium (the tests open the HTML report in it, headless, via puppeteer-core),
# redis-server (the lab tests start their own Redis on a free port),
# and for the kernel bench (scripts/kernel-bench.sh, test/hardware-path/): qemu-system-x86
# (the guest), busybox-static (its initramfs), kmod (modprobe/depmod for the
# downloaded kernel's modules), cpio (packs the initramfs), udev (run in the
# guest). Then Debian's kernel for that guest is downloaded by
# scripts/usb-guest/fetch-kernel.sh with `apt-get download` into ~/.cache,
# never installed (no usbip package: the guest attaches through vhci's sysfs).
set -euo pipefail
need=()
command -v dfu-util >/dev/null 2>&1 || need+=(dfu-util)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -f /usr/include/libusb-1.0/libusb.h ] || need+=(libusb-1.0-0-dev)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
[ -x /bin/busybox ] && /bin/busybox --help >/dev/null 2>&1 && ! ldd /bin/busybox >/dev/null 2>&1 || need+=(busybox-static)
command -v modprobe >/dev/null 2>&1 || need+=(kmod)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
[ -x /lib/systemd/systemd-udevd ] || need+=(udev)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "rig setup: please install: ${need[*]} (no apt-get on this machine)" >&2
    exit 1
  fi
  echo "rig setup: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The kernel bench's guest kernel. Not fatal: without it the kernel bench's test is skipped and says why.
if command -v apt-get >/dev/null 2>&1; then
  apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-[0-9]' || $sudo apt-get update -qq || true
  bash "$(dirname "$0")/usb-guest/fetch-kernel.sh" >/dev/null ||
    echo "rig setup: could not download Debian's kernel for the kernel bench (scripts/usb-guest/fetch-kernel.sh)" >&2
fi
