# SPDX-License-Identifier: GPL-2.0
#
# Shared by every script in tools/vm/: where things live, how the cached
# pieces (guest kernel, kernel-source bits, QEMU) are found, and the small
# helpers for stamped, cached build steps.  Sourced, never run.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

LUMEN_VM_TOOLS=$LUMEN_TOP/tools/vm
LUMEN_VM_BUILD=$LUMEN_BUILD/vm
LUMEN_DRIVER_DIR=$LUMEN_TOP/drivers/net/ethernet/lumen

# Set LUMEN_KVER to the guest kernel release.  Looked up once (apt-cache
# is slow) and exported, so that the scripts this one runs inherit it.
lumen_kver()
{
	if [ -z "${LUMEN_KVER:-}" ]; then
		LUMEN_KVER=$(lumen_guest_kver) || return 1
		export LUMEN_KVER
	fi
}

lumen_log()
{
	echo "  $*" >&2
}

# Print the path of the QEMU binary to use: $QEMU if set, else what
# tools/qemu/build.sh builds (the last line of its output).  Without that
# script, fall back to a qemu-system-x86_64 on PATH (which has no lumen
# device) and say so.
lumen_qemu()
{
	local build=$LUMEN_TOP/tools/qemu/build.sh qemu

	if [ -n "${QEMU:-}" ]; then
		echo "$QEMU"
		return
	fi
	if [ -x "$build" ]; then
		qemu=$("$build" | tail -n 1) || lumen_die "tools/qemu/build.sh failed"
		[ -x "$qemu" ] || lumen_die "tools/qemu/build.sh printed '$qemu', not a program"
		echo "$qemu"
		return
	fi
	qemu=$(command -v qemu-system-x86_64) ||
		lumen_die "no tools/qemu/build.sh and no qemu-system-x86_64 on PATH"
	lumen_log "WARNING: tools/qemu/build.sh is missing; using $qemu (no lumen device)"
	echo "$qemu"
}

# lumen_stamp_ok FILE KEY: FILE exists and was built from inputs hashing
# to KEY.  lumen_stamp_set FILE KEY records that.
lumen_stamp_ok()
{
	[ -e "$1" ] && [ -e "$1.key" ] && [ "$(cat "$1.key")" = "$2" ]
}

lumen_stamp_set()
{
	echo "$2" > "$1.key"
}

# lumen_pack DIR OUT: DIR's tree as a gzipped newc cpio owned by root, in
# a stable order so that equal trees give equal archives.
lumen_pack()
{
	local dir=$1 out=$2

	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) |
		gzip -1 -n > "$out.tmp"
	mv "$out.tmp" "$out"
}

# Run the rest of the calling script under an exclusive lock on FILE, so
# that parallel builds of the same cached piece wait for each other.
lumen_lock()
{
	local file=$1

	mkdir -p "$(dirname "$file")"
	exec {LUMEN_LOCK_FD}>"$file"
	flock "$LUMEN_LOCK_FD"
}

# The scripts run make on their own (kbuild, selftests): never as part of
# a calling make's jobserver or with its command-line variables.
unset MAKEFLAGS MFLAGS MAKELEVEL
