#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ROUNDS (200; 50 on the debug kernel) link flaps under traffic in both
# directions, alternating loss of signal and a vanished partner on port
# A: each time the carrier goes off and comes back.  Afterwards A's
# link_down_events and its "link down" log lines both count exactly
# ROUNDS, every one with its reason; the TX path never hung (the "tx"
# reporter saw nothing); neither end's "link" reporter saw a training
# failure (a partner that went dark is no training failure of this port,
# nor of the far end that stops hearing it); traffic flows; the harness
# checks the kernel log for warnings and, on the debug kernel, leaks.

. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-$(rounds 200 50)}

trap fault_test_cleanup EXIT

a_down()
{
	! carrier_in lumen_a "$PORT_A"
}

a_up()
{
	carrier_in lumen_a "$PORT_A"
}

# errors BDF REPORTER: the reporter's error count
errors()
{
	devlink health show "pci/$1" reporter "$2" |
		awk '{ for (i = 1; i < NF; i++)
			if ($i == "error" && $(i + 1) ~ /^[0-9]+$/) print $(i + 1) }'
}

flaps()
{
	events0=$(ethtool_stat lumen_a "$PORT_A" link_down_events)
	tx0=$(errors "$BDF_A" tx)
	la0=$(errors "$BDF_A" link)
	lb0=$(errors "$BDF_B" link)
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
	[ "$los" = $(((ROUNDS + 1) / 2)) ] && [ "$gone" = $((ROUNDS / 2)) ] ||
		fail_msg "reasons do not match the faults" || return 1
	[ "$(errors "$BDF_A" tx)" = "$tx0" ] ||
		fail_msg "tx reporter: $(errors "$BDF_A" tx) errors" || return 1
	[ "$(errors "$BDF_A" link)" = "$la0" ] && [ "$(errors "$BDF_B" link)" = "$lb0" ] ||
		fail_msg "link reporters: A $(errors "$BDF_A" link), B $(errors "$BDF_B" link)"
}

ktap_header 3
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "link_${ROUNDS}_flaps_under_traffic" flaps
ktap_check "traffic_after_flaps" ns_works
ktap_finish
