#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A device is untrusted: completions that name the wrong buffer, claim a
# length the buffer cannot hold, or complete a TX slot that is not
# outstanding are counted (rxN_bad_cqe / txN_bad_cqe) and dropped, never
# followed, and traffic goes on afterwards.  The device model's fault
# window makes it lie in each of these ways.

. "$(dirname "$0")/lib.sh"

N=5
CORRUPT_RX_LEN=1
CORRUPT_RX_ID=2
CORRUPT_RX_ZERO=3
CORRUPT_TX_ID=4

cleanup()
{
	for b in $(lumen_bdfs); do
		testwin "$b" set corrupt 0
	done
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

# bad_cqe NS DEV DIR: the sum of DIR(rx|tx)N_bad_cqe over all queues.
bad_cqe()
{
	ip netns exec "$1" ethtool -S "$2" |
		awk -v d="$3" '$1 ~ "^" d "[0-9]+_bad_cqe:$" { s += $2 } END { print s + 0 }'
}

corrupt_left()
{
	echo $(($(testwin "$1" get corrupt) & 0xffff))
}

corrupt_done()
{
	[ "$(corrupt_left "$1")" = 0 ]
}

# lies KIND BDF NS DEV DIR: corrupt N completions of KIND on device BDF
# while traffic flows; exactly N must be counted as bad.
lies()
{
	before=$(bad_cqe "$3" "$4" "$5")
	testwin "$2" set corrupt $(($1 << 16 | N)) || return 1
	# Until the device has told all its lies: a lost TX completion
	# holds the queue until the driver's service task (1 Hz) recovers it.
	ip netns exec lumen_a ping -q -i 0.05 -W 1 10.76.0.2 > /dev/null 2>&1 &
	pinger=$!
	wait_for 30 corrupt_done "$2"
	kill $pinger
	wait $pinger
	[ "$(corrupt_left "$2")" = 0 ] || fail_msg "only $((N - $(corrupt_left "$2"))) of $N corrupted" || return 1
	after=$(bad_cqe "$3" "$4" "$5")
	log "$5 bad completions: $before -> $after"
	[ $((after - before)) -eq $N ] || fail_msg "counted $((after - before)) bad completions, want $N"
}

# Permanent neighbours: every frame of a ping is then an echo request or
# reply, and a dropped frame cannot stall address resolution.
static_neighbours()
{
	mac_a=$(ip netns exec lumen_a cat "/sys/class/net/$PORT_A/address")
	mac_b=$(ip netns exec lumen_b cat "/sys/class/net/$PORT_B/address")
	ip -n lumen_a neigh replace 10.76.0.2 lladdr "$mac_b" dev "$PORT_A" nud permanent &&
	ip -n lumen_b neigh replace 10.76.0.1 lladdr "$mac_a" dev "$PORT_B" nud permanent
}

# The frames whose completions were refused were completed from TXQ_HEAD.
tx_recovered()
{
	lost=$(ip netns exec lumen_a ethtool -S "$PORT_A" |
	       awk '$1 ~ /^tx[0-9]+_lost_cqe:$/ { s += $2 } END { print s + 0 }')
	log "TX frames completed from TXQ_HEAD: $lost"
	[ "$lost" -ge 1 ]
}

traffic_flows()
{
	ip netns exec lumen_a ping -c 5 -i 0.1 -W 2 10.76.0.2 > /dev/null
}

ktap_header 10
lumen_load || exit $KSFT_FAIL
if ns_setup && static_neighbours; then
	ktap_pass "setup"
else
	ktap_fail "setup"
fi
ktap_check "rx_len_beyond_buffer_dropped" lies $CORRUPT_RX_LEN "$BDF_B" lumen_b "$PORT_B" rx
ktap_check "traffic_after_rx_len" traffic_flows
ktap_check "rx_wrong_buffer_id_dropped" lies $CORRUPT_RX_ID "$BDF_B" lumen_b "$PORT_B" rx
ktap_check "traffic_after_rx_id" traffic_flows
ktap_check "rx_zero_len_dropped" lies $CORRUPT_RX_ZERO "$BDF_B" lumen_b "$PORT_B" rx
ktap_check "traffic_after_rx_zero" traffic_flows
ktap_check "tx_id_not_outstanding_ignored" lies $CORRUPT_TX_ID "$BDF_A" lumen_a "$PORT_A" tx
ktap_check "lost_tx_completions_recovered" tx_recovered
ktap_check "traffic_after_tx_id" traffic_flows
ktap_finish
