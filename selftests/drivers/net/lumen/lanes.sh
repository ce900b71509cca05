#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lanes and speed through the stock ethtool: the port starts on 8 lanes
# of 50G (400000baseSR8, autoneg off); `ethtool -s DEV speed S lanes N`
# sets 1, 2, 4 or 8 lanes of 25G, 50G, 100G or 200G, link modes the
# kernel has and speeds it has none for (800G, 1.6T) alike, and the
# link comes back at that speed, carrying traffic, once both ends agree.
# Ends that disagree stay down, saying why; lanes the port does not run
# on are dark, so their errors cannot take the link down.  Requests no
# lane rate makes, autoneg and half duplex are refused with nothing
# changed.  The setting survives down/up and a devlink reload.

. "$(dirname "$0")/lib.sh"

# TEST_LANE_BER(6) of the test window, errors per 10^12 bits
LANE6_BER_REG=$(printf '0x%x' $((0x40 + 6 * 4)))

cleanup()
{
	testwin "$BDF_A" set "$LANE6_BER_REG" 0
	fault_test_cleanup
}
trap cleanup EXIT

# field NS DEV NAME: one "NAME: value" line of `ethtool DEV`.
field()
{
	ip netns exec "$1" ethtool "$2" |
		sed -n "s/^[[:space:]]*$3: *//p"
}

# set_speed NS DEV ARGS...: ethtool -s DEV ARGS autoneg off.
set_speed()
{
	ns=$1 dev=$2
	shift 2
	ip netns exec "$ns" ethtool -s "$dev" "$@" autoneg off
}

both_up()
{
	carrier_in lumen_a "$PORT_A" && carrier_in lumen_b "$PORT_B"
}

both_down()
{
	! carrier_in lumen_a "$PORT_A" && ! carrier_in lumen_b "$PORT_B"
}

speed_of_a()
{
	echo "$(field lumen_a "$PORT_A" Speed) $(field lumen_a "$PORT_A" Lanes)"
}

# at_speed SPEED LANES: both links up, A's at that speed.
at_speed()
{
	both_up && [ "$(speed_of_a)" = "${1}Mb/s $2" ]
}

# expect_speed SPEED LANES: A's link up at that speed, with traffic.
expect_speed()
{
	wait_for 10 at_speed "$1" "$2" ||
		fail_msg "want ${1}Mb/s on $2 lanes, ethtool says $(speed_of_a)" ||
		return 1
	ns_works || fail_msg "no traffic at $1 Mb/s on $2 lanes"
}

defaults()
{
	ip netns exec lumen_a ethtool "$PORT_A" | sed 's/^/# /'
	expect_speed 400000 8 || return 1
	[ "$(field lumen_a "$PORT_A" Auto-negotiation)" = off ] ||
		fail_msg "autoneg is not off" || return 1
	modes=$(ip netns exec lumen_a ethtool "$PORT_A")
	for m in 25000baseSR/Full 100000baseSR4/Full 200000baseSR2/Full \
		 400000baseSR8/Full 400000baseSR4/Full; do
		echo "$modes" | grep -q "$m" ||
			fail_msg "$m not among the supported modes" || return 1
	done
	[ "$(field lumen_a "$PORT_A" 'Advertised link modes')" = 400000baseSR8/Full ] ||
		fail_msg "advertised: $(field lumen_a "$PORT_A" 'Advertised link modes')"
}

# Both ends to each setting in turn (B first, then A): the link follows,
# the driver logs the new speed, and traffic flows.
each_setting()
{
	for s in "200000 4" "100000 1" "50000 2" "25000 1" "200000 8" \
		 "800000 4" "1600000 8" "400000 8"; do
		set -- $s
		dmesg_mark
		set_speed lumen_b "$PORT_B" speed "$1" lanes "$2" &&
		set_speed lumen_a "$PORT_A" speed "$1" lanes "$2" ||
			fail_msg "speed $1 lanes $2 refused" || return 1
		expect_speed "$1" "$2" || return 1
		wait_for 5 logged_up "$(($1 / 1000))" "$2" ||
			fail_msg "no 'link up, $(($1 / 1000)) Gb/s on $2 lanes' in the log" ||
			return 1
	done
}

logged_up()
{
	dmesg_since | grep -q "$PORT_A: link up, $1 Gb/s on $2 lanes"
}

# Speed alone keeps the lanes (their rate changes); lanes alone keep
# the speed.
speed_or_lanes_alone()
{
	set_speed lumen_b "$PORT_B" speed 200000 &&
	set_speed lumen_a "$PORT_A" speed 200000 || return 1
	expect_speed 200000 8 || return 1
	set_speed lumen_b "$PORT_B" lanes 2 &&
	set_speed lumen_a "$PORT_A" lanes 2 || return 1
	expect_speed 200000 2 || return 1
	set_speed lumen_b "$PORT_B" speed 400000 lanes 8 &&
	set_speed lumen_a "$PORT_A" speed 400000 lanes 8 || return 1
	expect_speed 400000 8
}

link_detected()
{
	field lumen_a "$PORT_A" 'Link detected'
}

# A on 4 lanes of 50G, B on 8: both down, A saying why, logged once;
# back up once A returns to 8.
mismatch()
{
	dmesg_mark
	set_speed lumen_a "$PORT_A" speed 200000 lanes 4 || return 1
	wait_for 10 both_down || fail_msg "links stayed up" || return 1
	got=$(link_detected)
	log "A: Link detected: $got"
	[ "$got" = "no (Autoneg, No HCD)" ] ||
		fail_msg "A: Link detected: $got" || return 1
	n=$(dmesg_since | grep -c "$PORT_A: link down, the link partner runs other lanes or another lane rate\$")
	[ "$n" = 1 ] || fail_msg "reason logged $n times" || return 1
	set_speed lumen_a "$PORT_A" speed 400000 lanes 8 || return 1
	expect_speed 400000 8
}

# On 4 lanes, lane 6 is dark: a BER there far beyond the FEC changes
# nothing, and ethtool -S shows none measured on it.
dark_lanes()
{
	set_speed lumen_b "$PORT_B" speed 400000 lanes 4 &&
	set_speed lumen_a "$PORT_A" speed 400000 lanes 4 || return 1
	expect_speed 400000 4 || return 1
	testwin "$BDF_A" set "$LANE6_BER_REG" 1000000000 || return 1
	sleep 1
	both_up || fail_msg "a dark lane's errors took the link down" ||
		return 1
	[ "$(ethtool_stat lumen_a "$PORT_A" lane6_ber_e12)" = 0 ] ||
		fail_msg "lane 6 measured on a dark lane" || return 1
	testwin "$BDF_A" set "$LANE6_BER_REG" 0
}

# refused ARGS...: ethtool -s refuses them, A keeps its settings.
refused()
{
	before="$(field lumen_a "$PORT_A" Speed) $(field lumen_a "$PORT_A" Lanes)"
	out=$(ip netns exec lumen_a ethtool -s "$PORT_A" "$@" 2>&1) &&
		fail_msg "ethtool -s $* accepted" && return 1
	log "ethtool -s $*: $(echo "$out" | tr '\n' ' ')"
	sleep 0.5
	after="$(field lumen_a "$PORT_A" Speed) $(field lumen_a "$PORT_A" Lanes)"
	[ "$after" = "$before" ] || fail_msg "$* changed $before to $after"
}

bad_values_refused()
{
	dmesg_mark
	refused speed 300000 lanes 4 autoneg off &&
	refused speed 400000 lanes 1 autoneg off &&
	refused speed 12345 autoneg off &&
	refused speed 400000 lanes 3 autoneg off &&
	refused autoneg on &&
	refused duplex half autoneg off || return 1
	dmesg_since | grep -q "$PORT_A: speed 300000 Mb/s on 4 lanes: give 1, 2, 4 or 8 lanes" ||
		fail_msg "no reason logged for speed 300000" || return 1
	dmesg_since | grep -q "$PORT_A: autoneg: the port does not negotiate" ||
		fail_msg "no reason logged for autoneg"
}

kept_across_down_up_and_reload()
{
	set_speed lumen_b "$PORT_B" speed 200000 lanes 4 &&
	set_speed lumen_a "$PORT_A" speed 200000 lanes 4 || return 1
	expect_speed 200000 4 || return 1
	ip -n lumen_a link set "$PORT_A" down &&
	ip -n lumen_a link set "$PORT_A" up || return 1
	expect_speed 200000 4 || return 1
	devlink dev reload "pci/$BDF_A" || return 1
	expect_speed 200000 4 || return 1
	set_speed lumen_b "$PORT_B" speed 400000 lanes 8 &&
	set_speed lumen_a "$PORT_A" speed 400000 lanes 8 || return 1
	expect_speed 400000 8
}

ktap_header 8
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "defaults_400g_on_8_lanes" defaults
ktap_check "each_setting_both_ends" each_setting
ktap_check "speed_or_lanes_alone" speed_or_lanes_alone
ktap_check "mismatch_keeps_both_down" mismatch
ktap_check "dark_lanes_do_not_count" dark_lanes
ktap_check "bad_values_refused" bad_values_refused
ktap_check "kept_across_down_up_and_reload" kept_across_down_up_and_reload
ktap_finish
