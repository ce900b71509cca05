#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What a port says about itself through the stock tools must be what the
# device says: the netdev's MAC is the one in the device's MAC registers,
# `ethtool -i` names the driver, firmware and bus address, and
# `devlink dev info` names the driver and the PCIe Device Serial Number.

. "$(dirname "$0")/lib.sh"

cleanup()
{
	lumen_unload
}
trap cleanup EXIT

# device_mac BDF: the MAC from BAR0, read while no driver holds it.
device_mac()
{
	lo=$(testwin "$1" bar0 0x18) && hi=$(testwin "$1" bar0 0x1c) || return 1
	printf '%02x:%02x:%02x:%02x:%02x:%02x\n' \
		$((lo & 0xff)) $((lo >> 8 & 0xff)) $((lo >> 16 & 0xff)) \
		$((lo >> 24 & 0xff)) $((hi & 0xff)) $((hi >> 8 & 0xff))
}

mac_matches()
{
	want=$(cat "/sys/class/net/$(lumen_netdev "$1")/address")
	lumen_unbind "$1" || return 1
	got=$(device_mac "$1")
	lumen_bind "$1" || return 1
	wait_for 5 has_netdev "$1" || return 1
	[ "$want" = "$got" ] || fail_msg "netdev MAC $want, device MAC $got"
}

drvinfo_ok()
{
	info=$(ethtool -i "$(lumen_netdev "$1")") || return 1
	echo "$info" | sed 's/^/# /'
	echo "$info" | grep -qx "driver: lumen" || fail_msg "driver" || return 1
	echo "$info" | grep -qx "firmware-version: 1.2.3" || fail_msg "firmware" || return 1
	echo "$info" | grep -qx "bus-info: $1" || fail_msg "bus-info"
}

# The DSN as lspci decodes it from config space, e.g. 00-11-22-...
dsn_of()
{
	lspci -vv -s "$1" | sed -n 's/.*Device Serial Number \(.*\)/\1/p' | tr -d '-'
}

devlink_info_ok()
{
	info=$(devlink dev info "pci/$1") || return 1
	echo "$info" | sed 's/^/# /'
	echo "$info" | grep -q "driver lumen" || fail_msg "driver name" || return 1
	dsn=$(dsn_of "$1")
	[ -n "$dsn" ] || fail_msg "no DSN in config space" || return 1
	echo "$info" | grep -q "serial_number $dsn" ||
		fail_msg "serial_number is not the DSN $dsn" || return 1
	echo "$info" | grep -q "fw 1.2.3" || fail_msg "running fw version"
}

lumen_load || exit $KSFT_FAIL
set -- $(lumen_bdfs)
ktap_header $(($# * 3))
for b in "$@"; do
	ktap_check "mac_from_device_$b" mac_matches "$b"
	ktap_check "ethtool_drvinfo_$b" drvinfo_ok "$b"
	ktap_check "devlink_info_$b" devlink_info_ok "$b"
done
ktap_finish
