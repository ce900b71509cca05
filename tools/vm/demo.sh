#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make run`: show two lumen ports wired back to back, then
# ping across the fiber between two network namespaces.
#
#   port 1  ->  netns a, 10.76.0.1/24
#   port 2  ->  netns b, 10.76.0.2/24
#
# Netdev names come from the driver: the ports are found through the PCI
# driver binding, in PCI address order.

set -e

# Print a command as a shell transcript would, then run it.
show()
{
	echo
	echo "# $*"
	"$@"
}

lumen_netdevs()
{
	local path

	for path in /sys/bus/pci/drivers/lumen/*/net/*; do
		[ -e "$path" ] && basename "$path"
	done
}

# wait_carrier NS DEV SECONDS
wait_carrier()
{
	local i=0

	while [ "$i" -lt "$3" ]; do
		[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ] &&
			return 0
		sleep 1
		i=$((i + 1))
	done
	echo "$2 in netns $1: no carrier after $3 s" >&2
	return 1
}

# into_netns DEV NS ADDR
into_netns()
{
	ip netns add "$2"
	ip link set "$1" netns "$2"
	ip -n "$2" addr add "$3" dev "$1"
	ip -n "$2" link set "$1" up
}

main()
{
	local devs p1 p2 slot

	show lspci -nn -d 1234:4c55
	slot=$(lspci -d 1234:4c55 | awk '{ print $1; exit }')
	show lspci -vv -s "$slot"
	show modprobe lumen
	devs=$(lumen_netdevs)
	set -- $devs
	if [ $# -ne 2 ]; then
		echo "expected 2 lumen netdevs, found $#: $devs" >&2
		exit 1
	fi
	p1=$1
	p2=$2
	show ip -br link
	show ethtool -i "$p1"
	show ethtool "$p1"
	show devlink dev info

	echo
	echo "# $p1 -> netns a 10.76.0.1/24, $p2 -> netns b 10.76.0.2/24"
	into_netns "$p1" a 10.76.0.1/24
	into_netns "$p2" b 10.76.0.2/24
	wait_carrier a "$p1" 30
	wait_carrier b "$p2" 30
	show ip -n a -br addr
	show ip -n b -br addr
	show ip netns exec a ping -c 3 -w 15 10.76.0.2
}

main "$@"
