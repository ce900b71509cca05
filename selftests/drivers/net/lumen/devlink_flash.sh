#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Firmware through devlink: `devlink dev info` shows the running and the
# stored image; `devlink dev flash` writes an image (built here with
# lumen-fwimage) to the stored bank with progress while traffic flows,
# and it runs after `devlink dev reload action fw_activate`, settings
# kept.  Every bad image is refused with its own message and leaves the
# running and stored firmware as they were and the port working:
# corrupt payload, corrupt header, truncated, too small, too large, not
# an image, for another device, a downgrade, a missing file.  Device
# faults: programming fails (the bank is left empty, activation refused,
# a retry succeeds), the mailbox hangs in a WRITE (a bounded error, then
# "stuck", a reload recovers it), an activated image fails to boot (the
# reload says so, the old firmware runs), a bit of the stored bank rots
# (devlink selftest "flash" fails, activation refused, a reflash heals
# it).  `ethtool -f` flashes
# through devlink too.

. "$(dirname "$0")/lib.sh"

FWIMAGE=$(dirname "$0")/lumen-fwimage
FWDIR=/lib/firmware
TMP=/tmp/lumen-flash.$$

cleanup()
{
	fault_test_cleanup
	rm -rf "$TMP" "$FWDIR"/lumen-test-*.bin
}
trap cleanup EXIT

# image NAME VERSION [lumen-fwimage options]: build $FWDIR/lumen-test-NAME.bin
image()
{
	img=$FWDIR/lumen-test-$1.bin
	ver=$2
	shift 2
	"$FWIMAGE" create -o "$img" -V "$ver" -n "test-$ver" "$@"
}

setup()
{
	mkdir -p "$TMP" "$FWDIR" || return 1
	ns_setup || return 1
	DL=pci/$BDF_A
	ip -n lumen_a link set "$PORT_A" mtu 3000 &&
	ip -n lumen_b link set "$PORT_B" mtu 3000 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

# fw_version running|stored: the "fw" version devlink dev info shows, or
# nothing.
fw_version()
{
	devlink dev info "$DL" |
		awk -v k="$1:" '$1 ~ /:$/ { s = $1 } s == k && $1 == "fw" { print $2 }'
}

# versions_are RUNNING STORED: what devlink dev info shows ("" for none)
versions_are()
{
	r=$(fw_version running)
	s=$(fw_version stored)
	[ "$r" = "$1" ] && [ "$s" = "$2" ] ||
		fail_msg "running '$r' stored '$s', expected '$1' '$2'"
}

ethtool_fw()
{
	ip netns exec lumen_a ethtool -i "$PORT_A" |
		awk '$1 == "firmware-version:" { print $2 }'
}

# flash FILE: devlink dev flash, output in $TMP/out
flash()
{
	devlink dev flash "$DL" file "$(basename "$1")" > "$TMP/out" 2>&1
}

factory_versions()
{
	devlink dev info "$DL" | sed 's/^/# /'
	versions_are 1.2.3 1.2.3 || return 1
	[ "$(ethtool_fw)" = 1.2.3 ] || fail_msg "ethtool -i says $(ethtool_fw)"
}

flash_under_traffic()
{
	image good 1.3.0 -s 524288 || return 1
	"$FWIMAGE" show "$img" > /dev/null || fail_msg "lumen-fwimage rejects its own image" || return 1
	dmesg_mark
	traffic_start
	# on a terminal, which is where devlink prints the percentages
	script -qec "devlink dev flash $DL file $(basename "$img")" /dev/null \
		> "$TMP/out" 2>&1
	rc=$?
	traffic_stop
	# devlink rewrites the percentage in place with backspaces
	tr '\b' '\n' < "$TMP/out" | grep -v '^ *$' | tail -n 5 | sed 's/^/# /'
	[ $rc -eq 0 ] || fail_msg "flash failed" || return 1
	grep -q "\[fw\] Writing" "$TMP/out" && grep -q "100%" "$TMP/out" ||
		fail_msg "no progress to 100%" || return 1
	grep -q "Erasing" "$TMP/out" && grep -q "Verifying" "$TMP/out" ||
		fail_msg "missing stages" || return 1
	versions_are 1.2.3 1.3.0 || return 1
	[ "$(ethtool_fw)" = 1.2.3 ] || fail_msg "running changed before activation" || return 1
	dmesg_since | grep -q "$BDF_A: firmware image of 524352 bytes flashed" ||
		fail_msg "no log line" || return 1
	ns_works
}

fw_activate_runs_it()
{
	dmesg_mark
	devlink dev reload "$DL" action fw_activate > "$TMP/out" 2>&1 ||
		{ cat "$TMP/out"; fail_msg "reload failed"; return 1; }
	sed 's/^/# /' "$TMP/out"
	grep -q "fw_activate" "$TMP/out" || fail_msg "fw_activate not performed" || return 1
	versions_are 1.3.0 1.3.0 || return 1
	[ "$(ethtool_fw)" = 1.3.0 ] || fail_msg "ethtool -i says $(ethtool_fw)" || return 1
	dmesg_since | grep -q "$BDF_A: firmware 1.3.0 running, was 1.2.3" ||
		fail_msg "no log line" || return 1
	ip -n lumen_a -o link show "$PORT_A" | grep -q "mtu 3000" ||
		fail_msg "MTU lost" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

# errmsg: the error devlink printed for the last command
errmsg()
{
	grep "Error" "$TMP/out" | tail -n 1
}

# refused FILE MESSAGE: flashing FILE fails saying MESSAGE, and nothing
# changed: versions, traffic.
refused()
{
	if flash "$1"; then
		fail_msg "$(basename "$1") accepted"
		return 1
	fi
	log "$(basename "$1"): $(errmsg)"
	grep -q "$2" "$TMP/out" || fail_msg "message is not '$2'" || return 1
	versions_are 1.3.0 1.3.0 && ns_works
}

# flip FILE OFFSET: invert one byte of FILE
flip()
{
	b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

bad_images_refused()
{
	image corrupt 1.4.0 && flip "$img" 70000 &&
		refused "$img" "payload CRC mismatch" || return 1
	image badhdr 1.4.0 && flip "$img" 40 &&
		refused "$img" "header is corrupt" || return 1
	image trunc 1.4.0 || return 1
	head -c 65536 "$img" > "$FWDIR/lumen-test-cut.bin"
	refused "$FWDIR/lumen-test-cut.bin" "truncated: its size differs" || return 1
	head -c 40 "$img" > "$FWDIR/lumen-test-tiny.bin"
	refused "$FWDIR/lumen-test-tiny.bin" "smaller than its header" || return 1
	dd if=/dev/zero of="$FWDIR/lumen-test-huge.bin" bs=1024 count=4097 2>/dev/null
	refused "$FWDIR/lumen-test-huge.bin" "larger than the flash bank" || return 1
	dd if=/dev/urandom of="$FWDIR/lumen-test-noise.bin" bs=1024 count=64 2>/dev/null
	refused "$FWDIR/lumen-test-noise.bin" "bad magic" || return 1
	image other 1.4.0 -D 0x4c56 &&
		refused "$img" "for another device" || return 1
	image old 1.2.9 &&
		refused "$img" "downgrade refused" || return 1
	refused "$FWDIR/lumen-test-absent.bin" "failed to locate"
}

# A failed programming leaves the stored bank empty; nothing activates
# until an image is flashed again.
programming_failure()
{
	image next 1.4.0 || return 1
	testwin "$BDF_A" set faults $FAULT_FLASH_FAIL || return 1
	if flash "$img"; then
		fail_msg "flash succeeded with FLASH_FAIL"
		return 1
	fi
	log "$(errmsg)"
	grep -q "programming the flash failed" "$TMP/out" || fail_msg "wrong message" || return 1
	versions_are 1.3.0 "" || return 1
	if devlink dev reload "$DL" action fw_activate > "$TMP/out" 2>&1; then
		fail_msg "fw_activate with an empty bank"
		return 1
	fi
	log "fw_activate: $(errmsg)"
	grep -q "no intact firmware image" "$TMP/out" || fail_msg "wrong message" || return 1
	ns_works || return 1
	testwin "$BDF_A" set faults 0 && flash "$img" ||
		fail_msg "retry failed: $(tail -n 1 "$TMP/out")" || return 1
	versions_are 1.3.0 1.4.0
}

# A hung mailbox (a WRITE that never ends): flashing fails in bounded
# time, the next flash is refused while the mailbox is stuck, the port
# keeps working, and a device reset (reload) brings the mailbox back.
mailbox_hang()
{
	testwin "$BDF_A" set faults $FAULT_MBOX_HANG || return 1
	t0=$(date +%s)
	if flash "$img"; then
		fail_msg "flash succeeded with a hung mailbox"
		return 1
	fi
	t1=$(date +%s)
	log "$(errmsg) after $((t1 - t0)) s"
	grep -q "mailbox does not answer" "$TMP/out" || fail_msg "wrong message" || return 1
	[ $((t1 - t0)) -le 30 ] || fail_msg "took $((t1 - t0)) s" || return 1
	testwin "$BDF_A" set faults 0 || return 1
	if flash "$img"; then
		fail_msg "flash succeeded while the mailbox is stuck"
		return 1
	fi
	log "$(errmsg)"
	grep -q "stuck on an earlier command" "$TMP/out" || fail_msg "wrong message" || return 1
	ns_works || return 1
	devlink dev reload "$DL" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" || return 1
	flash "$img" || fail_msg "after reload: $(errmsg)" || return 1
	versions_are 1.3.0 1.4.0 && ns_works
}

# An activated image the device cannot boot: fw_activate says so, the
# port comes back on the previous firmware.
boot_failure()
{
	testwin "$BDF_A" set faults $FAULT_BOOT_FAIL || return 1
	if devlink dev reload "$DL" action fw_activate > "$TMP/out" 2>&1; then
		fail_msg "fw_activate succeeded with BOOT_FAIL"
		return 1
	fi
	log "$(errmsg)"
	grep -q "could not boot the stored image" "$TMP/out" ||
		fail_msg "wrong message" || return 1
	testwin "$BDF_A" set faults 0 || return 1
	versions_are 1.3.0 1.4.0 || return 1
	[ "$(ethtool_fw)" = 1.3.0 ] || fail_msg "ethtool -i says $(ethtool_fw)" || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

# selftest: the result devlink dev selftests run reports for "flash"
selftest()
{
	devlink dev selftests run "$DL" id flash 2>&1 | tee "$TMP/st" |
		awk '$1 == "status" { print $2 }'
}

flash_rot_found()
{
	r=$(selftest)
	[ "$r" = passed ] || fail_msg "selftest on an intact bank: '$r' ($(cat "$TMP/st"))" || return 1
	testwin "$BDF_A" set faults $FAULT_FLASH_ROT || return 1
	r=$(selftest)
	log "after a bit flipped: flash $r"
	[ "$r" = failed ] || fail_msg "selftest says '$r'" || return 1
	versions_are 1.3.0 "" || return 1
	if devlink dev reload "$DL" action fw_activate > "$TMP/out" 2>&1; then
		fail_msg "fw_activate of a rotten image"
		return 1
	fi
	grep -q "no intact firmware image" "$TMP/out" ||
		fail_msg "fw_activate: $(errmsg)" || return 1
	versions_are 1.3.0 "" || return 1
	flash "$img" || return 1
	r=$(selftest)
	[ "$r" = passed ] || fail_msg "selftest after reflash: '$r'" || return 1
	devlink dev reload "$DL" action fw_activate > "$TMP/out" 2>&1 || return 1
	versions_are 1.4.0 1.4.0 || return 1
	wait_for 10 carrier_in lumen_a "$PORT_A" && ns_works
}

ethtool_flash()
{
	image ethtool 1.5.0 || return 1
	ip netns exec lumen_a ethtool -f "$PORT_A" "$(basename "$img")" ||
		return 1
	versions_are 1.4.0 1.5.0
}

ktap_header 10
lumen_load || exit $KSFT_FAIL
ktap_check "setup" setup
ktap_check "info_factory_versions" factory_versions
ktap_check "flash_under_traffic" flash_under_traffic
ktap_check "fw_activate_runs_it" fw_activate_runs_it
ktap_check "bad_images_refused" bad_images_refused
ktap_check "programming_failure" programming_failure
ktap_check "mailbox_hang" mailbox_hang
ktap_check "boot_failure" boot_failure
ktap_check "flash_rot_found" flash_rot_found
ktap_check "ethtool_flash" ethtool_flash
ktap_finish
