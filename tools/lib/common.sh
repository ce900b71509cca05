# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for lumen's host-side scripts.  Sourced, never run.

LUMEN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LUMEN_CACHE=${LUMEN_CACHE:-$HOME/.cache/lumen}
LUMEN_BUILD=${LUMEN_BUILD:-$LUMEN_TOP/build}

# The guest kernel release (e.g. 6.1.0-56-amd64), taken from the
# dependency of Debian's linux-image-amd64 metapackage so that it follows
# Debian's point releases instead of being hard-coded.
lumen_guest_kver()
{
	local dep

	# LUMEN_KVER caches it, except in a debug run where it names the
	# debug kernel instead.
	if [ -n "${LUMEN_KVER:-}" ] && [ "${LUMEN_KERNEL:-stock}" = stock ]; then
		echo "$LUMEN_KVER"
		return
	fi
	dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
	      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$dep" ]; then
		apt-get update -qq >&2
		dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
		      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	[ -n "$dep" ] || { echo "cannot resolve linux-image-amd64" >&2; return 1; }
	echo "${dep#linux-image-}"
}

# Hash of the given files and strings: the cache key of a slow build.
lumen_hash()
{
	cat "$@" | sha256sum | cut -c1-16
}

lumen_die()
{
	echo "lumen: $*" >&2
	exit 1
}
