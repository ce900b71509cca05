# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for lumen's guest selftests.  POSIX sh (busybox ash in the
# guest).  Source it; it sets up KTAP output and cleanup on exit.
#
# The guest has two lumen ports wired back to back.  Tests find them by
# PCI ID, never by interface name.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

LUMEN_VENDOR=0x1234
LUMEN_DEVICE=0x4c55
TESTWIN=$(dirname "$0")/lumen-testwin
# TEST_FAULTS bits of the test window (lumen_hw.h)
FAULT_RESET_HANG=0x1
FAULT_DEAD=0x2
FAULT_IRQ_LOST=0x4
FAULT_TX_HANG=0x8
FAULT_LOS=0x20
FAULT_TRAINING=0x40
FAULT_NO_PARTNER=0x80
FAULT_NO_MODULE=0x100
FAULT_MBOX_HANG=0x200
FAULT_FLASH_FAIL=0x400
FAULT_FLASH_ROT=0x800
FAULT_BOOT_FAIL=0x1000
FAULT_MOD_STUCK=0x2000

ktap_n=0
ktap_failed=0
ktap_skipped=0

ktap_header()
{
	echo "TAP version 13"
	echo "1..$1"
}

ktap_pass()
{
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $*"
}

ktap_fail()
{
	ktap_n=$((ktap_n + 1))
	ktap_failed=$((ktap_failed + 1))
	echo "not ok $ktap_n $*"
}

ktap_skip()
{
	ktap_n=$((ktap_n + 1))
	ktap_skipped=$((ktap_skipped + 1))
	echo "ok $ktap_n $1 # SKIP $2"
}

# ktap_check NAME CMD...: one test point from a command's exit status.
ktap_check()
{
	name=$1
	shift
	if "$@"; then
		ktap_pass "$name"
	else
		ktap_fail "$name"
	fi
}

ktap_finish()
{
	echo "# $((ktap_n - ktap_failed - ktap_skipped)) passed, $ktap_failed failed, $ktap_skipped skipped"
	if [ "$ktap_failed" -ne 0 ]; then
		exit $KSFT_FAIL
	fi
	if [ "$ktap_skipped" -ne 0 ] && [ "$ktap_skipped" -eq "$ktap_n" ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

log()
{
	echo "# $*"
}

# fail_msg MSG: print why a check failed and return false.
fail_msg()
{
	echo "# FAIL: $*"
	return 1
}

# debug_kernel: true on the debug kernel (kmemleak, KASAN, ...), where
# everything runs several times slower; long tests run fewer rounds there.
debug_kernel()
{
	[ -e /sys/kernel/debug/kmemleak ]
}

# rounds STOCK DEBUG: how many rounds a long test runs on this kernel.
rounds()
{
	if debug_kernel; then
		echo "$2"
	else
		echo "$1"
	fi
}

# lumen_bdfs: the PCI addresses of every lumen device, sorted.
lumen_bdfs()
{
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = "$LUMEN_VENDOR" ] || continue
		[ "$(cat "$d/device")" = "$LUMEN_DEVICE" ] || continue
		basename "$d"
	done | sort
}

# lumen_netdev BDF: the netdev of a bound lumen device, or nothing.
lumen_netdev()
{
	ls "/sys/bus/pci/devices/$1/net" 2>/dev/null | head -n 1
}

# has_netdev BDF: the device has a netdev (evaluated on every call, for
# wait_for).
has_netdev()
{
	[ -n "$(lumen_netdev "$1")" ]
}

lumen_bound()
{
	[ -e "/sys/bus/pci/drivers/lumen/$1" ]
}

lumen_load()
{
	modprobe lumen || return 1
	wait_for 10 lumen_all_netdevs
}

lumen_unload()
{
	if grep -q '^lumen ' /proc/modules; then
		rmmod lumen
	fi
}

lumen_all_netdevs()
{
	for b in $(lumen_bdfs); do
		[ -n "$(lumen_netdev "$b")" ] || return 1
	done
}

lumen_bind()
{
	echo "$1" > /sys/bus/pci/drivers/lumen/bind
}

lumen_unbind()
{
	echo "$1" > /sys/bus/pci/drivers/lumen/unbind
}

# testwin BDF get|set|bar0 ...: the device's test-only fault window.
testwin()
{
	"$TESTWIN" "$@"
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.  CMD's
# words are expanded once, by the caller: poll a function that reads the
# state, never "test $(...)".
wait_for()
{
	limit=$(($1 * 10))
	shift
	i=0
	while [ $i -lt $limit ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	"$@"
}

carrier_up()
{
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]
}

carrier_down()
{
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 0 ]
}

# carrier_in NS DEV: DEV, in network namespace NS, has carrier.
carrier_in()
{
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ]
}

# dmesg_mark / dmesg_since: kernel messages logged after a mark.
dmesg_mark()
{
	dmesg_lines=$(dmesg | wc -l)
}

dmesg_since()
{
	dmesg | tail -n +"$((dmesg_lines + 1))"
}

# ns_setup: port 1 in netns lumen_a as 10.76.0.1, port 2 in lumen_b as
# 10.76.0.2, both up with carrier.  Sets PORT_A/PORT_B (netdev names) and
# BDF_A/BDF_B.
ns_setup()
{
	# after ns_cleanup, the netdevs come back from the namespaces being
	# torn down only once the kernel's cleanup_net has run
	wait_for 10 lumen_all_netdevs || return 1
	set -- $(lumen_bdfs)
	BDF_A=$1
	BDF_B=$2
	PORT_A=$(lumen_netdev "$BDF_A")
	PORT_B=$(lumen_netdev "$BDF_B")
	[ -n "$PORT_A" ] && [ -n "$PORT_B" ] || return 1
	ip netns add lumen_a && ip netns add lumen_b || return 1
	# No IPv6 autoconfiguration chatter: tests count frames.
	for ns in lumen_a lumen_b; do
		ip netns exec $ns sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' ||
			return 1
	done
	ip link set "$PORT_A" netns lumen_a &&
	ip link set "$PORT_B" netns lumen_b || return 1
	ip -n lumen_a addr add 10.76.0.1/24 dev "$PORT_A" &&
	ip -n lumen_b addr add 10.76.0.2/24 dev "$PORT_B" || return 1
	ip -n lumen_a link set "$PORT_A" up &&
	ip -n lumen_b link set "$PORT_B" up || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" &&
	wait_for 10 carrier_in lumen_b "$PORT_B"
}

ns_cleanup()
{
	ip netns del lumen_a 2>/dev/null
	ip netns del lumen_b 2>/dev/null
	true
}

# traffic_start / traffic_stop: pings both ways between the namespaces
# of ns_setup, 100 a second each, until traffic_stop.
traffic_start()
{
	ip netns exec lumen_a ping -q -i 0.01 10.76.0.2 > /dev/null 2>&1 &
	ping_a=$!
	ip netns exec lumen_b ping -q -i 0.01 10.76.0.1 > /dev/null 2>&1 &
	ping_b=$!
}

traffic_stop()
{
	kill ${ping_a:-} ${ping_b:-} 2>/dev/null
	wait ${ping_a:-} ${ping_b:-} 2>/dev/null
	ping_a=
	ping_b=
}

# ns_works: a ping from lumen_a to lumen_b is answered, within 5 tries of
# a second.  When one end changes, link training takes the other end's
# link down and up too, and the kernel's linkwatch may then hold that
# end's transmit path for up to a second after its carrier is back.
ns_works()
{
	for try in 1 2 3 4 5; do
		ip netns exec lumen_a ping -c 1 -W 1 10.76.0.2 > /dev/null &&
			return 0
		log "ping $try of 5 unanswered"
	done
	return 1
}

# fault_test_cleanup: the EXIT trap of a test that injects device faults
# under traffic: stop the traffic, clear every fault (they survive
# resets), take down the namespaces and unload.
fault_test_cleanup()
{
	traffic_stop
	for b in $(lumen_bdfs); do
		testwin "$b" set faults 0
		testwin "$b" set lane_los 0
		testwin "$b" set lane_atten 0
		testwin "$b" set laser_age 0
	done
	ns_cleanup
	lumen_unload
}

# pktgen_send NS DEV IP MAC COUNT DELAY_NS [SIZE]: COUNT UDP datagrams
# (to port 9) of SIZE bytes (default 60) from DEV in namespace NS to
# IP/MAC, one every DELAY_NS nanoseconds (0: as fast as the device takes
# them), with the kernel's pktgen; returns when they are sent.
pktgen_send()
{
	modprobe pktgen || return 1
	ip netns exec "$1" sh -c "pg=/proc/net/pktgen
		echo rem_device_all > \$pg/kpktgend_0 &&
		echo 'add_device $2' > \$pg/kpktgend_0 &&
		echo 'count $5' > \$pg/$2 && echo 'pkt_size ${7:-60}' > \$pg/$2 &&
		echo 'delay $6' > \$pg/$2 && echo 'dst $3' > \$pg/$2 &&
		echo 'dst_mac $4' > \$pg/$2 && echo 'udp_dst_min 9' > \$pg/$2 &&
		echo 'udp_dst_max 9' > \$pg/$2 && echo start > \$pg/pgctrl &&
		echo rem_device_all > \$pg/kpktgend_0"
}

# ns_stat NS DEV FIELD: one counter of `ip -s`, by its sysfs name.
ns_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ethtool_stat [NS] DEV NAME: one `ethtool -S` counter.
ethtool_stat()
{
	if [ $# -eq 3 ]; then
		ip netns exec "$1" ethtool -S "$2" | awk -v n="$3:" '$1 == n { print $2 }'
	else
		ethtool -S "$1" | awk -v n="$2:" '$1 == n { print $2 }'
	fi
}
