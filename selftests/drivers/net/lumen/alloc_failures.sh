#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failure at every allocation site of probe and of open.
#
# For N = 1, 2, ... the N-th fault injection point (slab or page
# allocation) that binding the driver, or setting the port up, reaches
# in the kernel is made to fail, until N is past the last point.  Each
# failed probe must register nothing and each failed open must leave the
# port able to open; then traffic must flow.  Needs a kernel with
# CONFIG_FAULT_INJECTION, FAILSLAB and FAIL_PAGE_ALLOC: make check-debug.

. "$(dirname "$0")/lib.sh"

FAILNTH=$(dirname "$0")/lumen-failnth
DBG=/sys/kernel/debug
MAX_POINTS=${MAX_POINTS:-5000}

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

# every_probe_failure BDF: probe with each allocation failing in turn.
every_probe_failure()
{
	n=1
	injected=0
	while [ $n -le "$MAX_POINTS" ]; do
		out=$("$FAILNTH" $n bind "$1") || return 1
		err=${out#err=}
		err=${err%% *}
		left=${out##*left=}
		if [ "$left" -gt 0 ]; then
			log "probe reached $((n - 1)) fault points; $injected failures injected"
			[ "$err" = 0 ] || fail_msg "probe failed with nothing injected: $out" || return 1
			return 0
		fi
		injected=$((injected + 1))
		if [ "$err" = 0 ]; then
			# a failure the kernel absorbed (a fallback): fine, if the
			# device works; start over unbound
			lumen_unbind "$1" || return 1
		else
			registered_nothing "$1" || { log "after failing point $n"; return 1; }
		fi
		n=$((n + 1))
	done
	fail_msg "probe still reaching fault points after $MAX_POINTS"
}

# every_open_failure IFNAME: open with each allocation failing in turn.
every_open_failure()
{
	n=1
	injected=0
	while [ $n -le "$MAX_POINTS" ]; do
		out=$("$FAILNTH" $n up "$1") || return 1
		err=${out#err=}
		err=${err%% *}
		left=${out##*left=}
		if [ "$left" -gt 0 ]; then
			log "open reached $((n - 1)) fault points; $injected failures injected"
			[ "$err" = 0 ] || fail_msg "open failed with nothing injected: $out" || return 1
			return 0
		fi
		injected=$((injected + 1))
		if [ "$err" = 0 ]; then
			ip link set "$1" down || return 1
		elif ip link show "$1" | grep -q "[<,]UP[,>]"; then
			fail_msg "open failed ($out) but $1 is up"
			return 1
		fi
		n=$((n + 1))
	done
	fail_msg "open still reaching fault points after $MAX_POINTS"
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
ktap_check "probe_every_allocation_fails_cleanly" every_probe_failure "$BDF"
ktap_check "probe_after_failures" wait_for 5 has_netdev "$BDF"
ktap_check "open_every_allocation_fails_cleanly" every_open_failure "$(lumen_netdev "$BDF")"
fault_knobs Y 2
ip link set "$(lumen_netdev "$BDF")" down
ktap_check "namespaces_and_carrier" ns_setup
ktap_check "traffic_after_failures" ip netns exec lumen_a ping -c 5 -i 0.2 -W 2 10.76.0.2
ktap_finish
