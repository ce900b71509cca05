#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the raw-frame device with bounded random sequences (lumen-rawfuzz):
# CALLS (3000; 600 on the debug kernel) ioctl, mmap, read, write and poll
# calls with random arguments on each port, and random stores into the
# mapped rings and descriptors, which the driver reads as the untrusted
# data they are; then CALLS / 3 as an unprivileged user, who must never
# get a channel.  Every result must be one the ABI allows (lumen-rawfuzz
# checks each); nothing may crash, warn or leak (the harness scans the
# kernel log); no channel may be left; and raw frames must still flow.
# SEED picks the sequences; it is logged so that a failure can be
# replayed.

. "$(dirname "$0")/lib.sh"

FUZZ=$(dirname "$0")/lumen-rawfuzz
RAW=$(dirname "$0")/lumen-raw
CALLS=${CALLS:-$(rounds 3000 600)}
SEED=${SEED:-$(date +%s)}

cleanup()
{
	lumen_unload
}
trap cleanup EXIT

setup()
{
	set -- $(lumen_bdfs)
	BDF_A=$1
	BDF_B=$2
	PORT_A=$(lumen_netdev "$BDF_A")
	PORT_B=$(lumen_netdev "$BDF_B")
	ip link set "$PORT_A" up && ip link set "$PORT_B" up || return 1
	wait_for 10 carrier_up "$PORT_A" && wait_for 10 carrier_up "$PORT_B" ||
		fail_msg "no carrier"
}

# fuzz BDF SEED [unpriv]
fuzz()
{
	calls=$CALLS
	[ "${3:-}" = unpriv ] && calls=$((CALLS / 3))
	log "lumen-rawfuzz /dev/lumen/$1 $calls $2 ${3:-}"
	"$FUZZ" "/dev/lumen/$1" "$calls" "$2" ${3:-} > /tmp/rawfuzz.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/rawfuzz.out | tail -n 20
	[ $rc = 0 ]
}

no_channel_left()
{
	for p in "$PORT_A" "$PORT_B"; do
		n=$(ethtool_stat "$p" raw_channels_open)
		[ "$n" = 0 ] || fail_msg "$p: $n raw channels open" || return 1
	done
	! grep -q -- "-raw[0-9]" /proc/interrupts ||
		fail_msg "raw channel interrupts left: $(grep -- -raw /proc/interrupts)"
}

frames_still_flow()
{
	"$RAW" recv "/dev/lumen/$BDF_B" --chan 21 --count 20 --timeout 5000 \
		> /tmp/rawfuzz.recv 2>&1 &
	pid=$!
	sleep 1
	"$RAW" send "/dev/lumen/$BDF_A" --chan 21 --count 20 --size 300 || return 1
	wait "$pid" || fail_msg "recv: $(cat /tmp/rawfuzz.recv)" || return 1
	[ "$(grep -c '^len=300 ' /tmp/rawfuzz.recv)" = 20 ] ||
		fail_msg "received: $(cat /tmp/rawfuzz.recv)"
}

ktap_header 7
lumen_load || exit $KSFT_FAIL
log "SEED=$SEED CALLS=$CALLS"
ktap_check "setup" setup
ktap_check "fuzz_port_a" fuzz "$BDF_A" "$SEED"
ktap_check "fuzz_port_b" fuzz "$BDF_B" $((SEED + 1))
ktap_check "fuzz_unprivileged" fuzz "$BDF_A" $((SEED + 2)) unpriv
ktap_check "fuzz_port_a_again" fuzz "$BDF_A" $((SEED + 3))
ktap_check "no_channel_left" no_channel_left
ktap_check "frames_still_flow" frames_still_flow
ktap_finish
