#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ethtool diagnostics: `ethtool -d` dumps the register blocks (the
# devlink "registers" region's) and is refused while the device is stuck
# in reset; `ethtool -p` blinks the port's LED for the time asked, then
# gives it back; `ethtool -t` passes online and offline, fails the link
# and loopback tests clearly on a port that is down, and leaves the port
# as it found it; `ethtool -K loopback` loops the port's frames back to
# itself (none reach the peer), survives down/up and devlink reload, and
# traffic goes to the peer again once it is off.

. "$(dirname "$0")/lib.sh"

SENDRAW=$(dirname "$0")/lumen-sendraw

# Register offsets (lumen_hw.h) and the dump's length.
CTRL_ID=0x0000
CTRL_REV=0x0004
PORT_CTRL=0x0200
PORT_LED=0x0218
PORT_CTRL_LOOPBACK=0x4
ID_MAGIC=$((0x4c554d4e))
DUMP_LEN=$((0x4800))

cleanup()
{
	[ -n "${blink:-}" ] && kill "$blink" 2>/dev/null
	for b in $(lumen_bdfs); do
		testwin "$b" set faults 0
	done
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

# reg OFF: the register at OFF in `ethtool -d` of port A.
reg()
{
	label=$(printf '0x%04x:' $(($1 & ~15)))
	col=$(($1 % 16 + 2))
	set -- $(ip netns exec lumen_a ethtool -d "$PORT_A" hex on |
		awk -v l="$label" -v c="$col" '$1 == l { print $c, $(c+1), $(c+2), $(c+3) }')
	[ $# = 4 ] || return 1
	echo $((0x$4$3$2$1))
}

mac_of()
{
	ip netns exec "$1" cat "/sys/class/net/$2/address" | tr -d :
}

regs_dump()
{
	out=$(ip netns exec lumen_a ethtool -d "$PORT_A" hex on) || return 1
	bytes=$(echo "$out" | awk '/^0x/ { n += NF - 1 } END { print n }')
	[ "$bytes" = "$DUMP_LEN" ] || fail_msg "dump of $bytes bytes, want $DUMP_LEN" || return 1
	id=$(reg $CTRL_ID) && rev=$(reg $CTRL_REV) || return 1
	log "dump: $bytes bytes, id $(printf 0x%08x "$id") rev $(printf 0x%x "$rev")"
	[ "$id" = "$ID_MAGIC" ] || fail_msg "CTRL_ID is not the magic" || return 1
	[ $((rev >> 8 & 0xff)) = 1 ] || fail_msg "CTRL_REV major is not 1" || return 1
	# TX_EN and RX_EN of a port that is up
	ctrl=$(reg $PORT_CTRL) || return 1
	[ $((ctrl & 3)) = 3 ] || fail_msg "PORT_CTRL $ctrl of a port that is up"
}

# While the device is stuck in reset the port is detached: no dump.
regs_refused_in_reset()
{
	testwin "$BDF_A" set faults $FAULT_RESET_HANG || return 1
	devlink dev reload "pci/$BDF_A" > /dev/null 2>&1 &&
		fail_msg "reload of a hung device succeeded"
	if out=$(ip netns exec lumen_a ethtool -d "$PORT_A" 2>&1); then
		fail_msg "register dump of a device in reset"
		return 1
	fi
	log "in reset: $(echo "$out" | head -n 1)"
	testwin "$BDF_A" set faults 0 &&
	devlink dev reload "pci/$BDF_A" || fail_msg "reload after recovery failed" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works &&
	[ "$(reg $CTRL_ID)" = "$ID_MAGIC" ]
}

# ethtool -p for 3 s: the LED is forced on and off, and NORMAL (0) after.
phys_id()
{
	ip netns exec lumen_a ethtool -p "$PORT_A" 3 &
	blink=$!
	t0=$(date +%s)
	seen=
	while kill -0 "$blink" 2>/dev/null; do
		v=$(reg $PORT_LED) && seen="$seen $v"
		sleep 0.1
	done
	wait "$blink"
	rc=$?
	blink=
	t1=$(date +%s)
	led=$(reg $PORT_LED)
	log "ethtool -p 3: rc $rc, $((t1 - t0)) s, LED$seen, then $led"
	[ "$rc" = 0 ] || fail_msg "ethtool -p failed" || return 1
	[ $((t1 - t0)) -ge 2 ] || fail_msg "blinked less than 3 s" || return 1
	# each sample is a whole dump, slow on the debug kernel: seeing the
	# LED forced on (2) or off (1) at all is what is certain
	echo "$seen" | grep -qw '[12]' ||
		fail_msg "the LED was never forced on (2) or off (1)" || return 1
	[ "$led" = 0 ] || fail_msg "LED left in mode $led"
}

# self_test ARGS: ethtool -t on port A; its output in $out.
self_test()
{
	out=$(ip netns exec lumen_a ethtool -t "$PORT_A" "$@" 2>&1)
	echo "$out" | sed 's/^/# /'
}

# result NAME: the number ethtool -t printed for one test.
result()
{
	echo "$out" | awk -v n="$1" 'index($0, n) == 1 { print $NF }'
}

test_passes()
{
	echo "$out" | grep -q "The test result is PASS" || fail_msg "not PASS"
}

self_test_online()
{
	self_test online
	test_passes || return 1
	[ "$(result "link test")" = 0 ] && [ "$(result "loopback test")" = 0 ] ||
		fail_msg "results"
}

# Offline: every test passes, and the port is as before: loopback off,
# traffic to the peer.
self_test_offline()
{
	self_test offline
	test_passes || return 1
	for t in "register test" "interrupt test" "link test" "loopback test"; do
		[ "$(result "$t")" = 0 ] || fail_msg "$t: $(result "$t")" || return 1
	done
	ctrl=$(reg $PORT_CTRL) || return 1
	[ $((ctrl & PORT_CTRL_LOOPBACK)) = 0 ] ||
		fail_msg "port left in loopback" || return 1
	ns_works || fail_msg "no traffic after the test"
}

# On a port that is down, the link and loopback tests fail with ENETDOWN
# (100); the others pass; the port comes back up as usual.
self_test_port_down()
{
	ip -n lumen_a link set "$PORT_A" down || return 1
	self_test offline
	ip -n lumen_a link set "$PORT_A" up
	echo "$out" | grep -q "The test result is FAIL" ||
		fail_msg "a port that is down passed" || return 1
	[ "$(result "register test")" = 0 ] &&
	[ "$(result "interrupt test")" = 0 ] &&
	[ "$(result "link test")" = 100 ] &&
	[ "$(result "loopback test")" = 100 ] || fail_msg "results" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

# counts: A's mac_tx_frames, A's mac_rx_frames and B's mac_rx_frames.
counts()
{
	echo "$(ethtool_stat lumen_a "$PORT_A" mac_tx_frames)" \
	     "$(ethtool_stat lumen_a "$PORT_A" mac_rx_frames)" \
	     "$(ethtool_stat lumen_b "$PORT_B" mac_rx_frames)"
}

# send_frames DSTMAC: 50 frames from A to DSTMAC (ethertype 0x88b6).
send_frames()
{
	ip netns exec lumen_a "$SENDRAW" "$PORT_A" \
		"$1$(mac_of lumen_a "$PORT_A")88b6$(printf '%0100d' 0)" 50
}

loopback_feature()
{
	ip netns exec lumen_a ethtool -k "$PORT_A" | grep -qx "loopback: $1"
}

# 50 frames to A's own address come back to A, and B sees none.
frames_loop()
{
	set -- $(counts)
	send_frames "$(mac_of lumen_a "$PORT_A")" || return 1
	sleep 0.3
	set -- "$@" $(counts)
	log "A tx $1 -> $4, A rx $2 -> $5, B rx $3 -> $6"
	[ $(($4 - $1)) -ge 50 ] && [ $(($5 - $2)) -ge 50 ] ||
		fail_msg "frames did not come back to A" || return 1
	[ "$6" = "$3" ] || fail_msg "B received while A was in loopback"
}

loopback_on()
{
	ip netns exec lumen_a ethtool -K "$PORT_A" loopback on || return 1
	loopback_feature on || fail_msg "feature not on" || return 1
	ctrl=$(reg $PORT_CTRL) || return 1
	[ $((ctrl & PORT_CTRL_LOOPBACK)) != 0 ] || fail_msg "PORT_CTRL $ctrl" || return 1
	frames_loop
}

# The offline self-test restores the loopback the operator set.
self_test_keeps_loopback()
{
	self_test offline
	test_passes || return 1
	ctrl=$(reg $PORT_CTRL) || return 1
	[ $((ctrl & PORT_CTRL_LOOPBACK)) != 0 ] || fail_msg "loopback lost"
}

loopback_kept_down_up()
{
	ip -n lumen_a link set "$PORT_A" down &&
	ip -n lumen_a link set "$PORT_A" up || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || return 1
	frames_loop
}

loopback_kept_reload()
{
	devlink dev reload "pci/$BDF_A" || fail_msg "reload failed" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || return 1
	loopback_feature on || fail_msg "feature lost" || return 1
	frames_loop
}

# Off: frames to B's address reach B again, and the ping works.
loopback_off()
{
	ip netns exec lumen_a ethtool -K "$PORT_A" loopback off || return 1
	loopback_feature off || fail_msg "feature not off" || return 1
	set -- $(counts)
	send_frames "$(mac_of lumen_b "$PORT_B")" || return 1
	sleep 0.3
	set -- "$@" $(counts)
	log "A tx $1 -> $4, A rx $2 -> $5, B rx $3 -> $6"
	[ $(($6 - $3)) -ge 50 ] || fail_msg "frames did not reach B" || return 1
	[ $(($5 - $2)) -lt 50 ] || fail_msg "frames came back to A" || return 1
	ns_works
}

ktap_header 14
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "regs_dump" regs_dump
ktap_check "regs_refused_in_reset" regs_refused_in_reset
ktap_check "phys_id_3s" phys_id
ktap_check "self_test_online" self_test_online
ktap_check "self_test_offline" self_test_offline
ktap_check "self_test_port_down" self_test_port_down
ktap_check "loopback_on" loopback_on
ktap_check "self_test_keeps_loopback" self_test_keeps_loopback
ktap_check "loopback_kept_down_up" loopback_kept_down_up
ktap_check "loopback_kept_reload" loopback_kept_reload
ktap_check "loopback_off" loopback_off
ktap_check "loopback_off_self_test" self_test_offline
ktap_check "regs_dump_after" regs_dump
ktap_finish
