#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few kernel-source files lumen uses (checkpatch and its data
# files, the kselftest headers) from Debian's linux-source-6.1 into
# $LUMEN_CACHE/linux-source-<pkgversion>/.  Never the whole tree, and
# never into the repository.
#
#   linux-source.sh [root|checkpatch|ksft-inc]
#
# prints the extracted tree, checkpatch.pl or the directory holding
# kselftest.h and kselftest_harness.h (default: root).

set -euo pipefail

. "$(dirname "$0")/common.sh"

LUMEN_KSRC_TAR=/usr/src/linux-source-6.1.tar.xz
LUMEN_KSRC_FILES=(
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
)

extract()
{
	local root=$1 tmp f
	local members=()

	for f in "${LUMEN_KSRC_FILES[@]}"; do
		members+=("*/$f")
	done
	lumen_log "EXTRACT ${LUMEN_KSRC_FILES[*]}"
	tmp=$(mktemp -d "$root.XXXXXX")
	tar -xJf "$LUMEN_KSRC_TAR" -C "$tmp" --strip-components=1 \
	    --wildcards "${members[@]}"
	rm -rf "$root"
	mv "$tmp" "$root"
}

main()
{
	local what=${1:-root} ver root

	[ -r "$LUMEN_KSRC_TAR" ] || lumen_die "$LUMEN_KSRC_TAR missing (run tools/deps.sh)"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	root=$LUMEN_CACHE/linux-source-$ver
	if [ ! -e "$root/${LUMEN_KSRC_FILES[-1]}" ]; then
		lumen_lock "$LUMEN_CACHE/.linux-source.lock"
		[ -e "$root/${LUMEN_KSRC_FILES[-1]}" ] || extract "$root"
	fi

	case $what in
	root)		echo "$root" ;;
	checkpatch)	echo "$root/scripts/checkpatch.pl" ;;
	ksft-inc)	echo "$root/tools/testing/selftests" ;;
	*)		lumen_die "usage: linux-source.sh [root|checkpatch|ksft-inc]" ;;
	esac
}

main "$@"
