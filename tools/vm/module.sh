#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build lumen.ko out of tree and print its path: against the guest
# kernel's headers (/usr/src/linux-headers-<ver>, installed by
# tools/deps.sh), or with LUMEN_KERNEL=debug against the debug kernel's
# build tree, in a copy of the sources under build/ so that the two
# builds never share objects.  Extra arguments go to kbuild (e.g. C=2
# W=1, or clean).

set -euo pipefail

. "$(dirname "$0")/common.sh"

main()
{
	local kver kdir mdir

	lumen_kver
	kver=$LUMEN_KVER
	mdir=$(lumen_module_dir)
	if [ "$LUMEN_KERNEL" = debug ]; then
		kdir=$(lumen_debug_kernel_dir)/build
		mkdir -p "$mdir"
		# kept in step with the sources; kbuild tracks the rest
		cp -u "$LUMEN_DRIVER_DIR"/{*.c,*.h,Makefile} "$mdir/"
	else
		kdir=/usr/src/linux-headers-$kver
	fi
	[ -d "$kdir" ] || lumen_die "$kdir missing (run tools/deps.sh)"
	if [ ! -e "$mdir/Makefile" ]; then
		lumen_die "no Makefile in ${mdir#"$LUMEN_TOP"/}: the driver is not there yet"
	fi
	# Debian ships no vmlinux for BTF; kbuild says so on every build.
	make -s -C "$kdir" M="$mdir" LUMEN_UAPI_INC="$LUMEN_TOP/include/uapi" \
		"${@:-modules}" 2>&1 |
		{ grep -v '^Skipping BTF generation' || true; } >&2
	[ $# -gt 0 ] || echo "$mdir/lumen.ko"
}

main "$@"
