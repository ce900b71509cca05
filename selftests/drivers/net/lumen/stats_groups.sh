#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The standard statistics groups, from the device's counters: eth-mac
# frames and octets follow traffic and agree with the netdev's counters,
# the RMON size histogram puts frames in the right buckets both ways,
# frames longer than the port takes count as oversize (FrameTooLong),
# and PAUSE frames count in eth-ctrl and the pause statistics at both
# ends without reaching the stack.

. "$(dirname "$0")/lib.sh"

SENDRAW=$(dirname "$0")/lumen-sendraw

cleanup()
{
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

# std NS DEV GROUP NAME: one counter of ethtool -S --groups GROUP.
std()
{
	ip netns exec "$1" ethtool -S "$2" --groups "$3" |
		awk -v n="$4" '{ k = $1; sub(/:$/, "", k) } k == n { print $2; exit }'
}

# pause NS DEV WHICH: tx_pause_frames or rx_pause_frames.
pause()
{
	ip netns exec "$1" ethtool -I -a "$2" | awk -v n="$3:" '$1 == n { print $2 }'
}

mac_follows_traffic()
{
	tx0=$(std lumen_a "$PORT_A" eth-mac eth-mac-FramesTransmittedOK)
	rx0=$(std lumen_b "$PORT_B" eth-mac eth-mac-FramesReceivedOK)
	ip netns exec lumen_a ping -q -c 20 -i 0.05 10.76.0.2 > /dev/null || return 1
	tx1=$(std lumen_a "$PORT_A" eth-mac eth-mac-FramesTransmittedOK)
	rx1=$(std lumen_b "$PORT_B" eth-mac eth-mac-FramesReceivedOK)
	log "A FramesTransmittedOK $tx0 -> $tx1, B FramesReceivedOK $rx0 -> $rx1"
	[ $((tx1 - tx0)) -ge 20 ] && [ $((rx1 - rx0)) -ge 20 ] ||
		fail_msg "counts did not follow 20 echo requests" || return 1
	# the two are read one after the other: a frame (ARP) may pass between
	wait_for 5 mac_agrees || fail_msg "eth-mac and ethtool -S disagree"
}

mac_agrees()
{
	[ "$(std lumen_a "$PORT_A" eth-mac eth-mac-FramesTransmittedOK)" = \
	  "$(ethtool_stat lumen_a "$PORT_A" mac_tx_frames)" ]
}

# bucket NS DEV DIR LOW HIGH: the RMON histogram counter for LOW-HIGH
# bytes, DIR rx or tx.
bucket()
{
	ip netns exec "$1" ethtool -S "$2" --groups rmon |
		awk -v n="$3-rmon-etherStatsPkts$4to$5Octets:" '$1 == n { print $2; exit }'
}

rmon_buckets()
{
	# 1000 bytes of ICMP data: a 1042-byte frame, 1046 with the FCS
	b_rx0=$(bucket lumen_b "$PORT_B" rx 1024 1518)
	a_tx0=$(bucket lumen_a "$PORT_A" tx 1024 1518)
	ip netns exec lumen_a ping -q -c 10 -i 0.05 -s 1000 10.76.0.2 > /dev/null || return 1
	b_rx1=$(bucket lumen_b "$PORT_B" rx 1024 1518)
	a_tx1=$(bucket lumen_a "$PORT_A" tx 1024 1518)
	log "1024-1518: B rx $b_rx0 -> $b_rx1, A tx $a_tx0 -> $a_tx1"
	[ $((b_rx1 - b_rx0)) -ge 10 ] && [ $((a_tx1 - a_tx0)) -ge 10 ] ||
		fail_msg "1042-byte frames not in the 1024-1518 bucket:
$(ip netns exec lumen_b ethtool -S "$PORT_B" --groups rmon)"
}

oversize_counted()
{
	ip -n lumen_a link set "$PORT_A" mtu 4000 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || return 1
	o0=$(std lumen_b "$PORT_B" eth-mac eth-mac-FrameTooLongErrors)
	r0=$(std lumen_b "$PORT_B" rmon rmon-etherStatsOversizePkts)
	ip netns exec lumen_a ping -q -c 5 -i 0.05 -W 1 -s 3000 10.76.0.2 > /dev/null
	o1=$(std lumen_b "$PORT_B" eth-mac eth-mac-FrameTooLongErrors)
	r1=$(std lumen_b "$PORT_B" rmon rmon-etherStatsOversizePkts)
	ip -n lumen_a link set "$PORT_A" mtu 1500
	log "B FrameTooLongErrors $o0 -> $o1, OversizePkts $r0 -> $r1"
	[ $((o1 - o0)) -ge 5 ] && [ $((r1 - r0)) -ge 5 ] ||
		fail_msg "3042-byte frames to a 1500 MTU port not counted as too long"
}

pause_frames_counted()
{
	mac_a=$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/address | tr -d :)
	frame=0180c2000001${mac_a}880800010100
	stack0=$(ns_stat lumen_b "$PORT_B" rx_packets)
	rxp0=$(pause lumen_b "$PORT_B" rx_pause_frames)
	txp0=$(pause lumen_a "$PORT_A" tx_pause_frames)
	ctl0=$(std lumen_b "$PORT_B" eth-ctrl eth-ctrl-MACControlFramesReceived)
	ip netns exec lumen_a "$SENDRAW" "$PORT_A" "$frame" 20 || return 1
	sleep 0.5
	rxp1=$(pause lumen_b "$PORT_B" rx_pause_frames)
	txp1=$(pause lumen_a "$PORT_A" tx_pause_frames)
	ctl1=$(std lumen_b "$PORT_B" eth-ctrl eth-ctrl-MACControlFramesReceived)
	log "pause: A tx $txp0 -> $txp1, B rx $rxp0 -> $rxp1, B control $ctl0 -> $ctl1"
	[ $((rxp1 - rxp0)) = 20 ] && [ $((txp1 - txp0)) = 20 ] &&
	[ $((ctl1 - ctl0)) = 20 ] || fail_msg "20 PAUSE frames not counted" || return 1
	# (an ARP probe may pass meanwhile, not 20 frames)
	stack1=$(ns_stat lumen_b "$PORT_B" rx_packets)
	[ $((stack1 - stack0)) -lt 20 ] || fail_msg "PAUSE frames reached the stack"
}

ktap_header 5
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "eth_mac_follows_traffic" mac_follows_traffic
ktap_check "rmon_size_buckets" rmon_buckets
ktap_check "oversize_counted" oversize_counted
ktap_check "pause_frames_counted" pause_frames_counted
ktap_finish
