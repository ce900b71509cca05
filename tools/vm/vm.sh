#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a fresh lumen test guest and run one command in it.

set -euo pipefail

. "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOF
usage: tools/vm/vm.sh [OPTIONS] -- COMMAND...
       tools/vm/vm.sh [OPTIONS] --interactive [-- COMMAND...]

Boot a fresh guest (Debian's kernel, lumen's initramfs, QEMU with TCG),
run COMMAND in it with 'sh -c' (the words joined with spaces),
stream its output, and exit with its exit status.  The kernel console
goes to the log file, never to stdout.

  --ports N          lumen ports wired back to back: 2 (default), 1, 0
  --nic MODEL        QEMU device for those ports (default: lumen)
  --netdev-args S    more QEMU arguments for wiring of your own
  --qemu-args S      more QEMU arguments
  --append S         more kernel command line
  --timeout SEC      give up after SEC seconds (default 300): QEMU is
                     killed and vm.sh exits 124
  --log FILE         kernel console log (default build/vm/console.log)
  --extra-dir DIR    pack DIR into the guest at /lumen/extra
  --layer FILE       append a prebuilt cpio(.gz) to the initramfs
  --interactive      console on this terminal: COMMAND, then a shell
                     (Ctrl-a x quits QEMU); no timeout

Exit status: COMMAND's, 124 on timeout, 125 if the guest ended without
reporting one (kernel panic, QEMU failure), 2 on usage errors.
EOF
	exit 2
}

# stream NAME: print the guest's command output as it arrives, until the
# guest is gone; return what lumen_vm_wait returns.
stream()
{
	local name=$1 out rc=0

	out=$(lumen_vm_dir "$name")/output.log
	# tail --pid cannot watch QEMU itself: it stays a zombie until we
	# reap it.  It watches this sentinel, stopped once QEMU is reaped.
	sleep infinity &
	sentinel=$!
	tail -n +1 -s 0.2 -f --pid="$sentinel" "$out" | lumen_vm_filter &
	tailer=$!
	lumen_vm_wait "$name" 2> "$out.why" || rc=$?
	stop_stream
	cat "$out.why" >&2
	return "$rc"
}

# Stop the sentinel; tail then prints what is left and ends.
stop_stream()
{
	[ -n "$sentinel" ] || return 0
	kill "$sentinel" 2>/dev/null || true
	wait "$sentinel" 2>/dev/null || true
	wait "$tailer" 2>/dev/null || true
	sentinel=
}

main()
{
	local opts=() interactive= log=$LUMEN_VM_BUILD/console.log rc=0

	while [ $# -gt 0 ]; do
		case $1 in
		--ports|--nic|--netdev-args|--qemu-args|--append|--timeout|--extra-dir|--layer)
			[ $# -ge 2 ] || usage
			opts+=("$1" "$2")
			shift ;;
		--log)		[ $# -ge 2 ] || usage; log=$2; shift ;;
		--interactive)	interactive=1 ;;
		--)		shift; break ;;
		*)		usage ;;
		esac
		shift
	done
	[ $# -gt 0 ] || [ -n "$interactive" ] || usage

	LUMEN_VM_LOGDIR=$LUMEN_VM_BUILD/guests
	trap 'lumen_vm_cleanup; stop_stream; rm -rf "${LUMEN_VM_LOGDIR:?}/$name"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	if [ -n "$interactive" ]; then
		lumen_vm_interactive "$name" "${opts[@]}" --log "$log" -- "$@"
		return
	fi
	lumen_vm_start "$name" "${opts[@]}" --log "$log" -- "$@"
	stream "$name" || rc=$?
	return "$rc"
}

name=vm.$$
sentinel=
tailer=
main "$@"
