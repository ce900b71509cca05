#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the same workloads, in the same guest configuration, over
# two lumen ports, two virtio-net devices and two e1000e devices, each
# pair wired back to back through the same QEMU netdev backend (-netdev
# dgram on 127.0.0.1) and run between two network namespaces:
#
#   TCP throughput   iperf3, 1 and 4 streams, Mbit/s at the receiver
#   UDP packet rate  kernel pktgen, 60-byte frames, received frames/s
#   latency          ping round trip, mean of 200, microseconds
#   CPU per KiB      guest CPU time over bytes moved, TCP 1 stream (per
#                    KiB, not per frame: with TSO a frame is up to 64 KiB)
#
# One guest per NIC, one after the other, so the figures of a run share
# the machine's state.  Prints a table with the ratios lumen/virtio-net
# and lumen/e1000e and saves it in build/bench/.  TCG figures are noisy in
# absolute terms; the ratios of one run are what to compare.
#
# Then one more lumen guest (the "raw" run) compares, on the same two
# lumen ports in the same guest, raw frames (lumen-raw) with AF_PACKET
# (TPACKET_V3 RX ring, PACKET_TX_RING) and a UDP socket (lumen-sockbench,
# tools/bench/): received frames/s at 64 B and 4 KiB of payload, and the
# round trip of a 64 B ping (median and p99), in a second table.
#
#   bench.sh [SECONDS]    length of each timed workload (default 8)
#
# BENCH_ONLY=nic runs only the NIC table's guests, BENCH_ONLY=raw only the
# raw run (make bench BENCH_ONLY=raw).

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/vm/lib.sh"

SECS=${1:-8}
ONLY=${BENCH_ONLY:-}
case $ONLY in
''|nic|raw) ;;
*) echo "bench.sh: BENCH_ONLY is nic or raw, not '$ONLY'" >&2; exit 2 ;;
esac
OUT=$LUMEN_BUILD/bench
NICS=(lumen virtio-net-pci e1000e)
declare -A DRIVER=([lumen]=lumen [virtio-net-pci]=virtio_net [e1000e]=e1000e)
# what to load for it (virtio-net needs its PCI transport)
declare -A MODULES=([lumen]=lumen [virtio-net-pci]="virtio_pci virtio_net" [e1000e]=e1000e)
declare -A NAME=([lumen]=lumen [virtio-net-pci]=virtio-net [e1000e]=e1000e)
# The QEMU device of each.  lumen's model sends the frames of one TX run
# in one datagram of the fiber (its "burst" property, lumen-burst.c);
# virtio-net and e1000e cannot, so for this table lumen sends one frame
# a datagram like them, and the table compares datapaths, not fibers.
# The raw run keeps bursts: its three kinds all share lumen's fiber.
declare -A DEVICE=([lumen]=lumen,burst=off [virtio-net-pci]=virtio-net-pci [e1000e]=e1000e)
declare -A RES
# the raw run: its guest's tools, and how many pings a round-trip row takes
TESTS=/lumen/tests
PINGS=$((SECS * 125))

# The guest side: prints "RESULT key value" lines.
guest_script()
{
	cat <<EOF
set -u
DRV=$1
MODULES="$2"
SECS=$SECS
EOF
	cat <<'EOF'
fail() { echo "FAIL: $*"; exit 1; }
ports() {
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink "$n/device/driver" 2>/dev/null)")" = "$DRV" ] &&
			basename "$n"
	done | sort
}
for m in $MODULES; do
	modprobe "$m" || fail "modprobe $m"
done
modprobe pktgen || fail "modprobe pktgen"
i=0
while [ "$(ports | wc -l)" -lt 2 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no two $DRV ports"; sleep 0.1
done
set -- $(ports)
A=$1 B=$2
MAC_B=$(cat /sys/class/net/$B/address)
ip netns add a && ip netns add b || fail "netns"
ip link set "$A" netns a && ip link set "$B" netns b || fail "move"
ip -n a addr add 10.78.0.1/24 dev "$A" && ip -n b addr add 10.78.0.2/24 dev "$B"
ip -n a link set "$A" up && ip -n b link set "$B" up
i=0
until ip netns exec a ping -c 1 -W 1 10.78.0.2 > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 30 ] || fail "no path between the ports"; sleep 1
done
ip netns exec b iperf3 -s -D || fail "iperf3 -s"
sleep 1

moved() {
	ip netns exec b cat /sys/class/net/$B/statistics/rx_bytes
}
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# iperf3 STREAMS: receiver Mbit/s
tcp() {
	ip netns exec a iperf3 -c 10.78.0.2 -P "$1" -t "$SECS" -f m |
		awk '/receiver/ { v = $(NF - 2) } END { print v + 0 }'
}

b0=$(moved) c0=$(busy)
echo "RESULT tcp1 $(tcp 1)"
b1=$(moved) c1=$(busy)
# USER_HZ ticks of 10 ms: microseconds of CPU per KiB received
echo "RESULT cpu_us_per_kib $(awk -v c=$((c1 - c0)) -v b=$((b1 - b0)) \
	'BEGIN { printf "%.2f", b ? c * 10000 * 1024 / b : 0 }')"
echo "RESULT tcp4 $(tcp 4)"

# pktgen from a to b: 60-byte UDP frames, as fast as the device takes them
PG=/proc/net/pktgen
ip netns exec a sh -c "echo rem_device_all > $PG/kpktgend_0 &&
	echo 'add_device $A' > $PG/kpktgend_0 &&
	echo 'count 0' > $PG/$A && echo 'pkt_size 60' > $PG/$A &&
	echo 'delay 0' > $PG/$A && echo 'dst 10.78.0.2' > $PG/$A &&
	echo 'dst_mac $MAC_B' > $PG/$A && echo 'udp_dst_min 9' > $PG/$A &&
	echo 'udp_dst_max 9' > $PG/$A" || fail "pktgen setup"
r0=$(ip netns exec b cat /sys/class/net/$B/statistics/rx_packets)
ip netns exec a sh -c "echo start > $PG/pgctrl" &
pg=$!
sleep "$SECS"
r1=$(ip netns exec b cat /sys/class/net/$B/statistics/rx_packets)
ip netns exec a sh -c "echo stop > $PG/pgctrl"
wait $pg
echo "RESULT udp64_pps $(( (r1 - r0) / SECS ))"

avg=$(ip netns exec a ping -q -c 200 -i 0.01 10.78.0.2 |
	sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p')
echo "RESULT latency_us $(awk -v a="${avg:-0}" 'BEGIN { printf "%d", a * 1000 }')"
EOF
}

# The raw run's guest side: prints "RESULT ROW.KIND value" lines, ROW one
# of pps64 pps4k (received), pps64tx pps4ktx (sent), rtt50 rtt99, and KIND
# one of raw afpacket udp.
raw_guest_script()
{
	cat <<EOF
set -u
SECS=$SECS
PINGS=$PINGS
RAW=$TESTS/lumen-raw
SB=$TESTS/lumen-sockbench
# raw channels with the largest rings (LUMEN_RAW_RING_MAX), as the
# sockets' rings are sized for a burst
ENTRIES=4096
EOF
	cat <<'EOF'
T=/tmp/bench
fail() { echo "FAIL: $*"; exit 1; }
ports() {
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink "$n/device/driver" 2>/dev/null)")" = lumen ] &&
			basename "$n"
	done | sort
}
mkdir -p $T
modprobe lumen || fail "modprobe lumen"
i=0
while [ "$(ports | wc -l)" -lt 2 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no two lumen ports"; sleep 0.1
done
set -- $(ports)
A=$1 B=$2
# Raw channels belong to the port's device, whatever netns its netdev is in.
DEV_A=/dev/lumen/$(basename "$(readlink /sys/class/net/$A/device)")
DEV_B=/dev/lumen/$(basename "$(readlink /sys/class/net/$B/device)")
[ -c "$DEV_A" ] && [ -c "$DEV_B" ] || fail "no $DEV_A and $DEV_B"
MAC_B=$(cat /sys/class/net/$B/address)
ip netns add a && ip netns add b || fail "netns"
ip link set "$A" netns a && ip link set "$B" netns b || fail "move"
ip -n a addr add 10.78.0.1/24 dev "$A" && ip -n b addr add 10.78.0.2/24 dev "$B"
# 4 KiB of UDP or AF_PACKET payload in one frame; raw frames ignore the MTU.
ip -n a link set "$A" mtu 9000 && ip -n b link set "$B" mtu 9000 || fail "mtu 9000"
# The link (raw frames need it too) comes with the netdevs up.
ip -n a link set "$A" up && ip -n b link set "$B" up
i=0
until ip netns exec a ping -c 1 -W 1 10.78.0.2 > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 30 ] || fail "no path between the ports"; sleep 1
done

# ready FILE: wait up to 10 s for a receiver's --ready file.
ready() {
	i=0
	until [ -e "$1" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
}
# rate rx|tx FILE: the X of its "rx: N frames, B bytes in T s: X frames/s"
# (or tx:) line.
rate() {
	awk -v w="$1:" '$1 == w { for (i = 1; i < NF; i++) if ($(i + 1) == "frames/s,") v = $i }
	     END { print v + 0 }' "$2"
}
# collect PID ROW KIND WHAT: wait for the receiver, report both rates.
collect() {
	wait "$1" || echo "FAIL: $4 receiver: $(cat $T/rx.err)"
	sed "s/^/# $4 /" $T/tx $T/rx $T/rx.err
	echo "RESULT $2.$3 $(rate rx $T/rx)"
	echo "RESULT ${2}tx.$3 $(rate tx $T/tx)"
}
# Sender and receiver in separate processes for all three, the receiver
# started first; each receiver counts from its first frame.
# mark WHAT: a line in the kernel log, to place its messages in the run
mark() { echo "bench: $*" > /dev/kmsg; }
for S in 64 4096; do
	[ $S = 64 ] && k=pps64 || k=pps4k
	mark "raw $S B"
	rm -f $T/ready
	$RAW bench "$DEV_B" --chan 7 --size $S --secs "$SECS" --mode rx \
		--entries $ENTRIES --ready $T/ready > $T/rx 2> $T/rx.err &
	p=$!
	ready $T/ready || echo "FAIL: raw receiver did not start"
	$RAW bench "$DEV_A" --chan 7 --size $S --secs "$SECS" --mode tx \
		--entries $ENTRIES > $T/tx 2>&1 ||
		echo "FAIL: raw sender $S B: $(cat $T/tx)"
	collect $p $k raw "raw $S B"

	mark "AF_PACKET $S B"
	ip netns exec b $SB afpacket-rx "$B" "$SECS" > $T/rx 2> $T/rx.err &
	p=$!
	sleep 1
	ip netns exec a $SB afpacket-tx "$A" $S "$SECS" "$MAC_B" \
		> $T/tx 2>&1 || echo "FAIL: AF_PACKET sender $S B: $(cat $T/tx)"
	collect $p $k afpacket "AF_PACKET $S B"

	mark "UDP $S B"
	ip netns exec b $SB udp-rx 5001 "$SECS" > $T/rx 2> $T/rx.err &
	p=$!
	sleep 1
	ip netns exec a $SB udp-tx 10.78.0.2 5001 $S "$SECS" \
		> $T/tx 2>&1 || echo "FAIL: UDP sender $S B: $(cat $T/tx)"
	collect $p $k udp "UDP $S B"
done

# Round trips of 64 B pings: "rtt us: min A median B p99 C max D".
rtt() {
	wait "$1" || echo "FAIL: $2 reflector: $(cat $T/rx.err)"
	sed "s/^/# $2 /" $T/tx $T/rx.err
	set -- $2 $(awk '/^rtt us:/ { print $6, $8 }' $T/tx)
	echo "RESULT rtt50.$1 ${2:-}"
	echo "RESULT rtt99.$1 ${3:-}"
}
rm -f $T/ready
$RAW pingpong "$DEV_B" --reflect --chan 9 --count "$PINGS" --ready $T/ready \
	> /dev/null 2> $T/rx.err &
p=$!
ready $T/ready || echo "FAIL: raw reflector did not start"
$RAW pingpong "$DEV_A" --chan 9 --count "$PINGS" --size 64 > $T/tx 2>&1 ||
	echo "FAIL: raw pingpong: $(tail -n 1 $T/tx)"
rtt $p raw

ip netns exec b $SB afpacket-pingpong reflect "$B" "$PINGS" 2> $T/rx.err &
p=$!
sleep 1
ip netns exec a $SB afpacket-pingpong client "$A" 64 "$PINGS" "$MAC_B" \
	> $T/tx 2>&1 || echo "FAIL: AF_PACKET pingpong: $(tail -n 1 $T/tx)"
rtt $p afpacket

ip netns exec b $SB udp-pingpong server 5002 "$PINGS" 2> $T/rx.err &
p=$!
sleep 1
ip netns exec a $SB udp-pingpong client 10.78.0.2 5002 64 "$PINGS" \
	> $T/tx 2>&1 || echo "FAIL: UDP pingpong: $(tail -n 1 $T/tx)"
rtt $p udp
mark "done"
# what the ports counted that the figures do not show
ip netns exec a ethtool -S "$A" | grep -E 'missed_irq|no_buffer|drop' | grep -v ': 0$' | sed "s/^/# $A /"
ip netns exec b ethtool -S "$B" | grep -E 'missed_irq|no_buffer|drop' | grep -v ': 0$' | sed "s/^/# $B /"
EOF
}

# ratio A B: A/B to two decimals, or "-" without B.
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'
}

run_nic()
{
	local nic=$1 name=bench-$1 rc=0 line key val

	lumen_vm_start "$name" --nic "${DEVICE[$nic]}" --timeout $((SECS * 6 + 120)) \
		-- "$(guest_script "${DRIVER[$nic]}" "${MODULES[$nic]}")"
	lumen_vm_wait "$name" || rc=$?
	while read -r line; do
		case $line in
		RESULT\ *)
			read -r _ key val <<< "$line"
			RES[$nic.$key]=$val ;;
		FAIL:*)	echo "bench: ${NAME[$nic]}: $line" >&2 ;;
		esac
	done < <(lumen_vm_output "$name")
	[ "$rc" -eq 0 ] || echo "bench: ${NAME[$nic]}: guest exit $rc" >&2
	return "$rc"
}

# The raw run: one lumen guest, both ports, all three kinds in turn.
run_raw()
{
	local name=bench-raw rc=0 line key val

	# --nic: the NIC runs leave the last one's model in LUMEN_VM_NIC
	lumen_vm_start "$name" --nic lumen \
		--timeout $((SECS * 8 + PINGS * 3 / 100 + 180)) -- "$(raw_guest_script)"
	lumen_vm_wait "$name" || rc=$?
	while read -r line; do
		case $line in
		RESULT\ *)
			read -r _ key val <<< "$line"
			RES[raw.$key]=$val ;;
		FAIL:*)	echo "bench: raw: $line" >&2 ;;
		esac
	done < <(lumen_vm_output "$name")
	[ "$rc" -eq 0 ] || echo "bench: raw: guest exit $rc" >&2
	return "$rc"
}

table()
{
	local key label higher v l

	printf '%-28s %12s %12s %12s %10s %10s\n' "workload" lumen virtio-net e1000e \
		"l/virtio" "l/e1000e"
	while IFS='|' read -r key label higher; do
		printf '%-28s' "$label"
		for n in "${NICS[@]}"; do
			printf ' %12s' "${RES[$n.$key]:--}"
		done
		l=${RES[lumen.$key]:-0}
		for n in virtio-net-pci e1000e; do
			v=${RES[$n.$key]:-0}
			if [ "$higher" = yes ]; then
				printf ' %10s' "$(ratio "$l" "$v")"
			else
				# lower is better: show how many times better
				printf ' %10s' "$(ratio "$v" "$l")"
			fi
		done
		echo
	done <<'ROWS'
tcp1|TCP 1 stream (Mbit/s)|yes
tcp4|TCP 4 streams (Mbit/s)|yes
udp64_pps|UDP 64 B (frames/s)|yes
latency_us|latency (us, lower better)|no
cpu_us_per_kib|CPU per KiB (us, lower)|no
ROWS
	echo "Ratios are lumen's advantage: above 1.00 lumen is better (for the"
	echo "lower-is-better rows, the other NIC's figure over lumen's)."
}

raw_table()
{
	local key label higher r v k

	echo "raw frames on lumen ports (64 B pings for the round trip)"
	printf '%-28s %12s %12s %12s %10s %10s\n' "workload" raw AF_PACKET UDP \
		"raw/AFP" "raw/UDP"
	while IFS='|' read -r key label higher; do
		printf '%-28s' "$label"
		for k in raw afpacket udp; do
			printf ' %12s' "${RES[raw.$key.$k]:--}"
		done
		r=${RES[raw.$key.raw]:-0}
		for k in afpacket udp; do
			v=${RES[raw.$key.$k]:-0}
			if [ "$higher" = yes ]; then
				printf ' %10s' "$(ratio "$r" "$v")"
			else
				printf ' %10s' "$(ratio "$v" "$r")"
			fi
		done
		echo
	done <<'ROWS'
pps64|64 B (frames/s)|yes
pps4k|4 KiB (frames/s)|yes
rtt50|RTT median (us, lower)|no
rtt99|RTT p99 (us, lower)|no
pps64tx|64 B sent (frames/s)|yes
pps4ktx|4 KiB sent (frames/s)|yes
ROWS
	echo "Frames/s at the receiver; the sent rows are what the sender queued"
	echo "(raw frames have no flow control: a receiver short of buffers drops"
	echo "the excess, raw_rx_no_buffer).  All three kinds cross the fiber in"
	echo "bursts; the NIC table's lumen runs with burst=off."
	echo "Payload bytes per frame: raw, after AF_PACKET's 14-byte Ethernet"
	echo "header, UDP's datagram; MTU 9000.  Ratios are raw's advantage."
}

# The fiber is a UDP socket pair on 127.0.0.1, whose receive buffer is
# the host's default (net.core.rmem_default, 208 KiB on Debian): a sender
# that outruns QEMU's main loop (a raw sender, with no flow control, can)
# loses frames there, and the rows then measure the host's scheduling
# more than the NICs.  Raise it to RMEM bytes for the run (as
# root; all NICs alike) and put it back after.
RMEM=${BENCH_RMEM:-4194304}
rmem_saved=

rmem_raise()
{
	local cur

	cur=$(sysctl -n net.core.rmem_default 2> /dev/null) || return 0
	[ "$cur" -lt "$RMEM" ] || return 0
	if sysctl -q -w net.core.rmem_default="$RMEM" 2> /dev/null; then
		rmem_saved=$cur
	else
		lumen_log "WARNING: cannot raise net.core.rmem_default (not root?): the fiber drops more"
	fi
}

rmem_restore()
{
	[ -z "$rmem_saved" ] || sysctl -q -w net.core.rmem_default="$rmem_saved"
}

bench_cleanup()
{
	rmem_restore
	lumen_vm_cleanup
}

main()
{
	local n rc=0 file

	lumen_vm_trap
	trap bench_cleanup EXIT
	rmem_raise
	mkdir -p "$OUT"
	if [ "$ONLY" != raw ]; then
		for n in "${NICS[@]}"; do
			lumen_log "BENCH   ${NAME[$n]} (${SECS} s a workload)"
			run_nic "$n" || rc=1
		done
	fi
	if [ "$ONLY" != nic ]; then
		lumen_log "BENCH   raw frames, AF_PACKET, UDP on lumen (${SECS} s a workload)"
		run_raw || rc=1
	fi
	file=$OUT/bench-$(date +%Y%m%d-%H%M%S).txt
	{
		echo "lumen benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) host cores,"
		echo "guests: q35, TCG single-threaded, $LUMEN_VM_SMP vCPUs, $LUMEN_VM_MEMORY of memory, kernel $LUMEN_KVER"
		echo "ports back to back over -netdev dgram on 127.0.0.1 (socket buffers: $(sysctl -n net.core.rmem_default 2> /dev/null) bytes)"
		echo
		[ "$ONLY" = raw ] || table
		[ -n "$ONLY" ] || echo
		[ "$ONLY" = nic ] || raw_table
	} | tee "$file"
	cp "$file" "$OUT/latest.txt"
	return "$rc"
}

main "$@"
