#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The runtime devlink parameters of the optical port, through stock
# devlink.  link_training: off, the lanes equalize from presets and the
# link comes up much sooner (the device's bring-up time, in devlink
# health diagnose); 100G and 200G lanes need training, so neither the
# parameter nor `ethtool -s` lets the two meet, each saying why.
# fec_ber_limit: a lane whose pre-FEC BER the FEC still corrects takes
# the link down once it reaches the limit ("high BER" in ethtool), and
# the link comes back when the limit is lifted; a limit beyond any FEC
# is refused.  Neither takes a driverinit value.  Both survive a reload
# and a down/up, and act after them.

. "$(dirname "$0")/lib.sh"

trap fault_test_cleanup EXIT

LANE0_BER=0x040		# TEST_LANE_BER(0) of the test window

# param NAME: its runtime value on port A's device
param()
{
	devlink dev param show "pci/$BDF_A" name "$1" |
		awk '/cmode runtime/ { for (i = 1; i <= NF; i++) if ($i == "value") print $(i + 1) }'
}

set_param()
{
	devlink dev param set "pci/$BDF_A" name "$1" value "$2" cmode runtime
}

diag()
{
	devlink health diagnose "pci/$BDF_A" reporter link |
		awk -v k="$1:" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

link_detected()
{
	ip netns exec lumen_a ethtool "$PORT_A" | sed -n 's/^[[:space:]]*Link detected: //p'
}

no_carrier_a()
{
	[ "$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/carrier)" = 0 ]
}

both_on()
{
	carrier_in lumen_a "$PORT_A" && carrier_in lumen_b "$PORT_B"
}

# speed_both SPEED LANES: both ends at that speed, the link back up
speed_both()
{
	ip netns exec lumen_a ethtool -s "$PORT_A" speed "$1" lanes "$2" autoneg off &&
	ip netns exec lumen_b ethtool -s "$PORT_B" speed "$1" lanes "$2" autoneg off &&
	wait_for 10 both_on
}

defaults()
{
	[ "$(param link_training)" = true ] && [ "$(param fec_ber_limit)" = 0 ] ||
		fail_msg "link_training '$(param link_training)', fec_ber_limit '$(param fec_ber_limit)'" ||
		return 1
	[ "$(diag link_training)" = true ] && [ "$(diag fec_ber_limit)" = 0 ] ||
		fail_msg "diagnose: link_training $(diag link_training), fec_ber_limit $(diag fec_ber_limit)"
}

# 8 x 50G: 99.5 ms of bring-up with training, 21.5 ms from presets.
presets_bring_up_sooner()
{
	trained=$(diag last_bringup_us)
	set_param link_training false || return 1
	[ "$(param link_training)" = false ] || fail_msg "value not kept" || return 1
	wait_for 5 no_carrier_a 2> /dev/null	# the retrain may be quicker than us
	wait_for 10 both_on || fail_msg "no link from presets" || return 1
	preset=$(diag last_bringup_us)
	log "bring-up: $trained us trained, $preset us from presets"
	[ "$trained" = 99500 ] && [ "$preset" = 21500 ] ||
		fail_msg "bring-up $trained us trained, $preset us from presets" || return 1
	[ "$(diag link_training)" = false ] || fail_msg "diagnose still shows training" ||
		return 1
	ns_works
}

# With presets, 100G lanes are refused by ethtool, and presets by devlink
# at 100G lanes; the link stays as it was.
fast_lanes_need_training()
{
	dmesg_mark
	ip netns exec lumen_a ethtool -s "$PORT_A" speed 400000 lanes 4 autoneg off 2> /dev/null &&
		fail_msg "ethtool set 100G lanes without training" && return 1
	dmesg_since | grep -q "$PORT_A: 100 Gb/s lanes need link training" ||
		fail_msg "not logged: $(dmesg_since | tail -n 3)" || return 1
	both_on || fail_msg "the refusal took the link down" || return 1
	set_param link_training true && speed_both 400000 4 ||
		fail_msg "no link on 4 x 100G" || return 1
	out=$(set_param link_training false 2>&1) &&
		fail_msg "presets set at 100G lanes" && return 1
	log "at 100G lanes: $out"
	echo "$out" | grep -q "100G and 200G lanes need link training" ||
		fail_msg "devlink: $out" || return 1
	[ "$(param link_training)" = true ] || fail_msg "value changed" || return 1
	speed_both 400000 8 || fail_msg "no link back on 8 x 50G"
}

# driverinit is not a mode these take; a bool takes no number.
wrong_cmode_refused()
{
	devlink dev param set "pci/$BDF_A" name link_training value false \
		cmode driverinit 2> /dev/null &&
		fail_msg "driverinit link_training taken" && return 1
	devlink dev param set "pci/$BDF_A" name fec_ber_limit value 5 \
		cmode driverinit 2> /dev/null &&
		fail_msg "driverinit fec_ber_limit taken" && return 1
	set_param link_training 7 2> /dev/null &&
		fail_msg "link_training 7 taken" && return 1
	[ "$(param link_training)" = true ] && [ "$(param fec_ber_limit)" = 0 ] ||
		fail_msg "values changed"
}

fec_ber_limit_too_high()
{
	out=$(set_param fec_ber_limit 240000001 2>&1) &&
		fail_msg "240000001 taken" && return 1
	log "240000001: $out"
	echo "$out" | grep -q "at most 240000000" || fail_msg "devlink: $out" ||
		return 1
	[ "$(param fec_ber_limit)" = 0 ] || fail_msg "value changed"
}

# Lane 0 at 1e-7: RS-FEC corrects it, the link stays up; a limit of 5e-8
# takes it down for a high BER, lifting it brings the link back.
fec_ber_limit_drops_link()
{
	dmesg_mark
	testwin "$BDF_A" set "$LANE0_BER" 100000 || return 1
	sleep 1
	both_on || fail_msg "1e-7 took the link down under RS-FEC" || return 1
	set_param fec_ber_limit 50000 || return 1
	wait_for 5 no_carrier_a || fail_msg "the link stayed up past the limit" ||
		return 1
	got=$(link_detected)
	[ "$got" = "no (Bad signal integrity, Large number of physical errors)" ] ||
		fail_msg "Link detected: $got" || return 1
	dmesg_since | grep -q "$PORT_A: link down, bit error ratio beyond the limit" ||
		fail_msg "not logged" || return 1
	[ "$(diag fec_ber_limit)" = 50000 ] || fail_msg "diagnose: $(diag fec_ber_limit)" ||
		return 1
	set_param fec_ber_limit 0 || return 1
	wait_for 10 both_on || fail_msg "no link once the limit was lifted" ||
		return 1
	testwin "$BDF_A" set "$LANE0_BER" 0 && ns_works
}

# Set before a reload, kept and in force after it.
survive_reload()
{
	set_param link_training false && set_param fec_ber_limit 123456 ||
		return 1
	devlink dev reload "pci/$BDF_A" || fail_msg "reload failed" || return 1
	[ "$(param link_training)" = false ] && [ "$(param fec_ber_limit)" = 123456 ] ||
		fail_msg "after reload: link_training $(param link_training), fec_ber_limit $(param fec_ber_limit)" ||
		return 1
	wait_for 10 both_on || fail_msg "no link after reload" || return 1
	[ "$(diag last_bringup_us)" = 21500 ] && [ "$(diag fec_ber_limit)" = 123456 ] ||
		fail_msg "device after reload: bring-up $(diag last_bringup_us) us, limit $(diag fec_ber_limit)" ||
		return 1
	# and across down/up, which programs the port afresh
	ip -n lumen_a link set "$PORT_A" down && ip -n lumen_a link set "$PORT_A" up &&
	wait_for 10 both_on || fail_msg "no link after down/up" || return 1
	[ "$(diag last_bringup_us)" = 21500 ] && [ "$(diag fec_ber_limit)" = 123456 ] ||
		fail_msg "device after down/up: bring-up $(diag last_bringup_us) us, limit $(diag fec_ber_limit)" ||
		return 1
	set_param link_training true && set_param fec_ber_limit 0 &&
		wait_for 10 both_on && ns_works
}

ktap_header 8
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "defaults" defaults
ktap_check "presets_bring_up_sooner" presets_bring_up_sooner
ktap_check "fast_lanes_need_training" fast_lanes_need_training
ktap_check "wrong_cmode_refused" wrong_cmode_refused
ktap_check "fec_ber_limit_too_high" fec_ber_limit_too_high
ktap_check "fec_ber_limit_drops_link" fec_ber_limit_drops_link
ktap_check "survive_reload_and_down_up" survive_reload
ktap_finish
