#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bursts on the emulated fiber (tools/qemu/lumen/lumen-burst.c), seen
# from the host: the guest's two lumen ports are wired through
# fiber-relay.py, which forwards every datagram and counts the bursts.
# Port A has the model's default (burst=on), port B burst=off.
#
#   a_bursts     raw frames sent from A arrive at B intact and in order,
#                and batches of them crossed the fiber in bursts
#   b_bare       the same from B crosses it one frame a datagram
#   injected     a burst of three raw frames the host puts on the fiber
#                reaches B's channel as three frames, in order, and a
#                malformed one (a length past its end) delivers the two
#                frames before the bad length and drops the rest; the
#                port then still carries traffic

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/vm/lib.sh"

KSFT_PASS=0
KSFT_FAIL=1
MAC_A=52:54:00:4c:00:01
MAC_B=52:54:00:4c:00:02
RELAY=$top/selftests/host/fiber-relay.py

guest_script()
{
	cat <<EOF
MAC_A=$MAC_A
MAC_B=$MAC_B
EOF
	cat <<'EOF'
. /lumen/tests/lib.sh
RAW=/lumen/tests/lumen-raw
fail() { echo "FAIL: $*"; exit 1; }
lumen_load || fail "modprobe"
for bdf in $(lumen_bdfs); do
	dev=$(lumen_netdev "$bdf")
	case $(cat "/sys/class/net/$dev/address") in
	$MAC_A) PORT_A=$dev DEV_A=/dev/lumen/$bdf ;;
	$MAC_B) PORT_B=$dev DEV_B=/dev/lumen/$bdf ;;
	esac
done
[ -n "${PORT_A:-}" ] && [ -n "${PORT_B:-}" ] || fail "no ports $MAC_A and $MAC_B"
ip link set "$PORT_A" up && ip link set "$PORT_B" up || fail "link set up"
wait_for 30 carrier_up "$PORT_A" && wait_for 30 carrier_up "$PORT_B" ||
	fail "no link through the relay"

# recv_bg CHAN COUNT NAME: a receiver on B in the background, ready
recv_bg() {
	rm -f /tmp/$3.ready
	"$RAW" recv "$DEV_B" --chan "$1" --count "$2" --timeout 60000 --ready /tmp/$3.ready \
		> /tmp/$3.out 2> /tmp/$3.err &
	pid=$!
	wait_for 10 test -e /tmp/$3.ready || fail "receiver $3 did not start"
}
# 200 frames as fast as send queues them, most in bursts: what B gets is
# what A sent, frame by frame (recv prints what send --verbose does, and
# a timestamp)
recv_bg 8 200 intact
"$RAW" send "$DEV_A" --chan 8 --count 200 --verbose > /tmp/intact.sent ||
	fail "send: $(cat /tmp/intact.sent)"
wait "$pid" || fail "recv: $(cat /tmp/intact.err)"
sed 's/ tstamp=[^ ]*//' /tmp/intact.out | cmp -s - /tmp/intact.sent ||
	fail "received $(wc -l < /tmp/intact.out) frames, not as sent"

# bench FROM TO: a second of batches; prints the frames received
bench() {
	"$RAW" bench "$1" --peer "$2" --chan 5 --size 64 --secs 1 > /tmp/bench.out 2>&1 ||
		fail "bench: $(cat /tmp/bench.out)"
	sed 's/^/# /' /tmp/bench.out
	grep -q '^rx: [1-9][0-9]* frames' /tmp/bench.out || fail "bench moved nothing"
}
bench "$DEV_A" "$DEV_B"
echo "step: a-sent"
bench "$DEV_B" "$DEV_A"
echo "step: b-sent"

"$RAW" recv "$DEV_B" --chan 6 --count 5 --timeout 60000 --hex \
	--ready /tmp/inject.ready > /tmp/inject.out 2> /tmp/inject.err &
pid=$!
wait_for 10 test -e /tmp/inject.ready || fail "receiver did not start"
echo "step: inject"
wait "$pid" || fail "recv: $(cat /tmp/inject.err)"
sed 's/^/# /' /tmp/inject.out
got=$(sed -n 's/.* data=//p' /tmp/inject.out | tr '\n' ' ')
[ "$got" = "6231 6232 6233 6d31 6d32 " ] || fail "injected frames: $got"
recv_bg 7 10 after
"$RAW" send "$DEV_A" --chan 7 --count 10 > /dev/null || fail "send after the bursts"
wait "$pid" || fail "no traffic after the bursts: $(cat /tmp/after.err)"
echo "step: done"
EOF
}

# relay_stat DIR FIELD: the relay's count of FIELD for direction DIR (a, b).
relay_stat()
{
	awk -v d="$1" -v f="$2" '$1 == d { for (i = 2; i < NF; i++) if ($i == f) print $(i + 1) }' \
		"$tmp/stats"
}

# raw_frame CHAN FLOW PAYLOAD_HEX: a raw frame from A, padded to 60 bytes.
raw_frame()
{
	local f

	f=$(printf '034c55524157%s88b5%04x%04x%04x%s' "${MAC_A//:/}" "$1" "$2" \
		$((${#3} / 2)) "$3")
	while [ ${#f} -lt 120 ]; do f+=00; done
	echo "$f"
}

# burst COUNT FRAME_HEX...: a burst header for COUNT frames, then each
# frame with its length.
burst()
{
	local out f

	out=$(printf '034c55425253%s88b5%04x' "${MAC_A//:/}" "$1")
	shift
	for f in "$@"; do
		out+=$(printf '%04x%s' $((${#f} / 2)) "$f")
	done
	echo "$out"
}

check_bursts()
{
	local ad ab af bd bb

	ad=$(relay_stat a datagrams) ab=$(relay_stat a bursts) af=$(relay_stat a burst_frames)
	bd=$(relay_stat b datagrams) bb=$(relay_stat b bursts)
	echo "# relay: A to B $ad datagrams, $ab bursts of $af frames; B to A $bd datagrams, $bb bursts"
	[ "${ab:-0}" -gt 0 ] && [ "${af:-0}" -gt $((ab * 2)) ] ||
		{ echo "# A (burst=on) sent no bursts"; return 1; }
	[ "${bb:-1}" -eq 0 ] && [ "${bd:-0}" -gt 1000 ] ||
		{ echo "# B (burst=off) sent bursts, or too little"; return 1; }
}

inject()
{
	local b1 b2 b3 m1 m2 bad

	b1=$(raw_frame 6 1 6231) b2=$(raw_frame 6 2 6232) b3=$(raw_frame 6 3 6233)
	m1=$(raw_frame 6 4 6d31) m2=$(raw_frame 6 5 6d32)
	# m2, then a length of 0xffff that runs past the datagram
	bad=$(burst 4 "$m1" "$m2")ffff$(raw_frame 6 6 6d33)
	{
		burst 3 "$b1" "$b2" "$b3"
		echo "$bad"
		burst 0
	} > "$tmp/inject.tmp" && mv "$tmp/inject.tmp" "$tmp/inject"
}

main()
{
	local pa pb ra rb result=$KSFT_PASS rc=0 scale=$LUMEN_TIME_SCALE relay i

	lumen_vm_trap
	echo "TAP version 13"
	echo "1..1"

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lumen-burst.XXXXXX")
	read -r pa pb ra rb < <(lumen_udp_ports 4)
	python3 "$RELAY" "$tmp" "$pa" "$pb" "$ra" "$rb" $((300 * scale + 60)) &
	relay=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$tmp/stats" ] && break
		sleep 0.1
	done
	[ -e "$tmp/stats" ] || { echo "# the relay did not start"; result=$KSFT_FAIL; }
	lumen_vm_start fb --ports 0 --timeout $((300 * scale)) \
		--netdev-args "$(lumen_vm_port_args 0 $MAC_A "$pa" "$ra")" \
		--netdev-args "$(LUMEN_VM_NIC=lumen,burst=off lumen_vm_port_args 1 $MAC_B "$pb" "$rb")" \
		-- "$(guest_script)"

	if [ "$result" -ne "$KSFT_PASS" ]; then
		:
	elif ! lumen_vm_wait_step fb b-sent $((120 * scale)) || ! { sleep 0.5; check_bursts; }; then
		result=$KSFT_FAIL
	elif ! lumen_vm_wait_step fb inject $((30 * scale)) || ! inject; then
		result=$KSFT_FAIL
	elif ! lumen_vm_wait_step fb done $((60 * scale)); then
		result=$KSFT_FAIL
	fi
	lumen_vm_wait fb || rc=$?
	touch "$tmp/stop"
	wait "$relay"

	lumen_vm_output fb | sed 's/^/# /'
	[ "$rc" -eq 0 ] || { echo "# guest exit $rc"; result=$KSFT_FAIL; }
	if ! lumen_vm_faults "$(lumen_vm_console fb)" | sed 's/^/# /'; then
		result=$KSFT_FAIL
	fi
	rm -rf "$tmp"
	if [ "$result" -eq "$KSFT_PASS" ]; then
		echo "ok 1 fiber_burst_from_relay"
	else
		echo "not ok 1 fiber_burst_from_relay"
	fi
	return "$result"
}

main "$@"
