#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "link" devlink health reporter.  Healthy with the link up, its
# diagnose showing every lane with signal and frame lock.  A training
# failure (test window TRAINING: no frame lock) is reported with its
# reason and recovered by retraining; diagnose then shows the lanes
# without lock, the dump the history from up to down.  With
# auto-recovery off the failure is only reported (state error) until
# `devlink health recover` retrains; recovering while the port is down
# is refused with a message.  The link comes back each time the fault is
# cleared.

. "$(dirname "$0")/lib.sh"

TMP=/tmp/lumen-linkhealth.$$

cleanup()
{
	fault_test_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

setup()
{
	mkdir -p "$TMP" && ns_setup && DL=pci/$BDF_A
}

# field NAME: the value after NAME in devlink health show ... link: the
# state, or a counter ("state error error 1" names both)
field()
{
	devlink health show "$DL" reporter link |
		awk -v f="$1" '{ for (i = 1; i < NF; i++)
			if ($i == f && (f == "state" || $(i + 1) ~ /^[0-9]+$/)) {
				print $(i + 1)
				exit
			} }'
}

errors_above()
{
	[ "$(field error)" -gt "$1" ]
}

recovers_above()
{
	[ "$(field recover)" -gt "$1" ]
}

link_back()
{
	wait_for 15 carrier_in lumen_a "$PORT_A" && ns_works
}

healthy_when_up()
{
	devlink health show "$DL" reporter link | sed 's/^/# /'
	[ "$(field state)" = healthy ] && [ "$(field error)" = 0 ] ||
		fail_msg "not healthy" || return 1
	devlink health diagnose "$DL" reporter link > "$TMP/diag" || return 1
	grep -q "link: true" "$TMP/diag" || fail_msg "diagnose: $(cat "$TMP/diag")" || return 1
	[ "$(grep -c "state: locked signal: true frame_lock: true" "$TMP/diag")" = 8 ] ||
		fail_msg "not 8 locked lanes: $(cat "$TMP/diag")"
}

# Auto-recovery: reported, recovered by a retrain, state in diagnose and
# dump; the link is back once the fault is gone.
training_failure_recovered()
{
	err0=$(field error)
	rec0=$(field recover)
	dmesg_mark
	testwin "$BDF_A" set faults $FAULT_TRAINING || return 1
	wait_for 10 errors_above "$err0" || fail_msg "no report" || return 1
	wait_for 10 recovers_above "$rec0" || fail_msg "not recovered" || return 1
	dmesg_since | grep -q "$PORT_A: link retrained" || fail_msg "no retrain logged" || return 1
	devlink health diagnose "$DL" reporter link > "$TMP/diag" || return 1
	grep -q "reason: link training failed, no frame lock" "$TMP/diag" &&
		[ "$(grep -c "state: equalization signal: true frame_lock: false" "$TMP/diag")" = 8 ] ||
		fail_msg "diagnose: $(cat "$TMP/diag")" || return 1
	devlink health dump show "$DL" reporter link > "$TMP/dump" || return 1
	tail -n 4 "$TMP/dump" | sed 's/^/# /'
	grep -q "link: true" "$TMP/dump" &&
		grep -q "reason: link training failed, no frame lock" "$TMP/dump" ||
		fail_msg "dump: $(cat "$TMP/dump")" || return 1
	testwin "$BDF_A" set faults 0 && link_back
}

# Auto-recovery off: reported and left in error; recovering is refused
# while the port is down, and works once it is up.
manual_recovery()
{
	devlink health dump clear "$DL" reporter link
	devlink health set "$DL" reporter link auto_recover false || return 1
	err0=$(field error)
	rec0=$(field recover)
	testwin "$BDF_A" set faults $FAULT_TRAINING || return 1
	wait_for 10 errors_above "$err0" || fail_msg "no report" || return 1
	sleep 1
	[ "$(field recover)" = "$rec0" ] || fail_msg "recovered by itself" || return 1
	[ "$(field state)" = error ] || fail_msg "state $(field state)" || return 1

	ip -n lumen_a link set "$PORT_A" down || return 1
	if devlink health recover "$DL" reporter link 2> "$TMP/err"; then
		fail_msg "recovered a port that is down"
		return 1
	fi
	log "port down: $(cat "$TMP/err")"
	grep -q "the port is down" "$TMP/err" || fail_msg "no message" || return 1
	[ "$(field state)" = error ] || fail_msg "state $(field state)" || return 1
	ip -n lumen_a link set "$PORT_A" up || return 1

	devlink health recover "$DL" reporter link || return 1
	[ "$(field recover)" -gt "$rec0" ] && [ "$(field state)" = healthy ] ||
		fail_msg "recover $(field recover) state $(field state)" || return 1
	devlink health set "$DL" reporter link auto_recover true || return 1
	testwin "$BDF_A" set faults 0 && link_back
}

ktap_header 4
lumen_load || exit $KSFT_FAIL
ktap_check "setup" setup
ktap_check "healthy_when_up" healthy_when_up
ktap_check "training_failure_recovered" training_failure_recovered
ktap_check "manual_recovery" manual_recovery
ktap_finish
