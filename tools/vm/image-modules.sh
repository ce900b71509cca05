#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The modules layer of the guest initramfs: lumen.ko in
# /lib/modules/<ver>/extra/, every module it depends on, the extra modules
# below with their dependencies, and a depmod index so that `modprobe
# lumen` works.  Kept apart from the base layer so that a driver rebuild
# repacks only this.  Cached as build/vm/modules.cpio.gz; prints its path.
#
# Without a built lumen.ko the layer is made without it (with a warning),
# so that guests can still boot while the driver is being written.

set -euo pipefail

. "$(dirname "$0")/common.sh"

# Stock modules for benchmarks and comparisons (virtio-net-pci, e1000e,
# pktgen), always packed with their dependencies.
LUMEN_GUEST_EXTRA_MODULES=(virtio_pci virtio_net e1000e pktgen)

LUMEN_KO=$(lumen_module_dir)/lumen.ko

# The wanted module names: lumen's dependencies plus the extras.
wanted()
{
	if [ -e "$LUMEN_KO" ]; then
		modinfo -F depends "$LUMEN_KO" | tr ',' '\n' | sed '/^$/d'
	fi
	printf '%s\n' "${LUMEN_GUEST_EXTRA_MODULES[@]}"
}

# Paths (relative to the modules directory) of the wanted modules and of
# everything they depend on; built-in ones need nothing.
closure()
{
	local kroot=$1 kver=$2 moddir=$3 m

	for m in $(wanted); do
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" ||
			lumen_die "module $m not found in $kver"
	done | awk '$1 == "insmod" { print $2 }' | sed "s|^$moddir/||" | sort -u
}

stage()
{
	local root=$1 kroot=$2 kver=$3 moddir=$4 dst f

	dst=$root/usr/lib/modules/$kver
	mkdir -p "$dst"
	for f in $(closure "$kroot" "$kver" "$moddir"); do
		install -D -m 644 "$moddir/$f" "$dst/$f"
	done
	cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$dst/"
	if [ -e "$LUMEN_KO" ]; then
		install -D -m 644 "$LUMEN_KO" "$dst/extra/lumen.ko"
	fi
	depmod -b "$root/usr" "$kver"
}

main()
{
	local out=$LUMEN_VM_BUILD/modules.cpio.gz kroot kver moddir key tmp

	lumen_kver
	kver=$LUMEN_KVER
	kroot=$("$LUMEN_VM_TOOLS/kernel.sh" root)
	moddir=$kroot/lib/modules/$kver
	[ -e "$LUMEN_KO" ] ||
		lumen_log "WARNING: ${LUMEN_KO#"$LUMEN_TOP"/} is not built; the guest has no lumen driver"

	lumen_lock "$LUMEN_VM_BUILD/.modules.lock"
	key=$( (echo "$kver ${LUMEN_GUEST_EXTRA_MODULES[*]}"
		cat "${BASH_SOURCE[0]}"
		[ ! -e "$LUMEN_KO" ] || cat "$LUMEN_KO") | lumen_hash)
	if ! lumen_stamp_ok "$out" "$key"; then
		lumen_log "IMAGE   modules (lumen ${LUMEN_GUEST_EXTRA_MODULES[*]})"
		tmp=$(mktemp -d "$LUMEN_VM_BUILD/modules.XXXXXX")
		stage "$tmp" "$kroot" "$kver" "$moddir"
		lumen_pack "$tmp" "$out"
		rm -rf "$tmp"
		lumen_stamp_set "$out" "$key"
	fi
	echo "$out"
}

main "$@"
