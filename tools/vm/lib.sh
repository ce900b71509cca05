# SPDX-License-Identifier: GPL-2.0
#
# Boot lumen test guests from bash: the library under tools/vm/vm.sh,
# make check and the host tests in selftests/host/.  Sourced, never run.
#
#   . tools/vm/lib.sh
#   lumen_vm_trap                    # kill our guests on any exit
#   read -r pa pb < <(lumen_udp_ports 2)
#   lumen_vm_start a --ports 0 --netdev-args "$(lumen_vm_port_args 0 52:54:00:4c:01:01 "$pa" "$pb")" -- 'modprobe lumen'
#   lumen_vm_start b ...
#   lumen_vm_wait a || rc=$?         # the command's exit status
#   lumen_vm_output a                # what the command printed
#
# lumen_vm_start NAME [OPTIONS] -- COMMAND...
#   Boot a fresh guest in the background and run COMMAND in it (joined
#   with spaces, run by the guest's `sh -c`).  OPTIONS:
#     --ports N          lumen ports wired back to back in this guest: 2
#                        (default), 1 (one port, peer nowhere) or 0
#     --nic MODEL        QEMU device for those ports (default lumen, or
#                        $LUMEN_VM_NIC): e.g. e1000e for a baseline
#     --netdev-args S    more QEMU arguments (word-split), normally from
#                        lumen_vm_port_args, for wiring of your own
#     --qemu-args S      more QEMU arguments (word-split), after those
#                        of $LUMEN_QEMU_ARGS (e.g. -trace for debugging)
#     --append S         more kernel command line
#     --timeout SEC      kill QEMU after SEC seconds (default 300)
#     --log FILE         the kernel console log (default: in the guest dir)
#     --extra-dir DIR    pack DIR into the guest at /lumen/extra
#     --layer FILE       append a prebuilt cpio(.gz) to the initramfs
#   Files go to $LUMEN_VM_LOGDIR/NAME/ (default build/vm/guests/NAME/):
#   console.log (kernel console, ttyS0), output.log (COMMAND's output,
#   ttyS1, ending in "lumen-exit: RC"), qemu.log (QEMU's own messages).
#
# lumen_vm_wait NAME
#   Wait for the guest; return COMMAND's exit status, or 124 if it timed
#   out (QEMU was killed), or 125 if the guest ended without an exit
#   status (it crashed, or QEMU failed to start); say why on stderr.
#
# lumen_vm_wait_step NAME STEP SECONDS
#   Wait until the guest's command has printed a line "step: STEP", for
#   host tests that act between the guest's steps; return 1 at once if
#   it failed ("FAIL:") or ended first, or after SECONDS without it.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LUMEN_VM_LOGDIR=${LUMEN_VM_LOGDIR:-$LUMEN_VM_BUILD/guests}
LUMEN_VM_NIC=${LUMEN_VM_NIC:-lumen}
LUMEN_VM_MEMORY=${LUMEN_VM_MEMORY:-1G}
LUMEN_VM_SMP=${LUMEN_VM_SMP:-2}
# One host thread runs both vCPUs: with multi-threaded TCG, QEMU 7.2 now
# and then leaves a vCPU spinning on a jump label the kernel has just
# patched (a soft lockup in early boot, about one boot in thirty here).
# Never KVM: nested KVM hangs on these hosts.
LUMEN_VM_ACCEL=${LUMEN_VM_ACCEL:-tcg,thread=single}
# Firmware from Debian's packages (qemu-system-data, seabios, ipxe-qemu):
# a QEMU built from source searches none of them on its own.
LUMEN_VM_FIRMWARE=(/usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu)

# A kernel console line with one of these (fixed strings) fails the run;
# lines with one of LUMEN_FAULT_BENIGN are boot banners of debug options,
# not reports, or kmemleak saying that an injected allocation failure hit
# its own bookkeeping (it then scans the whole object: no report is lost).
LUMEN_FAULT_PATTERNS=(
	'BUG:' 'WARNING:' 'Oops' 'general protection fault' 'KASAN' 'UBSAN'
	'possible circular locking' 'possible recursive locking'
	'inconsistent lock state' 'suspicious RCU usage' 'Kernel panic'
	'kmemleak' 'DMA-API:' 'refcount_t:' 'list_add corruption'
	'unreferenced object' 'stalled pool shutdown'
)
LUMEN_FAULT_BENIGN=(
	'kmemleak: Kernel memory leak detector initialized'
	'kmemleak: Automatic memory scanning thread started'
	'DMA-API: preallocated'
	'DMA-API: debugging enabled by kernel config'
	'kmemleak: Cannot allocate a scan area, scanning the full object'
)

declare -A _lumen_vm_pid _lumen_vm_dir _lumen_vm_console _lumen_vm_rc _lumen_vm_timeout

# Resolve QEMU, the guest kernel and the initramfs layers once; exported
# so that child scripts (vm.sh, host tests) reuse them.
lumen_vm_prepare()
{
	[ -n "${LUMEN_VM_READY:-}" ] && return 0
	lumen_kver || return 1
	QEMU=$(lumen_qemu) || return 1
	LUMEN_VM_KERNEL=$("$LUMEN_VM_TOOLS/kernel.sh" vmlinuz) || return 1
	LUMEN_VM_LAYERS=$("$LUMEN_VM_TOOLS/initramfs.sh") || return 1
	LUMEN_VM_READY=1
	export QEMU LUMEN_VM_KERNEL LUMEN_VM_LAYERS LUMEN_VM_READY
}

# Print N distinct UDP ports that nothing on this host uses, picked at
# random in 20000-60999 so that parallel runs rarely meet.  Ask for all
# the ports you need in one call.
lumen_udp_ports()
{
	local n=$1 used p picked=()

	used=" $(ss -Hanu | awk '{ n = split($4, a, ":"); print a[n] }' | tr '\n' ' ') "
	for p in $(shuf -i 20000-60999 -n $((n + 64))); do
		[[ $used == *" $p "* ]] && continue
		picked+=("$p")
		[ ${#picked[@]} -eq "$n" ] && break
	done
	[ ${#picked[@]} -eq "$n" ] || { echo "lumen: no free UDP ports" >&2; return 1; }
	echo "${picked[*]}"
}

# lumen_vm_port_args INDEX MAC LOCAL_PORT REMOTE_PORT
# QEMU arguments for port INDEX (0, 1, ...) of one guest: a NIC behind
# its own PCIe root port, its frames carried as UDP datagrams from
# 127.0.0.1:LOCAL_PORT to 127.0.0.1:REMOTE_PORT.
lumen_vm_port_args()
{
	local i=$1 mac=$2 lport=$3 rport=$4

	echo "-device pcie-root-port,id=lumen_rp$i,bus=pcie.0,chassis=$((i + 1)),slot=$((i + 1))" \
	     "-netdev dgram,id=lumen_f$i,local.type=inet,local.host=127.0.0.1,local.port=$lport,remote.type=inet,remote.host=127.0.0.1,remote.port=$rport" \
	     "-device $LUMEN_VM_NIC,id=lumen$i,netdev=lumen_f$i,mac=$mac,bus=lumen_rp$i"
}

# The QEMU arguments of --ports N.
_lumen_vm_ports_args()
{
	local n=$1 p0 p1

	[ "$n" -gt 0 ] || return 0
	read -r p0 p1 < <(lumen_udp_ports 2) || return 1
	lumen_vm_port_args 0 52:54:00:4c:00:01 "$p0" "$p1"
	[ "$n" -lt 2 ] || lumen_vm_port_args 1 52:54:00:4c:00:02 "$p1" "$p0"
}

# _lumen_vm_initrd DIR CMD INTERACTIVE EXTRA_DIR LAYER...: the guest's
# initramfs, DIR/initrd.img: the shared layers, then one of this boot
# with the command, the mode and --extra-dir.
_lumen_vm_initrd()
{
	local dir=$1 cmd=$2 interactive=$3 extra=$4 run=$1/run
	shift 4

	rm -rf "$run"
	mkdir -p "$run/lumen"
	[ -z "$cmd" ] || printf '%s\n' "$cmd" > "$run/lumen/cmd"
	[ -z "$interactive" ] || touch "$run/lumen/interactive"
	if [ -n "$extra" ]; then
		[ -d "$extra" ] || { echo "lumen: --extra-dir $extra: no such directory" >&2; return 1; }
		cp -a "$extra/." "$run/lumen/extra"
	fi
	lumen_pack "$run" "$dir/run.cpio.gz"
	rm -rf "$run"
	# shellcheck disable=SC2086 # LUMEN_VM_LAYERS is a list of paths
	cat $LUMEN_VM_LAYERS "$@" "$dir/run.cpio.gz" > "$dir/initrd.img"
}

# _lumen_vm_setup NAME [OPTIONS] -- COMMAND...: parse the options, make
# the guest's directory and initramfs, and leave the QEMU command line in
# _lumen_vm_cmd (without the serial ports) and the timeout in
# _lumen_vm_timeout[NAME].
_lumen_vm_setup()
{
	local name=$1 ports=2 netdev= qemu_args=${LUMEN_QEMU_ARGS:-} append=
	local timeout=300 log=
	local extra= interactive= dir cmd layers=() extra_args=() port_args
	local fw firmware=()
	shift

	while [ $# -gt 0 ]; do
		case $1 in
		--ports)	ports=$2; shift ;;
		--nic)		LUMEN_VM_NIC=$2; shift ;;
		--netdev-args)	netdev+=" $2"; shift ;;
		--qemu-args)	qemu_args+=" $2"; shift ;;
		--append)	append+=" $2"; shift ;;
		--timeout)	timeout=$2; shift ;;
		--log)		log=$2; shift ;;
		--extra-dir)	extra=$2; shift ;;
		--layer)	layers+=("$2"); shift ;;
		--interactive)	interactive=1 ;;
		--)		shift; break ;;
		*)		echo "lumen_vm_start: unknown option $1" >&2; return 2 ;;
		esac
		shift
	done
	case $ports in 0|1|2) ;; *) echo "lumen: --ports must be 0, 1 or 2" >&2; return 2 ;; esac
	cmd="$*"

	lumen_vm_prepare || return 1
	dir=$LUMEN_VM_LOGDIR/$name
	mkdir -p "$dir"
	rm -f "$dir"/{console,output,qemu}.log
	[ -n "$log" ] || log=$dir/console.log
	mkdir -p "$(dirname "$log")"
	: > "$log"
	: > "$dir/output.log"
	_lumen_vm_initrd "$dir" "$cmd" "$interactive" "$extra" "${layers[@]}" || return 1
	port_args=$(_lumen_vm_ports_args "$ports") || return 1

	read -d '' -ra extra_args <<< "$port_args $netdev $qemu_args" || true
	for fw in "${LUMEN_VM_FIRMWARE[@]}"; do
		firmware+=(-L "$fw")
	done
	_lumen_vm_cmd=(
		"$QEMU" -machine q35 -accel "$LUMEN_VM_ACCEL" -m "$LUMEN_VM_MEMORY" -smp "$LUMEN_VM_SMP"
		-nodefaults -no-user-config -display none -no-reboot
		"${firmware[@]}"
		-kernel "$LUMEN_VM_KERNEL" -initrd "$dir/initrd.img"
		-append "console=ttyS0 panic=-1$append"
		"${extra_args[@]}"
	)
	_lumen_vm_dir[$name]=$dir
	_lumen_vm_console[$name]=$log
	_lumen_vm_timeout[$name]=$timeout
	unset "_lumen_vm_rc[$name]"
}

lumen_vm_start()
{
	local name=$1 dir

	_lumen_vm_setup "$@" || return
	dir=${_lumen_vm_dir[$name]}
	timeout -k 5 "${_lumen_vm_timeout[$name]}" "${_lumen_vm_cmd[@]}" \
		-serial "file:${_lumen_vm_console[$name]}" -serial "file:$dir/output.log" \
		< /dev/null > "$dir/qemu.log" 2>&1 &
	_lumen_vm_pid[$name]=$!
}

# Boot a guest in the foreground with its console (ttyS0) on this
# terminal: COMMAND (if any), then a shell.  Ctrl-a x quits QEMU.
lumen_vm_interactive()
{
	local name=$1 dir

	_lumen_vm_setup "$name" --interactive "${@:2}" || return
	dir=${_lumen_vm_dir[$name]}
	"${_lumen_vm_cmd[@]}" -serial mon:stdio -serial "file:$dir/output.log"
}

# The exit status a finished guest's command reported, or nothing.
_lumen_vm_exit_status()
{
	{ grep -ao 'lumen-exit: [0-9]*$' "$1" 2>/dev/null || true; } |
		tail -n 1 | cut -d' ' -f2
}

lumen_vm_wait()
{
	local name=$1 pid rc=0 status dir

	if [ -n "${_lumen_vm_rc[$name]:-}" ]; then
		return "${_lumen_vm_rc[$name]}"
	fi
	pid=${_lumen_vm_pid[$name]:?lumen_vm_wait: no guest $name}
	dir=${_lumen_vm_dir[$name]}
	wait "$pid" || rc=$?
	unset "_lumen_vm_pid[$name]"
	rm -f "$dir/initrd.img" "$dir/run.cpio.gz"
	status=$(_lumen_vm_exit_status "$dir/output.log")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "lumen: guest $name timed out after ${_lumen_vm_timeout[$name]} s; QEMU was killed" \
		     "(console: ${_lumen_vm_console[$name]})" >&2
		rc=124
	elif [ -n "$status" ]; then
		rc=$status
	else
		echo "lumen: guest $name ended without 'lumen-exit' (crash, panic or QEMU failure)" \
		     "(console: ${_lumen_vm_console[$name]})" >&2
		sed 's/^/lumen: qemu: /' "$dir/qemu.log" | tail -n 10 >&2
		tail -n 10 "${_lumen_vm_console[$name]}" | sed 's/^/lumen: console: /' >&2
		rc=125
	fi
	_lumen_vm_rc[$name]=$rc
	return "$rc"
}

# Remove the exit marker and carriage returns from guest output.
lumen_vm_filter()
{
	sed -u -e 's/\r$//' -e '/^lumen-exit: [0-9]*$/d' -e 's/lumen-exit: [0-9]*$//'
}

lumen_vm_output()
{
	lumen_vm_filter < "${_lumen_vm_dir[$1]}/output.log"
}

lumen_vm_console()
{
	echo "${_lumen_vm_console[$1]}"
}

# The guest's directory: output.log, qemu.log and the rest.
lumen_vm_dir()
{
	echo "${_lumen_vm_dir[$1]}"
}

lumen_vm_wait_step()
{
	local out=${_lumen_vm_dir[$1]}/output.log i

	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "^step: $2" "$out" && return 0
		grep -q "^FAIL:\|lumen-exit:" "$out" && return 1
		sleep 0.1
	done
	echo "# no 'step: $2' in $3 s"
	return 1
}

# Reports that are bugs of the guest kernel itself, not of lumen, and
# that only fault injection into core code or unbinding under traffic
# reach.  Each entry is "ID|text of the report's first line|text further
# on[|LINES]": the second text must stand in the report's call trace (to
# its end-of-trace marker), or within LINES lines when given.  A report
# matching is listed as known instead of failing the run.  Keep each as
# narrow as the bug, and describe it in docs/reliability.rst.
#   irq-proc: register_irq_proc() ignores a failed proc_create() of a
#   file under /proc/irq/N/, and unregister_irq_proc() then removes that
#   file all the same: remove_proc_entry() WARNs "name 'smp_affinity'".
#   page-pool-inflight: 6.1's page_pool keeps a page DMA-mapped until the
#   stack gives it back, and a driver cannot unmap pages still held when
#   it unbinds; DMA-API debugging reports them.  Only reports whose leaked
#   mapping was made by page_pool_dma_map() match; a leaked mapping of
#   the driver's own (TX, rings) still fails.
#   pciehp-lockdep: removing a device through native PCIe hotplug,
#   pciehp_unconfigure_device() takes pciehp's ctrl->reset_lock under
#   pci_rescan_remove_lock, the reverse of its own order elsewhere.
LUMEN_KNOWN_KERNEL_BUGS=(
	'irq-proc|at fs/proc/generic.c:734 remove_proc_entry+|unregister_irq_proc+'
	'page-pool-inflight|has pending DMA allocations while released from device|page_pool_dma_map+|80'
	'page-pool-inflight|at kernel/dma/debug.c:859 dma_debug_device_change+|page_pool_dma_map+|80'
	'page-pool-inflight|DMA-API: Mapped at:|page_pool_dma_map+|8'
	'pciehp-lockdep|possible circular locking dependency detected|(&ctrl->reset_lock){|8'
)

# _lumen_known_bug FILE LINENO: the ID of the known kernel bug whose
# report starts at line LINENO of FILE, or nothing.
_lumen_known_bug()
{
	local first trace entry id head body lines

	first=$(sed -n "$2p" "$1")
	for entry in "${LUMEN_KNOWN_KERNEL_BUGS[@]}"; do
		IFS='|' read -r id head body lines <<< "$entry"
		[[ $first == *"$head"* ]] || continue
		if [ -n "$lines" ]; then
			trace=$(sed -n "$2,$(($2 + lines))p" "$1")
		else
			trace=$(sed -n "$2,\$p" "$1" | sed -n '1,120p' | sed '/---\[ end trace/q')
		fi
		if [[ $trace == *"$body"* ]]; then
			echo "$id"
			return
		fi
	done
}

# lumen_vm_faults FILE...: print every kernel console line that shows a
# fault (see LUMEN_FAULT_PATTERNS) with the pattern that caught it and
# the lines that follow it; return 1 if there was one.  Known kernel bugs
# (LUMEN_KNOWN_KERNEL_BUGS) are printed as such and do not count.
lumen_vm_faults()
{
	local f pat hit n id lines found=0

	for f in "$@"; do
		for pat in "${LUMEN_FAULT_PATTERNS[@]}"; do
			lines=
			while IFS= read -r hit; do
				n=${hit%%:*}
				id=$(_lumen_known_bug "$f" "$n")
				if [ -n "$id" ]; then
					echo "known kernel bug '$id' (docs/reliability.rst) in $f:$hit"
					continue
				fi
				lines+="$hit"$'\n'
			done < <(grep -a -n -F -e "$pat" "$f" |
				 grep -v -F "${LUMEN_FAULT_BENIGN[@]/#/-e}" | head -n 20)
			[ -n "$lines" ] || continue
			echo "fault: '$pat' in $f:"
			printf '%s' "$lines"
			# what the first report says, for logs read from CI only
			n=${lines%%:*}
			sed -n "$((n + 1)),$((n + 12))p" "$f" | sed 's/^/    /'
			found=1
		done
	done
	return "$found"
}

# Kill every guest this shell started and is still running.  timeout(1)
# passes the TERM on to QEMU and follows with KILL 5 s later, so the wait
# is bounded.
lumen_vm_cleanup()
{
	local name pid

	for name in "${!_lumen_vm_pid[@]}"; do
		pid=${_lumen_vm_pid[$name]}
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		unset "_lumen_vm_pid[$name]"
	done
	return 0
}

# Clean up guests on every way out of the calling script.
lumen_vm_trap()
{
	trap lumen_vm_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
