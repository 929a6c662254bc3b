#!/usr/bin/env bash
# Builds the guest's initramfs next to the unpacked kernel (fetch-kernel.sh):
# busybox-static plus the modules that mount the host's root over virtio-9p
# (read-only) under a tmpfs overlay, and the project folder over 9p
# (writable); then it switches to that root and runs guest-init.sh from the
# project. Prints the initramfs path. Idempotent (rebuilt when this script changes).
set -euo pipefail
kroot=${1:?usage: mkinitramfs.sh KERNEL-ROOT (from fetch-kernel.sh)}
kv=$(basename "$kroot")
out="$kroot/initrd.img"
if [ -f "$out" ] && [ "$out" -nt "$0" ]; then echo "$out"; exit 0; fi
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkinitramfs: busybox-static is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,proc,sys,dev,lower,rw,newroot,lib/modules}
cp "$busybox" "$work/bin/busybox"
order=()
for m in virtio_pci 9pnet_virtio 9p overlay; do
  while read -r verb file; do
    [ "$verb" = insmod ] || continue
    b=$(basename "$file")
    case " ${order[*]} " in *" $b "*) continue ;; esac
    order+=("$b")
    cp "$file" "$work/lib/modules/"
  done < <(modprobe -d "$kroot" -S "$kv" --show-depends "$m")
done
printf '%s\n' "${order[@]}" > "$work/lib/modules/order"
cat > "$work/init" <<'EOI'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
arg() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" /proc/cmdline; }
fail() { echo "RIG-GUEST-FAILED initramfs: $*"; echo o > /proc/sysrq-trigger; sleep 5; }
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m || fail "insmod $m"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower || fail "9p host root"
mount -t tmpfs -o size=1G tmpfs /rw; mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || fail overlay
project=$(arg rig.project)
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=mmap project "/newroot$project" || fail "9p project"
umount /proc /sys /dev
exec switch_root /newroot "$project/scripts/usb-guest/guest-init.sh"
EOI
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
