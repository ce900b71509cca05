#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reset the device under the driver while traffic flows in both
# directions: `devlink dev reload` (driver_reinit) and a PCI function
# reset through sysfs (FLR), ROUNDS times each (100; 25 on the debug
# kernel), alternating between the two ports.  The netdevs stay
# registered with their names, namespaces and ethtool settings; their
# counters never go back; traffic flows after every round.  A reload of
# a device that does not come out of reset fails with a clear message and
# a later one recovers; a reload into another namespace is refused.

. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-$(rounds 100 25)}

trap fault_test_cleanup EXIT

# settings NS DEV: what must survive a reset, on one line.
settings()
{
	ip netns exec "$1" ethtool -g "$2" |
		awk '/^Current/ { cur = 1 } cur && /^(RX|TX):/ { printf "%s%s ", $1, $2 }'
	ip netns exec "$1" ethtool -l "$2" |
		awk '/^Current/ { cur = 1 } cur && /^Combined:/ { printf "combined %s ", $2 }'
	ip -n "$1" -o link show "$2" | grep -o "mtu [0-9]*"
}

# counters NS DEV: tx_packets and the device's mac_tx_frames.
counters()
{
	echo "$(ns_stat "$1" "$2" tx_packets) $(ethtool_stat "$1" "$2" mac_tx_frames)"
}

# not_less "A B" "C D": C >= A and D >= B.
not_less()
{
	set -- $1 $2
	[ "$3" -ge "$1" ] && [ "$4" -ge "$2" ]
}

configure()
{
	ip netns exec lumen_a ethtool -G "$PORT_A" tx 256 rx 1024 &&
	ip netns exec lumen_a ethtool -L "$PORT_A" combined 3 &&
	ip -n lumen_a link set "$PORT_A" mtu 4000 &&
	ip -n lumen_b link set "$PORT_B" mtu 4000 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || return 1
	SET_A=$(settings lumen_a "$PORT_A")
	SET_B=$(settings lumen_b "$PORT_B")
	log "port A: $SET_A"
}

# reset_rounds HOW: ROUNDS resets of one port or the other under
# traffic; HOW is reload or flr.
reset_rounds()
{
	how=$1
	before_a=$(counters lumen_a "$PORT_A")
	traffic_start
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then bdf=$BDF_A; else bdf=$BDF_B; fi
		case $how in
		reload)	out=$(devlink dev reload "pci/$bdf" 2>&1) ;;
		flr)	out=$(echo 1 2>&1 > "/sys/bus/pci/devices/$bdf/reset") ;;
		esac || fail_msg "round $r: $how of $bdf failed: $out" || return 1
		sleep 0.05
	done
	traffic_stop
	wait_for 10 carrier_in lumen_a "$PORT_A" &&
	wait_for 10 carrier_in lumen_b "$PORT_B" || fail_msg "no carrier after the rounds" || return 1
	ns_works || fail_msg "no traffic after $ROUNDS rounds" || return 1
	[ "$(settings lumen_a "$PORT_A")" = "$SET_A" ] &&
	[ "$(settings lumen_b "$PORT_B")" = "$SET_B" ] ||
		fail_msg "settings changed: $(settings lumen_a "$PORT_A")" || return 1
	after_a=$(counters lumen_a "$PORT_A")
	log "port A tx_packets, mac_tx_frames: $before_a -> $after_a"
	not_less "$before_a" "$after_a" || fail_msg "counters went back"
}

flr_available()
{
	grep -qw flr "/sys/bus/pci/devices/$BDF_A/reset_method" ||
		fail_msg "reset methods: $(cat "/sys/bus/pci/devices/$BDF_A/reset_method")"
}

# A device stuck in reset: the reload fails and says so, the port is
# detached; once the device recovers, a reload brings the port back.
hung_reset_then_recovery()
{
	testwin "$BDF_A" set faults $FAULT_RESET_HANG || return 1
	if out=$(devlink dev reload "pci/$BDF_A" 2>&1); then
		fail_msg "reload of a hung device succeeded"
		return 1
	fi
	log "hung: $out"
	echo "$out" | grep -q "did not come out of reset" ||
		fail_msg "no extack message" || return 1
	! ip netns exec lumen_a ethtool -i "$PORT_A" > /dev/null 2>&1 ||
		fail_msg "port still attached after a failed reload" || return 1
	testwin "$BDF_A" set faults 0 &&
	devlink dev reload "pci/$BDF_A" || fail_msg "reload after recovery failed" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works &&
	[ "$(settings lumen_a "$PORT_A")" = "$SET_A" ]
}

reload_to_netns_refused()
{
	if out=$(devlink dev reload "pci/$BDF_A" netns lumen_b 2>&1); then
		fail_msg "reload into another netns succeeded"
		return 1
	fi
	log "netns: $out"
	echo "$out" | grep -q "ip link set netns" || fail_msg "no extack message" || return 1
	ns_works
}

ktap_header 7
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "configure" configure
ktap_check "reload_${ROUNDS}_rounds_under_traffic" reset_rounds reload
ktap_check "flr_available" flr_available
ktap_check "flr_${ROUNDS}_rounds_under_traffic" reset_rounds flr
ktap_check "hung_reset_then_recovery" hung_reset_then_recovery
ktap_check "reload_to_netns_refused" reload_to_netns_refused
ktap_finish
