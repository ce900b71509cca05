#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# devlink parameters.  raw_channels (driverinit): shown with its default,
# the device's raw queue pairs; a value above that refused with a
# message and the old value kept; a new value takes effect at the next
# reload only (lumen-raw info counts the channels offered) and a port
# offers exactly that many (one more is refused with EBUSY); 0 offers
# none; and the value survives further reloads.

. "$(dirname "$0")/lib.sh"

RAW=$(dirname "$0")/lumen-raw
TMP=/tmp/lumen-params.$$

cleanup()
{
	kill $pids 2> /dev/null
	rm -rf "$TMP"
	lumen_unload
}
trap cleanup EXIT

setup()
{
	mkdir -p "$TMP"
	set -- $(lumen_bdfs)
	BDF=$1
	DL=pci/$BDF
	DEV=$(lumen_netdev "$BDF")
	ip link set "$DEV" up
}

# param_value: the driverinit value of raw_channels
param_value()
{
	devlink dev param show "$DL" name raw_channels |
		awk '/cmode driverinit/ { for (i = 1; i <= NF; i++) if ($i == "value") print $(i + 1) }'
}

set_param()
{
	devlink dev param set "$DL" name raw_channels value "$1" cmode driverinit
}

offered()
{
	"$RAW" info "/dev/lumen/$BDF" | awk '$1 == "channels:" { print $2 }'
}

default_shown()
{
	v=$(param_value)
	log "raw_channels: $v"
	[ "$v" = 8 ] || fail_msg "default $v, not 8" || return 1
	[ "$(offered)" = 8 ] || fail_msg "$(offered) channels offered"
}

too_many_refused()
{
	if set_param 9 2> "$TMP/err"; then
		fail_msg "raw_channels 9 accepted"
		return 1
	fi
	log "$(cat "$TMP/err")"
	grep -q "raw_channels exceeds" "$TMP/err" || fail_msg "no message" || return 1
	[ "$(param_value)" = 8 ] || fail_msg "value became $(param_value)"
}

# open_channels N: start N receivers on channels 1..N.  (Not $i, which
# wait_for uses.)
open_channels()
{
	pids=
	chn=1
	while [ $chn -le "$1" ]; do
		rm -f "$TMP/ready$chn"
		"$RAW" recv "/dev/lumen/$BDF" --chan $chn --timeout 30000 \
			--ready "$TMP/ready$chn" > /dev/null 2> "$TMP/err$chn" &
		pids="$pids $!"
		wait_for 5 test -e "$TMP/ready$chn" ||
			fail_msg "channel $chn: $(cat "$TMP/err$chn")" || return 1
		chn=$((chn + 1))
	done
}

close_channels()
{
	kill $pids 2> /dev/null
	wait $pids 2> /dev/null
	pids=
}

applies_at_reload()
{
	set_param 2 || return 1
	[ "$(offered)" = 8 ] || fail_msg "applied before the reload" || return 1
	devlink dev reload "$DL" || return 1
	[ "$(offered)" = 2 ] || fail_msg "$(offered) channels offered, not 2" || return 1
	open_channels 2 || fail_msg "2 channels could not be created" || return 1
	if "$RAW" recv "/dev/lumen/$BDF" --chan 3 --timeout 100 2> "$TMP/third"; then
		close_channels
		fail_msg "a third channel"
		return 1
	fi
	close_channels
	log "third: $(cat "$TMP/third")"
	grep -q "busy" "$TMP/third" || fail_msg "not EBUSY"
}

zero_offers_none()
{
	set_param 0 && devlink dev reload "$DL" || return 1
	[ "$(offered)" = 0 ] || fail_msg "$(offered) offered" || return 1
	! "$RAW" recv "/dev/lumen/$BDF" --chan 1 --timeout 100 2> /dev/null ||
		fail_msg "a channel with raw_channels 0"
}

survives_reload()
{
	devlink dev reload "$DL" || return 1
	[ "$(param_value)" = 0 ] && [ "$(offered)" = 0 ] ||
		fail_msg "after reload: value $(param_value), offered $(offered)" || return 1
	set_param 8 && devlink dev reload "$DL" && [ "$(offered)" = 8 ]
}

ktap_header 6
lumen_load || exit $KSFT_FAIL
ktap_check "setup" setup
ktap_check "raw_channels_default" default_shown
ktap_check "raw_channels_above_max_refused" too_many_refused
ktap_check "raw_channels_applies_at_reload" applies_at_reload
ktap_check "raw_channels_zero" zero_offers_none
ktap_check "raw_channels_survives_reload" survives_reload
ktap_finish
