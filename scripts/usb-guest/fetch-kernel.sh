#!/usr/bin/env bash
# Downloads Debian's kernel package with `apt-get download` and unpacks it
# into a cache folder (never installs it on this host): the guest of the
# kernel bench boots this kernel and loads its modules (vhci-hcd, cdc-acm,
# virtio, 9p, overlay). Prints the cache folder. Idempotent.
#   RIG_KERNEL_CACHE  where to keep it (default ~/.cache/particle-rig/kernel)
set -euo pipefail
cache=${RIG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/particle-rig/kernel}
mkdir -p "$cache"
# The metapackage names the current kernel ABI; that package holds vmlinuz and the modules.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$pkg" ] || { echo "fetch-kernel: apt-cache knows no linux-image-amd64 (run apt-get update)" >&2; exit 1; }
kv=${pkg#linux-image-}
if [ ! -f "$cache/$kv/ready" ]; then
  tmp=$(mktemp -d "$cache/dl.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -q "$pkg" >&2)
  mkdir -p "$tmp/root"
  dpkg -x "$tmp"/*.deb "$tmp/root"
  depmod -b "$tmp/root" "$kv"
  rm -rf "${cache:?}/$kv"
  mv "$tmp/root" "$cache/$kv"
  touch "$cache/$kv/ready"
fi
ln -sfn "$kv" "$cache/current"
echo "$cache/$kv"
