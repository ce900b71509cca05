#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build lumen.ko out of tree against the guest kernel's headers
# (/usr/src/linux-headers-<ver>, installed by tools/deps.sh) and print its
# path.  Extra arguments go to kbuild (e.g. C=2 W=1, or clean).

set -euo pipefail

. "$(dirname "$0")/common.sh"

main()
{
	local kver kdir

	lumen_kver
	kver=$LUMEN_KVER
	kdir=/usr/src/linux-headers-$kver
	[ -d "$kdir" ] || lumen_die "$kdir missing (run tools/deps.sh)"
	if [ ! -e "$LUMEN_DRIVER_DIR/Kbuild" ] && [ ! -e "$LUMEN_DRIVER_DIR/Makefile" ]; then
		lumen_die "no Kbuild or Makefile in ${LUMEN_DRIVER_DIR#"$LUMEN_TOP"/}: the driver is not there yet"
	fi
	# Debian ships no vmlinux for BTF; kbuild says so on every build.
	make -s -C "$kdir" M="$LUMEN_DRIVER_DIR" "${@:-modules}" 2>&1 |
		{ grep -v '^Skipping BTF generation' || true; } >&2
	[ $# -gt 0 ] || echo "$LUMEN_DRIVER_DIR/lumen.ko"
}

main "$@"
