#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The base layer of the guest initramfs: Debian's busybox-static for the
# shell and small tools, the real networking tools with their shared
# libraries and dynamic loader, the guest's /init and the guest-side
# harness scripts.  Cached as build/vm/base.cpio.gz; rebuilt only when one
# of its inputs (these scripts, the binaries, the libraries, the data
# files) changes.  Prints the archive's path.

set -euo pipefail

. "$(dirname "$0")/common.sh"

# Real binaries shipped instead of busybox applets; none of these names
# gets an applet link.  Debian's busybox-static is built with
# FEATURE_SH_STANDALONE and FEATURE_PREFER_APPLETS: its sh, timeout, env
# and xargs run their own `ip` and `tc` applets before anything on PATH,
# links or not.  So the guest's /bin/sh is bash (which also runs scripts
# written for busybox ash), and timeout, env and xargs are the real ones.
# script (util-linux) runs a command on a terminal, for what tools print
# only to one (devlink's flash progress).
LUMEN_GUEST_TOOLS=(ip devlink tc bridge ss nstat ethtool lspci setpci iperf3
		   bash timeout env xargs setpriv script)
LUMEN_GUEST_DATA=(/usr/share/misc/pci.ids /etc/iproute2)
LUMEN_GUEST_SCRIPTS=(run-test demo.sh)

# Map a host path to the guest's merged-/usr layout.
guest_path()
{
	case $1 in
	/bin/* | /sbin/* | /lib/* | /lib64/*) echo "/usr$1" ;;
	*) echo "$1" ;;
	esac
}

tool_paths()
{
	local t

	for t in "${LUMEN_GUEST_TOOLS[@]}"; do
		command -v "$t" || lumen_die "$t is not installed (run tools/deps.sh)"
	done
}

# Every shared library and the dynamic loader that the tools need.
lib_paths()
{
	ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && NF == 2 { print $1 }' |
		sort -u
}

# Every input file, one per line: what the cache key hashes.
inputs()
{
	local tools

	tools=$(tool_paths)
	printf '%s\n' "${BASH_SOURCE[0]}" "$LUMEN_VM_TOOLS/guest-init" \
		"${LUMEN_GUEST_SCRIPTS[@]/#/$LUMEN_VM_TOOLS/}" /bin/busybox
	echo "$tools"
	lib_paths $tools
	find "${LUMEN_GUEST_DATA[@]}" -type f 2>/dev/null | sort
}

make_skeleton()
{
	local root=$1 d

	mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{dev,proc,sys,tmp,run,root,etc,var,lumen/bin}
	for d in bin sbin lib lib64; do
		ln -s "usr/$d" "$root/$d"
	done
	ln -s ../run "$root/var/run"
	mknod -m 600 "$root/dev/console" c 5 1
	echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
	echo 'root:x:0:' > "$root/etc/group"
	echo '127.0.0.1 localhost lumen' > "$root/etc/hosts"
	echo 'export PS1="lumen:\w# "' > "$root/etc/profile"
}

install_busybox()
{
	local root=$1 applet name skip=" ${LUMEN_GUEST_TOOLS[*]} sh "

	cp /bin/busybox "$root/usr/bin/busybox"
	for applet in $(busybox --list-full); do
		name=${applet##*/}
		[[ $skip == *" $name "* ]] && continue
		[ "$name" = busybox ] && continue
		ln -sf /usr/bin/busybox "$root$(guest_path "/$applet")"
	done
	ln -s bash "$root/usr/bin/sh"
}

install_files()
{
	local root=$1 f dst
	shift

	for f in "$@"; do
		dst=$root$(guest_path "$f")
		mkdir -p "$(dirname "$dst")"
		cp -rL "$f" "$dst"
	done
}

stage()
{
	local root=$1 tools data=()
	local s

	tools=$(tool_paths)
	make_skeleton "$root"
	install_busybox "$root"
	install_files "$root" $tools $(lib_paths $tools)
	for s in "${LUMEN_GUEST_DATA[@]}"; do
		[ -e "$s" ] && data+=("$s")
	done
	install_files "$root" "${data[@]}"
	install -m 755 "$LUMEN_VM_TOOLS/guest-init" "$root/init"
	for s in "${LUMEN_GUEST_SCRIPTS[@]}"; do
		install -m 755 "$LUMEN_VM_TOOLS/$s" "$root/lumen/bin/$s"
	done
}

main()
{
	local out=$LUMEN_VM_BUILD/base.cpio.gz key tmp

	lumen_lock "$LUMEN_VM_BUILD/.base.lock"
	key=$(lumen_hash $(inputs))
	if ! lumen_stamp_ok "$out" "$key"; then
		lumen_log "IMAGE   base (busybox, ${LUMEN_GUEST_TOOLS[*]})"
		tmp=$(mktemp -d "$LUMEN_VM_BUILD/base.XXXXXX")
		stage "$tmp"
		lumen_pack "$tmp" "$out"
		rm -rf "$tmp"
		lumen_stamp_set "$out" "$key"
	fi
	echo "$out"
}

main "$@"
