#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Data integrity across the fiber: 8 MiB of random bytes over TCP from one
# namespace to the other must arrive unchanged (same sha256) with TSO and
# TX checksum offload on, with TSO off, and with both off, at a 1500 and
# a 9000 MTU.  With TSO on, the device must be the one cutting segments:
# it sends more frames than the driver handed it.

. "$(dirname "$0")/lib.sh"

DATA=/tmp/lumen-data
PORT=5001

cleanup()
{
	ns_cleanup
	lumen_unload
	rm -f "$DATA" /tmp/lumen-rx
}
trap cleanup EXIT

make_data()
{
	dd if=/dev/urandom of="$DATA" bs=1M count=8 2> /dev/null &&
	SUM=$(sha256sum < "$DATA")
}

# transfer: send DATA from A to B over TCP; the sums must match.
transfer()
{
	rm -f /tmp/lumen-rx
	ip netns exec lumen_b nc -l -p $PORT > /tmp/lumen-rx &
	rx=$!
	sleep 0.5
	ip netns exec lumen_a bash -c "cat $DATA > /dev/tcp/10.76.0.2/$PORT" ||
		{ kill $rx; fail_msg "send failed"; return 1; }
	wait $rx
	got=$(sha256sum < /tmp/lumen-rx)
	[ "$got" = "$SUM" ] ||
		fail_msg "received $(wc -c < /tmp/lumen-rx) bytes, sha256 differs"
}

# frames: driver TX packets and device TX frames of port A.
frames()
{
	echo "$(ns_stat lumen_a "$PORT_A" tx_packets) $(ethtool_stat lumen_a "$PORT_A" mac_tx_frames)"
}

# offloads TSO TXCSUM MTU EXPECT: transfer with these settings; EXPECT is
# "device" when the device must have segmented, "stack" when not.
offloads()
{
	ip netns exec lumen_a ethtool -K "$PORT_A" tx "$2" tso "$1" > /dev/null 2>&1
	ip -n lumen_a link set "$PORT_A" mtu "$3" &&
	ip -n lumen_b link set "$PORT_B" mtu "$3" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || return 1
	feats=$(ip netns exec lumen_a ethtool -k "$PORT_A" |
		grep -E "^(tcp-segmentation-offload|tx-checksumming):" | tr '\n' ' ')
	set -- $(frames) "$4"
	before_pkts=$1 before_frames=$2 expect=$3
	transfer || return 1
	set -- $(frames)
	pkts=$(($1 - before_pkts)) sent=$(($2 - before_frames))
	log "$feats: driver sent $pkts frames, device $sent"
	case $expect in
	device)	[ "$sent" -gt $((pkts + pkts / 2)) ] ||
			fail_msg "the device did not segment" ;;
	stack)	[ "$sent" -le "$pkts" ] ||
			fail_msg "the device sent more frames than it was given" ;;
	esac
}

ktap_header 8
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "random_data" make_data
ktap_check "tso_on_by_default" sh -c "ip netns exec lumen_a ethtool -k $PORT_A |
	grep -q 'tx-tcp-segmentation: on' && ip netns exec lumen_a ethtool -k $PORT_A |
	grep -q 'tx-tcp6-segmentation: on'"
ktap_check "tso_on_mtu_1500" offloads on on 1500 device
ktap_check "tso_off_mtu_1500" offloads off on 1500 stack
ktap_check "csum_off_mtu_1500" offloads off off 1500 stack
ktap_check "tso_on_mtu_9000" offloads on on 9000 device
ktap_check "tso_off_mtu_9000" offloads off on 9000 stack
ktap_finish
