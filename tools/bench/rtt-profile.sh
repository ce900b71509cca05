#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-profile: where a round trip's time goes, for lumen,
# virtio-net and e1000e in the same guest configuration as make bench.
#
# Under TCG every access of a device register leaves translated code for
# the device model (an "exit"), and every interrupt costs the guest an
# entry, a handler and, for these NICs, a NAPI poll.  For each NIC this
# boots the bench guest (two ports back to back through -netdev dgram,
# each in its own namespace), lets the link settle, then, with QEMU's
# memory_region_ops_read/write trace events switched on over QMP for
# just that window, sends PINGS pings of 64 bytes one after the other
# and counts, per round trip (a request and a reply, both ports):
#
#   reads, writes   register accesses to the NIC's own regions (its BARs
#                   and MSI-X table), by region
#   kicks           doorbells QEMU takes as eventfds (virtio's), which
#                   bypass the regions' accessors
#   irqs            interrupts of the NIC's vectors (/proc/interrupts)
#   clock rd        reads of the HPET, the guest's clocksource here
#
# The round trip itself is make bench's; tracing slows it too much to
# time here.
# and prints a table and the per-region detail, saved as
# build/bench/profile-<date>.txt.
#
#   rtt-profile.sh [PINGS]    round trips to count (default 200)

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/vm/lib.sh"

PINGS=${1:-200}
OUT=$LUMEN_BUILD/bench
QMP=$top/tools/vm/qmp
NICS=(${PROFILE_NICS:-lumen virtio-net-pci e1000e})
declare -A DRIVER=([lumen]=lumen [virtio-net-pci]=virtio_net [e1000e]=e1000e)
declare -A MODULES=([lumen]=lumen [virtio-net-pci]="virtio_pci virtio_net" [e1000e]=e1000e)
declare -A NAME=([lumen]=lumen [virtio-net-pci]=virtio-net [e1000e]=e1000e)
# the NIC's memory regions, as QEMU names them (an ERE on the name)
declare -A REGIONS=([lumen]="^lumen" [virtio-net-pci]="^virtio-pci|^msix-" \
	[e1000e]="^e1000e|^msix-")
declare -A RES

# The guest side: "step: ready" when the link is up, then, once the
# host has had time to switch tracing on, the pings and "step: done".
guest_script()
{
	cat <<EOF
set -u
DRV=$1
MODULES="$2"
PINGS=$PINGS
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
i=0
while [ "$(ports | wc -l)" -lt 2 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no two $DRV ports"; sleep 0.1
done
set -- $(ports)
A=$1 B=$2
ip netns add a && ip netns add b || fail "netns"
ip link set "$A" netns a && ip link set "$B" netns b || fail "move"
ip -n a addr add 10.78.0.1/24 dev "$A" && ip -n b addr add 10.78.0.2/24 dev "$B"
ip -n a link set "$A" up && ip -n b link set "$B" up
i=0
until ip netns exec a ping -c 1 -W 1 10.78.0.2 > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 30 ] || fail "no path between the ports"; sleep 1
done
ip netns exec a ping -q -c 20 -i 0.02 10.78.0.2 > /dev/null
# interrupts of the NIC's vectors (their /proc/interrupts names)
irqs() {
	awk -v d="$DRV" 'NR > 1 && ($NF ~ d || $NF ~ /virtio/ || $NF ~ /eth|enp|ens/) {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i }
		END { print s + 0 }' /proc/interrupts
}
echo "step: ready"
sleep 5
i0=$(irqs)
ip netns exec a ping -q -c "$PINGS" -i 0.02 10.78.0.2 > /dev/null ||
	fail "pings lost"
i1=$(irqs)
echo "step: done"
echo "RESULT irqs $(awk -v n=$((i1 - i0)) -v p="$PINGS" 'BEGIN { printf "%.2f", n / p }')"
sleep 5
EOF
}

# wait_step NAME DIR SECONDS: the guest has logged "step: NAME".
wait_step()
{
	local i

	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "^step: $1" "$2/output.log" && return 0
		grep -q "^FAIL:\|lumen-exit:" "$2/output.log" && return 1
		sleep 0.1
	done
	return 1
}

trace()
{
	local ev

	for ev in memory_region_ops_read memory_region_ops_write \
		  virtio_queue_notify; do
		"$QMP" "$1" trace-event-set-state \
			"{\"name\": \"$ev\", \"enable\": $2}" > /dev/null || return 1
	done
}

# count NIC DIR: the NIC's accesses in the trace, per round trip, into
# RES[NIC.reads], RES[NIC.writes] and RES[NIC.detail].
count()
{
	local nic=$1 log=$2/trace.log

	RES[$nic.reads]=$(awk -v re="${REGIONS[$nic]}" -v p="$PINGS" '
		$1 ~ /memory_region_ops_read/ { n = $NF; gsub("\047", "", n)
			if (n ~ re) c++ } END { printf "%.1f", c / p }' "$log")
	RES[$nic.writes]=$(awk -v re="${REGIONS[$nic]}" -v p="$PINGS" '
		$1 ~ /memory_region_ops_write/ { n = $NF; gsub("\047", "", n)
			if (n ~ re) c++ } END { printf "%.1f", c / p }' "$log")
	# virtio's doorbells are eventfds, which QEMU matches before any
	# region's ops (under TCG too): counted by virtio's own event
	RES[$nic.kicks]=$(awk -v p="$PINGS" '$1 ~ /virtio_queue_notify/ { c++ }
		END { printf "%.1f", c / p }' "$log")
	# the guest's clocksource, the HPET here: every NIC's driver and
	# stack read the time, and each read is an exit too
	RES[$nic.clock]=$(awk -v p="$PINGS" '$1 ~ /memory_region_ops_read/ &&
		$NF == "\047hpet\047" { c++ } END { printf "%.1f", c / p }' "$log")
	RES[$nic.detail]=$(awk -v re="${REGIONS[$nic]}" -v p="$PINGS" '
		$1 ~ /memory_region_ops_(read|write)/ { n = $NF; gsub("\047", "", n)
			if (n ~ re) {
				k = ($1 ~ /read/ ? "read  " : "write ") n " " $7
				c[k]++ } }
		END { for (k in c) if (c[k] / p >= 0.1) printf "  %-44s %6.2f\n", k, c[k] / p }' \
		"$log" | sort)
}

run_nic()
{
	local nic=$1 name=profile-$1 rc=0 sock dir line key val

	sock=$(mktemp -u "${TMPDIR:-/tmp}/lumen-qmp.XXXXXX")
	lumen_vm_start "$name" --nic "$nic" --timeout $((PINGS / 10 + 240)) \
		--qemu-args "-qmp unix:$sock,server=on,wait=off -D $LUMEN_VM_LOGDIR/$name/trace.log" \
		-- "$(guest_script "${DRIVER[$nic]}" "${MODULES[$nic]}")"
	dir=$(lumen_vm_dir "$name")
	if wait_step ready "$dir" 120 && trace "$sock" true &&
	   wait_step done "$dir" $((PINGS / 10 + 60)); then
		trace "$sock" false
	else
		echo "rtt-profile: ${NAME[$nic]}: the guest did not get through" >&2
		rc=1
	fi
	lumen_vm_wait "$name" || rc=$?
	while read -r line; do
		case $line in
		RESULT\ *)
			read -r _ key val <<< "$line"
			RES[$nic.$key]=$val ;;
		FAIL:*)	echo "rtt-profile: ${NAME[$nic]}: $line" >&2 ;;
		esac
	done < <(lumen_vm_output "$name")
	[ "$rc" -eq 0 ] && count "$nic" "$dir"
	rm -f "$sock"
	return "$rc"
}

report()
{
	local n

	echo "lumen round-trip profile, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) host cores,"
	echo "guests: q35, TCG single-threaded, $LUMEN_VM_SMP vCPUs, kernel $LUMEN_KVER;"
	echo "$PINGS pings of 64 B, one after the other, between two ports of each NIC"
	echo
	printf '%-12s %9s %9s %9s %9s %9s\n' NIC reads writes kicks irqs "clock rd"
	for n in "${NICS[@]}"; do
		printf '%-12s %9s %9s %9s %9s %9s\n' "${NAME[$n]}" "${RES[$n.reads]:--}" \
			"${RES[$n.writes]:--}" "${RES[$n.kicks]:--}" "${RES[$n.irqs]:--}" \
			"${RES[$n.clock]:--}"
	done
	echo "(per round trip: register reads and writes of the NIC's regions,"
	echo "eventfd doorbells, interrupts of its vectors, HPET clock reads)"
	echo
	echo
	echo "per round trip, by region and offset (>= 0.1):"
	for n in "${NICS[@]}"; do
		echo "${NAME[$n]}:"
		echo "${RES[$n.detail]:-  -}"
	done
}

main()
{
	local n rc=0 file

	lumen_vm_trap
	mkdir -p "$OUT"
	for n in "${NICS[@]}"; do
		lumen_log "PROFILE ${NAME[$n]} ($PINGS round trips)"
		run_nic "$n" || rc=1
	done
	file=$OUT/profile-$(date +%Y%m%d-%H%M%S).txt
	report | tee "$file"
	return "$rc"
}

main "$@"
