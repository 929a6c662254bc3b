#!/usr/bin/env bash
# Boots the kernel bench's guest: Debian's kernel under QEMU (TCG: the KVM of
# these machines hangs the guest), the host's root read-only under a tmpfs
# overlay, the project folder writable (both virtio-9p), user networking
# (the host is 10.0.2.2). The guest runs guest-init.sh, which reads its job
# from JOB-DIR (a folder inside the project) and powers off.
#   boot.sh KERNEL-ROOT PROJECT JOB-DIR
# Env: RIG_GUEST_ACCEL (default "tcg,thread=multi"), RIG_GUEST_CPU (default max), RIG_GUEST_MEM (MB, default 1536),
#      RIG_GUEST_CPUS (default 2).
set -euo pipefail
kroot=${1:?kernel root}
project=${2:?project folder}
job=${3:?job folder}
kv=$(basename "$kroot")
exec qemu-system-x86_64 -accel "${RIG_GUEST_ACCEL:-tcg,thread=multi}" -cpu "${RIG_GUEST_CPU:-max}" -smp "${RIG_GUEST_CPUS:-2}" -m "${RIG_GUEST_MEM:-1536}" \
  -nographic -no-reboot -nodefaults -serial stdio -pidfile "$job/qemu.pid" \
  -kernel "$kroot/boot/vmlinuz-$kv" -initrd "$kroot/initrd.img" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 rig.project=$project rig.job=$job rig.kroot=$kroot" \
  -fsdev local,id=r,path=/,readonly=on,security_model=none,multidevs=remap -device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
  -fsdev local,id=p,path="$project",security_model=none,multidevs=remap -device virtio-9p-pci,fsdev=p,mount_tag=project \
  -netdev user,id=n0 -device virtio-net-pci,netdev=n0
