#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Raw frames between the two ports with lumen-raw (tools/lumen-raw, on
# liblumen): frames sent on a channel of port A arrive intact, in order,
# with their flow id and a timestamp on the channel with the same id of
# port B, in ring and in read/write mode, with the device named by path
# or by netdev; pingpong answers every ping and prints a latency
# histogram; a frame for a channel nobody opened is counted in
# raw_rx_no_channel; the ports' raw_* counters agree with what was sent;
# bench moves frames, and paces them with --rate; an unprivileged user
# is refused; a device reset tears a channel down with ENETRESET and a
# removal with ENODEV.

. "$(dirname "$0")/lib.sh"

RAW=$(dirname "$0")/lumen-raw
TMP=/tmp/lumen-raw.$$
COUNT=${COUNT:-200}
PINGS=${PINGS:-$(rounds 1000 200)}

cleanup()
{
	[ -z "${bg:-}" ] || kill "$bg" 2>/dev/null
	rm -rf "$TMP"
	lumen_unload
}
trap cleanup EXIT

# ports: BDF_A/BDF_B, PORT_A/PORT_B (netdevs, init namespace), DEV_A/DEV_B.
ports()
{
	set -- $(lumen_bdfs)
	BDF_A=$1
	BDF_B=$2
	PORT_A=$(lumen_netdev "$BDF_A")
	PORT_B=$(lumen_netdev "$BDF_B")
	DEV_A=/dev/lumen/$BDF_A
	DEV_B=/dev/lumen/$BDF_B
	[ -n "$PORT_A" ] && [ -n "$PORT_B" ]
}

setup()
{
	mkdir -p "$TMP" && ports || return 1
	[ -c "$DEV_A" ] && [ -c "$DEV_B" ] ||
		fail_msg "no $DEV_A and $DEV_B: $(ls /dev/lumen 2>&1)" || return 1
	[ -e "/sys/class/misc/lumen-$BDF_A/device/net/$PORT_A" ] ||
		fail_msg "/sys/class/misc/lumen-$BDF_A does not lead to $PORT_A" || return 1
	links_up || return 1
	"$RAW" info "$DEV_A" | sed 's/^/# /'
	"$RAW" info "$DEV_A" | grep -q '^link: up$'
}

links_up()
{
	for p in "$PORT_A" "$PORT_B"; do
		echo 1 > "/proc/sys/net/ipv6/conf/$p/disable_ipv6" 2>/dev/null
		ip link set "$p" up || return 1
	done
	wait_for 10 carrier_up "$PORT_A" && wait_for 10 carrier_up "$PORT_B" ||
		fail_msg "no carrier"
}

# start_bg NAME CMD...: run a lumen-raw receiver in the background, its
# stdout in $TMP/NAME.out and stderr in $TMP/NAME.err, and wait until its
# channel exists (--ready).  (Not $name: ktap_check's.)
start_bg()
{
	bgname=$1
	shift
	rm -f "$TMP/$bgname.ready"
	"$RAW" "$@" --ready "$TMP/$bgname.ready" > "$TMP/$bgname.out" 2> "$TMP/$bgname.err" &
	bg=$!
	wait_for 5 test -e "$TMP/$bgname.ready" && return 0
	kill "$bg" 2>/dev/null
	wait_bg
	fail_msg "$bgname did not start: $(cat "$TMP/$bgname.err")"
}

# wait_bg NAME: the background receiver's exit status.
wait_bg()
{
	wait "$bg"
	rc=$?
	bg=
	return $rc
}

# raw_stat DEV NAME: an ethtool -S counter of a port, 0 if missing.
raw_stat()
{
	v=$(ethtool_stat "$1" "$2")
	echo "${v:-0}"
}

# send_recv NAME N RECV_DEV SEND_DEV ARGS...: N frames with ARGS from
# SEND_DEV to RECV_DEV; what recv prints must be what send printed, with
# a timestamp on each frame unless read/write mode.
send_recv()
{
	sr=$1 n=$2 rdev=$3 sdev=$4
	shift 4
	start_bg "$sr" recv "$rdev" --count "$n" --timeout 5000 "$@" || return 1
	"$RAW" send "$sdev" --count "$n" --verbose "$@" > "$TMP/$sr.sent" 2> "$TMP/$sr.serr" ||
		{ wait_bg; fail_msg "send: $(cat "$TMP/$sr.serr")"; return 1; }
	wait_bg || fail_msg "recv: $(cat "$TMP/$sr.err")" || return 1
	sed 's/ tstamp=[^ ]*//' "$TMP/$sr.out" > "$TMP/$sr.got"
	cmp -s "$TMP/$sr.sent" "$TMP/$sr.got" ||
		fail_msg "received $(wc -l < "$TMP/$sr.got") frames, not as sent: $(diff "$TMP/$sr.sent" "$TMP/$sr.got" | head -n 5)" ||
		return 1
	case " $* " in
	*" --rw "*)
		! grep -qv ' tstamp=- ' "$TMP/$sr.out" || fail_msg "a timestamp in read/write mode" ;;
	*)
		! grep -q ' tstamp=- ' "$TMP/$sr.out" || fail_msg "a frame without a timestamp" ;;
	esac
}

# Paced (--gap, in us) as in read_write_mode: a receiver the host does
# not run for a while must not lose frames to the lack of flow control.
send_recv_frames()
{
	send_recv rings "$COUNT" "$DEV_B" "$DEV_A" --chan 7 --flow 9 --size 200 --gap 500
}

send_recv_by_netdev_and_pci_name()
{
	send_recv byname "$COUNT" "$PORT_B" "$BDF_A" --chan 4095 --flow 65535 --size 1 --gap 500 &&
	start_bg hex recv "$PORT_B" --chan 8 --count 1 --hex || return 1
	"$RAW" send "$PORT_A" --chan 8 --flow 3 --data 00ff5aa5deadbeef ||
		{ wait_bg; return 1; }
	wait_bg || fail_msg "recv: $(cat "$TMP/hex.err")" || return 1
	grep -q '^len=8 flow=3 tstamp=[0-9]* data=00ff5aa5deadbeef$' "$TMP/hex.out" ||
		fail_msg "got: $(cat "$TMP/hex.out")"
}

read_write_mode()
{
	# 100 KB, paced: raw frames have no flow control, and a burst beyond
	# the host's UDP socket buffer (-netdev dgram) or a reader the host
	# does not run for a while loses frames (CI did, 4 of 100)
	send_recv rw 100 "$DEV_B" "$DEV_A" --chan 7 --size 1000 --rw --gap 2000
}

max_len_frames()
{
	max=$("$RAW" info "$DEV_A" | awk '$1 == "max_len:" { print $2 }')
	[ -n "$max" ] || return 1
	send_recv maxlen 20 "$DEV_B" "$DEV_A" --chan 7 --size "$max" &&
	! "$RAW" send "$DEV_A" --chan 7 --size $((max + 1)) 2> "$TMP/toolong.err" &&
	grep -q "too long" "$TMP/toolong.err" ||
		fail_msg "a frame of $((max + 1)) bytes: $(cat "$TMP/toolong.err")"
}

# pingpong B_ARGS -- A_ARGS: a reflector on B, PINGS pings from A.
pingpong()
{
	start_bg reflect pingpong "$DEV_B" --reflect --count "$PINGS" --timeout 5000 $1 ||
		return 1
	"$RAW" pingpong "$DEV_A" --count "$PINGS" --size 256 $1 > "$TMP/ping.out" 2>&1
	rc=$?
	sed 's/^/# /' "$TMP/ping.out"
	wait_bg || fail_msg "reflector: $(cat "$TMP/reflect.err")" || return 1
	[ $rc = 0 ] || return 1
	grep -q "^pingpong: $PINGS frames of 256 bytes, $PINGS answered, 0 lost" "$TMP/ping.out" &&
	grep -q '^rtt us: min [0-9.]* median [0-9.]* p99 [0-9.]* max [0-9.]*$' "$TMP/ping.out" &&
	grep -q ' us: ' "$TMP/ping.out" || fail_msg "no histogram"
}

# Nobody has channel 4000 on B: the frames are counted and dropped.
no_channel_counted()
{
	before=$(raw_stat "$PORT_B" raw_rx_no_channel)
	"$RAW" send "$DEV_A" --chan 4000 --count 5 || return 1
	wait_for 5 no_channel_is $((before + 5))
	after=$(raw_stat "$PORT_B" raw_rx_no_channel)
	[ "$after" = $((before + 5)) ] ||
		fail_msg "raw_rx_no_channel went from $before to $after, not by 5"
}

no_channel_is()
{
	[ "$(raw_stat "$PORT_B" raw_rx_no_channel)" = "$1" ]
}

raw_counters()
{
	echo "$(raw_stat "$PORT_A" raw_tx_frames) $(raw_stat "$PORT_A" raw_tx_bytes)" \
	     "$(raw_stat "$PORT_B" raw_rx_frames) $(raw_stat "$PORT_B" raw_rx_bytes)" \
	     "$(raw_stat "$PORT_B" raw_rx_no_buffer) $(raw_stat "$PORT_B" raw_rx_err_len)"
}

# 50 frames of 100 bytes: A's raw TX and B's raw RX counters move by 50
# and 5000, the drop counters do not move, and B counts its open channel.
port_counters_agree()
{
	for c in raw_tx_frames raw_tx_bytes raw_rx_frames raw_rx_bytes raw_rx_no_channel \
		 raw_rx_no_buffer raw_rx_err_len raw_channels_open; do
		ethtool -S "$PORT_A" | grep -q "^ *$c: " ||
			fail_msg "ethtool -S $PORT_A has no $c" || return 1
	done
	[ "$(raw_stat "$PORT_B" raw_channels_open)" = 0 ] ||
		fail_msg "$(raw_stat "$PORT_B" raw_channels_open) channels open before" || return 1
	before=$(raw_counters)
	start_bg count recv "$DEV_B" --chan 11 --count 50 || return 1
	[ "$(raw_stat "$PORT_B" raw_channels_open)" = 1 ] ||
		fail_msg "raw_channels_open is not 1 with a receiver" || return 1
	"$RAW" send "$DEV_A" --chan 11 --count 50 --size 100 2> /dev/null || { wait_bg; return 1; }
	wait_bg || return 1
	sleep 0.2
	after=$(raw_counters)
	log "raw tx frames bytes, rx frames bytes, no_buffer err_len: $before -> $after"
	set -- $before $after
	[ $(($7 - $1)) = 50 ] && [ $(($8 - $2)) = 5000 ] &&
	[ $(($9 - $3)) = 50 ] && [ $((${10} - $4)) = 5000 ] &&
	[ "${11}" = "$5" ] && [ "${12}" = "$6" ] || fail_msg "counters disagree" || return 1
	wait_for 5 channels_open_is 0 ||
		fail_msg "raw_channels_open is $(raw_stat "$PORT_B" raw_channels_open) after close"
}

channels_open_is()
{
	[ "$(raw_stat "$PORT_B" raw_channels_open)" = "$1" ]
}

bench()
{
	"$RAW" bench "$DEV_A" --peer "$DEV_B" --chan 12 --size 1024 --secs 2 > "$TMP/bench.out" 2>&1
	rc=$?
	sed 's/^/# /' "$TMP/bench.out"
	[ $rc = 0 ] && grep -q '^rx: [1-9][0-9]* frames' "$TMP/bench.out"
}

# bench --rate paces the sender and --entries sizes both channels'
# rings: 2 s at 2000 frames/s queue at most 4000 frames (and a batch),
# every one of which arrives; a ring size that is no power of two is a
# usage error.
bench_paced()
{
	if "$RAW" bench "$DEV_A" --chan 16 --mode tx --entries 1000 \
		2> "$TMP/entries.err"; then
		fail_msg "--entries 1000 accepted"
		return 1
	fi
	grep -q "bad ring size '1000'" "$TMP/entries.err" ||
		fail_msg "--entries 1000: $(cat "$TMP/entries.err")" || return 1
	start_bg paced bench "$DEV_B" --chan 16 --mode rx --secs 2 \
		--entries 1024 || return 1
	"$RAW" bench "$DEV_A" --chan 16 --mode tx --secs 2 --rate 2000 \
		--entries 1024 > "$TMP/paced.tx" 2>&1 ||
		{ wait_bg; fail_msg "tx: $(cat "$TMP/paced.tx")"; return 1; }
	wait_bg || fail_msg "rx: $(cat "$TMP/paced.err")" || return 1
	sed 's/^/# /' "$TMP/paced.tx" "$TMP/paced.out"
	tx=$(awk '$1 == "tx:" { print $2 }' "$TMP/paced.tx")
	rx=$(awk '$1 == "rx:" { print $2 }' "$TMP/paced.out")
	[ "${tx:-0}" -ge 500 ] && [ "$tx" -le 4064 ] ||
		fail_msg "paced at 2000 frames/s for 2 s, the sender queued ${tx:-none}" ||
		return 1
	[ "$rx" = "$tx" ] || fail_msg "sent $tx, received ${rx:-none}"
}

# Without CAP_NET_RAW or CAP_NET_ADMIN, no channel (the device node may
# already refuse the open).
unprivileged_refused()
{
	if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$RAW" recv "$DEV_B" --chan 13 --timeout 100 \
		2> "$TMP/unpriv.err"; then
		fail_msg "an unprivileged user created a channel"
		return 1
	fi
	log "unprivileged: $(cat "$TMP/unpriv.err")"
	grep -qE "Operation not permitted|Permission denied" "$TMP/unpriv.err"
}

# A receiver on B; `devlink dev reload` of B: it fails with ENETRESET
# ("Network dropped connection on reset"); a new channel then works.
reset_tears_down()
{
	start_bg reset recv "$DEV_B" --chan 14 --timeout 20000 || return 1
	devlink dev reload "pci/$BDF_B" || { kill "$bg"; wait_bg; return 1; }
	if wait_bg; then
		fail_msg "recv survived the reset"
		return 1
	fi
	log "after reset: $(cat "$TMP/reset.err")"
	grep -q "reset" "$TMP/reset.err" || fail_msg "not ENETRESET" || return 1
	wait_for 10 carrier_up "$PORT_A" && wait_for 10 carrier_up "$PORT_B" || return 1
	send_recv afterreset 10 "$DEV_B" "$DEV_A" --chan 14
}

# The same across an unbind of B: ENODEV; after the bind, a channel works.
removal_tears_down()
{
	start_bg remove recv "$DEV_B" --chan 15 --timeout 20000 || return 1
	lumen_unbind "$BDF_B" || { kill "$bg"; wait_bg; return 1; }
	if wait_bg; then
		fail_msg "recv survived the removal"
		return 1
	fi
	log "after removal: $(cat "$TMP/remove.err")"
	grep -q "No such device" "$TMP/remove.err" || fail_msg "not ENODEV" || return 1
	[ ! -e "$DEV_B" ] || fail_msg "$DEV_B still exists" || return 1
	lumen_bind "$BDF_B" && wait_for 10 has_netdev "$BDF_B" && ports && links_up &&
		wait_for 5 test -c "$DEV_B" || return 1
	send_recv afterbind 10 "$DEV_B" "$DEV_A" --chan 15
}

ktap_header 14
lumen_load || exit $KSFT_FAIL
ktap_check "setup" setup
ktap_check "send_recv_${COUNT}_frames" send_recv_frames
ktap_check "send_recv_by_netdev_and_pci_name" send_recv_by_netdev_and_pci_name
ktap_check "read_write_mode" read_write_mode
ktap_check "max_len_frames" max_len_frames
ktap_check "pingpong_${PINGS}" pingpong "--chan 9"
ktap_check "pingpong_${PINGS}_two_channels" pingpong "--chan 9 --peer-chan 10"
ktap_check "no_channel_counted" no_channel_counted
ktap_check "port_counters_agree" port_counters_agree
ktap_check "bench" bench
ktap_check "bench_paced" bench_paced
ktap_check "unprivileged_refused" unprivileged_refused
ktap_check "reset_tears_down_enetreset" reset_tears_down
ktap_check "removal_tears_down_enodev" removal_tears_down
ktap_finish
