#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Why the link is down, as the stock ethtool shows it: for each link
# fault of the test window (no partner, loss of signal, training that
# never gains frame lock) the port loses its carrier, the driver logs
# the reason once, `ethtool DEV` says "Link detected: no (State,
# Substate)" with the kernel's codes for it, link_down_events in
# `ethtool -S` counts it once, and once the fault is cleared the link
# comes back and carries traffic.  Two faults at once show the first in
# the device's order; a port that is simply down shows no reason and
# counts no link-down event, and a port whose link is up shows none.
# Loss of signal at one end shows at the other as a partner that is not
# ready (link training), and the host cannot forge training frames, bare
# or in a burst of the model's fiber.
# Loss of signal on a single lane in use takes the link down too (only
# that lane dark); on a lane the port does not run on it changes nothing.
# The lanes' bring-up takes the time of its stages, longer for faster
# PAM4 lanes.

. "$(dirname "$0")/lib.sh"

trap fault_test_cleanup EXIT

# link_detected: the "Link detected:" line of `ethtool` for port A.
link_detected()
{
	ip netns exec lumen_a ethtool "$PORT_A" |
		sed -n 's/^[[:space:]]*Link detected: //p'
}

no_carrier_a()
{
	! carrier_in lumen_a "$PORT_A"
}

down_events()
{
	ethtool_stat lumen_a "$PORT_A" link_down_events
}

# fault_shows FAULT LOGGED ETHTOOL: with FAULT set on port A, the link
# goes down logging "link down, LOGGED", ethtool shows "no (ETHTOOL)",
# link_down_events counts one, and clearing FAULT brings it back with
# traffic.
fault_shows()
{
	dmesg_mark
	events=$(down_events)
	testwin "$BDF_A" set faults "$1" || return 1
	wait_for 5 no_carrier_a || fail_msg "carrier stayed with fault $1" ||
		return 1
	got=$(link_detected)
	[ "$got" = "no ($3)" ] ||
		fail_msg "ethtool: 'Link detected: $got', want 'no ($3)'" ||
		return 1
	log "Link detected: $got"
	n=$(dmesg_since | grep -c "$PORT_A: link down, $2\$")
	[ "$n" = 1 ] || fail_msg "'link down, $2' logged $n times" || return 1
	[ "$(down_events)" = $((events + 1)) ] ||
		fail_msg "link_down_events went from $events to $(down_events)" ||
		return 1
	testwin "$BDF_A" set faults 0 || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" ||
		fail_msg "no carrier once fault $1 was cleared" || return 1
	[ "$(link_detected)" = yes ] ||
		fail_msg "ethtool: 'Link detected: $(link_detected)' once up" ||
		return 1
	ns_works || fail_msg "no traffic after fault $1"
}

no_partner()
{
	fault_shows $FAULT_NO_PARTNER "no link partner" \
		"Autoneg, No partner detected during force mode"
}

loss_of_signal()
{
	fault_shows $FAULT_LOS "loss of signal" \
		"Bad signal integrity, Serdes ALOS"
}

training_failure()
{
	fault_shows $FAULT_TRAINING "link training failed, no frame lock" \
		"Link training failure, KR frame lock not acquired"
}

# LOS and training failure at once: the device reports loss of signal,
# the first cause; with LOS cleared, the training failure shows.
first_reason_wins()
{
	testwin "$BDF_A" set faults $((FAULT_LOS | FAULT_TRAINING)) || return 1
	wait_for 5 no_carrier_a || fail_msg "carrier stayed" || return 1
	got=$(link_detected)
	[ "$got" = "no (Bad signal integrity, Serdes ALOS)" ] ||
		fail_msg "both: 'Link detected: $got'" || return 1
	testwin "$BDF_A" set faults $FAULT_TRAINING || return 1
	wait_for 5 training_shown ||
		fail_msg "LOS cleared: 'Link detected: $(link_detected)'" || return 1
	testwin "$BDF_A" set faults 0 || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" || fail_msg "no carrier after"
}

training_shown()
{
	[ "$(link_detected)" = "no (Link training failure, KR frame lock not acquired)" ]
}

# Loss of signal at A: A does not receive B, so training tells B that A
# is not ready; B's link goes down too, saying so.
partner_not_ready()
{
	testwin "$BDF_A" set faults $FAULT_LOS || return 1
	wait_for 5 no_carrier_b || fail_msg "B kept its carrier" || return 1
	got=$(ip netns exec lumen_b ethtool "$PORT_B" |
	      sed -n 's/^[[:space:]]*Link detected: //p')
	want="no (Link training failure, KR Link partner did not set receiver ready)"
	[ "$got" = "$want" ] || fail_msg "B: Link detected: $got" || return 1
	testwin "$BDF_A" set faults 0 || return 1
	wait_for 5 carrier_in lumen_b "$PORT_B" &&
	wait_for 5 carrier_in lumen_a "$PORT_A" || fail_msg "no carrier after" ||
		return 1
	ns_works || fail_msg "no traffic after"
}

no_carrier_b()
{
	! carrier_in lumen_b "$PORT_B"
}

# Down by the administrator: no carrier, and no reason (the kernel has
# none for it), even with a fault set underneath.
admin_down_has_no_reason()
{
	events=$(down_events)
	ip -n lumen_a link set "$PORT_A" down || return 1
	testwin "$BDF_A" set faults $FAULT_LOS || return 1
	got=$(link_detected)
	testwin "$BDF_A" set faults 0 || return 1
	ip -n lumen_a link set "$PORT_A" up || return 1
	[ "$got" = no ] || fail_msg "port down: 'Link detected: $got'" ||
		return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" || fail_msg "no carrier after up" ||
		return 1
	[ "$(down_events)" = "$events" ] ||
		fail_msg "down by choice counted: $events -> $(down_events)" ||
		return 1
	ns_works || fail_msg "no traffic after down/up"
}

# forged_refused HEX: 20 frames of HEX sent from A's netdev by a packet
# socket are refused by A's MAC with ERR_DESC (mac_tx_err_desc), B's
# link stays up and the ports still carry traffic.
forged_refused()
{
	err0=$(ethtool_stat lumen_a "$PORT_A" mac_tx_err_desc)
	events_b0=$(ethtool_stat lumen_b "$PORT_B" link_down_events)
	ip netns exec lumen_a "$(dirname "$0")/lumen-sendraw" "$PORT_A" "$1" 20 ||
		return 1
	sleep 1
	err=$(($(ethtool_stat lumen_a "$PORT_A" mac_tx_err_desc) - err0))
	[ "$err" = 20 ] || fail_msg "A's MAC refused $err of 20" || return 1
	carrier_in lumen_b "$PORT_B" &&
	[ "$(ethtool_stat lumen_b "$PORT_B" link_down_events)" = "$events_b0" ] ||
		fail_msg "B's link went down" || return 1
	ns_works || fail_msg "no traffic after"
}

# forged_bye: a training frame with BYE from A's address (the PHY's
# reserved address and type), which would take B's link down
forged_bye()
{
	src=$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/address | tr -d :)
	echo "034c554c4e4b${src}88b54c54524e0102$(printf '%092d' 0)"
}

# Frames from the host that look like training are refused: a program
# with a packet socket on one host cannot take the link down at the
# other end.
forged_training_refused()
{
	forged_refused "$(forged_bye)"
}

# The same BYE inside the header of the model's fiber bursts
# (tools/qemu/README.md), which B's model would unpack: refused too.
forged_burst_refused()
{
	bye=$(forged_bye)
	src=$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/address | tr -d :)
	forged_refused "034c55425253${src}88b50001$(printf '%04x' $((${#bye} / 2)))$bye"
}

# lane_los MASK: the test window's per-lane loss of signal on port A
lane_los()
{
	testwin "$BDF_A" set 0x014 "$1"
}

# lanes_with_light: lanes the link reporter's diagnose shows with signal
lanes_with_light()
{
	devlink health diagnose "pci/$BDF_A" reporter link |
		awk '$1 == "lane:" { for (i = 2; i < NF; i++)
			if ($i == "signal:" && $(i + 1) == "true") printf "%s ", $2 }'
}

# Loss of signal on one lane the port runs on takes the link down for
# loss of signal; only that lane is dark.
one_lane_los()
{
	one_lane_steps && return 0
	lane_los 0
	return 1
}

one_lane_steps()
{
	dmesg_mark
	lane_los 0x8 || return 1
	wait_for 5 no_carrier_a || fail_msg "carrier stayed" || return 1
	got=$(link_detected)
	[ "$got" = "no (Bad signal integrity, Serdes ALOS)" ] ||
		fail_msg "ethtool: 'Link detected: $got'" || return 1
	log "lanes with light: $(lanes_with_light)"
	[ "$(lanes_with_light)" = "0 1 2 4 5 6 7 " ] || fail_msg "wrong lanes" || return 1
	dmesg_since | grep -q "$PORT_A: link down, loss of signal" ||
		fail_msg "not logged" || return 1
	lane_los 0 || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" || fail_msg "no carrier after" || return 1
	ns_works
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

# last_bringup_us: how long the device took to bring the lanes up, the
# last time
last_bringup_us()
{
	devlink health diagnose "pci/$BDF_A" reporter link |
		awk '{ for (i = 1; i < NF; i++) if ($i == "last_bringup_us:") print $(i + 1) }'
}

# Lanes come up through signal detect, CDR and equalization, the last a
# lane later than the first, then the PCS and FEC lock: about 0.1 s for
# 8 lanes of 50G PAM4, 0.21 s for 4 of 200G PAM4 (longer equalization).
bringup_time()
{
	t50=$(last_bringup_us)
	log "8 x 50G: $t50 us"
	[ "$t50" -gt 80000 ] && [ "$t50" -lt 120000 ] || fail_msg "out of range" || return 1
	speed_both 800000 4 || fail_msg "no link on 4 x 200G" || return 1
	t200=$(last_bringup_us)
	log "4 x 200G: $t200 us"
	speed_both 400000 8 || return 1
	[ "$t200" -gt 200000 ] && [ "$t200" -lt 250000 ] || fail_msg "out of range" || return 1
	ns_works
}

# On 4 lanes, loss of signal on the 4 dark ones changes nothing; on a
# lane in use it takes the link down.
dark_lane_los_ignored()
{
	dark_lane_steps && return 0
	lane_los 0
	speed_both 400000 8
	return 1
}

dark_lane_steps()
{
	speed_both 200000 4 || fail_msg "no link on 4 lanes" || return 1
	lane_los 0xf0 || return 1
	sleep 1
	carrier_in lumen_a "$PORT_A" || fail_msg "down for dark lanes" || return 1
	ns_works || return 1
	lane_los 0xf1 || return 1
	wait_for 5 no_carrier_a || fail_msg "up without lane 0" || return 1
	lane_los 0 || return 1
	speed_both 400000 8 && ns_works
}

ktap_header 12
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "no_partner" no_partner
ktap_check "loss_of_signal" loss_of_signal
ktap_check "one_lane_los" one_lane_los
ktap_check "dark_lane_los_ignored" dark_lane_los_ignored
ktap_check "bringup_time" bringup_time
ktap_check "training_failure" training_failure
ktap_check "first_reason_wins" first_reason_wins
ktap_check "partner_not_ready" partner_not_ready
ktap_check "admin_down_has_no_reason" admin_down_has_no_reason
ktap_check "forged_training_refused" forged_training_refused
ktap_check "forged_burst_refused" forged_burst_refused
ktap_finish
