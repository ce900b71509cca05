/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lumen optical NIC: raw-frame channels, the user ABI.
 *
 * A raw channel puts frames on the fiber that are nothing but payload
 * bytes: no Ethernet header, no IP, no network stack.  Each lumen port
 * has a character device, /dev/lumen/<pci-address> (its sysfs node is
 * /sys/class/misc/lumen-<pci-address>, whose device/net/ names the
 * port's netdev).  A process opens it and creates one channel on the
 * file descriptor with LUMEN_RAW_IOC_CREATE; the channel owns one of the
 * port's hardware raw queue pairs until the file is released: the
 * descriptor closed and the areas unmapped (a mapping holds the file).
 *
 * On the fiber a raw frame carries its channel id and a flow id; the
 * receiving port delivers it to the channel with the same id, never to
 * its netdev, and counts and drops it when no channel has that id.
 *
 * Two ways to move frames:
 *
 * Rings (the default): the process maps two areas with mmap().
 *   LUMEN_RAW_MMAP_FRAMES: the frame area, @frames buffers of
 *     @frame_size bytes.  A frame is named by its byte offset ("addr")
 *     in the area; a payload may start anywhere in a buffer but must end
 *     in the same buffer.
 *   LUMEN_RAW_MMAP_RINGS: four single-producer single-consumer rings.
 *     TX   (process -> kernel) struct lumen_raw_desc: frames to send;
 *     COMP (kernel -> process) __u64 addr: frames sent, buffers free;
 *     FILL (process -> kernel) __u64 addr: empty buffers for receiving;
 *     RX   (kernel -> process) struct lumen_raw_desc: frames received.
 *   Each ring has a producer and a consumer index, free-running __u32
 *   counters on cache lines of their own; entry i is at index
 *   i & (entries - 1).  The producer writes entries, then stores the
 *   producer index with release ordering; the consumer loads it with
 *   acquire ordering, reads the entries, then stores the consumer index
 *   with release ordering.  TX and COMP have @tx_entries entries, FILL
 *   and RX @rx_entries.
 *   The kernel takes frames from TX and buffers from FILL while the
 *   channel is busy, without a system call.  When it stops looking it
 *   sets LUMEN_RAW_RING_NEED_WAKEUP in that ring's flags word; a process
 *   that sees it after producing calls LUMEN_RAW_IOC_KICK (or poll()).
 *   The kernel never writes the frame area of a buffer it does not own:
 *   a buffer is the kernel's from its TX or FILL entry until its COMP or
 *   RX entry.
 *   The kernel takes a TX entry only while COMP has room for it and for
 *   every frame in flight: a process must consume COMP, or TX stalls
 *   (with NEED_WAKEUP set: kick after consuming).  A TX entry with a bad
 *   addr or len is not sent; its addr comes back on COMP as it was and
 *   it counts in tx_invalid.  A FILL entry may point anywhere in a
 *   buffer that leaves at least 256 bytes to the buffer's end; others
 *   are dropped and count in fill_invalid.  Frames still on TX when the
 *   file is released are not sent.  Rings carry no flow control: a
 *   receiver without buffers loses frames (rx_dropped, and the port's
 *   raw_rx_no_buffer counter).
 *
 * Read/write (LUMEN_RAW_CREATE_RW): the kernel owns the rings and the
 * frame area, which cannot be mapped.  write() sends its buffer as one
 * frame with flow id 0; read() returns the payload of one frame, or
 * fails with EMSGSIZE, leaving the frame queued, if it does not fit.
 * Both block unless the file is O_NONBLOCK (EAGAIN).
 *
 * poll(): EPOLLIN when RX (or, read/write, a frame) waits; EPOLLOUT when
 * TX has room (read/write: a frame can be written); EPOLLERR once the
 * channel is torn down.
 *
 * A device reset, a port reconfiguration that removes the channel's
 * queue pair, or the device's removal tear a channel down: every
 * further call on it but STATS fails with ENETRESET (reset) or ENODEV
 * (removal), and the process closes the descriptor and creates a new
 * channel (EAGAIN while the reset is still in progress).
 *
 * Errors: CREATE fails with EINVAL for a value out of range, EBUSY when
 * the file has a channel or the port no free queue pair, EADDRINUSE when
 * another file of the port has the id, EPERM without the capability.
 * KICK, STATS, read() and write() before CREATE fail with ENOTCONN, and
 * mmap() with EINVAL.  The docs (docs/raw-frames.rst) list every case.
 *
 * Versioning: LUMEN_RAW_IOC_INFO reports LUMEN_RAW_ABI_VERSION.  A new
 * version only adds: fields taken from reserved space (which callers
 * must zero), flags, ioctls.  Ring offsets come from LUMEN_RAW_IOC_CREATE
 * and are never assumed.  Every structure has fixed-size fields and
 * explicit padding, the same on 32- and 64-bit processes.
 */
#ifndef _UAPI_LINUX_LUMEN_H
#define _UAPI_LINUX_LUMEN_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define LUMEN_RAW_ABI_VERSION		1

/* Limits (LUMEN_RAW_IOC_INFO reports the port's own). */
#define LUMEN_RAW_CHAN_MAX		4095	/* channel ids 0 to this */
#define LUMEN_RAW_RING_MIN		64
#define LUMEN_RAW_RING_MAX		4096
#define LUMEN_RAW_FRAMES_MAX		16384

/**
 * struct lumen_raw_info - what a port offers (LUMEN_RAW_IOC_INFO)
 * @abi_version: LUMEN_RAW_ABI_VERSION of the driver
 * @channels: raw queue pairs of the port
 * @channels_free: of them not owned by a channel now
 * @ifindex: the port's netdev, in the driver's network namespace
 * @max_len: longest payload the port sends, in bytes
 * @ring_min: fewest entries of a ring
 * @ring_max: most entries of a ring
 * @frame_size_min: smallest buffer of the frame area
 * @frame_size_max: largest buffer of the frame area
 * @frames_max: most buffers in the frame area
 * @link_up: 1 when the port's link is up
 * @rsvd: zero
 */
struct lumen_raw_info {
	__u32 abi_version;
	__u32 channels;
	__u32 channels_free;
	__u32 ifindex;
	__u32 max_len;
	__u32 ring_min;
	__u32 ring_max;
	__u32 frame_size_min;
	__u32 frame_size_max;
	__u32 frames_max;
	__u32 link_up;
	__u32 rsvd[5];
};

/**
 * struct lumen_raw_ring_offsets - where one ring is in the rings area
 * @producer: offset of the producer index (__u32)
 * @consumer: offset of the consumer index (__u32)
 * @flags: offset of the flags word (__u32, LUMEN_RAW_RING_*)
 * @desc: offset of entry 0
 */
struct lumen_raw_ring_offsets {
	__u64 producer;
	__u64 consumer;
	__u64 flags;
	__u64 desc;
};

/* Ring flags word, written by the kernel */
#define LUMEN_RAW_RING_NEED_WAKEUP	(1U << 0)

/**
 * struct lumen_raw_create - create the channel of this descriptor
 * @flags: LUMEN_RAW_CREATE_*
 * @chan: channel id on the fiber, 0 to LUMEN_RAW_CHAN_MAX, one channel
 *	per id and port
 * @rsvd0: zero
 * @tx_entries: TX and COMP ring entries, a power of two in
 *	ring_min..ring_max
 * @rx_entries: FILL and RX ring entries, the same
 * @frame_size: buffer size of the frame area, a power of two in
 *	frame_size_min..frame_size_max
 * @frames: buffers in the frame area, 1 to frames_max, at least
 *	@tx_entries + @rx_entries for LUMEN_RAW_CREATE_RW
 * @rings_size: out: bytes to map at LUMEN_RAW_MMAP_RINGS
 * @frames_size: out: bytes to map at LUMEN_RAW_MMAP_FRAMES
 * @tx: out: the TX ring
 * @comp: out: the COMP ring
 * @fill: out: the FILL ring
 * @rx: out: the RX ring
 * @rsvd: zero
 */
struct lumen_raw_create {
	__u32 flags;
	__u16 chan;
	__u16 rsvd0;
	__u32 tx_entries;
	__u32 rx_entries;
	__u32 frame_size;
	__u32 frames;
	__u64 rings_size;
	__u64 frames_size;
	struct lumen_raw_ring_offsets tx;
	struct lumen_raw_ring_offsets comp;
	struct lumen_raw_ring_offsets fill;
	struct lumen_raw_ring_offsets rx;
	__u64 rsvd[4];
};

#define LUMEN_RAW_CREATE_RW		(1U << 0)	/* read()/write() */

/**
 * struct lumen_raw_desc - a TX or RX ring entry
 * @addr: offset of the payload in the frame area
 * @len: payload bytes, 1 to max_len
 * @flow: flow id: TX, what the frame carries; RX, what it carried
 * @flags: LUMEN_RAW_DESC_*; TX: zero
 * @tstamp: RX: device clock at reception, ns (LUMEN_RAW_DESC_TSTAMP)
 * @rsvd: zero (a TX entry with a nonzero @flags or @rsvd is refused)
 */
struct lumen_raw_desc {
	__u64 addr;
	__u32 len;
	__u16 flow;
	__u16 flags;
	__u64 tstamp;
	__u64 rsvd;
};

#define LUMEN_RAW_DESC_TSTAMP		(1U << 0)	/* RX: @tstamp is set */

/**
 * struct lumen_raw_stats - counters of this descriptor's channel
 * @tx_frames: frames sent
 * @tx_bytes: payload bytes sent
 * @rx_frames: frames received into RX
 * @rx_bytes: payload bytes received
 * @tx_invalid: TX entries refused (bad addr or len), their buffers
 *	returned on COMP
 * @fill_invalid: FILL entries refused (bad addr), dropped
 * @rx_dropped: frames dropped: RX full, or too long for a buffer
 * @tx_errors: frames the device did not send (link down, bad chain)
 * @bad_completions: completions from the device that failed validation
 * @rsvd: zero
 */
struct lumen_raw_stats {
	__u64 tx_frames;
	__u64 tx_bytes;
	__u64 rx_frames;
	__u64 rx_bytes;
	__u64 tx_invalid;
	__u64 fill_invalid;
	__u64 rx_dropped;
	__u64 tx_errors;
	__u64 bad_completions;
	__u64 rsvd[7];
};

/* mmap() offsets of the two areas; each is mapped whole, at once. */
#define LUMEN_RAW_MMAP_RINGS		0x0ULL
#define LUMEN_RAW_MMAP_FRAMES		0x100000000ULL

#define LUMEN_RAW_IOC_MAGIC		0xb5
#define LUMEN_RAW_IOC_INFO	_IOR(LUMEN_RAW_IOC_MAGIC, 1, struct lumen_raw_info)
#define LUMEN_RAW_IOC_CREATE	_IOWR(LUMEN_RAW_IOC_MAGIC, 2, struct lumen_raw_create)
#define LUMEN_RAW_IOC_KICK	_IO(LUMEN_RAW_IOC_MAGIC, 3)
#define LUMEN_RAW_IOC_STATS	_IOR(LUMEN_RAW_IOC_MAGIC, 4, struct lumen_raw_stats)

#endif /* _UAPI_LINUX_LUMEN_H */
