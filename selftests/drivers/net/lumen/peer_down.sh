#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The far port goes down: its device says goodbye on the fiber (link
# training), so this port's link drops at once with "no link partner",
# logged once, shown by ethtool and counted in link_down_events; frames
# this port sends meanwhile never reach the far device, and nothing is
# left in flight.  Once the far port is up again both links return and
# traffic flows.

. "$(dirname "$0")/lib.sh"

N=20

cleanup()
{
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

no_carrier_a()
{
	! carrier_in lumen_a "$PORT_A"
}

link_detected_a()
{
	ip netns exec lumen_a ethtool "$PORT_A" |
		sed -n 's/^[[:space:]]*Link detected: //p'
}

partner_goes_down()
{
	dmesg_mark
	events0=$(ethtool_stat lumen_a "$PORT_A" link_down_events)
	ip -n lumen_b link set "$PORT_B" down || return 1
	wait_for 5 no_carrier_a || fail_msg "A kept its carrier" || return 1
	got=$(link_detected_a)
	[ "$got" = "no (Autoneg, No partner detected during force mode)" ] ||
		fail_msg "A: Link detected: $got" || return 1
	n=$(dmesg_since | grep -c "$PORT_A: link down, no link partner\$")
	[ "$n" = 1 ] || fail_msg "A logged the reason $n times" || return 1
	events1=$(ethtool_stat lumen_a "$PORT_A" link_down_events)
	[ "$events1" = $((events0 + 1)) ] ||
		fail_msg "link_down_events $events0 -> $events1"
}

# A's port has no carrier, so the stack sends it nothing: the pings fail,
# A's device puts no frame on the fiber (mac_tx_frames still; training
# frames are not counted there) and B's device sees none.
nothing_reaches_the_far_device()
{
	mac_b=$(ip netns exec lumen_b cat "/sys/class/net/$PORT_B/address")
	ip -n lumen_a neigh replace 10.76.0.2 lladdr "$mac_b" dev "$PORT_A" nud permanent || return 1
	tx0=$(ethtool_stat lumen_a "$PORT_A" mac_tx_frames)
	rx0=$(ethtool_stat lumen_b "$PORT_B" mac_rx_frames)
	drop0=$(ethtool_stat lumen_b "$PORT_B" mac_rx_drop_disabled)
	! ip netns exec lumen_a ping -c $N -i 0.05 -W 1 10.76.0.2 > /dev/null ||
		fail_msg "pings answered by a port that is down" || return 1
	[ "$(ethtool_stat lumen_a "$PORT_A" mac_tx_frames)" = "$tx0" ] ||
		fail_msg "A's device put frames on a dark fiber" || return 1
	[ "$(ethtool_stat lumen_b "$PORT_B" mac_rx_frames)" = "$rx0" ] &&
	[ "$(ethtool_stat lumen_b "$PORT_B" mac_rx_drop_disabled)" = "$drop0" ] ||
		fail_msg "frames reached B's device over a dark fiber"
}

nothing_in_flight()
{
	# every TX descriptor was completed: ethtool's per-queue packets add
	# up to the netdev's tx_packets
	sum=$(ip netns exec lumen_a ethtool -S "$PORT_A" |
	      awk '/^ *tx[0-9]+_packets:/ { s += $2 } END { print s + 0 }')
	[ "$sum" -eq "$(ns_stat lumen_a "$PORT_A" tx_packets)" ]
}

recovers()
{
	ip -n lumen_b link set "$PORT_B" up &&
	wait_for 10 carrier_in lumen_b "$PORT_B" &&
	wait_for 10 carrier_in lumen_a "$PORT_A" ||
		fail_msg "links did not return" || return 1
	[ "$(link_detected_a)" = yes ] || fail_msg "A: $(link_detected_a)" ||
		return 1
	ip netns exec lumen_a ping -c 5 -i 0.1 -W 2 10.76.0.2 > /dev/null
}

ktap_header 5
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "partner_goes_down" partner_goes_down
ktap_check "nothing_reaches_the_far_device" nothing_reaches_the_far_device
ktap_check "sender_completed_everything" nothing_in_flight
ktap_check "traffic_resumes" recovers
ktap_finish
