#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug guest kernel from Debian's linux-source-6.1 (the same
# version as the stock guest kernel): x86_64 defconfig + kvm_guest.config
# + tools/kernel/debug.config (KASAN, UBSAN, lockdep, kmemleak, DMA-API
# debug, fault injection, ...).
#
# Cached in $LUMEN_CACHE/kernel-debug-<key>/, the key hashing the source
# version, the config fragment and BUILD_REV (bump it when the way the
# kernel is compiled changes).  Prints that directory, which holds:
#   bzImage   the kernel
#   kver      its release string
#   build/    the kbuild output tree, for `make -C build M=...` of modules
#   root/     the kernel installed as a Debian linux-image package lays it
#             out (boot/vmlinuz-<kver>, lib/modules/<kver>/), so that the
#             harness treats both guest kernels alike
#
# A cold build takes about 12 minutes on a 2-core machine; the time is
# logged to $LUMEN_CACHE/logs/kernel-debug.log.

set -euo pipefail

. "$(dirname "$0")/../vm/common.sh"

KSRC_TAR=/usr/src/linux-source-6.1.tar.xz
BUILD_REV=1
FRAGMENT=$LUMEN_TOP/tools/kernel/debug.config

# Unpack the whole source once; the debug build needs all of it.
ksrc_tree()
{
	local ver=$1 src=$LUMEN_CACHE/linux-source-full-$1 tmp

	if [ ! -e "$src/Makefile" ]; then
		lumen_log "EXTRACT linux-source-6.1 $ver (full tree)"
		tmp=$(mktemp -d "$src.XXXXXX")
		tar -xJf "$KSRC_TAR" -C "$tmp" --strip-components=1
		rm -rf "$src"
		mv "$tmp" "$src"
	fi
	echo "$src"
}

# Every CONFIG_X=v and "# CONFIG_X is not set" of the fragment must hold.
check_config()
{
	local config=$1 line sym bad=0

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$config" || {
				echo "debug kernel: wanted $line, got: $(grep "^${line%%=*}=\|# ${line%%=*} is not set" "$config" || echo unset)" >&2
				bad=1
			}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			! grep -q "^$sym=" "$config" || {
				echo "debug kernel: wanted $sym unset, got $(grep "^$sym=" "$config")" >&2
				bad=1
			}
			;;
		esac
	done < "$FRAGMENT"
	return $bad
}

configure()
{
	local src=$1 build=$2

	make -s -C "$src" O="$build" x86_64_defconfig
	make -s -C "$src" O="$build" kvm_guest.config
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" \
		"$build/.config" "$FRAGMENT" > /dev/null
	make -s -C "$src" O="$build" olddefconfig
	check_config "$build/.config"
}

# Build in place: bzImage, copied last, marks a finished build, and an
# interrupted one resumes incrementally.
build()
{
	local src=$1 out=$2 log=$LUMEN_CACHE/logs/kernel-debug.log start

	mkdir -p "$LUMEN_CACHE/logs" "$out/build"
	lumen_log "CONFIG  debug kernel"
	configure "$src" "$out/build"
	lumen_log "BUILD   debug kernel (about 12 minutes cold; log: $log)"
	start=$(date +%s)
	if ! make -C "$src" O="$out/build" -j"$(nproc)" bzImage modules \
	     > "$log" 2>&1; then
		tail -n 40 "$log" >&2
		lumen_die "debug kernel build failed (full log: $log)"
	fi
	echo "built in $(($(date +%s) - start)) s" >> "$log"
	lumen_log "BUILT   debug kernel in $(($(date +%s) - start)) s"
	make -s -C "$src" O="$out/build" kernelrelease > "$out/kver"
	cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage.tmp"
	mv "$out/bzImage.tmp" "$out/bzImage"
}

# Lay the kernel out as Debian's package does, into root/.
install_root()
{
	local out=$1 kver

	kver=$(cat "$out/kver")
	rm -rf "$out/root.tmp"
	mkdir -p "$out/root.tmp/boot"
	make -s -C "$out/build" INSTALL_MOD_PATH="$out/root.tmp" modules_install
	cp "$out/bzImage" "$out/root.tmp/boot/vmlinuz-$kver"
	rm -rf "$out/root"
	mv "$out/root.tmp" "$out/root"
}

main()
{
	local ver key out src

	"$LUMEN_TOP/tools/deps.sh"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	key=$( (echo "$ver $BUILD_REV"; cat "$FRAGMENT") | sha256sum | cut -c1-16)
	out=$LUMEN_CACHE/kernel-debug-$key
	if [ ! -e "$out/bzImage" ]; then
		mkdir -p "$LUMEN_CACHE"
		lumen_lock "$LUMEN_CACHE/.kernel-debug.lock"
		if [ ! -e "$out/bzImage" ]; then
			src=$(ksrc_tree "$ver")
			# Only the path below goes to stdout, where the caller
			# takes it: kbuild's config targets talk there too.
			build "$src" "$out" >&2
		fi
	fi
	[ -e "$out/root/lib/modules/$(cat "$out/kver")/modules.dep" ] ||
		install_root "$out" >&2
	echo "$out"
}

main "$@"
