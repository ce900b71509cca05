#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A frame sent while the far port is down is dropped by the far device and
# counted there, and the sender completes it: nothing is lost track of.
# Once the far port is up again, traffic flows.

. "$(dirname "$0")/lib.sh"

N=20

cleanup()
{
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

tx_reached()
{
	[ "$(ns_stat lumen_a "$PORT_A" tx_packets)" -ge "$1" ]
}

send_to_down_peer()
{
	mac_b=$(ip netns exec lumen_b cat "/sys/class/net/$PORT_B/address")
	ip -n lumen_a neigh replace 10.76.0.2 lladdr "$mac_b" dev "$PORT_A" nud permanent || return 1
	ip -n lumen_b link set "$PORT_B" down || return 1

	drop0=$(ethtool_stat lumen_b "$PORT_B" mac_rx_drop_disabled)
	tx0=$(ns_stat lumen_a "$PORT_A" tx_packets)
	ip netns exec lumen_a ping -c $N -i 0.05 -W 1 10.76.0.2 > /dev/null && return 1
	# every frame left A and was counted
	wait_for 5 tx_reached $((tx0 + N)) ||
		fail_msg "A did not complete $N frames" || return 1
	drop1=$(ethtool_stat lumen_b "$PORT_B" mac_rx_drop_disabled)
	log "B dropped $((drop1 - drop0)) frames while down"
	[ $((drop1 - drop0)) -eq $N ] || fail_msg "B counted $((drop1 - drop0)) drops, want $N"
}

rx_dropped_visible()
{
	ip netns exec lumen_b ip -s link show "$PORT_B" | sed 's/^/# /'
	[ "$(ns_stat lumen_b "$PORT_B" rx_dropped)" -ge $N ]
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
	ip netns exec lumen_a ping -c 5 -i 0.1 -W 2 10.76.0.2 > /dev/null
}

ktap_header 5
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "frames_to_down_peer_dropped_and_counted" send_to_down_peer
ktap_check "rx_dropped_in_ip_stats" rx_dropped_visible
ktap_check "sender_completed_everything" nothing_in_flight
ktap_check "traffic_resumes" recovers
ktap_finish
