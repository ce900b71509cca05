#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ROUNDS (200; 50 on the debug kernel) link flaps under traffic in both
# directions, alternating loss of signal and a vanished partner on port
# A: each time the carrier goes off and comes back.  Afterwards A's
# link_down_events and its "link down" log lines both count exactly
# ROUNDS, every one with its reason; the TX path never hung (the "tx"
# reporter saw nothing); traffic flows; the harness checks the kernel log
# for warnings and, on the debug kernel, leaks.  The "link" reporters'
# auto-recovery is off meanwhile: the partner sees each flap as a
# training failure, and its retrain would add flaps of its own.

. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-$(rounds 200 50)}

cleanup()
{
	for b in $(lumen_bdfs); do
		devlink health set "pci/$b" reporter link auto_recover true 2> /dev/null
	done
	fault_test_cleanup
}
trap cleanup EXIT

setup()
{
	ns_setup || return 1
	for b in $BDF_A $BDF_B; do
		devlink health set "pci/$b" reporter link auto_recover false || return 1
	done
}

a_down()
{
	! carrier_in lumen_a "$PORT_A"
}

a_up()
{
	carrier_in lumen_a "$PORT_A"
}

tx_errors()
{
	devlink health show "pci/$BDF_A" reporter tx |
		awk '{ for (i = 1; i < NF; i++)
			if ($i == "error" && $(i + 1) ~ /^[0-9]+$/) print $(i + 1) }'
}

flaps()
{
	events0=$(ethtool_stat lumen_a "$PORT_A" link_down_events)
	tx0=$(tx_errors)
	dmesg_mark
	traffic_start
	n=0
	while [ $n -lt "$ROUNDS" ]; do
		if [ $((n % 2)) = 0 ]; then f=$FAULT_LOS; else f=$FAULT_NO_PARTNER; fi
		testwin "$BDF_A" set faults $f || break
		wait_for 5 a_down || { fail_msg "flap $n: carrier stays on"; break; }
		testwin "$BDF_A" set faults 0 || break
		wait_for 10 a_up || { fail_msg "flap $n: carrier stays off"; break; }
		n=$((n + 1))
	done
	traffic_stop
	log "$n flaps"
	[ "$n" = "$ROUNDS" ] || return 1

	events=$(($(ethtool_stat lumen_a "$PORT_A" link_down_events) - events0))
	lines=$(dmesg_since | grep -c "$PORT_A: link down")
	los=$(dmesg_since | grep -c "$PORT_A: link down, loss of signal")
	gone=$(dmesg_since | grep -c "$PORT_A: link down, no link partner")
	log "link_down_events +$events, log: $lines down ($los LOS, $gone no partner)"
	[ "$events" = "$ROUNDS" ] && [ "$lines" = "$ROUNDS" ] ||
		fail_msg "not $ROUNDS" || return 1
	[ "$los" = $((ROUNDS / 2)) ] && [ "$gone" = $((ROUNDS / 2)) ] ||
		fail_msg "reasons do not match the faults" || return 1
	[ "$(tx_errors)" = "$tx0" ] || fail_msg "tx reporter: $(tx_errors) errors"
}

ktap_header 3
lumen_load || exit $KSFT_FAIL
ktap_check "setup" setup
ktap_check "link_${ROUNDS}_flaps_under_traffic" flaps
ktap_check "traffic_after_flaps" ns_works
ktap_finish
