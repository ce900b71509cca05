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
# "N passed, N failed[, N skipped]".  LUMEN_CHECK_JOBS=N runs N tests at
# once (their logs are printed when each ends).

set -euo pipefail

. "$(dirname "$0")/lib.sh"

KSFT_SKIP=4
CHECK_OUT=$LUMEN_BUILD/check
[ "$LUMEN_KERNEL" = stock ] || CHECK_OUT+=-$LUMEN_KERNEL
DEFAULT_TIMEOUT=300
# A guest's boot and power-off on top of the test's own timeout.
BOOT_MARGIN=60

declare -a tests=()
declare -A _pid _start
passed=0 failed=0 skipped=0 n=0
# Tests run at once.  Each guest runs single-threaded TCG, so one per
# core keeps every core busy; the results are still printed in order.
JOBS=${LUMEN_CHECK_JOBS:-1}

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

# launch ENTRY EXTRA: start one test in the background; its output goes
# to LOGBASE.log and its exit status to LOGBASE.rc when it ends.
launch()
{
	local entry=$1 extra=$2 name=${1#*:} base

	# Log files are named for the test (extra tests may be in subdirectories).
	base=$CHECK_OUT/${name//\//_}
	rm -f "$base.rc"
	: > "$base.log"
	(
		rc=0
		case $entry in
		guest:*) run_guest "$base" "$LUMEN_VM_BUILD/tests" /lumen/tests "$name" ;;
		extra:*) run_guest "$base" "$extra" /lumen/extra "$name" \
				--layer "$CHECK_OUT/extra.cpio.gz" ;;
		host:*)	 run_host "$base" "$name" ;;
		esac > "$base.log" 2>&1 < /dev/null || rc=$?
		echo "$rc" > "$base.rc"
	) &
	_pid[$entry]=$!
	_start[$entry]=$SECONDS
}

# finished ENTRY: the test has ended.
finished()
{
	local name=${1#*:}

	[ -e "$CHECK_OUT/${name//\//_}.rc" ]
}

# report ENTRY: wait for the test to end and print its TAP result, with
# its log as comments (streamed while it runs when tests run one at a
# time).
report()
{
	local entry=$1 name=${1#*:} title rc verdict reason= faults line base tailer=

	title=$(display_name "$entry")
	base=$CHECK_OUT/${name//\//_}
	n=$((n + 1))
	echo "# $title"
	if [ "$JOBS" = 1 ]; then
		tail -n +1 -s 0.5 -f --pid="${_pid[$entry]}" "$base.log" | sed -u 's/^/# /' &
		tailer=$!
	fi
	wait "${_pid[$entry]}" || true
	if [ -n "$tailer" ]; then
		wait "$tailer" || true
	else
		sed 's/^/# /' "$base.log"
	fi
	rc=$(cat "$base.rc" 2>/dev/null || echo 125)

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
	echo "# $title: $((SECONDS - ${_start[$entry]})) s"

	case $verdict in
	ok)	passed=$((passed + 1)); line="ok $n $title" ;;
	skip)	skipped=$((skipped + 1)); line="ok $n $title # SKIP" ;;
	fail)	failed=$((failed + 1)); line="not ok $n $title$reason" ;;
	esac
	echo "$line"
	echo "$line" >> "$CHECK_OUT/summary"
}

# run_all EXTRA: every test of tests[], JOBS at a time, reported in order.
run_all()
{
	local extra=$1 next=0 head=0 running i

	while [ "$head" -lt ${#tests[@]} ]; do
		running=0
		for ((i = head; i < next; i++)); do
			finished "${tests[i]}" || running=$((running + 1))
		done
		if [ "$next" -lt ${#tests[@]} ] && [ "$running" -lt "$JOBS" ]; then
			launch "${tests[next]}" "$extra"
			next=$((next + 1))
			continue
		fi
		if [ "$JOBS" = 1 ] || finished "${tests[head]}"; then
			report "${tests[head]}"
			head=$((head + 1))
			continue
		fi
		sleep 0.5
	done
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
	run_all "$extra"

	totals="$passed passed, $failed failed"
	[ "$skipped" -eq 0 ] || totals+=", $skipped skipped"
	echo "$totals" >> "$CHECK_OUT/summary"
	echo "$totals"
	[ "$failed" -eq 0 ]
}

main "$@"
