#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Receive-side scaling through ethtool -x/-X/-n: the default table spreads
# over the queue pairs in use and follows ethtool -L; UDP flows to many
# ports land on several queue pairs; a table set with -X steers every
# flow where it says, and a new key is read back as written; bad tables,
# keys and hash functions are refused and change nothing; the user's
# table stops a channel change that would orphan an entry.

. "$(dirname "$0")/lib.sh"

FLOWS=64

cleanup()
{
	ns_cleanup
	lumen_unload
}
trap cleanup EXIT

rss_b()
{
	ip netns exec lumen_b ethtool "$@"
}

# table: the indirection table of port B, one entry per line.
table()
{
	rss_b -x "$PORT_B" | awk '/^ *[0-9]+: / { for (i = 2; i <= NF; i++) print $i }'
}

# rx_counts: rxN_packets of port B's first four queue pairs.
rx_counts()
{
	for q in 0 1 2 3; do
		printf '%s ' "$(ethtool_stat lumen_b "$PORT_B" rx${q}_packets)"
	done
}

# send_flows: FLOWS UDP datagrams from A, each to a port of its own.
send_flows()
{
	ip netns exec lumen_a bash -c "for p in \$(seq 20000 $((20000 + FLOWS - 1))); do
		echo lumen > /dev/udp/10.76.0.2/\$p; done" 2> /dev/null
	sleep 1
}

# queues_hit BEFORE AFTER: the queue pairs whose count moved, as "0 2 ...".
queues_hit()
{
	set -- $1 $2
	hit=
	for q in 0 1 2 3; do
		eval "b=\${$((q + 1))} a=\${$((q + 5))}"
		[ "$a" -le "$b" ] || hit="$hit$q "
	done
	echo "$hit"
}

default_table()
{
	rss_b -L "$PORT_B" combined 4 || return 1
	wait_for 10 carrier_in lumen_b "$PORT_B" || return 1
	[ "$(table | wc -l)" = 128 ] || fail_msg "$(table | wc -l) entries" || return 1
	[ "$(table | sort -u | tr '\n' ' ')" = "0 1 2 3 " ] ||
		fail_msg "entries $(table | sort -u | tr '\n' ' ')" || return 1
	key=$(rss_b -x "$PORT_B" | sed -n '/RSS hash key/{n;p}')
	[ ${#key} = $((40 * 3 - 1)) ] || fail_msg "key '$key'" || return 1
	rss_b -x "$PORT_B" | grep -A1 "RSS hash function" | grep -q "toeplitz: on" ||
		fail_msg "toeplitz is not on"
}

flow_hash_fields()
{
	out=$(rss_b -n "$PORT_B" rx-flow-hash udp4) || return 1
	echo "$out" | grep -q "IP SA" && echo "$out" | grep -q "IP DA" &&
	echo "$out" | grep -q "L4 bytes 2 & 3" || fail_msg "udp4 hashes: $out"
}

flows_spread()
{
	before=$(rx_counts)
	send_flows
	after=$(rx_counts)
	hit=$(queues_hit "$before" "$after")
	log "$FLOWS flows: rx $before -> $after: queue pairs $hit"
	[ "$(echo $hit | wc -w)" -ge 3 ] || fail_msg "flows reached only queue pairs $hit"
}

# steered_to Q: after the table was set, every flow lands on Q.
steered_to()
{
	before=$(rx_counts)
	send_flows
	after=$(rx_counts)
	hit=$(queues_hit "$before" "$after")
	[ "$hit" = "$1 " ] || fail_msg "flows reached queue pairs $hit, not $1"
}

steer_with_table()
{
	rss_b -X "$PORT_B" equal 1 && steered_to 0 || return 1
	rss_b -X "$PORT_B" weight 0 0 1 0 && steered_to 2 || return 1
	[ "$(table | sort -u)" = 2 ] || fail_msg "table not all 2"
}

new_key()
{
	k=$(seq 1 40 | awk '{ printf "%s%02x", (NR > 1 ? ":" : ""), ($1 * 37) % 256 }')
	rss_b -X "$PORT_B" hkey "$k" || return 1
	got=$(rss_b -x "$PORT_B" | sed -n '/RSS hash key/{n;p}')
	[ "$got" = "$k" ] || fail_msg "key read back as $got"
}

# refused ARGS...: ethtool -X ARGS fails with a message, table unchanged.
refused()
{
	t=$(table | tr '\n' ' ')
	if out=$(rss_b -X "$PORT_B" "$@" 2>&1); then
		fail_msg "ethtool -X $* succeeded"
		return 1
	fi
	log "ethtool -X $*: $out"
	[ -n "$out" ] && [ "$(table | tr '\n' ' ')" = "$t" ] ||
		fail_msg "ethtool -X $*: no message or table changed"
}

bad_requests_refused()
{
	refused equal 5 &&
	refused weight 1 1 1 1 1 &&
	refused hfunc xor &&
	refused hkey 01:02:03 || return 1
	# the table uses queue pair 2: going down to 2 channels is refused
	if out=$(rss_b -L "$PORT_B" combined 2 2>&1); then
		fail_msg "channel change orphaned table entries"
		return 1
	fi
	log "ethtool -L combined 2: $out"
	# back to the default table, which then follows the channels
	rss_b -X "$PORT_B" default && rss_b -L "$PORT_B" combined 2 || return 1
	wait_for 10 carrier_in lumen_b "$PORT_B" || return 1
	[ "$(table | sort -u | tr '\n' ' ')" = "0 1 " ] ||
		fail_msg "default table is $(table | sort -u | tr '\n' ' ')"
}

rxhash_off_still_works()
{
	rss_b -K "$PORT_B" rxhash off && ns_works &&
	rss_b -K "$PORT_B" rxhash on && ns_works
}

ktap_header 8
lumen_load || exit $KSFT_FAIL
ktap_check "setup" ns_setup
ktap_check "default_table_over_4_queue_pairs" default_table
ktap_check "flow_hash_fields" flow_hash_fields
ktap_check "${FLOWS}_flows_spread" flows_spread
ktap_check "table_steers_flows" steer_with_table
ktap_check "new_key_read_back" new_key
ktap_check "bad_requests_refused" bad_requests_refused
ktap_check "rxhash_off_still_works" rxhash_off_still_works
ktap_finish
