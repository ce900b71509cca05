#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload lumen 20 times (5 on the slower debug kernel; the
# unload rounds of traffic_disruption.sh do 100 more, under traffic).
# Each round the driver must bind every lumen device, register a netdev
# and a devlink instance per device and bring the links up; after
# unloading nothing of it may be left: no netdev, no devlink instance, no
# interrupt line, no module.

. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-$(rounds 20 5)}

cleanup()
{
	lumen_unload
}
trap cleanup EXIT

nothing_left()
{
	for b in $(lumen_bdfs); do
		[ -z "$(lumen_netdev "$b")" ] || fail_msg "$b still has a netdev" || return 1
		! devlink dev 2>/dev/null | grep -q "pci/$b" ||
			fail_msg "devlink instance pci/$b left" || return 1
	done
	! grep -q lumen /proc/interrupts || fail_msg "lumen interrupts left" || return 1
	! grep -q '^lumen ' /proc/modules || fail_msg "module still loaded"
}

everything_there()
{
	n=$(lumen_bdfs | wc -l)
	[ "$n" -ge 1 ] || fail_msg "no lumen device" || return 1
	for b in $(lumen_bdfs); do
		lumen_bound "$b" || fail_msg "$b not bound" || return 1
		devlink dev | grep -q "pci/$b" || fail_msg "no devlink pci/$b" || return 1
	done
	# one slow-path vector per device plus one per queue pair
	[ "$(grep -c 'lumen-' /proc/interrupts)" -ge "$n" ] ||
		fail_msg "slow-path interrupts missing"
}

links_up()
{
	for b in $(lumen_bdfs); do
		dev=$(lumen_netdev "$b")
		ip link set "$dev" up || return 1
	done
	for b in $(lumen_bdfs); do
		wait_for 10 carrier_up "$(lumen_netdev "$b")" ||
			fail_msg "no carrier on $b" || return 1
	done
	# queue-pair vectors are taken while up
	grep -q -- "-qp0" /proc/interrupts || fail_msg "no queue interrupts"
}

ktap_header 4

lumen_unload
ok=1
for r in $(seq 1 "$ROUNDS"); do
	if ! lumen_load || ! everything_there || ! links_up; then
		log "round $r: load failed"
		ok=0
		break
	fi
	if ! lumen_unload || ! nothing_left; then
		log "round $r: unload left state behind"
		ok=0
		break
	fi
done

if [ $ok = 1 ]; then
	ktap_pass "load_unload_${ROUNDS}_rounds"
else
	ktap_fail "load_unload_${ROUNDS}_rounds"
fi
ktap_check "nothing_left_after_unload" nothing_left

# Unload with links up and traffic-free queues must leave nothing either.
lumen_load && links_up
ktap_check "unload_while_up" rmmod lumen
ktap_check "nothing_left_after_unload_while_up" nothing_left

ktap_finish
