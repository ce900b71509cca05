# SPDX-License-Identifier: GPL-2.0
#
# Shared by every script in tools/vm/: where things live, how the cached
# pieces (guest kernel, kernel-source bits, QEMU) are found, and the small
# helpers for stamped, cached build steps.  Sourced, never run.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

LUMEN_VM_TOOLS=$LUMEN_TOP/tools/vm
LUMEN_DRIVER_DIR=$LUMEN_TOP/drivers/net/ethernet/lumen

# The guest kernel flavour: "stock" is Debian's linux-image, "debug" the
# KASAN/lockdep/kmemleak kernel tools/kernel/build-debug.sh builds from
# Debian's linux-source.  Each flavour has its own image layers, module
# build and logs; a debug guest gets more memory and more time.
LUMEN_KERNEL=${LUMEN_KERNEL:-stock}
case $LUMEN_KERNEL in
stock)
	LUMEN_VM_BUILD=$LUMEN_BUILD/vm
	LUMEN_TIME_SCALE=1
	;;
debug)
	LUMEN_VM_BUILD=$LUMEN_BUILD/vm-debug
	LUMEN_VM_MEMORY=${LUMEN_VM_MEMORY:-2G}
	LUMEN_TIME_SCALE=4
	;;
*)
	lumen_die "LUMEN_KERNEL must be stock or debug, not '$LUMEN_KERNEL'"
	;;
esac
export LUMEN_KERNEL

# The debug kernel's cache directory (built on first use, ~12 minutes).
lumen_debug_kernel_dir()
{
	"$LUMEN_TOP/tools/kernel/build-debug.sh"
}

# Set LUMEN_KVER to the guest kernel release.  Looked up once (apt-cache
# is slow) and exported, so that the scripts this one runs inherit it.
# A debug guest's release is the debug kernel's, whatever the caller set.
lumen_kver()
{
	if [ "$LUMEN_KERNEL" = debug ]; then
		LUMEN_KVER=$(cat "$(lumen_debug_kernel_dir)/kver") || return 1
		export LUMEN_KVER
	elif [ -z "${LUMEN_KVER:-}" ]; then
		LUMEN_KVER=$(lumen_guest_kver) || return 1
		export LUMEN_KVER
	fi
}

# Where lumen.ko for this flavour is built: in the source directory for
# the stock kernel, in a copy of it under build/ for the debug kernel, so
# that the two builds never overwrite each other's objects.
lumen_module_dir()
{
	if [ "$LUMEN_KERNEL" = debug ]; then
		echo "$LUMEN_BUILD/module-debug"
	else
		echo "$LUMEN_DRIVER_DIR"
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
