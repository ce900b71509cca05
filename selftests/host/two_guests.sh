#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two guests, one lumen port each, wired to each other over -netdev dgram
# on 127.0.0.1 (the fiber between two hosts).  Each loads lumen, takes
# 10.77.0.1/24 or 10.77.0.2/24 and pings the other; both must succeed.

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/vm/lib.sh"

KSFT_PASS=0
KSFT_FAIL=1

# Guest side.  The peer may still be booting, so ping until it answers.
# Then tell the peer over TCP that we are done, and stay up until it has
# told us the same, so that neither powers off under the other's pings.
guest_script()
{
	local me=$1 peer=$2 port=7777

	cat <<EOF
set -e
modprobe lumen
dev=\$(basename /sys/bus/pci/drivers/lumen/*/net/*)
[ -e "/sys/class/net/\$dev" ] || { echo "no lumen netdev"; exit 1; }
ip addr add $me/24 dev "\$dev"
ip link set "\$dev" up
nc -l -p $port > /tmp/peer-done &
echo "\$dev: $me/24, pinging $peer"
i=0
until ping -c 1 -W 1 $peer > /dev/null 2>&1; do
	i=\$((i + 1))
	[ \$i -lt 90 ] || { echo "no answer from $peer in 90 s"; exit 1; }
	sleep 1
done
ping -c 3 -w 15 $peer
i=0
until echo done | nc -w 5 $peer $port; do
	i=\$((i + 1))
	[ \$i -lt 30 ] || { echo "could not tell $peer we are done"; break; }
	sleep 1
done
i=0
until grep -q done /tmp/peer-done; do
	i=\$((i + 1))
	[ \$i -lt 60 ] || { echo "$peer never said it was done"; break; }
	sleep 1
done
echo "$peer is done too"
EOF
}

main()
{
	local pa pb rc_a=0 rc_b=0 result=$KSFT_PASS name

	lumen_vm_trap
	echo "TAP version 13"
	echo "1..1"

	read -r pa pb < <(lumen_udp_ports 2)
	lumen_vm_start a --ports 0 --timeout 240 \
		--netdev-args "$(lumen_vm_port_args 0 52:54:00:4c:01:01 "$pa" "$pb")" \
		-- "$(guest_script 10.77.0.1 10.77.0.2)"
	lumen_vm_start b --ports 0 --timeout 240 \
		--netdev-args "$(lumen_vm_port_args 0 52:54:00:4c:01:02 "$pb" "$pa")" \
		-- "$(guest_script 10.77.0.2 10.77.0.1)"
	lumen_vm_wait a || rc_a=$?
	lumen_vm_wait b || rc_b=$?

	for name in a b; do
		echo "# guest $name:"
		lumen_vm_output "$name" | sed 's/^/#   /'
	done
	if [ "$rc_a" -ne 0 ] || [ "$rc_b" -ne 0 ]; then
		echo "# guest a exit $rc_a, guest b exit $rc_b"
		result=$KSFT_FAIL
	fi
	if ! lumen_vm_faults "$(lumen_vm_console a)" "$(lumen_vm_console b)" | sed 's/^/# /'; then
		result=$KSFT_FAIL
	fi

	if [ "$result" -eq "$KSFT_PASS" ]; then
		echo "ok 1 two_guests_ping"
	else
		echo "not ok 1 two_guests_ping"
	fi
	return "$result"
}

main "$@"
