#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's guest kernel (linux-image-<ver>, <ver> from
# lumen_guest_kver) and unpack it into $LUMEN_CACHE/kernel/<ver>/, without
# installing it on the host.  With LUMEN_KERNEL=debug, the debug kernel
# that tools/kernel/build-debug.sh built and installed in the same layout.  The unpacked tree gets a modules.dep so that
# module dependencies can be resolved from it.
#
#   kernel.sh [kver|root|vmlinuz|modules]
#
# prints the kernel release, the unpacked tree, the kernel image or the
# modules directory (default: vmlinuz).

set -euo pipefail

. "$(dirname "$0")/common.sh"

fetch()
{
	local kver=$1 root=$2 tmp

	tmp=$(mktemp -d "$LUMEN_CACHE/kernel/.fetch.XXXXXX")
	lumen_log "FETCH   linux-image-$kver"
	# apt warns that its sandbox user cannot reach root's cache: harmless,
	# so its chatter is shown only when the download fails.
	if ! (cd "$tmp" && apt-get download -qq "linux-image-$kver") \
	     > "$tmp/apt.log" 2>&1; then
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp"
		lumen_die "apt-get download linux-image-$kver failed"
	fi
	mkdir "$tmp/root"
	dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root"
	depmod -b "$tmp/root" "$kver"
	rm -rf "$root"
	mv "$tmp/root" "$root"
	rm -rf "$tmp"
}

main()
{
	local what=${1:-vmlinuz} kver root

	lumen_kver
	kver=$LUMEN_KVER
	if [ "$LUMEN_KERNEL" = debug ]; then
		# build-debug.sh installs it in the same layout
		root=$(lumen_debug_kernel_dir)/root
	else
		root=$LUMEN_CACHE/kernel/$kver
	fi
	if [ ! -e "$root/lib/modules/$kver/modules.dep" ]; then
		mkdir -p "$LUMEN_CACHE/kernel"
		lumen_lock "$LUMEN_CACHE/kernel/.lock"
		[ -e "$root/lib/modules/$kver/modules.dep" ] || fetch "$kver" "$root"
	fi

	case $what in
	kver)		echo "$kver" ;;
	root)		echo "$root" ;;
	vmlinuz)	echo "$root/boot/vmlinuz-$kver" ;;
	modules)	echo "$root/lib/modules/$kver" ;;
	*)		lumen_die "usage: kernel.sh [kver|root|vmlinuz|modules]" ;;
	esac
}

main "$@"
