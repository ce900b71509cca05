#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Devices the driver must refuse, and a device that disappears while
# bound.  Each fault comes from the device model's test-only window; the
# driver must fail the probe with a clear message, register nothing, and
# bind again once the fault is cleared.

. "$(dirname "$0")/lib.sh"

cleanup()
{
	for b in $(lumen_bdfs); do
		testwin "$b" set faults 0
		testwin "$b" set rev 0
	done
	lumen_unload
}
trap cleanup EXIT

registered_nothing()
{
	! lumen_bound "$1" || fail_msg "$1 is bound" || return 1
	[ -z "$(lumen_netdev "$1")" ] || fail_msg "$1 has a netdev" || return 1
	! devlink dev 2>/dev/null | grep -q "pci/$1" ||
		fail_msg "devlink pci/$1 registered" || return 1
	! grep -q "lumen-$1" /proc/interrupts || fail_msg "$1 holds interrupts"
}

# probe_refused BDF PATTERN: binding fails and dmesg says PATTERN.
probe_refused()
{
	dmesg_mark
	if lumen_bind "$1" 2>/dev/null; then
		fail_msg "bind of $1 succeeded"
		return 1
	fi
	dmesg_since | grep -q "$2" || fail_msg "no '$2' in dmesg" || return 1
	registered_nothing "$1"
}

rebinds()
{
	lumen_bind "$1" && wait_for 5 has_netdev "$1"
}

ktap_header 9

lumen_load || exit $KSFT_FAIL
set -- $(lumen_bdfs)
BDF=$1
OTHER=$2
lumen_unbind "$BDF"

testwin "$BDF" set faults $FAULT_RESET_HANG
ktap_check "reset_timeout_refused" probe_refused "$BDF" "did not come out of reset"
testwin "$BDF" set faults 0
ktap_check "rebind_after_reset_timeout" rebinds "$BDF"

lumen_unbind "$BDF"
testwin "$BDF" set rev 0x0200
ktap_check "unknown_revision_refused" probe_refused "$BDF" "unsupported hardware revision 2.0"
testwin "$BDF" set rev 0
ktap_check "rebind_after_unknown_revision" rebinds "$BDF"

lumen_unbind "$BDF"
testwin "$BDF" set faults $FAULT_DEAD
ktap_check "all_ones_refused" probe_refused "$BDF" "reads all-ones"
testwin "$BDF" set faults 0
ktap_check "rebind_after_all_ones" rebinds "$BDF"

# The other port kept working through all of it.
ktap_check "other_port_unaffected" test -n "$(lumen_netdev "$OTHER")"

# Surprise removal while bound and up: the driver notices, detaches the
# netdev and later unbinds without touching the device.
surprise_removal()
{
	dev=$(lumen_netdev "$BDF")
	ip link set "$dev" up || return 1
	dmesg_mark
	testwin "$BDF" set faults $FAULT_DEAD
	ethtool -S "$dev" > /dev/null
	wait_for 5 sh -c "dmesg | tail -n +$((dmesg_lines + 1)) | grep -q 'stopped responding'" ||
		fail_msg "gone device not noticed" || return 1
	# detached, and without carrier
	wait_for 5 carrier_down "$dev" ||
		fail_msg "carrier still on after removal" || return 1
	lumen_unbind "$BDF" && registered_nothing "$BDF"
}
ktap_check "surprise_removal_detaches" surprise_removal
testwin "$BDF" set faults 0
ktap_check "rebind_after_surprise_removal" rebinds "$BDF"

ktap_finish
