#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Traffic across the fiber: the two ports in separate network namespaces
# ping each other, with small frames, with frames that need IP
# fragmentation, and with jumbo frames that span several RX buffers.  The
# counters the stock tools show must account for what was sent.

. "$(dirname "$0")/lib.sh"

cleanup()
{
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

ping_ok()
{
	ip netns exec lumen_a ping -c "$1" -i 0.1 -W 2 -s "$2" 10.76.0.2 > /tmp/ping.out
	rc=$?
	sed 's/^/# /' /tmp/ping.out
	[ $rc = 0 ] && grep -q " $1 packets received" /tmp/ping.out
}

tx_counters_agree()
{
	tx=$(ns_stat lumen_a "$PORT_A" tx_packets)
	dev_tx=$(ethtool_stat lumen_a "$PORT_A" mac_tx_frames)
	[ "$dev_tx" -eq "$tx" ]
}

counters_account()
{
	# The device counts a frame when it sends it, the driver when NAPI
	# sees its completion, and ARP may send one at any moment: compare
	# once they have caught up with each other.
	wait_for 5 tx_counters_agree
	agree=$?
	rx=$(ns_stat lumen_b "$PORT_B" rx_packets)
	log "A tx_packets $tx, A mac_tx_frames $dev_tx, B rx_packets $rx"
	# every echo request (plus ARP) went out and arrived
	[ "$tx" -ge 30 ] && [ "$rx" -ge 30 ] || fail_msg "too few packets counted" || return 1
	[ $agree = 0 ] || fail_msg "device and driver disagree on TX"
}

jumbo()
{
	ip -n lumen_a link set "$PORT_A" mtu 9000 &&
	ip -n lumen_b link set "$PORT_B" mtu 9000 || return 1
	ping_ok 5 8900
}

ktap_header 6
lumen_load || exit $KSFT_FAIL
ktap_check "namespaces_and_carrier" ns_setup
ktap_check "ping" ping_ok 10 56
ktap_check "ping_fragmented" ping_ok 10 4000
ktap_check "ping_full_mtu" ping_ok 10 1472
ktap_check "counters_account_for_traffic" counters_account
ktap_check "ping_jumbo_multi_buffer" jumbo
ktap_finish
