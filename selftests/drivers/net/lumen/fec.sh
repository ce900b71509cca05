#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Forward error correction and the lanes' bit error ratio, through the
# stock ethtool: --show-fec/--set-fec (auto, off, rs, baser; anything
# else refused with nothing changed), FEC statistics per lane
# (ethtool -I --show-fec), symbol errors (--groups eth-phy) and each
# lane's BER in ethtool -S.  A BER sweep on one lane from the test
# window: below the FEC's limit the FEC corrects, counters move and the
# link stays up; at or above it codewords go uncorrected and the link
# drops, saying why; a weaker FEC mode drops a link a stronger one
# keeps.  Traffic flows again every time the BER falls back.  The two
# ends must agree on the mode (link training carries it): a mismatch
# keeps both links down, saying so, until they agree.

. "$(dirname "$0")/lib.sh"

LANE=2
# TEST_LANE_BER(n) of the test window, errors per 10^12 bits
LANE_BER_REG=$(printf '0x%x' $((0x40 + LANE * 4)))

cleanup()
{
	testwin "$BDF_A" set "$LANE_BER_REG" 0
	fault_test_cleanup
}
trap cleanup EXIT

fec_show()
{
	ip netns exec lumen_a ethtool --show-fec "$PORT_A"
}

configured()
{
	fec_show | sed -n 's/^Supported\/Configured FEC encodings: *//p'
}

active()
{
	fec_show | sed -n 's/^Active FEC encoding: *//p'
}

set_fec()
{
	ip netns exec lumen_a ethtool --set-fec "$PORT_A" encoding "$@"
}

set_fec_b()
{
	ip netns exec lumen_b ethtool --set-fec "$PORT_B" encoding "$@"
}

# set_fec_both MODE: both ends, so that they agree.
set_fec_both()
{
	set_fec_b "$1" && set_fec "$1"
}

# fec_stat NAME [LANE]: a FEC statistic's total, or one lane's.
fec_stat()
{
	ip netns exec lumen_a ethtool -I --show-fec "$PORT_A" |
		awk -v name="$1:" -v lane="${2:-}" '
			$1 ~ /^[a-z_]+:$/ { sec = $1; if (sec == name && lane == "") v = $2 }
			sec == name && lane != "" && $1 == "Lane" && $2 == lane ":" { v = $3 }
			END { print v + 0 }'
}

symbol_errors()
{
	ip netns exec lumen_a ethtool -S "$PORT_A" --groups eth-phy |
		awk '$1 == "eth-phy-SymbolErrorDuringCarrier:" { print $2 }'
}

set_ber()
{
	testwin "$BDF_A" set "$LANE_BER_REG" "$1"
}

no_carrier_a()
{
	! carrier_in lumen_a "$PORT_A"
}

active_is()
{
	[ "$(active)" = "$1" ]
}

defaults()
{
	[ "$(configured)" = Auto ] || fail_msg "configured: '$(configured)'" || return 1
	[ "$(active)" = RS ] || fail_msg "active: '$(active)'"
}

# Each mode: configured as given, active once the link is back, traffic.
each_mode()
{
	for m in off:Off:Off baser:BaseR:BaseR rs:RS:RS auto:Auto:RS; do
		arg=${m%%:*}
		want_cfg=${m#*:}
		want_cfg=${want_cfg%%:*}
		want_act=${m##*:}
		set_fec_both "$arg" || fail_msg "--set-fec $arg refused" || return 1
		[ "$(configured)" = "$want_cfg" ] ||
			fail_msg "$arg: configured '$(configured)'" || return 1
		wait_for 5 carrier_in lumen_a "$PORT_A" &&
		wait_for 5 active_is "$want_act" ||
			fail_msg "$arg: active '$(active)', want $want_act" || return 1
		ns_works || fail_msg "$arg: no traffic" || return 1
	done
}

refusals()
{
	for bad in llrs "rs baser" "auto off"; do
		# shellcheck disable=SC2086 # word splitting wanted
		if set_fec $bad 2> /dev/null; then
			fail_msg "--set-fec encoding $bad accepted"
			return 1
		fi
		[ "$(configured)" = Auto ] ||
			fail_msg "after $bad: configured '$(configured)'" || return 1
	done
}

# A kept mode survives down/up.
kept_across_down_up()
{
	set_fec_both baser || return 1
	ip -n lumen_a link set "$PORT_A" down &&
	ip -n lumen_a link set "$PORT_A" up || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" || fail_msg "no carrier" || return 1
	wait_for 5 active_is BaseR || fail_msg "active '$(active)' after down/up" ||
		return 1
	set_fec_both auto
}

# 1e-6 on one lane with RS: corrected there, nothing uncorrectable, the
# link stays up and carries traffic.
correctable()
{
	corr0=$(fec_stat corrected_blocks "$LANE")
	sym0=$(symbol_errors)
	set_ber 1000000 || return 1
	sleep 1
	corr1=$(fec_stat corrected_blocks "$LANE")
	sym1=$(symbol_errors)
	log "lane $LANE at 1e-6: corrected $corr0 -> $corr1, symbol errors $sym0 -> $sym1"
	[ "$corr1" -gt "$corr0" ] || fail_msg "lane $LANE corrected nothing" || return 1
	[ "$sym1" -gt "$sym0" ] || fail_msg "no symbol errors counted" || return 1
	[ "$(fec_stat uncorrectable_blocks)" = 0 ] ||
		fail_msg "uncorrectable: $(fec_stat uncorrectable_blocks)" || return 1
	[ "$(fec_stat corrected_blocks 0)" = 0 ] ||
		fail_msg "lane 0 corrected $(fec_stat corrected_blocks 0)" || return 1
	ber=$(ethtool_stat lumen_a "$PORT_A" lane${LANE}_ber_e12)
	[ "$ber" = 1000000 ] || fail_msg "lane${LANE}_ber_e12 is $ber" || return 1
	# 17.6 dB for 1e-6; a clean lane's 24.0
	snr=$(ethtool_stat lumen_a "$PORT_A" lane${LANE}_snr_tenth_db)
	snr0=$(ethtool_stat lumen_a "$PORT_A" lane0_snr_tenth_db)
	[ "$snr" = 176 ] && [ "$snr0" = 240 ] ||
		fail_msg "SNR lane $LANE $snr, lane 0 $snr0 (tenths of a dB)" || return 1
	carrier_in lumen_a "$PORT_A" || fail_msg "link dropped at 1e-6" || return 1
	ns_works || fail_msg "no traffic at 1e-6"
}

# 3e-4, beyond RS's 2.4e-4: codewords uncorrected, the link drops with
# its reason; back to 0, the link returns.
beyond_the_fec()
{
	dmesg_mark
	set_ber 300000000 || return 1
	wait_for 5 no_carrier_a || fail_msg "link stayed up at 3e-4" || return 1
	unc=$(fec_stat uncorrectable_blocks "$LANE")
	log "lane $LANE at 3e-4: $unc uncorrectable"
	[ "$unc" -gt 0 ] || fail_msg "nothing uncorrectable" || return 1
	got=$(ip netns exec lumen_a ethtool "$PORT_A" | sed -n 's/^[[:space:]]*Link detected: //p')
	[ "$got" = "no (Bad signal integrity, Large number of physical errors)" ] ||
		fail_msg "Link detected: $got" || return 1
	dmesg_since | grep -q "link down, bit error ratio beyond the limit (the FEC's" ||
		fail_msg "reason not logged" || return 1
	set_ber 0 || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" || fail_msg "no carrier at 0" || return 1
	ns_works || fail_msg "no traffic after the sweep"
}

# 1e-6 is BaseR's limit: BaseR loses the link RS keeps.
weaker_fec_drops()
{
	# both ends on BaseR first, so that the drop below is the BER's and
	# not the passing mismatch of one end changing before the other
	set_fec_both baser || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" ||
		fail_msg "no carrier on BaseR at BER 0" || return 1
	set_ber 1000000 || return 1
	wait_for 5 no_carrier_a || fail_msg "BaseR kept the link at 1e-6" || return 1
	got=$(link_detected lumen_a "$PORT_A")
	[ "$got" = "no (Bad signal integrity, Large number of physical errors)" ] ||
		fail_msg "at BaseR's limit: Link detected: $got" || return 1
	set_fec_both rs || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" || fail_msg "RS did not bring it back" ||
		return 1
	ns_works || fail_msg "no traffic with RS" || return 1
	set_ber 0 && set_fec_both auto
}

link_detected()
{
	ip netns exec "$1" ethtool "$2" | sed -n 's/^[[:space:]]*Link detected: //p'
}

no_carrier_b()
{
	! carrier_in lumen_b "$PORT_B"
}

# A on BaseR, B on RS: both links down, each saying the partner runs
# another mode; B on BaseR too: both up.
mismatch_keeps_both_down()
{
	set_fec baser || return 1
	wait_for 5 no_carrier_a && wait_for 5 no_carrier_b ||
		fail_msg "a link stayed up with BaseR against RS" || return 1
	for end in "lumen_a $PORT_A" "lumen_b $PORT_B"; do
		# shellcheck disable=SC2086 # two words
		got=$(link_detected $end)
		[ "$got" = "no (Autoneg, FEC mismatch during override)" ] ||
			fail_msg "${end%% *}: Link detected: $got" || return 1
	done
	set_fec_b baser || return 1
	wait_for 5 carrier_in lumen_a "$PORT_A" &&
	wait_for 5 carrier_in lumen_b "$PORT_B" ||
		fail_msg "links did not return once both ran BaseR" || return 1
	ns_works || fail_msg "no traffic on BaseR" || return 1
	set_fec_both auto
}

ktap_header 9
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "defaults" defaults
ktap_check "each_mode" each_mode
ktap_check "refusals" refusals
ktap_check "kept_across_down_up" kept_across_down_up
ktap_check "correctable" correctable
ktap_check "beyond_the_fec" beyond_the_fec
ktap_check "weaker_fec_drops" weaker_fec_drops
ktap_check "mismatch_keeps_both_down" mismatch_keeps_both_down
ktap_finish
