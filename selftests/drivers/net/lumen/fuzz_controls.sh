#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the control interfaces with bounded random sequences: CALLS
# (2000; 200 on the debug kernel) ethtool, ip link and devlink requests
# (health reporters, the registers region and parameters too, reloads,
# port splits, firmware flash and selftest, link settings and the
# module's power mode policy) on one port, with
# values drawn from the edges of what is valid and far beyond, as root
# and as an unprivileged user.  Where the valid range is known (ring
# sizes, channels, MTU, speed and lanes) the outcome must match it: no
# silent success of a bad value, no refusal of a good one; every refusal
# must say something.  (Speed 4294967295 is SPEED_UNKNOWN, "keep the
# speed", so the fuzzer does not count it as bad.)  Nothing may crash, warn or leak (the harness scans the
# kernel log), and the port must carry traffic at the end.  SEED picks
# the sequence; it is logged so that a failure can be replayed.

. "$(dirname "$0")/lib.sh"

CALLS=${CALLS:-$(rounds 2000 200)}
SEED=${SEED:-$(date +%s)}
NOBODY=65534

cleanup()
{
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

# pick WORD...: one of the words, at random.
pick()
{
	shift $((RANDOM % $#))
	echo "$1"
}

ring_value()
{
	pick 0 1 63 64 65 100 128 256 511 512 1024 2048 4095 4096 4097 8192 \
	     65535 2147483648 4294967295 $RANDOM
}

# ring_ok TX RX: a size lumen takes.
ring_ok()
{
	for v in "$1" "$2"; do
		[ "$v" -ge 64 ] && [ "$v" -le 4096 ] &&
			[ $((v & (v - 1))) = 0 ] || return 1
	done
}

# speed_ok SPEED LANES: 1, 2, 4 or 8 lanes of 25, 50, 100 or 200 Gb/s.
speed_ok()
{
	case $2 in 1 | 2 | 4 | 8) ;; *) return 1 ;; esac
	[ $(($1 % $2)) = 0 ] || return 1
	case $(($1 / $2)) in 25000 | 50000 | 100000 | 200000) ;; *) return 1 ;; esac
}

# expect WANT CMD...: run CMD; WANT is ok, fail or any.  A refusal must
# come with a message.
expect()
{
	want=$1
	shift
	if out=$("$@" 2>&1); then
		[ "$want" != fail ] || fail_msg "call $n succeeded: $*" || return 1
	else
		[ "$want" != ok ] || fail_msg "call $n refused: $*: $out" || return 1
		[ -n "$out" ] || fail_msg "call $n refused silently: $*" || return 1
	fi
	return 0
}

# A split of some count.  One that takes is undone at once (the fuzzing
# goes on with the unsplit port's new netdev, up), after a check that a
# split port refuses to split further.
fuzz_split()
{
	c=$(pick 0 1 2 3 4 8 16)
	case $c in 2 | 4 | 8) w=ok ;; *) w=fail ;; esac
	expect $w devlink port split "pci/$BDF/0" count "$c" || return 1
	[ $w = ok ] || return 0
	expect fail devlink port split "pci/$BDF/1" count 2 &&
	expect ok devlink port unsplit "pci/$BDF/0" || return 1
	DEV=$(lumen_netdev "$BDF")
	[ -n "$DEV" ] || fail_msg "call $n: no netdev after the unsplit" || return 1
	ip link set "$DEV" up
}

# one random request on DEV
one_call()
{
	case $((RANDOM % 16)) in
	0 | 1)	tx=$(ring_value) rx=$(ring_value)
		if [ "$tx" -le 4096 ] && [ "$rx" -le 4096 ]; then
			if ring_ok "$tx" "$rx"; then w=ok; else w=fail; fi
		else
			w=fail
		fi
		expect $w ethtool -G "$DEV" tx "$tx" rx "$rx" ;;
	2 | 3)	c=$(pick 0 1 2 3 4 8 15 16 17 255 65535 $RANDOM)
		o=$(pick 1 1 1 0 2)
		if [ "$c" -ge 1 ] && [ "$c" -le 16 ] && [ "$o" = 1 ]; then w=ok; else w=fail; fi
		expect $w ethtool -L "$DEV" combined "$c" other "$o" ;;
	4)	m=$(pick 0 67 68 576 1500 4000 9000 9600 9601 65535 $RANDOM)
		if [ "$m" -ge 68 ] && [ "$m" -le 9600 ]; then w=ok; else w=fail; fi
		expect $w ip link set "$DEV" mtu "$m" ;;
	5)	expect any ethtool -K "$DEV" "$(pick sg tx rx tso gro)" "$(pick on off)" ;;
	6)	if [ $((RANDOM % 3)) = 0 ]; then
			p=$(pick high auto low)
			if [ "$p" != low ]; then w=ok; else w=fail; fi
			expect $w ethtool --set-module "$DEV" power-mode-policy "$p"
		else
			sp=$(pick 0 10 25000 50000 100000 200000 300000 400000 \
				  800000 1600000 4294967294)
			l=$(pick 1 2 3 4 8 16)
			a=$(pick off off off on)
			if [ "$a" = off ] && speed_ok "$sp" "$l"; then w=ok; else w=fail; fi
			expect $w ethtool -s "$DEV" speed "$sp" lanes "$l" autoneg "$a"
		fi ;;
	7)	u=$(pick 0 1 1000 65535 65536 4294967295)
		f=$(pick 0 64 65535 65536)
		if [ "$u" -le 65535 ] && [ "$f" -le 65535 ]; then w=ok; else w=fail; fi
		expect $w ethtool -C "$DEV" adaptive-rx "$(pick on off)" \
			rx-usecs "$u" rx-frames "$f" ;;
	8)	expect any ethtool "$(pick -S -i -g -l -k -a -c -m -d -e -T --show-fec \
			--show-priv-flags --show-module)" "$DEV" ;;
	9)	expect ok ip link set "$DEV" "$(pick up down)" ;;
	10)	expect ok ip link set "$DEV" address \
			"$(printf '02:%02x:%02x:%02x:%02x:%02x' $((RANDOM % 256)) \
			   $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))" ;;
	11)	expect fail ip link set "$DEV" address \
			"$(pick 01:00:5e:00:00:01 ff:ff:ff:ff:ff:ff 00:00:00:00:00:00)" ;;
	12)	if [ $((RANDOM % 8)) = 0 ]; then
			expect ok devlink dev reload "pci/$BDF"
		elif [ $((RANDOM % 3)) = 0 ]; then
			v=$(pick 0 1 7 8 9 255 65536 4294967295)
			p=$(pick raw_channels raw_channels bogus)
			c=$(pick driverinit driverinit runtime)
			if [ "$v" -le 8 ] && [ $p != bogus ] && [ $c = driverinit ]; then
				w=ok
			else
				w=fail
			fi
			expect $w devlink dev param set "pci/$BDF" name "$p" \
				value "$v" cmode "$c"
		else
			expect any devlink dev "$(pick info show param)" "pci/$BDF"
		fi ;;
	13)	case $((RANDOM % 4)) in
		0)	fuzz_split ;;
		1)	r=$(pick tx fw bogus)
			if [ $r = bogus ]; then w=fail; else w=ok; fi
			expect $w devlink health "$(pick show diagnose)" "pci/$BDF" reporter $r ;;
		2)	expect any devlink region new "pci/$BDF/registers" snapshot \
				"$(pick 0 1 2 3 4 5 4294967295)" ;;
		3)	expect any devlink region del "pci/$BDF/registers" snapshot \
				"$(pick 0 1 2 3 4 5)" ;;
		esac ;;
	14)	# fw_activate boots the stored (factory) image: a device reset
		a=$(pick fw_activate bogus no_reset flash selftest)
		if [ "$a" = fw_activate ]; then w=ok; else w=fail; fi
		case $a in
		no_reset) expect fail devlink dev reload "pci/$BDF" action fw_activate limit no_reset ;;
		flash)	# noise of a random size is no image
			mkdir -p /lib/firmware &&
			head -c $((RANDOM * 4)) /dev/urandom > /lib/firmware/lumen-fuzz.bin &&
			expect fail devlink dev flash "pci/$BDF" file lumen-fuzz.bin ;;
		selftest) expect ok devlink dev selftests run "pci/$BDF" id flash ;;
		*) expect $w devlink dev reload "pci/$BDF" action "$a" ;;
		esac ;;
	15)	# as nobody: every change refused, reads allowed
		expect fail setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
			ethtool -G "$DEV" rx 256 &&
		expect fail setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
			devlink dev reload "pci/$BDF" &&
		expect ok setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
			ethtool -g "$DEV" ;;
	esac
}

fuzz()
{
	RANDOM=$SEED
	log "seed $SEED, $CALLS calls"
	for n in $(seq 1 "$CALLS"); do
		one_call || return 1
	done
}

ktap_header 3
lumen_load || exit $KSFT_FAIL
set -- $(lumen_bdfs)
BDF=$1
DEV=$(lumen_netdev "$BDF")
ip link set "$DEV" up
ktap_check "fuzz_${CALLS}_control_calls" fuzz
ktap_check "sane_again" sh -c "ethtool -G $DEV tx 512 rx 512 &&
	ethtool -L $DEV combined 2 && ip link set $DEV mtu 1500 down &&
	ethtool -s $DEV speed 400000 lanes 8 autoneg off &&
	ethtool --set-module $DEV power-mode-policy high"
ktap_check "traffic_after_fuzzing" eval "ns_setup && ns_works"
ktap_finish
