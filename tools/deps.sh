#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything lumen's build, harness and lint need on a Debian 12
# host, from Debian's own archive.  Idempotent and quiet when nothing is
# missing, so every make target can call it.
#
# Prints nothing and exits 0 when all packages are present.

set -euo pipefail

. "$(dirname "$0")/lib/common.sh"

kver=$(lumen_guest_kver)

pkgs=(
	# toolchain and kernel module build
	build-essential bc kmod "linux-headers-${kver}" sparse
	# checkpatch.pl, kselftest headers and the debug kernel's source and
	# build needs
	linux-source-6.1 xz-utils libelf-dev libssl-dev
	# QEMU build (apt-get source + dpkg-source + configure)
	dpkg-dev flex bison meson ninja-build pkg-config python3
	libglib2.0-dev libpixman-1-dev libfdt-dev libslirp-dev zlib1g-dev
	# firmware for the guest: Debian's seabios, option ROMs
	seabios ipxe-qemu qemu-system-data
	# guest userland: stock tools only
	busybox-static ethtool iproute2 pciutils iperf3 cpio
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
