#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Interrupts that never come: the device (test window fault IRQ_LOST)
# writes its completions but sends no queue interrupt.  The driver must
# notice completions that wait with no interrupt, poll them, count each
# time in cqN_missed_irq and say so in the log; traffic goes on, slowly,
# with no TX timeout and no frame lost, and returns to full speed once
# interrupts come again.

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
pings_answered_by_polling()
{
	dmesg_mark
	out=$(ip netns exec lumen_a ping -c 5 -i 0.3 -W 3 10.76.0.2) ||
		fail_msg "pings lost: $out" || return 1
	log "$(echo "$out" | tail -n 1)"
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

# Interrupts back: replies in well under the service period again.
recovers()
{
	testwin "$BDF_A" set faults 0 || return 1
	sleep 1.5
	before=$(missed lumen_a "$PORT_A")
	out=$(ip netns exec lumen_a ping -c 10 -i 0.1 -W 1 10.76.0.2) ||
		fail_msg "pings lost: $out" || return 1
	log "$(echo "$out" | tail -n 1)"
	max=$(echo "$out" | sed -n 's|.*min/avg/max = [0-9.]*/[0-9.]*/\([0-9]*\).*|\1|p')
	[ "${max:-1000}" -lt 500 ] || fail_msg "slowest reply took $max ms" || return 1
	[ "$(missed lumen_a "$PORT_A")" = "$before" ] ||
		fail_msg "missed_irq still rising"
}

ktap_header 5
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "lose_queue_interrupts" lose_interrupts
ktap_check "pings_answered_by_polling" pings_answered_by_polling
ktap_check "traffic_through_lost_interrupts" traffic_through_lost_interrupts
ktap_check "recovers_when_interrupts_return" recovers
ktap_finish
