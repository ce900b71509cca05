#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Link faults from the host: QMP qom-set of the "test-faults" property
# of port 0 (the TEST_FAULTS register of its fault window) takes its
# link down for loss of signal while the guest watches; the guest sees
# the carrier go, ethtool give the reason, and, once the host clears
# the fault, the link come back and carry traffic.  qom-get reads the
# faults back, and a value with bits that are no fault is refused with
# an error and changes nothing.

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/vm/lib.sh"

KSFT_PASS=0
KSFT_FAIL=1
QMP=$top/tools/vm/qmp
FAULT_LOS=32
DEV=/machine/peripheral/lumen0

guest_script()
{
	cat <<'EOF2'
. /lumen/tests/lib.sh
fail() { echo "FAIL: $*"; exit 1; }
lumen_load || fail "modprobe"
ns_setup || fail "ns_setup"
no_carrier() { ! carrier_in lumen_a "$PORT_A"; }
echo "step: up"
wait_for 30 no_carrier || fail "the link stayed up"
got=$(ip netns exec lumen_a ethtool "$PORT_A" | sed -n 's/^[[:space:]]*Link detected: //p')
[ "$got" = "no (Bad signal integrity, Serdes ALOS)" ] ||
	fail "ethtool: Link detected: $got"
echo "step: down"
wait_for 30 carrier_in lumen_a "$PORT_A" || fail "the link never came back"
ns_works || fail "no traffic once the fault was cleared"
echo "step: works"
# the host: loss of signal on lane 2 only
wait_for 30 no_carrier || fail "the link stayed up with lane 2 dark"
lit=$(devlink health diagnose "pci/$BDF_A" reporter link |
	awk '$1 == "lane:" { for (i = 2; i < NF; i++)
			if ($i == "signal:" && $(i + 1) == "true") printf "%s ", $2 }')
[ "$lit" = "0 1 3 4 5 6 7 " ] || fail "lanes with light: $lit"
echo "step: lane-down"
wait_for 30 carrier_in lumen_a "$PORT_A" || fail "the link never came back"
echo "step: lane-up"
# the host: lane 5's bit error ratio, the module's temperature
telemetry()
{
	[ "$(ethtool_stat lumen_a "$PORT_A" lane5_ber_e12)" = 123456 ] &&
	[ "$(cat /sys/bus/pci/devices/"$BDF_A"/hwmon/hwmon*/temp1_input)" = 45000 ]
}
wait_for 30 telemetry ||
	fail "lane5_ber_e12 $(ethtool_stat lumen_a "$PORT_A" lane5_ber_e12), temp $(cat /sys/bus/pci/devices/"$BDF_A"/hwmon/hwmon*/temp1_input)"
echo "step: telemetry"
EOF2
}

# set_prop NAME VALUE: qom-set a property of port 0.
set_prop()
{
	"$QMP" "$sock" qom-set "{\"path\": \"$DEV\", \"property\": \"$1\", \"value\": $2}" > /dev/null
}

# Per-lane loss of signal, then lane BER and module temperature, from
# the host; the guest sees each.
lane_faults()
{
	set_prop test-lane-los 4 && lumen_vm_wait_step lf lane-down $((30 * scale)) &&
	set_prop test-lane-los 0 && lumen_vm_wait_step lf lane-up $((30 * scale)) &&
	set_prop test-lane5-ber 123456 &&
	set_prop test-mod-temp $((0x80000000 | 45 * 256)) &&
	lumen_vm_wait_step lf telemetry $((30 * scale))
}

# faults_are N: qom-get says the port's faults are N.
faults_are()
{
	local got

	got=$("$QMP" "$sock" qom-get "{\"path\": \"$DEV\", \"property\": \"test-faults\"}")
	[ "$got" = "$1" ] || { echo "# qom-get test-faults: $got, want $1"; return 1; }
}

# set_faults N: qom-set the port's faults.
set_faults()
{
	"$QMP" "$sock" qom-set "{\"path\": \"$DEV\", \"property\": \"test-faults\", \"value\": $1}" > /dev/null
}

# A value with a bit that is no fault: an error, and nothing changes.
bad_value_refused()
{
	local err

	if err=$(set_faults 65536 2>&1); then
		echo "# qom-set test-faults 65536 succeeded"
		return 1
	fi
	echo "# refused: $err"
	echo "$err" | grep -q "no fault" || return 1
	faults_are "$FAULT_LOS"
}

main()
{
	local sock result=$KSFT_PASS rc=0 scale=$LUMEN_TIME_SCALE

	lumen_vm_trap
	echo "TAP version 13"
	echo "1..1"

	sock=$(mktemp -u "${TMPDIR:-/tmp}/lumen-qmp.XXXXXX")
	lumen_vm_start lf --timeout $((300 * scale)) \
		--qemu-args "-qmp unix:$sock,server=on,wait=off" \
		-- "$(guest_script)"

	if ! lumen_vm_wait_step lf up $((60 * scale)); then
		result=$KSFT_FAIL
	elif ! set_faults "$FAULT_LOS"; then
		result=$KSFT_FAIL
	elif ! lumen_vm_wait_step lf down $((30 * scale)); then
		result=$KSFT_FAIL
	elif ! faults_are "$FAULT_LOS" || ! bad_value_refused; then
		result=$KSFT_FAIL
	elif ! set_faults 0 || ! faults_are 0; then
		result=$KSFT_FAIL
	elif ! lumen_vm_wait_step lf works $((60 * scale)); then
		result=$KSFT_FAIL
	elif ! lane_faults; then
		result=$KSFT_FAIL
	fi
	lumen_vm_wait lf || rc=$?
	rm -f "$sock"

	lumen_vm_output lf | sed 's/^/# /'
	[ "$rc" -eq 0 ] || { echo "# guest exit $rc"; result=$KSFT_FAIL; }
	if ! lumen_vm_faults "$(lumen_vm_console lf)" | sed 's/^/# /'; then
		result=$KSFT_FAIL
	fi
	if [ "$result" -eq "$KSFT_PASS" ]; then
		echo "ok 1 link_faults_from_qmp"
	else
		echo "not ok 1 link_faults_from_qmp"
	fi
	return "$result"
}

main "$@"
