#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# devlink health and the registers region.  The "tx" reporter: a hung TX
# engine (test window TX_HANG) is reported, dumped and recovered by a
# queue restart; with auto-recovery off it is only reported, and
# `devlink health recover` restarts the queues.  The "fw" reporter: a
# fatal firmware error (FW_FATAL) is reported and recovered by a device
# reset while the netdev stays registered.  diagnose and dump show the
# state.  The "registers" region snapshots BAR0; bad snapshot requests
# are refused.

. "$(dirname "$0")/lib.sh"

FAULT_FW_FATAL=0x10

trap fault_test_cleanup EXIT

# counter REPORTER FIELD: error or recover count of a reporter of A.
counter()
{
	devlink health show "pci/$BDF_A" reporter "$1" |
		awk -v f="$2" '{ for (i = 1; i < NF; i++)
			if ($i == f && $(i + 1) ~ /^[0-9]+$/) print $(i + 1) }'
}

state()
{
	devlink health show "pci/$BDF_A" reporter "$1" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "state") print $(i + 1) }'
}

reporters_listed()
{
	for r in tx fw; do
		out=$(devlink health show "pci/$BDF_A" reporter $r) || return 1
		log "$(echo "$out" | tr -s ' \n' ' ')"
		[ "$(state $r)" = healthy ] || fail_msg "$r is $(state $r)" || return 1
	done
	[ "$(devlink health show | grep -c "reporter \(tx\|fw\)")" = 4 ] ||
		fail_msg "not 2 reporters on each of the 2 devices"
}

diagnose_shows_queues()
{
	out=$(devlink health diagnose "pci/$BDF_A" reporter tx) || return 1
	echo "$out" | grep -q "queue_pair" && echo "$out" | grep -q "device_head" ||
		fail_msg "tx diagnose: $out" || return 1
	out=$(devlink health diagnose "pci/$BDF_A" reporter fw) || return 1
	echo "$out" | grep -q "ready: true" || fail_msg "fw diagnose: $out"
}

# hang_once: hang A's TX engine under traffic until the reporter counts
# an error, then clear the fault.
hang_once()
{
	before=$(counter tx error)
	traffic_start
	testwin "$BDF_A" set faults $FAULT_TX_HANG || return 1
	wait_for 15 tx_errors_above "$before"
	rc=$?
	testwin "$BDF_A" set faults 0
	traffic_stop
	return $rc
}

tx_errors_above()
{
	[ "$(counter tx error)" -gt "$1" ]
}

tx_hang_auto_recovered()
{
	r0=$(counter tx recover)
	hang_once || fail_msg "no tx error reported" || return 1
	r1=$(counter tx recover)
	[ "$r1" -gt "$r0" ] || fail_msg "not recovered ($r0 -> $r1)" || return 1
	out=$(devlink health dump show "pci/$BDF_A" reporter tx) || return 1
	echo "$out" | grep -q "hung_periods" || fail_msg "dump: $out" || return 1
	devlink health dump clear "pci/$BDF_A" reporter tx &&
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

tx_manual_recovery()
{
	devlink health set "pci/$BDF_A" reporter tx auto_recover false || return 1
	r0=$(counter tx recover)
	restarts0=$(ethtool_stat lumen_a "$PORT_A" tx_restarts)
	# past the grace period of the last recovery
	sleep 1.5
	hang_once || fail_msg "no tx error reported" || return 1
	[ "$(counter tx recover)" = "$r0" ] || fail_msg "recovered with auto_recover off" || return 1
	devlink health recover "pci/$BDF_A" reporter tx || return 1
	[ "$(counter tx recover)" -gt "$r0" ] &&
	[ "$(ethtool_stat lumen_a "$PORT_A" tx_restarts)" -gt "$restarts0" ] ||
		fail_msg "manual recovery did not restart the queues" || return 1
	devlink health set "pci/$BDF_A" reporter tx auto_recover true &&
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

fw_fatal_recovered()
{
	ifindex=$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/ifindex)
	e0=$(counter fw error) r0=$(counter fw recover)
	testwin "$BDF_A" set faults $FAULT_FW_FATAL || return 1
	wait_for 10 fw_recovered "$r0" || fail_msg "fw error not recovered" || return 1
	[ "$(counter fw error)" -gt "$e0" ] || fail_msg "fw error not counted" || return 1
	[ "$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/ifindex)" = "$ifindex" ] ||
		fail_msg "the netdev was replaced" || return 1
	out=$(devlink health dump show "pci/$BDF_A" reporter fw) || return 1
	echo "$out" | grep -q "fatal: true" || fail_msg "fw dump: $out" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

fw_recovered()
{
	[ "$(counter fw recover)" -gt "$1" ]
}

region_snapshot()
{
	devlink region new "pci/$BDF_A/registers" snapshot 7 || return 1
	out=$(devlink region dump "pci/$BDF_A/registers" snapshot 7) || return 1
	# CTRL_ID "LUMN" little endian at offset 0
	echo "$out" | head -n 1 | grep -q "4e 4d 55 4c" ||
		fail_msg "snapshot starts $(echo "$out" | head -n 1)" || return 1
	! devlink region new "pci/$BDF_A/registers" snapshot 7 2> /dev/null ||
		fail_msg "snapshot id 7 taken twice" || return 1
	! devlink region dump "pci/$BDF_A/registers" snapshot 8 2> /dev/null ||
		fail_msg "dumped a snapshot that does not exist" || return 1
	devlink region del "pci/$BDF_A/registers" snapshot 7
}

ktap_header 7
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "reporters_listed_healthy" reporters_listed
ktap_check "diagnose_shows_state" diagnose_shows_queues
ktap_check "tx_hang_reported_and_recovered" tx_hang_auto_recovered
ktap_check "tx_manual_recovery" tx_manual_recovery
ktap_check "fw_fatal_recovered_netdev_kept" fw_fatal_recovered
ktap_check "registers_region" region_snapshot
ktap_finish
