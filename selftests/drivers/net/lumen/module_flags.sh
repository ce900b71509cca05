#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The optical module's monitors crossing their thresholds, through stock
# tools.  Light lost on the way in (the test window's per-lane
# attenuation) takes a lane's RX power past its low warning, then its low
# alarm; an aged laser needs more bias for less light (TX bias high, TX
# power low); a hot module passes its temperature warning.  Each crossing
# shows in `ethtool -m`'s monitor values, is counted once per lane in
# `ethtool -S` (module_<monitor>_<level>) however long it lasts, is
# logged once raised and once cleared, and leaves the link up.  The
# module latches its flags: a crossing too brief for any read to see
# while it lasts is still counted.  Attenuated out of sight, a lane loses
# its signal and the link goes down until the light comes back.

. "$(dirname "$0")/lib.sh"

trap fault_test_cleanup EXIT

stat()
{
	ethtool_stat lumen_a "$PORT_A" "module_$1"
}

# snap: the counters as they are now, for delta
snap()
{
	snap=$(ip netns exec lumen_a ethtool -S "$PORT_A" | grep "module_")
}

# delta NAME: how much module_NAME rose since snap
delta()
{
	before=$(echo "$snap" | awk -v n="module_$1:" '$1 == n { print $2 }')
	echo $(($(stat "$1") - before))
}

# delta_is NAME N: module_NAME rose by exactly N since snap
delta_is()
{
	[ "$(delta "$1")" = "$2" ]
}

expect_delta()
{
	got=$(delta "$1")
	[ "$got" = "$2" ] || fail_msg "module_$1 rose by $got, want $2"
}

# channel LABEL N: ethtool -m's "LABEL (Channel N)" value
channel()
{
	ip netns exec lumen_a ethtool -m "$PORT_A" |
		sed -n "s/^[[:space:]]*$1 (Channel $2)[[:space:]]*: //p"
}

expect_channel()
{
	got=$(channel "$1" "$2")
	[ "$got" = "$3" ] || fail_msg "ethtool -m: $1 (Channel $2): '$got', want '$3'"
}

logged()
{
	dmesg_since | grep -q "$BDF_A: optical module: $1"
}

# set_reg NAME VALUE: a test window register of port A's device
set_reg()
{
	testwin "$BDF_A" set "$1" "$2"
}

still_up()
{
	carrier_in lumen_a "$PORT_A" ||
		fail_msg "the link went down: $(ip netns exec lumen_a ethtool "$PORT_A" | grep 'Link detected')"
}

# 8 dB lost on lane 2: -9.1 dBm, past the -9 dBm low warning only.  It
# is counted once, however often the flags are read while it lasts.
rx_power_warning()
{
	snap
	dmesg_mark
	set_reg lane_atten 0x800 || return 1
	wait_for 5 delta_is rx_power_low_warning 1 ||
		fail_msg "no RX power low warning counted" || return 1
	expect_channel "Rcvr signal avg optical power" 3 "0.1227 mW / -9.11 dBm" &&
	expect_channel "Rcvr signal avg optical power" 2 "0.7843 mW / -1.06 dBm" ||
		return 1
	logged "RX power low warning on lanes 2" || fail_msg "not logged" ||
		return 1
	# the dimmer light costs the lane's SNR its 8 dB: 16.0
	snr=$(ethtool_stat lumen_a "$PORT_A" lane2_snr_tenth_db)
	[ "$snr" = 160 ] || fail_msg "lane 2 SNR $snr tenths of a dB" || return 1
	sleep 2.5
	expect_delta rx_power_low_warning 1 && expect_delta rx_power_low_alarm 0 &&
	expect_delta rx_power_high_warning 0 && still_up || return 1
	set_reg lane_atten 0 || return 1
	wait_for 5 logged "RX power low warning cleared on lanes 2" ||
		fail_msg "clearing not logged" || return 1
	expect_channel "Rcvr signal avg optical power" 3 "0.7743 mW / -1.11 dBm" &&
	expect_delta rx_power_low_warning 1
}

# 11 dB lost on lanes 2 and 5: -12 dBm, past the -10 dBm low alarm (and
# the warning): two lanes counted at each level; traffic still flows.
rx_power_alarm()
{
	snap
	dmesg_mark
	set_reg lane_atten 0xb00b00 || return 1
	wait_for 5 delta_is rx_power_low_alarm 2 ||
		fail_msg "module_rx_power_low_alarm rose by $(delta rx_power_low_alarm), want 2" ||
		return 1
	expect_delta rx_power_low_warning 2 &&
	expect_channel "Rcvr signal avg optical power" 6 "0.0590 mW / -12.29 dBm" ||
		return 1
	logged "RX power low alarm on lanes 2,5" || fail_msg "not logged" ||
		return 1
	still_up && ns_works || fail_msg "no traffic past an RX power alarm" ||
		return 1
	set_reg lane_atten 0 || return 1
	wait_for 5 logged "RX power low alarm cleared on lanes 2,5" ||
		fail_msg "clearing not logged"
}

# 11 dB on lane 1 for as long as two register writes take: gone before
# any read could see it while it lasted, counted all the same.
brief_crossing_latched()
{
	snap
	dmesg_mark
	testwin "$BDF_A" pulse lane_atten 0xb0 || return 1
	[ "$(testwin "$BDF_A" get lane_atten)" = 0x00000000 ] ||
		fail_msg "the pulse did not end" || return 1
	wait_for 5 delta_is rx_power_low_alarm 1 ||
		fail_msg "a brief RX power alarm was not counted" || return 1
	wait_for 5 logged "RX power low alarm cleared on lanes 1" ||
		fail_msg "not logged cleared" || return 1
	logged "RX power low alarm on lanes 1" || fail_msg "not logged raised"
}

# Lane 4's laser aged 7 steps: 14.2 mA of bias for -7.4 dBm, past the
# bias high and power low warnings; at 8, past both alarms.
laser_aging()
{
	snap
	dmesg_mark
	set_reg laser_age 0x70000 || return 1
	wait_for 5 delta_is tx_bias_high_warning 1 ||
		fail_msg "no bias warning counted" || return 1
	wait_for 5 delta_is tx_power_low_warning 1 ||
		fail_msg "no TX power warning counted" || return 1
	expect_delta tx_bias_high_alarm 0 && expect_delta tx_power_low_alarm 0 &&
	expect_channel "Laser tx bias current" 5 "14.200 mA" &&
	expect_channel "Transmit avg optical power" 5 "0.1835 mW / -7.36 dBm" &&
	expect_channel "Laser tx bias current" 4 "7.150 mA" || return 1
	set_reg laser_age 0x80000 || return 1
	wait_for 5 delta_is tx_bias_high_alarm 1 ||
		fail_msg "no bias alarm counted" || return 1
	wait_for 5 delta_is tx_power_low_alarm 1 ||
		fail_msg "no TX power alarm counted" || return 1
	logged "TX bias high alarm on lanes 4" &&
	logged "TX power low alarm on lanes 4" || fail_msg "not logged" ||
		return 1
	still_up || return 1
	set_reg laser_age 0 || return 1
	wait_for 5 logged "TX power low alarm cleared on lanes 4" ||
		fail_msg "clearing not logged" || return 1
	expect_channel "Laser tx bias current" 5 "7.200 mA"
}

# 72 degC: the module's temperature high warning, counted and logged.
temperature_warning()
{
	snap
	dmesg_mark
	set_reg mod_temp $((0x80000000 | 72 * 256)) || return 1
	wait_for 5 delta_is temp_high_warning 1 ||
		fail_msg "no temperature warning counted" || return 1
	expect_delta temp_high_alarm 0 && logged "temperature high warning" ||
		fail_msg "not logged" || return 1
	set_reg mod_temp 0 || return 1
	wait_for 5 logged "temperature high warning cleared" ||
		fail_msg "clearing not logged"
}

no_carrier_a()
{
	[ "$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/carrier)" = 0 ]
}

# 15 dB on lane 6: below the receiver's sensitivity.  The lane loses its
# signal (RX LOS counted), the link goes down for it, and comes back
# with the light.
attenuated_out_of_sight()
{
	snap
	dmesg_mark
	set_reg lane_atten 0xf000000 || return 1
	wait_for 5 no_carrier_a || fail_msg "the link stayed up" || return 1
	got=$(ip netns exec lumen_a ethtool "$PORT_A" | sed -n 's/^[[:space:]]*Link detected: //p')
	[ "$got" = "no (Bad signal integrity, Serdes ALOS)" ] ||
		fail_msg "Link detected: $got" || return 1
	wait_for 5 delta_is rx_los 1 || fail_msg "module_rx_los rose by $(delta rx_los)" ||
		return 1
	expect_channel "Rcvr signal avg optical power" 7 "0.0000 mW / -inf dBm" ||
		return 1
	set_reg lane_atten 0 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || fail_msg "no link after" ||
		return 1
	ns_works
}

# The counters are there from the start, and nothing was crossed yet.
counters_at_rest()
{
	for f in temp vcc tx_power tx_bias rx_power; do
		for l in high_alarm low_alarm high_warning low_warning; do
			v=$(stat "${f}_$l")
			[ "$v" = 0 ] || fail_msg "module_${f}_$l is '$v' at rest" ||
				return 1
		done
	done
}

ktap_header 8
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "counters_at_rest" counters_at_rest
ktap_check "rx_power_warning" rx_power_warning
ktap_check "rx_power_alarm" rx_power_alarm
ktap_check "brief_crossing_latched" brief_crossing_latched
ktap_check "laser_aging" laser_aging
ktap_check "temperature_warning" temperature_warning
ktap_check "attenuated_out_of_sight" attenuated_out_of_sight
ktap_finish
