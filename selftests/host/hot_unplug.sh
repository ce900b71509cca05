#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hot unplug from the host during traffic: one guest with two lumen ports
# wired back to back and pinging each other both ways; the host removes
# port 0 with QMP device_del (the guest's PCIe hotplug driver takes the
# device away from lumen), then plugs a new one into the same slot with
# device_add.  The guest must see the port go and come back, the other
# port stay up, and traffic flow again over the new port;
# its kernel log must stay free of faults and, on the debug kernel,
# leaks.

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/vm/lib.sh"

KSFT_PASS=0
KSFT_FAIL=1
QMP=$top/tools/vm/qmp

# Guest side: steps are logged as "step: ..." lines on the output port,
# which the host waits for.
guest_script()
{
	cat <<'EOF'
. /lumen/tests/lib.sh
fail() { echo "FAIL: $*"; exit 1; }
KMEMLEAK=/sys/kernel/debug/kmemleak
[ ! -w $KMEMLEAK ] || echo clear > $KMEMLEAK
lumen_load || fail "modprobe"
ns_setup || fail "ns_setup"
traffic_start
sleep 1
# The bus's link to the device goes first when it is removed, before
# the driver is unbound; the device's own directory goes last, once
# lumen's remove() has returned.  Wait for that one.
devdir=$(readlink -f "/sys/bus/pci/devices/$BDF_A")
echo "step: traffic"
i=0
while [ -e "$devdir" ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "port 0 was never removed"
	sleep 0.1
done
echo "step: removed"
! ip netns exec lumen_a test -e "/sys/class/net/$PORT_A" ||
	fail "$PORT_A is left in lumen_a"
# port 1 lost its partner (link training: no link partner) but must
# stay as it was, administratively up, for the new port to train with
ip -n lumen_b link show "$PORT_B" | grep -q "[<,]UP[,>]" || fail "port 1 went down"
[ "$(ls /sys/bus/pci/drivers/lumen | grep -c '^0000:')" = 1 ] ||
	fail "lumen is not bound to exactly one device"
i=0
until has_netdev "$BDF_A"; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "port 0 never came back"
	sleep 0.1
done
echo "step: back"
traffic_stop
ns_cleanup
ns_setup || fail "ns_setup with the new port"
ns_works || fail "no traffic over the new port"
echo "step: works"
# on the debug kernel: what the removal and the new probe leaked
if [ -w $KMEMLEAK ]; then
	echo scan > $KMEMLEAK
	sleep 6
	echo scan > $KMEMLEAK
	leaks=$(cat $KMEMLEAK)
	[ -z "$leaks" ] || { echo "$leaks" | head -n 40; fail "kmemleak reports"; }
fi
EOF
}

# replug SECONDS: device_add the port again, once QEMU has finished the
# unplug (it does when the guest has powered the slot off, which may be
# a little after the device left the guest's sysfs).
replug()
{
	local i

	for ((i = 0; i < $1; i++)); do
		"$QMP" "$sock" device_add \
			'{"driver": "lumen", "id": "lumen0", "netdev": "lumen_f0", "mac": "52:54:00:4c:00:01", "bus": "lumen_rp0"}' \
			> /dev/null 2>&1 && return 0
		sleep 1
	done
	echo "# device_add failed for $1 s"
	return 1
}

main()
{
	local sock result=$KSFT_PASS rc=0 scale=$LUMEN_TIME_SCALE

	lumen_vm_trap
	echo "TAP version 13"
	echo "1..1"

	sock=$(mktemp -u "${TMPDIR:-/tmp}/lumen-qmp.XXXXXX")
	# Native PCIe hotplug (pciehp), which both guest kernels have: q35
	# would otherwise hand the slots to ACPI hotplug, which the debug
	# kernel (defconfig based) lacks.
	lumen_vm_start hp --timeout $((300 * scale)) \
		--qemu-args "-qmp unix:$sock,server=on,wait=off -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off" \
		-- "$(guest_script)"

	if ! lumen_vm_wait_step hp traffic $((60 * scale)); then
		result=$KSFT_FAIL
	elif ! "$QMP" "$sock" device_del '{"id": "lumen0"}' > /dev/null; then
		result=$KSFT_FAIL
	elif ! lumen_vm_wait_step hp removed $((30 * scale)); then
		result=$KSFT_FAIL
	elif ! replug $((30 * scale)); then
		result=$KSFT_FAIL
	elif ! lumen_vm_wait_step hp works $((60 * scale)); then
		result=$KSFT_FAIL
	fi
	lumen_vm_wait hp || rc=$?
	rm -f "$sock"

	lumen_vm_output hp | sed 's/^/# /'
	[ "$rc" -eq 0 ] || { echo "# guest exit $rc"; result=$KSFT_FAIL; }
	if ! lumen_vm_faults "$(lumen_vm_console hp)" | sed 's/^/# /'; then
		result=$KSFT_FAIL
	fi
	if [ "$result" -eq "$KSFT_PASS" ]; then
		echo "ok 1 hot_unplug_under_traffic"
	else
		echo "not ok 1 hot_unplug_under_traffic"
	fi
	return "$result"
}

main "$@"
