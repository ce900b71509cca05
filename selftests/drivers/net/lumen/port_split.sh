#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Live port split through stock devlink: `devlink port split DEV/0
# count N` turns the 8-lane port into N ports of 8/N lanes, each a devlink
# port and a netdev of its own, with no reload or reboot; `devlink port
# unsplit` joins them again.  Split ports train, carry traffic, count
# frames and fail independently: loss of signal on one lane takes only
# its port down.  A split end facing an unsplit one sees a speed
# mismatch.  Invalid counts, splitting a split port and unsplitting an
# unsplit one are refused with devlink's or the driver's message.  A
# port above 0 works with port 0 down, after a split and after a reset;
# ethtool -p blinks the port it is given.  The split survives a reload;
# raw channels are torn down by it; splitting over and over under
# traffic leaks nothing and warns nothing, and the link comes back each
# time.

. "$(dirname "$0")/lib.sh"

RAW=$(dirname "$0")/lumen-raw
TMP=/tmp/lumen-split.$$
CHURN=$(rounds 10 3)

cleanup()
{
	[ -z "${bg:-}" ] || kill "$bg" 2>/dev/null
	rm -rf "$TMP"
	fault_test_cleanup
}
trap cleanup EXIT

# netdevs BDF: the device's netdevs, one per line, sorted by port
netdevs()
{
	for nd in /sys/bus/pci/devices/"$1"/net/*; do
		[ -e "$nd" ] || continue
		echo "$(cat "$nd/phys_port_name" 2>/dev/null) ${nd##*/}"
	done | sort | awk '{ print $2 }'
}

# nports_is BDF N: the device has N devlink ports, each with a netdev
# (in whatever network namespace: for wait_for)
nports_is()
{
	[ "$(devlink port show | grep -c "^pci/$1/[0-9]*: type eth ")" -eq "$2" ] &&
	[ "$(devlink port show | grep -c "^pci/$1/")" -eq "$2" ]
}

# port BDF K: the netdev of port K (phys_port_name p0sK, p0 unsplit)
port()
{
	for nd in /sys/bus/pci/devices/"$1"/net/*; do
		case "$(cat "$nd/phys_port_name" 2>/dev/null)" in
		p0s"$2"|p0) echo "${nd##*/}"; return 0 ;;
		esac
	done
	return 1
}

# split BDF N / unsplit BDF: through devlink, then wait for the netdevs
split()
{
	devlink port split "pci/$1/0" count "$2" &&
		wait_for 10 nports_is "$1" "$2"
}

unsplit()
{
	devlink port unsplit "pci/$1/0" && wait_for 10 nports_is "$1" 1
}

# all_up BDF...: every netdev of the devices up, IPv6 off
all_up()
{
	for b in "$@"; do
		for nd in $(netdevs "$b"); do
			echo 1 > "/proc/sys/net/ipv6/conf/$nd/disable_ipv6"
			ip link set "$nd" up || return 1
		done
	done
}

# all_carrier BDF...: every netdev of the devices has carrier
all_carrier()
{
	for b in "$@"; do
		for nd in $(netdevs "$b"); do
			carrier_up "$nd" || return 1
		done
	done
}

# in_ns NS CMD...: CMD in network namespace NS, or in this one for -
in_ns()
{
	if [ "$1" = - ]; then
		shift
		"$@"
	else
		ip netns exec "$@"
	fi
}

# speed_is NS DEV MBPS LANES: what `ethtool DEV` says
speed_is()
{
	out=$(in_ns "$1" ethtool "$2")
	echo "$out" | grep -q "Speed: $3Mb/s" && echo "$out" | grep -q "Lanes: $4" ||
		fail_msg "$2: $(echo "$out" | grep -E 'Speed|Lanes' | tr -s '\t\n' ' ')"
}

link_detected()
{
	in_ns "$1" ethtool "$2" | sed -n 's/^[[:space:]]*Link detected: //p'
}

# detected_is NS DEV TEXT: the "Link detected:" line says TEXT
detected_is()
{
	[ "$(link_detected "$1" "$2")" = "$3" ]
}

setup()
{
	mkdir -p "$TMP" || return 1
	lumen_load || return 1
	set -- $(lumen_bdfs)
	BDF_A=$1
	BDF_B=$2
	out=$(devlink port show "pci/$BDF_A/0")
	log "$out"
	echo "$out" | grep -q "flavour physical port 0 splittable true lanes 8" ||
		fail_msg "unsplit port: $out"
}

# Both devices split in two: two devlink ports of 4 lanes and two
# netdevs each, p0s0 and p0s1; the old netdev is gone.
split_in_two()
{
	old=$(cat "/sys/class/net/$(port "$BDF_A" 0)/ifindex")
	dmesg_mark
	split "$BDF_A" 2 && split "$BDF_B" 2 || fail_msg "no two netdevs" || return 1
	! ip -o link | grep -q "^$old:" || fail_msg "netdev $old is still there" ||
		return 1
	for k in 0 1; do
		out=$(devlink port show "pci/$BDF_A/$k")
		log "$out"
		echo "$out" | grep -q "netdev $(port "$BDF_A" $k) flavour physical port 0 split_group 0 splittable false lanes 4" ||
			fail_msg "port $k: $out" || return 1
	done
	dmesg_since | grep -q "$BDF_A: lanes now form 2 ports of 4" ||
		fail_msg "not logged"
}

# Port k of A in lumen_a as 10.7k.0.1, of B in lumen_b as 10.7k.0.2.
pairs_setup()
{
	ns_cleanup
	ip netns add lumen_a && ip netns add lumen_b || return 1
	for k in 0 1; do
		pa=$(port "$BDF_A" $k) && pb=$(port "$BDF_B" $k) || return 1
		ip link set "$pa" netns lumen_a && ip link set "$pb" netns lumen_b &&
		ip netns exec lumen_a sh -c "echo 1 > /proc/sys/net/ipv6/conf/$pa/disable_ipv6" &&
		ip netns exec lumen_b sh -c "echo 1 > /proc/sys/net/ipv6/conf/$pb/disable_ipv6" &&
		ip -n lumen_a addr add "10.7$((6 + k)).0.1/24" dev "$pa" &&
		ip -n lumen_b addr add "10.7$((6 + k)).0.2/24" dev "$pb" &&
		ip -n lumen_a link set "$pa" up && ip -n lumen_b link set "$pb" up ||
			return 1
		eval "A$k=$pa B$k=$pb"
	done
	wait_for 10 carrier_in lumen_a "$A0" && wait_for 10 carrier_in lumen_a "$A1" &&
	wait_for 10 carrier_in lumen_b "$B0" && wait_for 10 carrier_in lumen_b "$B1" ||
		fail_msg "no carrier on the split ports" || return 1
	speed_is lumen_a "$A0" 200000 4 && speed_is lumen_a "$A1" 200000 4
}

# pair_pings K: port k of A reaches port k of B
pair_pings()
{
	ip netns exec lumen_a ping -c 3 -i 0.2 -W 2 "10.7$((6 + $1)).0.2" > /dev/null
}

# 100 pings over pair 1: port 1's MAC counts them, port 0's does not.
traffic_per_port()
{
	pair_pings 0 && pair_pings 1 || fail_msg "a pair does not ping" ||
		return 1
	tx0=$(ethtool_stat lumen_a "$A0" mac_tx_frames)
	tx1=$(ethtool_stat lumen_a "$A1" mac_tx_frames)
	rx1=$(ethtool_stat lumen_b "$B1" mac_rx_frames)
	ip netns exec lumen_a ping -q -c 100 -i 0.01 -W 2 10.77.0.2 > /dev/null ||
		fail_msg "pings lost on pair 1" || return 1
	d0=$(($(ethtool_stat lumen_a "$A0" mac_tx_frames) - tx0))
	d1=$(($(ethtool_stat lumen_a "$A1" mac_tx_frames) - tx1))
	r1=$(($(ethtool_stat lumen_b "$B1" mac_rx_frames) - rx1))
	log "port 0 sent $d0, port 1 sent $d1, B's port 1 received $r1"
	[ "$d1" -ge 100 ] && [ "$r1" -ge 100 ] && [ "$d0" -lt 5 ] ||
		fail_msg "counters: port 0 +$d0, port 1 +$d1, far port 1 +$r1"
}

# No light on lane 5, port 1's second lane: port 1 goes down for loss of
# signal, port 0 stays up and carries traffic; light back, port 1 back.
lane_fault_is_one_ports()
{
	dmesg_mark
	testwin "$BDF_A" set lane_los 0x20 || return 1
	wait_for 5 carrier_down_in lumen_a "$A1" || fail_msg "port 1 stayed up" ||
		return 1
	got=$(link_detected lumen_a "$A1")
	[ "$got" = "no (Bad signal integrity, Serdes ALOS)" ] ||
		fail_msg "port 1: Link detected: $got" || return 1
	carrier_in lumen_a "$A0" && pair_pings 0 ||
		fail_msg "port 0 went down with port 1's lane" || return 1
	dmesg_since | grep -q "$A0: link down" && fail_msg "port 0's link went down" &&
		return 1
	testwin "$BDF_A" set lane_los 0 || return 1
	wait_for 10 carrier_in lumen_a "$A1" && pair_pings 1 ||
		fail_msg "port 1 did not come back"
}

# Port 0 of both ends down: port 1 carries traffic on its own queue
# pairs, and again after a reload of both devices.
second_port_alone()
{
	ip -n lumen_a link set "$A0" down && ip -n lumen_b link set "$B0" down ||
		return 1
	pair_pings 1 || fail_msg "port 1 silent with port 0 down" || return 1
	devlink dev reload "pci/$BDF_A" && devlink dev reload "pci/$BDF_B" ||
		fail_msg "reload failed" || return 1
	wait_for 10 carrier_in lumen_a "$A1" && wait_for 10 carrier_in lumen_b "$B1" ||
		fail_msg "no carrier on port 1 after the reloads" || return 1
	pair_pings 1 || fail_msg "port 1 silent after the reloads" || return 1
	ip -n lumen_a link set "$A0" up && ip -n lumen_b link set "$B0" up &&
	wait_for 10 carrier_in lumen_a "$A0" && wait_for 10 carrier_in lumen_b "$B0" &&
		pair_pings 0 || fail_msg "port 0 did not come back"
}

# led BDF K: port K's PORT_LED, from a snapshot of the registers region
led()
{
	devlink region new "pci/$1/registers" snapshot 42 > /dev/null || return 1
	devlink region read "pci/$1/registers" snapshot 42 \
		address $((0x218 + 0x40 * $2)) length 4 | awk 'NR == 1 { print $2 }'
	devlink region del "pci/$1/registers" snapshot 42
}

led_lit()
{
	[ "$(led "$BDF_A" 1)" = 02 ]
}

# ethtool -p on port 1 blinks port 1's LED, and leaves port 0's alone.
identify_its_port()
{
	ip netns exec lumen_a ethtool -p "$A1" 3 &
	blink=$!
	wait_for 3 led_lit || { wait $blink; fail_msg "port 1's LED never on"; return 1; }
	p0=$(led "$BDF_A" 0)
	wait $blink
	[ "$p0" = 00 ] || fail_msg "port 0's LED $p0 while port 1 blinks" || return 1
	[ "$(led "$BDF_A" 1)" = 00 ] || fail_msg "port 1's LED $(led "$BDF_A" 1) after"
}

carrier_down_in()
{
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 0 ]
}

# A unsplit again faces B's port 0 of 4 lanes: a speed mismatch on both,
# no partner for B's port 1.
unsplit_facing_split()
{
	unsplit "$BDF_A" || fail_msg "unsplit failed" || return 1
	a=$(port "$BDF_A" 0)
	out=$(devlink port show "pci/$BDF_A/0")
	echo "$out" | grep -q "splittable true lanes 8" || fail_msg "$out" || return 1
	all_up "$BDF_A" || return 1
	wait_for 10 detected_is - "$a" "no (Autoneg, No HCD)" ||
		fail_msg "unsplit A: Link detected: $(link_detected - "$a")" || return 1
	got=$(link_detected lumen_b "$B1")
	[ "$got" = "no (Autoneg, No partner detected during force mode)" ] ||
		fail_msg "B port 1: Link detected: $got"
}

# Refusals, each with its message, each leaving the ports as they were.
refused()
{
	want=$1
	shift
	out=$(devlink port "$@" 2>&1) && fail_msg "taken: devlink port $*" && return 1
	log "devlink port $*: $out"
	echo "$out" | grep -q "$want" || fail_msg "devlink port $*: $out"
}

invalid_requests()
{
	refused "Invalid split count" split "pci/$BDF_A/0" count 3 &&
	refused "Invalid split count" split "pci/$BDF_A/0" count 16 &&
	refused "Invalid split count" split "pci/$BDF_A/0" count 1 &&
	refused "the port is not split" unsplit "pci/$BDF_A/0" &&
	refused "Port cannot be split further" split "pci/$BDF_B/1" count 2 ||
		return 1
	nports_is "$BDF_A" 1 && nports_is "$BDF_B" 2 ||
		fail_msg "the ports changed"
}

# 4 x 100G and 8 x 50G on both: every port links at its share of lanes.
four_and_eight()
{
	unsplit "$BDF_B" || return 1
	for ways in 4 8; do
		split "$BDF_A" "$ways" && split "$BDF_B" "$ways" ||
			fail_msg "no $ways netdevs" || return 1
		last_port_alone $((ways - 1)) || return 1
		all_up "$BDF_A" "$BDF_B" || return 1
		wait_for 15 all_carrier "$BDF_A" "$BDF_B" ||
			fail_msg "split $ways: not every port has carrier" || return 1
		speed_is - "$(port "$BDF_A" $((ways - 1)))" $((400000 / ways)) $((8 / ways)) ||
			return 1
		unsplit "$BDF_A" && unsplit "$BDF_B" || return 1
	done
}

# last_port_alone K: port K of a fresh split, the only one up on either
# end, carries traffic (10.79.0.0/24, in lumen_a and lumen_b)
last_port_alone()
{
	pa=$(port "$BDF_A" "$1") && pb=$(port "$BDF_B" "$1") || return 1
	ip link set "$pa" netns lumen_a && ip link set "$pb" netns lumen_b &&
	ip -n lumen_a addr add 10.79.0.1/24 dev "$pa" &&
	ip -n lumen_b addr add 10.79.0.2/24 dev "$pb" &&
	ip -n lumen_a link set "$pa" up && ip -n lumen_b link set "$pb" up &&
	wait_for 10 carrier_in lumen_a "$pa" && wait_for 10 carrier_in lumen_b "$pb" ||
		fail_msg "port $1 alone: no carrier" || return 1
	ip netns exec lumen_a ping -c 3 -i 0.2 -W 2 10.79.0.2 > /dev/null ||
		fail_msg "port $1 alone: no traffic" || return 1
	# back to the initial namespace, for all_up and all_carrier
	ip -n lumen_a link set "$pa" netns 1 && ip -n lumen_b link set "$pb" netns 1
}

# A reload keeps the split: the same netdevs, back up.
reload_keeps_split()
{
	split "$BDF_A" 2 && split "$BDF_B" 2 || return 1
	all_up "$BDF_A" "$BDF_B" && wait_for 10 all_carrier "$BDF_A" "$BDF_B" ||
		fail_msg "no carrier before the reload" || return 1
	before=$(netdevs "$BDF_A" | tr '\n' ' ')
	devlink dev reload "pci/$BDF_A" || fail_msg "reload failed" || return 1
	after=$(netdevs "$BDF_A" | tr '\n' ' ')
	[ "$before" = "$after" ] || fail_msg "netdevs $before, then $after" ||
		return 1
	wait_for 10 all_carrier "$BDF_A" "$BDF_B" || fail_msg "no carrier after the reload"
}

# A raw channel on port 0 is torn down by an unsplit: its receiver fails.
raw_channel_torn_down()
{
	start_raw || return 1
	unsplit "$BDF_A" || return 1
	wait "$bg"
	rc=$?
	bg=
	log "receiver: exit $rc, $(cat "$TMP/recv.err")"
	[ "$rc" -ne 0 ] && grep -q "Network dropped connection on reset" "$TMP/recv.err" ||
		fail_msg "the receiver did not see ENETRESET"
}

start_raw()
{
	rm -f "$TMP/ready"
	"$RAW" recv "/dev/lumen/$BDF_A" --chan 1 --count 1 --timeout 20000 --ready "$TMP/ready" \
		> "$TMP/recv.out" 2> "$TMP/recv.err" &
	bg=$!
	wait_for 5 test -e "$TMP/ready" && return 0
	fail_msg "no raw channel: $(cat "$TMP/recv.err")"
}

# b_back: B's new netdev into lumen_b as 10.76.0.2, the link up, pings
# answered
b_back()
{
	PORT_B=$(port "$BDF_B" 0) &&
	ip link set "$PORT_B" netns lumen_b &&
	ip -n lumen_b addr add 10.76.0.2/24 dev "$PORT_B" &&
	ip -n lumen_b link set "$PORT_B" up &&
	wait_for 10 carrier_in lumen_b "$PORT_B" && ns_works
}

# Split and unsplit B over and over while A pings it: the link comes
# back each time, nothing leaks or warns.
churn_under_traffic()
{
	unsplit "$BDF_B" || fail_msg "unsplit B" || return 1
	ns_cleanup
	ns_setup || fail_msg "no link between the unsplit ports" || return 1
	dmesg_mark
	traffic_start
	round=0
	while [ $round -lt "$CHURN" ]; do
		split "$BDF_B" 2 && unsplit "$BDF_B" && b_back ||
			{ traffic_stop; fail_msg "round $round failed"; return 1; }
		round=$((round + 1))
	done
	traffic_stop
	! dmesg_since | grep -E "WARNING|BUG|leak" ||
		fail_msg "the kernel complained"
}

ktap_header 13
ktap_check "setup" setup
ktap_check "split_in_two" split_in_two
ktap_check "split_ports_link_at_200G" pairs_setup
ktap_check "traffic_counted_per_port" traffic_per_port
ktap_check "lane_fault_downs_only_its_port" lane_fault_is_one_ports
ktap_check "second_port_alone" second_port_alone
ktap_check "identify_blinks_its_port" identify_its_port
ktap_check "unsplit_facing_split_mismatch" unsplit_facing_split
ktap_check "invalid_requests_refused" invalid_requests
ktap_check "split_4_and_8" four_and_eight
ktap_check "reload_keeps_split" reload_keeps_split
ktap_check "raw_channel_torn_down" raw_channel_torn_down
ktap_check "split_churn_under_traffic" churn_under_traffic
ktap_finish
