#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Take the port away while traffic flows in both directions: set it down
# and up again ROUNDS times, and unload and reload the module
# UNLOAD_ROUNDS times (100 each; 25 and 10 on the debug kernel, where a
# round takes four times as long and every program started costs about
# a second).
# Every round must end with the port working again; nothing may warn,
# leak or hang (the harness scans the kernel log, and under the debug
# kernel kmemleak after the test).

. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-$(rounds 100 25)}
UNLOAD_ROUNDS=${UNLOAD_ROUNDS:-$(rounds 100 10)}

cleanup()
{
	traffic_stop
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

down_up_rounds()
{
	traffic_start
	for r in $(seq 1 "$ROUNDS"); do
		ip -n lumen_a link set "$PORT_A" down &&
		ip -n lumen_a link set "$PORT_A" up || return 1
		if [ $((r % 2)) = 0 ]; then
			ip -n lumen_b link set "$PORT_B" down &&
			ip -n lumen_b link set "$PORT_B" up || return 1
		fi
		sleep 0.05
	done
	traffic_stop
	wait_for 10 carrier_in lumen_a "$PORT_A" &&
	wait_for 10 carrier_in lumen_b "$PORT_B" || fail_msg "no carrier after the rounds" || return 1
	ns_works || fail_msg "no traffic after $ROUNDS down/up rounds"
}

unload_rounds()
{
	for r in $(seq 1 "$UNLOAD_ROUNDS"); do
		traffic_start
		sleep 0.2
		lumen_unload || fail_msg "round $r: rmmod failed" || return 1
		traffic_stop
		ns_cleanup
		lumen_load && ns_setup || fail_msg "round $r: reload failed" || return 1
	done
	ns_works || fail_msg "no traffic after $UNLOAD_ROUNDS unload rounds"
}

ktap_header 3
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "down_up_${ROUNDS}_rounds_under_traffic" down_up_rounds
ktap_check "unload_${UNLOAD_ROUNDS}_rounds_under_traffic" unload_rounds
ktap_finish
