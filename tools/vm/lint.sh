#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the kernel's review checks on lumen's code.
#
#   checkpatch  checkpatch.pl --strict on every .c/.h under drivers/ and
#               include/uapi/: no ERROR, WARNING or CHECK
#   sparse      the driver built with C=2 W=1: no warning from gcc or
#               sparse
#   selftests   the selftests' C code rebuilt with -Wall -Wextra -Werror
#
# Prints every finding and exits 1 if there was one.

set -euo pipefail

. "$(dirname "$0")/common.sh"

# checkpatch.pl options.  --no-tree: lumen is not a kernel tree.
# Nothing is ignored yet; add an --ignore only with the reason beside it.
CHECKPATCH_OPTS=(--strict --no-tree --terse --show-types)

findings=0

# report CHECK OUTPUT: print OUTPUT (if any) as findings of CHECK.
report()
{
	local check=$1 out=$2

	if [ -z "$out" ]; then
		echo "lint: $check: clean"
		return
	fi
	echo "lint: $check: findings:"
	echo "$out" | sed 's/^/  /'
	findings=$((findings + $(echo "$out" | wc -l)))
}

# The C sources checkpatch reads: tracked files and new ones not ignored
# (so never kbuild's generated *.mod.c).
sources()
{
	cd "$LUMEN_TOP"
	if git rev-parse --git-dir > /dev/null 2>&1; then
		git ls-files -co --exclude-standard -- \
			'drivers/*.c' 'drivers/*.h' 'include/uapi/*.c' 'include/uapi/*.h'
	else
		find drivers include/uapi -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null
	fi | LC_ALL=C sort -u
}

lint_checkpatch()
{
	local cp files out

	cp=$("$LUMEN_VM_TOOLS/linux-source.sh" checkpatch)
	mapfile -t files < <(sources)
	if [ ${#files[@]} -eq 0 ]; then
		report checkpatch ""
		return
	fi
	out=$(cd "$LUMEN_TOP" && perl "$cp" "${CHECKPATCH_OPTS[@]}" -f "${files[@]}" 2>&1 |
	      grep -E ': (ERROR|WARNING|CHECK):' | kernel_camelcase_ok || true)
	report checkpatch "$out"
}

# Drop CAMELCASE findings for names the kernel's own headers define (the
# IEEE 802.3 counters of struct ethtool_eth_mac_stats, say): in a kernel
# tree checkpatch learns them from include/ and stays quiet, but with
# --no-tree it cannot.  Anything else passes through.
kernel_camelcase_ok()
{
	local inc line name

	lumen_kver || return 1
	inc=/usr/src/linux-headers-${LUMEN_KVER%-amd64}-common/include
	while IFS= read -r line; do
		if [[ $line =~ CAMELCASE:\ Avoid\ CamelCase:\ \<([A-Za-z0-9_]+)\> ]]; then
			name=${BASH_REMATCH[1]}
			if grep -rqw --include='*.h' "$name" "$inc/linux" "$inc/uapi/linux" 2>/dev/null; then
				continue
			fi
		fi
		echo "$line"
	done
}

lint_sparse()
{
	local log=$LUMEN_BUILD/lint/sparse.log out rc=0

	mkdir -p "$(dirname "$log")"
	"$LUMEN_VM_TOOLS/module.sh" C=2 W=1 modules > "$log" 2>&1 || rc=$?
	out=$(grep -E '(warning|error):' "$log" || true)
	if [ "$rc" -ne 0 ] && [ -z "$out" ]; then
		out=$(tail -n 20 "$log")
	fi
	report "sparse (C=2 W=1)" "$out"
}

lint_selftests()
{
	local ksft log=$LUMEN_BUILD/lint/selftests.log out rc=0

	ksft=$("$LUMEN_VM_TOOLS/linux-source.sh" ksft-inc)
	mkdir -p "$(dirname "$log")"
	# The flags ride on CC so that they hold whatever CFLAGS says.
	make -B -C "$LUMEN_TOP/selftests" all KSFT_INC="$ksft" \
	     CC="${CC:-gcc} -Wall -Wextra -Werror" > "$log" 2>&1 || rc=$?
	out=$(grep -E '(warning|error):' "$log" || true)
	if [ "$rc" -ne 0 ] && [ -z "$out" ]; then
		out=$(tail -n 20 "$log")
	fi
	report "selftests (-Wall -Wextra -Werror)" "$out"
}

main()
{
	lint_checkpatch
	lint_sparse
	lint_selftests
	if [ "$findings" -ne 0 ]; then
		echo "lint: $findings finding(s)"
		return 1
	fi
	echo "lint: ok"
}

main "$@"
