#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: run every guest selftest in a fresh guest of its own, then
# every host test, and print TAP.
#
#   check.sh [--tests "NAME..."] [--extra DIR]
#
# --tests   run only these (file names, with or without .sh; host tests
#           also as host/NAME)
# --extra   run DIR's tests instead of lumen's: DIR/tests.list (paths
#           relative to DIR) if there is one, else every executable file
#           in DIR; DIR is packed into each guest at /lumen/extra, and the
#           settings file beside each test gives its timeout
#
# A test fails when it exits with neither 0 nor 4 (skip), runs out of
# time, its guest dies without reporting an exit status, or its guest's
# kernel console shows a fault (lib.sh: LUMEN_FAULT_PATTERNS).  Output
# and console logs go to build/check/; the last line printed is
# "N passed, N failed[, N skipped]".

set -euo pipefail

. "$(dirname "$0")/lib.sh"

KSFT_SKIP=4
CHECK_OUT=$LUMEN_BUILD/check
[ "$LUMEN_KERNEL" = stock ] || CHECK_OUT+=-$LUMEN_KERNEL
DEFAULT_TIMEOUT=300
# A guest's boot and power-off on top of the test's own timeout.
BOOT_MARGIN=60

declare -a tests=()
passed=0 failed=0 skipped=0 n=0

settings_timeout()
{
	local t

	t=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$1" 2>/dev/null || true)
	echo "${t:-$DEFAULT_TIMEOUT}"
}

# Test entries are KIND:NAME, KIND one of guest, host, extra.
list_tests()
{
	local extra=$1

	if [ -n "$extra" ]; then
		if [ -e "$extra/tests.list" ]; then
			sed -e '/^[[:space:]]*$/d' -e 's/^/extra:/' "$extra/tests.list"
		else
			find "$extra" -maxdepth 1 -type f -perm -u+x -printf 'extra:%f\n' |
				LC_ALL=C sort
		fi
		return
	fi
	sed -e '/^[[:space:]]*$/d' -e 's/^/guest:/' "$LUMEN_VM_BUILD/tests/tests.list"
	make -s -C "$LUMEN_TOP/selftests" list-host | sed 's/^/host:/'
}

display_name()
{
	case $1 in
	guest:*)	echo "${1#guest:}" ;;
	host:*)		echo "host/${1#host:}" ;;
	extra:*)	echo "extra/${1#extra:}" ;;
	esac
}

# selected ENTRY "NAME...": is ENTRY one of the names?
selected()
{
	local entry=$1 name base want

	name=${entry#*:}
	base=${name%.sh}
	for want in $2; do
		case $want in
		"$name" | "$base" | "$(display_name "$entry")") return 0 ;;
		esac
	done
	return 1
}

# Pack --extra DIR once, as an initramfs layer shared by every boot.
pack_extra()
{
	local dir=$1 stage=$CHECK_OUT/extra.d

	mkdir -p "$stage/lumen"
	cp -a "$dir/." "$stage/lumen/extra"
	lumen_pack "$stage" "$CHECK_OUT/extra.cpio.gz"
	rm -rf "$stage"
}

# run_guest LOGBASE DIR GUEST_DIR NAME [VM OPTIONS]: one boot running
# the test NAME, which is DIR/NAME on the host and GUEST_DIR/NAME in the
# guest, with the timeout of the settings file beside it.  Its output
# goes to stdout, the kernel console to LOGBASE.console.
run_guest()
{
	local base=$1 dir=$2 guest_dir=$3 name=$4 timeout
	shift 4

	timeout=$(settings_timeout "$(dirname "$dir/$name")/settings")
	timeout=$((timeout * LUMEN_TIME_SCALE))
	"$LUMEN_VM_TOOLS/vm.sh" --timeout $((timeout + BOOT_MARGIN * LUMEN_TIME_SCALE)) \
		--log "$base.console" "$@" -- \
		/lumen/bin/run-test -t "$timeout" "$guest_dir/$name"
}

# run_host LOGBASE NAME: a host test; the guests it boots log under
# LOGBASE/.
run_host()
{
	local base=$1 script=$LUMEN_TOP/selftests/host/$2 timeout

	timeout=$(settings_timeout "$LUMEN_TOP/selftests/host/settings")
	timeout=$((timeout * LUMEN_TIME_SCALE))
	mkdir -p "$base"
	LUMEN_VM_LOGDIR=$base timeout -k 10 "$timeout" bash "$script"
}

# consoles ENTRY LOGBASE: the kernel console logs a test left behind.
consoles()
{
	case $1 in
	host:*)	find "$2" -name console.log 2>/dev/null | LC_ALL=C sort ;;
	*)	echo "$2.console" ;;
	esac
}

run_one()
{
	local entry=$1 extra=$2 name=${1#*:} title rc=0 start faults verdict reason=
	local base pid tailer line

	title=$(display_name "$entry")
	# Log files are named for the test (extra tests may be in subdirectories).
	base=$CHECK_OUT/${name//\//_}
	n=$((n + 1))
	start=$SECONDS
	echo "# $title"
	: > "$base.log"
	case $entry in
	guest:*) run_guest "$base" "$LUMEN_VM_BUILD/tests" /lumen/tests "$name" ;;
	extra:*) run_guest "$base" "$extra" /lumen/extra "$name" \
			--layer "$CHECK_OUT/extra.cpio.gz" ;;
	host:*)	 run_host "$base" "$name" ;;
	esac > "$base.log" 2>&1 < /dev/null &
	pid=$!
	# Stream the log as TAP comments while the test runs.
	tail -n +1 -s 0.5 -f --pid="$pid" "$base.log" | sed -u 's/^/# /' &
	tailer=$!
	wait "$pid" || rc=$?
	wait "$tailer" || true

	case $rc in
	0)		verdict=ok ;;
	"$KSFT_SKIP")	verdict=skip ;;
	124)		verdict=fail; reason=" # TIMEOUT" ;;
	125)		verdict=fail; reason=" # guest died without lumen-exit" ;;
	*)		verdict=fail; reason=" # exit=$rc" ;;
	esac
	# shellcheck disable=SC2046 # console log paths have no spaces
	if ! faults=$(lumen_vm_faults $(consoles "$entry" "$base")); then
		echo "$faults" | sed 's/^/# /'
		verdict=fail
		reason=${reason:+$reason;}
		reason=${reason:-" #"}" kernel fault"
	fi
	echo "# $title: $((SECONDS - start)) s"

	case $verdict in
	ok)	passed=$((passed + 1)); line="ok $n $title" ;;
	skip)	skipped=$((skipped + 1)); line="ok $n $title # SKIP" ;;
	fail)	failed=$((failed + 1)); line="not ok $n $title$reason" ;;
	esac
	echo "$line"
	echo "$line" >> "$CHECK_OUT/summary"
}

usage()
{
	echo "usage: check.sh [--tests \"NAME...\"] [--extra DIR]" >&2
	exit 2
}

main()
{
	local only= extra= entry all totals

	while [ $# -gt 0 ]; do
		case $1 in
		--tests)	[ $# -ge 2 ] || usage; only=$2; shift ;;
		--extra)	[ $# -ge 2 ] || usage; extra=$(realpath "$2"); shift ;;
		*)		usage ;;
		esac
		shift
	done
	[ -z "$extra" ] || [ -d "$extra" ] || lumen_die "--extra $extra: no such directory"

	lumen_vm_prepare
	rm -rf "$CHECK_OUT"
	mkdir -p "$CHECK_OUT"
	[ -z "$extra" ] || pack_extra "$extra"

	all=$(list_tests "$extra")
	for entry in $all; do
		if [ -z "$only" ] || selected "$entry" "$only"; then
			tests+=("$entry")
		fi
	done
	if [ -n "$only" ] && [ ${#tests[@]} -eq 0 ]; then
		lumen_die "no test matches TESTS=\"$only\"; there are: $(echo $all | sed 's/[a-z]*://g')"
	fi

	echo "TAP version 13"
	echo "1..${#tests[@]}"
	for entry in "${tests[@]}"; do
		run_one "$entry" "$extra"
	done

	totals="$passed passed, $failed failed"
	[ "$skipped" -eq 0 ] || totals+=", $skipped skipped"
	echo "$totals" >> "$CHECK_OUT/summary"
	echo "$totals"
	[ "$failed" -eq 0 ]
}

main "$@"
