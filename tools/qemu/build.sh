#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Debian's QEMU (the exact version of the installed qemu-system-data)
# with the lumen NIC model, x86_64 system emulator only.
#
#   QEMU=$(tools/qemu/build.sh)
#
# The binary path is the last line of stdout; everything else goes to
# stderr.  Results are cached under $LUMEN_CACHE:
#   qemu-src/                 Debian source, unpacked once
#   qemu-build-<version>/     persistent meson build dir (incremental)
#   qemu-<key>/               finished binary, keyed by the inputs' hash
#   logs/qemu-build.log       log of the last configure/build

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"

model_dir=$LUMEN_TOP/tools/qemu/lumen
hw_h=$LUMEN_TOP/drivers/net/ethernet/lumen/lumen_hw.h

log() { echo "qemu: $*" >&2; }

# Fast path first: the cache key only needs dpkg-query and a hash, so a
# cached binary is found without touching apt or the deps list.
qemu_version()
{
	dpkg-query -W -f='${Version}' qemu-system-data 2>/dev/null
}

cache_key()
{
	local ver=$1

	{
		printf '%s\n' "$ver"
		cat "$here/build.sh"
		# Name and content of every model file, in a stable order.
		(cd "$model_dir" && LC_ALL=C find . -type f | LC_ALL=C sort |
			while read -r f; do
				printf '%s\n' "$f"
				cat "$f"
			done)
		cat "$hw_h"
	} | sha256sum | cut -c1-16
}

# --- 2. cache key: a cached binary is printed at once ---------------------

version=$(qemu_version || true)
if [ -n "$version" ]; then
	key=$(cache_key "$version")
	bin=$LUMEN_CACHE/qemu-$key/qemu-system-x86_64
	if [ -x "$bin" ]; then
		# in use: the pruning below spares it (another tree may be
		# running its tests on it while this one builds another)
		touch "$LUMEN_CACHE/qemu-$key"
		echo "$bin"
		exit 0
	fi
fi

bash "$LUMEN_TOP/tools/deps.sh" >&2

# One build at a time per cache: a second caller waits, then finds the
# binary the first one published.
mkdir -p "$LUMEN_CACHE"
exec 9>"$LUMEN_CACHE/.qemu-build.lock"
flock 9

version=$(qemu_version) || lumen_die "qemu-system-data is not installed"
key=$(cache_key "$version")
bin=$LUMEN_CACHE/qemu-$key/qemu-system-x86_64
# "1:7.2+dfsg-7+deb12u18" -> upstream "7.2+dfsg": the unpacked dir name.
upstream=${version#*:}
upstream=${upstream%-*}
src_parent=$LUMEN_CACHE/qemu-src
src=$src_parent/qemu-$upstream-${version##*-}
build=$LUMEN_CACHE/qemu-build-${version//[:~]/_}
logfile=$LUMEN_CACHE/logs/qemu-build.log

if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

mkdir -p "$LUMEN_CACHE/logs" "$src_parent"

# --- 1. Debian source of exactly that version -----------------------------

ensure_deb_src()
{
	local f=/etc/apt/sources.list.d/lumen-deb-src.sources

	[ -f "$f" ] && return 0
	[ -f /etc/apt/sources.list.d/debian.sources ] ||
		lumen_die "no /etc/apt/sources.list.d/debian.sources to derive deb-src from"
	log "adding deb-src entries ($f)"
	sed -e 's/^Types:.*/Types: deb-src/' \
		/etc/apt/sources.list.d/debian.sources >"$f.tmp"
	mv "$f.tmp" "$f"
	apt-get update -qq >&2
}

fetch_source()
{
	local tmp

	[ -f "$src/.lumen-unpacked" ] && return 0
	ensure_deb_src
	log "fetching Debian source qemu=$version"
	tmp=$(mktemp -d "$src_parent/fetch.XXXXXX")
	if ! (cd "$tmp" && apt-get source -qq "qemu=$version") >&2; then
		# The package lists may be stale: refresh once and retry.
		apt-get update -qq >&2
		(cd "$tmp" && apt-get source -qq "qemu=$version") >&2 ||
			lumen_die "apt-get source qemu=$version failed"
	fi
	local dir
	dir=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n1)
	[ -n "$dir" ] && [ -f "$dir/configure" ] ||
		lumen_die "apt-get source left no qemu tree in $tmp"
	rm -rf "$src"
	mv "$dir" "$src"
	rm -rf "$tmp"
	touch "$src/.lumen-unpacked"
}

fetch_source

# --- 3. install the model into the tree ------------------------------------

# Replace the lines between "# BEGIN lumen" and "# END lumen" in $1 with
# the content of $2, or append the block if the markers are missing.
# The file is only rewritten when the result differs, so ninja does not
# see a spurious change.
replace_block()
{
	local file=$1 block=$2 tmp

	tmp=$(mktemp)
	awk -v blockfile="$block" '
		function emit(  l) {
			while ((getline l < blockfile) > 0)
				print l
			close(blockfile)
			done = 1
		}
		/^# BEGIN lumen/ { skip = 1; emit(); next }
		/^# END lumen/ { skip = 0; next }
		!skip { print }
		END { if (!done) emit() }
	' "$file" >"$tmp"
	if cmp -s "$tmp" "$file"; then
		rm -f "$tmp"
	else
		cat "$tmp" >"$file"
		rm -f "$tmp"
	fi
}

# Copy $1 to $2 unless identical (keeps mtimes stable for ninja).
install_file()
{
	cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

install_model()
{
	local dst=$src/hw/net/lumen block f files=()

	mkdir -p "$dst"
	for f in "$model_dir"/*.c "$model_dir"/*.h; do
		[ -e "$f" ] || continue
		install_file "$f" "$dst/$(basename "$f")"
	done
	install_file "$hw_h" "$dst/lumen_hw.h"
	# Drop files the model no longer has.
	for f in "$dst"/*; do
		case $(basename "$f") in
		lumen_hw.h) ;;
		*) [ -e "$model_dir/$(basename "$f")" ] || rm -f "$f" ;;
		esac
	done

	for f in "$model_dir"/*.c; do
		[ -e "$f" ] && files+=("$(basename "$f")")
	done
	((${#files[@]})) || lumen_die "no model sources in $model_dir"

	block=$(mktemp)
	{
		echo "# BEGIN lumen (generated by lumen's tools/qemu/build.sh)"
		echo "config LUMEN_PCI_EXPRESS"
		echo "    bool"
		echo "    default y if PCI_DEVICES"
		echo "    depends on PCI_EXPRESS && MSI_NONBROKEN"
		echo "# END lumen"
	} >"$block"
	replace_block "$src/hw/net/Kconfig" "$block"

	{
		echo "# BEGIN lumen (generated by lumen's tools/qemu/build.sh)"
		echo "softmmu_ss.add(when: 'CONFIG_LUMEN_PCI_EXPRESS', if_true: files("
		printf "  'lumen/%s',\n" "${files[@]}"
		echo "))"
		echo "# END lumen"
	} >"$block"
	replace_block "$src/hw/net/meson.build" "$block"

	{
		echo "# BEGIN lumen (generated by lumen's tools/qemu/build.sh)"
		cat "$model_dir/trace-events"
		echo "# END lumen"
	} >"$block"
	replace_block "$src/hw/net/trace-events" "$block"
	rm -f "$block"
}

install_model

# --- 4. configure once, build incrementally -------------------------------

# Minimal: one target, no optional features but the few the harness uses.
# --firmwarepath is Debian's own, so the binary finds SeaBIOS
# (/usr/share/seabios, not in qemu-system-data) and the iPXE option ROMs
# without -L; kvm and slirp cost nothing and help other machines/harnesses.
configure_flags=(
	--target-list=x86_64-softmmu
	--without-default-features
	--disable-install-blobs
	--enable-fdt=system
	--disable-docs
	--enable-kvm
	--enable-slirp
	--disable-werror
	--firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
)

show_log_tail()
{
	echo "qemu: build failed; last lines of $logfile:" >&2
	tail -n 40 "$logfile" >&2
	exit 1
}

: >"$logfile"
flags_stamp=$build/lumen-configure-flags
if [ ! -f "$build/build.ninja" ] ||
   [ "$(cat "$flags_stamp" 2>/dev/null)" != "${configure_flags[*]}" ]; then
	log "configuring $build (log: $logfile)"
	rm -rf "$build"
	mkdir -p "$build"
	(cd "$build" && "$src/configure" "${configure_flags[@]}") \
		>>"$logfile" 2>&1 || { rm -f "$build/build.ninja"; show_log_tail; }
	echo "${configure_flags[*]}" >"$flags_stamp"
fi

log "building qemu-system-x86_64 (log: $logfile)"
start=$SECONDS
ninja -C "$build" qemu-system-x86_64 >>"$logfile" 2>&1 || show_log_tail
log "built in $((SECONDS - start)) s"

if grep -E 'hw/net/lumen/.*warning:' "$logfile" >&2; then
	log "warnings in the lumen model (see above)"
fi

# --- 5. publish -------------------------------------------------------------

mkdir -p "$(dirname "$bin")"
cp "$build/qemu-system-x86_64" "$bin.tmp"
mv "$bin.tmp" "$bin"

# Keep every binary used in the last six hours (a check running in
# another clone may still need its own) and the four most recently used
# before that (about 60 MB each).
find "$LUMEN_CACHE" -mindepth 1 -maxdepth 1 -type d -name 'qemu-????????????????' \
	-mmin +360 -printf '%T@ %p\n' | sort -rn | tail -n +5 | cut -d' ' -f2- |
	while read -r old; do rm -rf "$old"; done

echo "$bin"
