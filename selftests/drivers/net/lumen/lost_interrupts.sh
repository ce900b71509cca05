#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Interrupts that never come: the device (test window fault IRQ_LOST)
# writes its completions but sends no queue interrupt.  The driver must
# notice completions that wait with no interrupt, poll them, count each
# time in cqN_missed_irq and say so in the log; traffic goes on, slowly,
# with no TX timeout and no frame lost, and returns to full speed once
# interrupts come again.  Frames that overrun the receiver meanwhile are
# counted, never lost unseen.

. "$(dirname "$0")/lib.sh"

trap fault_test_cleanup EXIT

# missed NS DEV: cqN_missed_irq summed over the queue pairs.
missed()
{
	ip netns exec "$1" ethtool -S "$2" |
		awk '/^ *cq[0-9]+_missed_irq:/ { s += $2 } END { print s + 0 }'
}

lose_interrupts()
{
	testwin "$BDF_A" set faults $FAULT_IRQ_LOST || return 1
	[ "$(testwin "$BDF_A" get faults)" = "$(printf '0x%08x' $FAULT_IRQ_LOST)" ]
}

# Every echo is answered, the replies to A announced by no interrupt.
# One ping at a time, each waiting up to 30 s (-W) for its reply: busybox
# ping, once a reply has come, waits only about two round trips after its
# last request, less than a polled reply may take.  Without interrupts a
# queue is polled once it has been seen stalled twice, a second apart.
pings_answered_by_polling()
{
	dmesg_mark
	answered=0
	for seq in 1 2 3 4 5; do
		if ip netns exec lumen_a ping -c 1 -W 30 10.76.0.2 > "/tmp/ping.$$" 2>&1; then
			answered=$((answered + 1))
			log "$(grep 'bytes from' "/tmp/ping.$$")"
		fi
	done
	rm -f "/tmp/ping.$$"
	[ "$answered" = 5 ] ||
		fail_msg "$answered of 5 echoes answered
$(ip netns exec lumen_a ethtool -S "$PORT_A" | grep -E 'mac_(tx|rx)_frames|drop|missed_irq|rx[01]_packets|tx[01]_packets' | grep -v ': 0$')
B: $(ip netns exec lumen_b ethtool -S "$PORT_B" | grep -E 'mac_(tx|rx)_frames|drop' | grep -v ': 0$' | tr -s ' \n' ' ')" ||
		return 1
	n=$(missed lumen_a "$PORT_A")
	[ "$n" -gt 0 ] || fail_msg "cq*_missed_irq is $n" || return 1
	dmesg_since | grep -q "completions without an interrupt, polling" ||
		fail_msg "nothing logged"
}

# Both ways at 100 frames a second for 8 s, past the 5 s TX watchdog:
# no timeout, and every TX descriptor completes through its completion.
traffic_through_lost_interrupts()
{
	dmesg_mark
	traffic_start
	sleep 8
	traffic_stop
	! dmesg_since | grep -q "timed out" || fail_msg "TX timeout" || return 1
	lost=$(ip netns exec lumen_a ethtool -S "$PORT_A" |
	       awk '/^ *tx[0-9]+_lost_cqe:/ { s += $2 } END { print s + 0 }')
	[ "$lost" = 0 ] || fail_msg "$lost completions taken for lost"
}

# dev_count NS DEV NAME: one device counter of ethtool -S.
dev_count()
{
	ethtool_stat "$1" "$2" "$3"
}

# overflow_counts: A's frames sent, B's received and dropped for lack
# of buffers, and B's other drops.
overflow_counts()
{
	echo "$(dev_count lumen_a "$PORT_A" mac_tx_frames)" \
	     "$(dev_count lumen_b "$PORT_B" mac_rx_frames)" \
	     "$(dev_count lumen_b "$PORT_B" mac_rx_drop_nobuf)" \
	     "$(ip netns exec lumen_b ethtool -S "$PORT_B" |
		awk '/^ *mac_rx_(drop_(disabled|filter)|err_len):/ { s += $2 } END { print s + 0 }')"
}

# quiet_overflow_counts: overflow_counts once two readings half a second
# apart agree.
quiet_overflow_counts()
{
	prev=$(overflow_counts)
	for try in 1 2 3 4 5 6 7 8; do
		sleep 0.5
		cur=$(overflow_counts)
		[ "$cur" = "$prev" ] && break
		prev=$cur
	done
	echo "$cur"
}

# B's interrupts lost too, its RX ring at the minimum: 3000 full-size
# frames at 2000 a second overrun the ring and the device's packet buffer
# (64 + 187 frames) between two polls.  (Not faster: beyond what QEMU
# reads from the host's UDP socket, the emulated fiber itself loses
# frames, before any device sees them.)  The overflow is dropped and counted in
# mac_rx_drop_nobuf (and rx_missed_errors); every frame A's device sent
# is received or counted; and the held frames come in once B polls.
packet_buffer_overflow_counted()
{
	mac_b=$(ip netns exec lumen_b cat /sys/class/net/"$PORT_B"/address)
	ip netns exec lumen_b ethtool -G "$PORT_B" rx 64 &&
		wait_for 10 carrier_in lumen_b "$PORT_B" ||
		fail_msg "ring size not set" || return 1
	# counted while interrupts still come and nothing is in flight: a
	# frame sent before and held at B would be counted at B only after
	before=$(quiet_overflow_counts)
	testwin "$BDF_B" set faults $FAULT_IRQ_LOST || return 1
	missed_before=$(ip netns exec lumen_b cat /sys/class/net/"$PORT_B"/statistics/rx_missed_errors)
	polls_before=$(missed lumen_b "$PORT_B")
	pktgen_send lumen_a "$PORT_A" 10.76.0.2 "$mac_b" 3000 500000 1400 || return 1
	polls=$(($(missed lumen_b "$PORT_B") - polls_before))
	testwin "$BDF_B" set faults 0 || return 1
	after=$(quiet_overflow_counts)
	log "A sent, B received, dropped nobuf, dropped otherwise: $before -> $after"
	set -- $before $after
	sent=$(($5 - $1)) rx=$(($6 - $2)) nobuf=$(($7 - $3)) other=$(($8 - $4))
	[ "$sent" -ge 3000 ] || fail_msg "A sent $sent" || return 1
	[ "$nobuf" -gt 0 ] || fail_msg "nothing dropped for lack of buffers" || return 1
	[ "$other" = 0 ] || fail_msg "$other dropped for other reasons" || return 1
	[ $((rx + nobuf)) = "$sent" ] ||
		fail_msg "B received $rx and dropped $nobuf of $sent" || return 1
	# each poll, and the interrupts' return, empty a ring of 63 buffers:
	# more than that came from the packet buffer
	log "B polled $polls times without interrupts"
	[ "$rx" -gt $((63 * (polls + 1))) ] ||
		fail_msg "$rx received in $polls polls: no frame was held" || return 1
	missed=$(ip netns exec lumen_b cat /sys/class/net/"$PORT_B"/statistics/rx_missed_errors)
	[ $((missed - missed_before)) -ge "$nobuf" ] ||
		fail_msg "rx_missed_errors rose by $((missed - missed_before)), not $nobuf" ||
		return 1
	ip netns exec lumen_b ethtool -G "$PORT_B" rx 512 &&
		wait_for 10 carrier_in lumen_b "$PORT_B"
}

# Interrupts back: replies in well under the service period again.
recovers()
{
	testwin "$BDF_A" set faults 0 || return 1
	# Completions that came with no interrupt before the fault was
	# cleared are found, and polled, at the next service checks: wait
	# until missed_irq holds still for more than two of them.
	for try in 1 2 3 4; do
		before=$(missed lumen_a "$PORT_A")
		sleep 2.5
		[ "$(missed lumen_a "$PORT_A")" = "$before" ] && break
	done
	out=$(ip netns exec lumen_a ping -c 10 -i 0.1 -W 1 10.76.0.2) ||
		fail_msg "pings lost: $out" || return 1
	log "$(echo "$out" | tail -n 1)"
	max=$(echo "$out" | sed -n 's|.*min/avg/max = [0-9.]*/[0-9.]*/\([0-9]*\).*|\1|p')
	[ "${max:-1000}" -lt 500 ] || fail_msg "slowest reply took $max ms" || return 1
	[ "$(missed lumen_a "$PORT_A")" = "$before" ] ||
		fail_msg "missed_irq still rising"
}

ktap_header 6
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "lose_queue_interrupts" lose_interrupts
ktap_check "pings_answered_by_polling" pings_answered_by_polling
ktap_check "traffic_through_lost_interrupts" traffic_through_lost_interrupts
ktap_check "recovers_when_interrupts_return" recovers
ktap_check "packet_buffer_overflow_counted" packet_buffer_overflow_counted
ktap_finish
