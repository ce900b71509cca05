#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tests layer of the guest initramfs: lumen's guest selftests as
# `make -C selftests install` lays them out (tests.list, settings, the
# tests and their helpers), under /lumen/tests/.  The installed tree stays
# in build/vm/tests/ for the host side (make check reads tests.list and
# settings there).  Cached as build/vm/tests.cpio.gz; prints its path.

set -euo pipefail

. "$(dirname "$0")/common.sh"

LUMEN_VM_TESTS=$LUMEN_VM_BUILD/tests

main()
{
	local out=$LUMEN_VM_BUILD/tests.cpio.gz ksft key tmp

	ksft=$("$LUMEN_VM_TOOLS/linux-source.sh" ksft-inc)
	lumen_lock "$LUMEN_VM_BUILD/.tests.lock"
	tmp=$(mktemp -d "$LUMEN_VM_BUILD/tests.XXXXXX")
	make -s -C "$LUMEN_TOP/selftests" install \
	     INSTALL_PATH="$tmp/lumen/tests" KSFT_INC="$ksft" > /dev/null ||
		{ rm -rf "$tmp"; lumen_die "installing the selftests failed"; }

	key=$(cd "$tmp" && find . -type f | LC_ALL=C sort | xargs cat | lumen_hash)
	if ! lumen_stamp_ok "$out" "$key"; then
		lumen_log "IMAGE   tests"
		lumen_pack "$tmp" "$out"
		lumen_stamp_set "$out" "$key"
	fi
	rm -rf "$LUMEN_VM_TESTS"
	mv "$tmp/lumen/tests" "$LUMEN_VM_TESTS"
	rm -rf "$tmp"
	echo "$out"
}

main "$@"
