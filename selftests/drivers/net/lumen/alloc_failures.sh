#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failure at the allocation sites of probe and of open.
#
# The N-th fault injection point (slab or page allocation) that binding
# the driver, or setting the port up, reaches in the kernel is made to
# fail.  Under the debug kernel a probe reaches hundreds of points at
# over a second a try, so a run tries SAMPLE (40) of them, spread evenly
# from a random start; ALL_POINTS=1 tries every one.  Each failed probe
# must register nothing and each failed open must leave the port down
# and able to open; then traffic must flow.  Needs a kernel with
# CONFIG_FAULT_INJECTION, FAILSLAB and FAIL_PAGE_ALLOC: make check-debug.

. "$(dirname "$0")/lib.sh"

FAILNTH=$(dirname "$0")/lumen-failnth
DBG=/sys/kernel/debug
SAMPLE=${SAMPLE:-40}

cleanup()
{
	fault_knobs Y 2
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

# fault_knobs IGNORE VERBOSE: what the fail-nth points include.  By
# default allocations that may sleep, order-0 pages and highmem pages are
# never failed; here every allocation is fair game.
fault_knobs()
{
	for f in failslab fail_page_alloc; do
		echo "$1" > "$DBG/$f/ignore-gfp-wait"
		echo "$2" > "$DBG/$f/verbose"
	done
	echo "$1" > "$DBG/fail_page_alloc/ignore-gfp-highmem"
	if [ "$1" = N ]; then
		echo 0 > "$DBG/fail_page_alloc/min-order"
	else
		echo 1 > "$DBG/fail_page_alloc/min-order"
	fi
}

registered_nothing()
{
	! lumen_bound "$1" || fail_msg "$1 bound" || return 1
	[ -z "$(lumen_netdev "$1")" ] || fail_msg "$1 has a netdev" || return 1
	! devlink dev 2>/dev/null | grep -q "pci/$1" || fail_msg "devlink pci/$1 left" || return 1
	! grep -q "lumen-$1" /proc/interrupts || fail_msg "$1 interrupts left"
}

# failnth N OP ARG: inject at point N of OP; sets err and left.
failnth()
{
	out=$("$FAILNTH" "$1" "$2" "$3") || return 1
	err=${out#err=}
	err=${err%% *}
	left=${out##*left=}
}

# undo OP ARG: take back an operation that succeeded.
undo()
{
	case $1 in
	bind)	lumen_unbind "$2" ;;
	up)	ip link set "$2" down ;;
	esac
}

# failed_cleanly OP ARG: after a failed OP, nothing of it is left.
failed_cleanly()
{
	case $1 in
	bind)	registered_nothing "$2" ;;
	up)	! ip link show "$2" | grep -q "[<,]UP[,>]" || fail_msg "$2 is up" ;;
	esac
}

# points_to_try TOTAL: every point with ALL_POINTS=1 or when there are
# few, else SAMPLE of them spread evenly from a random start, so that
# successive runs cover different points (the seed is logged).
points_to_try()
{
	if [ "${ALL_POINTS:-0}" = 1 ] || [ "$1" -le "$SAMPLE" ]; then
		seq 1 "$1"
		return
	fi
	step=$(($1 / SAMPLE))
	first=$((RANDOM % step + 1))
	log "trying every ${step}th of $1 points from $first" >&2
	seq "$first" "$step" "$1"
}

# every_failure OP ARG: OP with each chosen allocation failing in turn.
every_failure()
{
	# how many points OP reaches when nothing fails
	failnth 1000000 "$1" "$2" || return 1
	[ "$err" = 0 ] || fail_msg "$1 failed with nothing injected" || return 1
	total=$((1000000 - left))
	undo "$1" "$2" || return 1
	injected=0
	for n in $(points_to_try $total); do
		failnth $n "$1" "$2" || return 1
		if [ "$left" != 0 ]; then
			# the path was shorter this time: nothing injected
			[ "$err" != 0 ] || undo "$1" "$2" || return 1
			continue
		fi
		injected=$((injected + 1))
		if [ "$err" = 0 ]; then
			# absorbed by a fallback: fine if it works; start over
			undo "$1" "$2" || return 1
		else
			failed_cleanly "$1" "$2" || { log "after failing point $n"; return 1; }
		fi
	done
	log "$1 reaches $total fault points; $injected failures injected, all clean"
	# and it still works
	failnth 1000000 "$1" "$2" && [ "$err" = 0 ]
}

if [ ! -e /proc/thread-self/fail-nth ] || [ ! -d $DBG/failslab ] ||
   [ ! -d $DBG/fail_page_alloc ]; then
	ktap_header 1
	ktap_skip alloc_failures "kernel without FAULT_INJECTION/FAILSLAB/FAIL_PAGE_ALLOC (run make check-debug)"
	ktap_finish
fi

ktap_header 5
fault_knobs N 0
lumen_load || exit $KSFT_FAIL
set -- $(lumen_bdfs)
BDF=$1

lumen_unbind "$BDF"
ktap_check "probe_allocation_failures_clean" every_failure bind "$BDF"
ktap_check "probe_after_failures" wait_for 5 has_netdev "$BDF"
ktap_check "open_allocation_failures_clean" every_failure up "$(lumen_netdev "$BDF")"
fault_knobs Y 2
ip link set "$(lumen_netdev "$BDF")" down
ktap_check "namespaces_and_carrier" ns_setup
ktap_check "traffic_after_failures" ip netns exec lumen_a ping -c 5 -i 0.2 -W 2 10.76.0.2
ktap_finish
