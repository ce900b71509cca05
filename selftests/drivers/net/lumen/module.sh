#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The pluggable optical module through stock tools: `ethtool -m` decodes
# its CMIS memory (identity, state, monitors, thresholds, flags) with the
# values the device model gives it; its temperature is an hwmon sensor;
# lanes the port does not run on are dark.  Pushed past its temperature
# warning it says so (ethtool flags, hwmon alarm) and keeps running; past
# the alarm it shuts down and the link with it ("Overheat") until it
# cools.  Pulled out under traffic, the link goes down ("No cable"),
# ethtool -m says why it cannot read it, the log says so once; plugged
# back in, it powers up and traffic resumes; one that never finishes
# powering up keeps the link down ("Module") until it does.  The power
# mode policy
# (ethtool --set-module) auto puts it in low power while the port is
# down.  Pages it does not have are refused with a reason.

. "$(dirname "$0")/lib.sh"

cleanup()
{
	testwin "$BDF_A" set "$MOD_TEMP_REG" 0
	ip netns exec lumen_a ethtool --set-module "$PORT_A" power-mode-policy high
	fault_test_cleanup
}
trap cleanup EXIT

MOD_TEMP_REG=0x10		# TEST_MOD_TEMP of the test window
MOD_TEMP_OVERRIDE=0x80000000

# force_temp DEGC: the module's temperature, forced (whole degrees).
force_temp()
{
	testwin "$BDF_A" set "$MOD_TEMP_REG" \
		$((MOD_TEMP_OVERRIDE | ($1 * 256 & 0xffff)))
}

eeprom()
{
	ip netns exec lumen_a ethtool -m "$PORT_A"
}

# field LABEL: the value of one "LABEL : value" line of ethtool -m,
# read from $eeprom.
field()
{
	echo "$eeprom" | awk -v l="$1" '{
		k = substr($0, 1, index($0, " : ") - 1)
		sub(/^[ \t]+/, "", k); sub(/[ \t]+$/, "", k)
		if (index($0, " : ") && k == l) {
			print substr($0, index($0, " : ") + 3); exit
		} }'
}

# expect LABEL VALUE: the field is exactly VALUE.
expect()
{
	got=$(field "$1")
	[ "$got" = "$2" ] || fail_msg "ethtool -m: $1: '$got', want '$2'"
}

# in_range VALUE LOW HIGH: LOW <= VALUE <= HIGH, decimals allowed.
in_range()
{
	awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v + 0 >= lo && v + 0 <= hi) }'
}

hwmon_dir()
{
	for d in /sys/bus/pci/devices/"$BDF_A"/hwmon/hwmon*; do
		[ -r "$d/name" ] && [ "$(cat "$d/name")" = lumen ] && echo "$d" && return 0
	done
	return 1
}

link_detected()
{
	ip netns exec lumen_a ethtool "$PORT_A" | sed -n 's/^[[:space:]]*Link detected: //p'
}

no_carrier_a()
{
	! carrier_in lumen_a "$PORT_A"
}

# The identity the device model gives its module: QSFP-DD, CMIS 5.0,
# serial number "LU" and the port's MAC, OUI its first three bytes.
identity()
{
	eeprom=$(eeprom) || fail_msg "ethtool -m failed" || return 1
	echo "$eeprom" | sed -n '1,12p;/Module State/p' | sed 's/^/# /'
	mac=$(ip netns exec lumen_a cat /sys/class/net/"$PORT_A"/address)
	sn=LU$(echo "$mac" | tr -d : | tr a-f A-F)
	oui=$(echo "$mac" | cut -d: -f1-3)
	expect Identifier "0x18 (QSFP-DD Double Density 8X Pluggable Transceiver (INF-8628))" &&
	expect "Vendor name" "LUMEN OPTICS" &&
	expect "Vendor PN" "LMN-QDD-400G-SR8" &&
	expect "Vendor rev" "A1" &&
	expect "Vendor SN" "$sn" &&
	expect "Vendor OUI" "$oui" &&
	expect "Date code" "26011500" &&
	expect "Revision compliance" "Rev. 5.0" &&
	expect "Connector" "0x0c (MPO Parallel Optic)" &&
	expect "Max power" "12.00W" &&
	expect "Laser wavelength" "850.000nm" &&
	expect "Module State" "0x03 (ModuleReady)"
}

# Monitors: a warm module at 3.3 V, 1 mW out and about -1 dBm in on each
# of its 8 lanes, 7 mA of bias; the thresholds of page 02h; no flag up.
monitors()
{
	eeprom=$(eeprom) || return 1
	temp=$(field "Module temperature" | cut -d' ' -f1)
	in_range "$temp" 30 45 || fail_msg "temperature $temp" || return 1
	vcc=$(field "Module voltage" | cut -d' ' -f1)
	in_range "$vcc" 3.29 3.31 || fail_msg "voltage $vcc" || return 1
	expect "Transmit avg optical power (Channel 1)" "1.0000 mW / 0.00 dBm" &&
	expect "Laser tx bias current (Channel 1)" "7.000 mA" &&
	expect "Rcvr signal avg optical power (Channel 1)" "0.7943 mW / -1.00 dBm" &&
	expect "Module temperature high alarm threshold" "75.00 degrees C / 167.00 degrees F" &&
	expect "Module temperature high warning threshold" "70.00 degrees C / 158.00 degrees F" &&
	expect "Laser output power low alarm threshold" "0.1585 mW / -8.00 dBm" &&
	expect "Module temperature high warning" "Off" &&
	expect "Module voltage low alarm" "Off" || return 1
	d=$(hwmon_dir) || fail_msg "no lumen hwmon device" || return 1
	t=$(cat "$d/temp1_input") || return 1
	[ "$t" -ge 30000 ] && [ "$t" -le 45000 ] &&
	[ "$(cat "$d/temp1_max")" = 70000 ] && [ "$(cat "$d/temp1_crit")" = 75000 ] &&
	[ "$(cat "$d/temp1_max_alarm")" = 0 ] &&
	[ "$(cat "$d/temp1_label")" = "optical module" ] ||
		fail_msg "hwmon: $(grep . "$d"/temp1_*)"
}

# On 4 lanes, lanes 5 to 8 are dark: no light out, no bias.
dark_lanes()
{
	ip netns exec lumen_b ethtool -s "$PORT_B" speed 400000 lanes 4 autoneg off &&
	ip netns exec lumen_a ethtool -s "$PORT_A" speed 400000 lanes 4 autoneg off &&
	wait_for 10 carrier_in lumen_a "$PORT_A" || fail_msg "no link on 4 lanes" ||
		return 1
	eeprom=$(eeprom) || return 1
	expect "Transmit avg optical power (Channel 4)" "0.9400 mW / -0.27 dBm" &&
	expect "Transmit avg optical power (Channel 5)" "0.0000 mW / -inf dBm" &&
	expect "Laser tx bias current (Channel 8)" "0.000 mA" || return 1
	ip netns exec lumen_b ethtool -s "$PORT_B" speed 400000 lanes 8 autoneg off &&
	ip netns exec lumen_a ethtool -s "$PORT_A" speed 400000 lanes 8 autoneg off &&
	wait_for 10 carrier_in lumen_a "$PORT_A"
}

# 72 degC: past the high warning, short of the alarm: flagged in ethtool
# and hwmon, and the link stays up.
temperature_warning()
{
	force_temp 72 || return 1
	sleep 0.5
	eeprom=$(eeprom) || return 1
	expect "Module temperature" "72.00 degrees C / 161.60 degrees F" &&
	expect "Module temperature high warning" "On" &&
	expect "Module temperature high alarm" "Off" || return 1
	d=$(hwmon_dir) || return 1
	[ "$(cat "$d/temp1_max_alarm")" = 1 ] && [ "$(cat "$d/temp1_crit_alarm")" = 0 ] ||
		fail_msg "hwmon alarms: $(cat "$d/temp1_max_alarm") $(cat "$d/temp1_crit_alarm")" ||
		return 1
	carrier_in lumen_a "$PORT_A" || fail_msg "link went down at a warning"
}

# 80 degC: past the alarm, the module shuts down; at 60 it comes back.
overheat()
{
	dmesg_mark
	force_temp 80 || return 1
	wait_for 5 no_carrier_a || fail_msg "link stayed up at 80 degC" || return 1
	got=$(link_detected)
	log "80 degC: Link detected: $got"
	[ "$got" = "no (Overheat)" ] || fail_msg "Link detected: $got" || return 1
	eeprom=$(eeprom) || return 1
	expect "Module State" "0x05 (ModuleFault)" || return 1
	dmesg_since | grep -q "$PORT_A: link down, the optical module shut down, overheated" ||
		fail_msg "reason not logged" || return 1
	force_temp 60 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || fail_msg "no link once cool" ||
		return 1
	testwin "$BDF_A" set "$MOD_TEMP_REG" 0 && ns_works
}

# Pulled out under traffic, plugged back in.
pulled_and_plugged()
{
	dmesg_mark
	traffic_start
	testwin "$BDF_A" set faults $FAULT_NO_MODULE || return 1
	wait_for 5 no_carrier_a || fail_msg "link stayed up without a module" ||
		return 1
	got=$(link_detected)
	[ "$got" = "no (No cable)" ] || fail_msg "Link detected: $got" || return 1
	out=$(eeprom 2>&1) && fail_msg "ethtool -m read a missing module" && return 1
	echo "$out" | grep -q "no module plugged in" ||
		fail_msg "ethtool -m: $out" || return 1
	d=$(hwmon_dir) || return 1
	! cat "$d/temp1_input" 2> /dev/null || fail_msg "hwmon read a missing module" ||
		return 1
	sleep 1
	testwin "$BDF_A" set faults 0 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || fail_msg "no link after plugging in" ||
		return 1
	traffic_stop
	n=$(dmesg_since | grep -c "$BDF_A: optical module pulled out")
	m=$(dmesg_since | grep -c "$BDF_A: optical module plugged in")
	[ "$n" = 1 ] && [ "$m" = 1 ] ||
		fail_msg "logged pulled $n, plugged $m times: $(dmesg_since | grep 'optical module')" ||
		return 1
	dmesg_since | grep -q "$PORT_A: link down, no optical module plugged in" ||
		fail_msg "reason not logged" || return 1
	ns_works || fail_msg "no traffic after plugging in"
}

# A module that never finishes powering up: plugged in, it stays in
# ModulePwrUp and the link down for it ("Module"); once it gets there,
# the link comes up.
stuck_powering_up()
{
	stuck_steps && return 0
	testwin "$BDF_A" set faults 0
	return 1
}

stuck_steps()
{
	testwin "$BDF_A" set faults $((FAULT_NO_MODULE | FAULT_MOD_STUCK)) &&
	wait_for 5 no_carrier_a || fail_msg "link stayed up without a module" ||
		return 1
	testwin "$BDF_A" set faults $FAULT_MOD_STUCK || return 1
	sleep 1
	eeprom=$(eeprom) || return 1
	expect "Module State" "0x02 (ModulePwrUp)" || return 1
	got=$(link_detected)
	log "stuck in PwrUp: Link detected: $got"
	[ "$got" = "no (Module, CMIS module is not in ModuleReady state)" ] ||
		fail_msg "Link detected: $got" || return 1
	testwin "$BDF_A" set faults 0 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || fail_msg "no link once powered up" ||
		return 1
	eeprom=$(eeprom) || return 1
	expect "Module State" "0x03 (ModuleReady)" && ns_works
}

show_module()
{
	ip netns exec lumen_a ethtool --show-module "$PORT_A"
}

# Policy auto: low power while the port is down (the far end loses its
# partner), high power again once it is up.
power_mode()
{
	out=$(show_module) || return 1
	echo "$out" | sed 's/^/# /'
	echo "$out" | grep -q "^power-mode-policy: high" &&
	echo "$out" | grep -q "^power-mode: high" || fail_msg "defaults: $out" ||
		return 1
	ip netns exec lumen_a ethtool --set-module "$PORT_A" power-mode-policy auto ||
		return 1
	ip -n lumen_a link set "$PORT_A" down || return 1
	out=$(show_module)
	echo "$out" | grep -q "^power-mode-policy: auto" &&
	echo "$out" | grep -q "^power-mode: low" || fail_msg "auto, down: $out" ||
		return 1
	eeprom=$(eeprom) || return 1
	expect "Module State" "0x01 (ModuleLowPwr)" || return 1
	ip -n lumen_a link set "$PORT_A" up || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || fail_msg "no link in auto" ||
		return 1
	show_module | grep -q "^power-mode: high" || fail_msg "auto, up: $(show_module)" ||
		return 1
	ip netns exec lumen_a ethtool --set-module "$PORT_A" power-mode-policy high &&
	ns_works
}

# A page the module does not have, another I2C address: refused, why.
bad_pages_refused()
{
	out=$(ip netns exec lumen_a ethtool -m "$PORT_A" page 0x03 2>&1) &&
		fail_msg "page 3 read" && return 1
	log "page 3: $(echo "$out" | head -n 1)"
	echo "$out" | grep -q "no such page or bank" || fail_msg "page 3: $out" ||
		return 1
	for bank in 1 16; do
		out=$(ip netns exec lumen_a ethtool -m "$PORT_A" page 0x11 bank $bank 2>&1) &&
			fail_msg "bank $bank read" && return 1
		echo "$out" | grep -q "no such page or bank" ||
			fail_msg "bank $bank: $out" || return 1
	done
	out=$(ip netns exec lumen_a ethtool -m "$PORT_A" page 0 offset 0 length 1 i2c 0x51 2>&1) &&
		fail_msg "i2c 0x51 read" && return 1
	echo "$out" | grep -q "answers at I2C address 0x50 only" ||
		fail_msg "i2c 0x51: $out"
}

ktap_header 10
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "identity" identity
ktap_check "monitors_and_hwmon" monitors
ktap_check "dark_lanes" dark_lanes
ktap_check "temperature_warning" temperature_warning
ktap_check "overheat_shuts_down" overheat
ktap_check "pulled_and_plugged_under_traffic" pulled_and_plugged
ktap_check "stuck_powering_up" stuck_powering_up
ktap_check "power_mode_policy" power_mode
ktap_check "bad_pages_refused" bad_pages_refused
ktap_finish
