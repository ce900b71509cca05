#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failure at the allocation sites of probe, open, ring resize,
# channel change and raw-channel creation.
#
# The N-th fault injection point (slab or page allocation) that binding
# the driver, setting the port up, changing its ring sizes (ethtool -G)
# or queue pairs (ethtool -L) while it is up, or creating and mapping a
# raw channel reaches in the kernel is made to fail.  Under the debug kernel a probe reaches hundreds of points at
# over a second a try, so a run tries SAMPLE (30) of them, spread evenly
# from a random start; ALL_POINTS=1 tries every one.  Each failed probe
# must register nothing, each failed open must leave the port down and
# able to open, and each failed change must leave the port up with its
# old configuration and a link, and each failed raw channel must leave no
# channel running; then traffic must flow.  Needs a kernel with
# CONFIG_FAULT_INJECTION, FAILSLAB and FAIL_PAGE_ALLOC: make check-debug.

. "$(dirname "$0")/lib.sh"

FAILNTH=$(dirname "$0")/lumen-failnth
DBG=/sys/kernel/debug
SAMPLE=${SAMPLE:-30}

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

# failnth N OP ARG...: inject at point N of OP; sets err and left.
failnth()
{
	out=$("$FAILNTH" "$@") || return 1
	err=${out#err=}
	err=${err%% *}
	left=${out##*left=}
}

# ring_sizes DEV: "TX RX" as ethtool -g shows them.
ring_sizes()
{
	ethtool -g "$1" | awk '/^Current/ { cur = 1 } cur && /^TX:/ { tx = $2 }
			       cur && /^RX:/ { rx = $2 } END { print tx, rx }'
}

# combined DEV: the combined channels in use.
combined()
{
	ethtool -l "$1" | awk '/^Current/ { cur = 1 } cur && /^Combined:/ { print $2 }'
}

# undo OP ARG...: take back an operation that succeeded.
undo()
{
	case $1 in
	bind)		lumen_unbind "$2" ;;
	up)		ip link set "$2" down ;;
	rings)		ethtool -G "$2" tx ${OLD_RINGS% *} rx ${OLD_RINGS#* } ;;
	channels)	ethtool -L "$2" combined $OLD_COMBINED ;;
	rawchan)	;;	# closed by lumen-failnth
	esac
}

# raw_channels DEV: raw channels running on DEV's port.
raw_channels()
{
	ethtool -S "$1" | awk '$1 == "raw_channels_open:" { print $2 }'
}

is_up()
{
	ip link show "$1" | grep -q "[<,]UP[,>]"
}

# still_running DEV: up, with its old configuration and a link.
still_running()
{
	is_up "$1" || fail_msg "$1 went down" || return 1
	[ "$(ring_sizes "$1")" = "$OLD_RINGS" ] ||
		fail_msg "$1 rings are $(ring_sizes "$1"), not $OLD_RINGS" || return 1
	[ "$(combined "$1")" = "$OLD_COMBINED" ] ||
		fail_msg "$1 has $(combined "$1") channels, not $OLD_COMBINED" || return 1
	wait_for 5 carrier_up "$1" || fail_msg "$1 has no carrier"
}

# failed_cleanly OP ARG...: after a failed OP, nothing of it is left.
failed_cleanly()
{
	case $1 in
	bind)		registered_nothing "$2" ;;
	up)		! is_up "$2" || fail_msg "$2 is up" ;;
	rings | channels)	still_running "$2" ;;
	rawchan)	[ "$(raw_channels "$DEV")" = 0 ] ||
				fail_msg "$(raw_channels "$DEV") raw channels left" ;;
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

# every_failure OP ARG...: OP with each chosen allocation failing in turn.
every_failure()
{
	# how many points OP reaches when nothing fails
	failnth 1000000 "$@" || return 1
	[ "$err" = 0 ] || fail_msg "$1 failed with nothing injected" || return 1
	total=$((1000000 - left))
	undo "$@" || return 1
	injected=0
	for n in $(points_to_try $total); do
		failnth $n "$@" || return 1
		if [ "$left" != 0 ]; then
			# the path was shorter this time: nothing injected
			[ "$err" != 0 ] || undo "$@" || return 1
			continue
		fi
		injected=$((injected + 1))
		if [ "$err" = 0 ]; then
			# absorbed by a fallback: fine if it works; start over
			undo "$@" || return 1
		else
			failed_cleanly "$@" || { log "after failing point $n"; return 1; }
		fi
	done
	log "$1 reaches $total fault points; $injected failures injected, all clean"
	# and it still works; a change is taken back, so that the next
	# operation starts from the configuration it expects
	failnth 1000000 "$@" && [ "$err" = 0 ] || return 1
	case $1 in
	rings | channels)	undo "$@" ;;
	esac
}

if [ ! -e /proc/thread-self/fail-nth ] || [ ! -d $DBG/failslab ] ||
   [ ! -d $DBG/fail_page_alloc ]; then
	ktap_header 1
	ktap_skip alloc_failures "kernel without FAULT_INJECTION/FAILSLAB/FAIL_PAGE_ALLOC (run make check-debug)"
	ktap_finish
fi

ktap_header 8
fault_knobs N 0
lumen_load || exit $KSFT_FAIL
set -- $(lumen_bdfs)
BDF=$1
# the port at the far end of the fiber: up, so that DEV's link can train
PEER=$(lumen_netdev "$2")
ip link set "$PEER" up

lumen_unbind "$BDF"
ktap_check "probe_allocation_failures_clean" every_failure bind "$BDF"
ktap_check "probe_after_failures" wait_for 5 has_netdev "$BDF"
DEV=$(lumen_netdev "$BDF")
# the configuration that a failed change must leave in place
OLD_RINGS=$(ring_sizes "$DEV")
OLD_COMBINED=$(combined "$DEV")
ktap_check "open_allocation_failures_clean" every_failure up "$DEV"
# the port stays up for the changes; each succeeded change is undone
ktap_check "ring_resize_allocation_failures_clean" \
	every_failure rings "$DEV" 256 1024
ktap_check "channel_change_allocation_failures_clean" \
	every_failure channels "$DEV" 4
ktap_check "raw_channel_allocation_failures_clean" \
	every_failure rawchan "/dev/lumen/$BDF"
fault_knobs Y 2
ip link set "$DEV" down
ktap_check "namespaces_and_carrier" ns_setup
ktap_check "traffic_after_failures" ip netns exec lumen_a ping -c 5 -i 0.2 -W 2 10.76.0.2
ktap_finish
