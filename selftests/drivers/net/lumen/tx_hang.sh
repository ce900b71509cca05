#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A TX engine that hangs (test window fault TX_HANG: the device fetches
# no descriptor) while traffic flows both ways: the driver must see that
# the device consumed nothing for two service periods, say so, and
# restart the queues (tx_restarts), again for as long as the hang lasts,
# before the stack's TX watchdog fires; once the device recovers, traffic
# flows and the restarts stop.

. "$(dirname "$0")/lib.sh"

trap fault_test_cleanup EXIT

restarts()
{
	ethtool_stat lumen_a "$PORT_A" tx_restarts
}

hang_detected_and_restarted()
{
	dmesg_mark
	traffic_start
	testwin "$BDF_A" set faults $FAULT_TX_HANG || return 1
	sleep 9
	traffic_stop
	n=$(restarts)
	log "tx_restarts after 9 s of a hung TX engine: $n"
	[ "$n" -ge 2 ] || fail_msg "$n restarts" || return 1
	dmesg_since | grep -q "TX engine fetched nothing for 2 s" ||
		fail_msg "nothing logged" || return 1
	! dmesg_since | grep -q "timed out" || fail_msg "the TX watchdog fired"
}

recovers()
{
	testwin "$BDF_A" set faults 0 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && wait_for 10 ns_works ||
		fail_msg "no traffic once the device recovered" || return 1
	# a report made just before the fault was cleared may still restart
	# the queues once; after that, none may follow
	sleep 3
	before=$(restarts)
	sleep 4
	ns_works || fail_msg "no traffic" || return 1
	[ "$(restarts)" = "$before" ] || fail_msg "restarts went on: $before -> $(restarts)"
}

ktap_header 3
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "hang_detected_and_restarted" hang_detected_and_restarted
ktap_check "recovers" recovers
ktap_finish
