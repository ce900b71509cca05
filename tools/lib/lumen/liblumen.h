/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * liblumen: raw-frame channels of lumen optical NIC ports, from user
 * space.  A thin layer over include/uapi/linux/lumen.h: it opens a port's
 * character device, creates a channel and maps its rings and frame area,
 * keeps the free buffers of the frame area, and moves frames through the
 * four rings with the ordering the ABI asks for.
 *
 * Conventions:
 *  - Every function that can fail returns a negative errno value (-EAGAIN,
 *    -ENETRESET, ...) and never exits or prints.  Functions that create an
 *    object return it through their last argument.
 *  - A channel is not thread-safe: use it from one thread at a time (one
 *    thread sending and another receiving on the same channel also needs
 *    a lock, because both touch the free-buffer list).
 *  - Nothing blocks except lumen_wait(): sends return -EAGAIN when the TX
 *    ring or the free buffers are exhausted, receives return 0 frames or
 *    -EAGAIN when nothing waits.
 *  - When the kernel tears a channel down (device reset: ENETRESET, device
 *    removal: ENODEV), its rings stop moving; lumen_wait() and every call
 *    that enters the kernel then fail with that error.  Close the channel
 *    and create a new one.
 *
 * A minimal sender and receiver:
 *
 *	struct lumen_chan_config cfg = { .chan = 7 };
 *	struct lumen_port *port;
 *	struct lumen_chan *ch;
 *	struct lumen_frame f;
 *
 *	lumen_port_open("eth1", &port);
 *	lumen_chan_create(port, &cfg, &ch);
 *	lumen_send(ch, "hello", 5, 1);
 *	while (lumen_recv_batch(ch, &f, 1) == 0)
 *		lumen_wait(ch, POLLIN, -1);
 *	printf("%u bytes on flow %u\n", f.len, f.flow);
 *	lumen_recv_release(ch, &f, 1);
 *	lumen_chan_close(ch);
 *	lumen_port_close(port);
 */
#ifndef LIBLUMEN_H
#define LIBLUMEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/lumen.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBLUMEN_VERSION_MAJOR	1
#define LIBLUMEN_VERSION_MINOR	0

/* The directory that holds the ports' character devices. */
#define LUMEN_DEV_DIR		"/dev/lumen"

struct lumen_port;
struct lumen_chan;

/**
 * struct lumen_chan_config - what lumen_chan_create() asks for
 * @chan: channel id on the fiber, 0 to LUMEN_RAW_CHAN_MAX
 * @flags: LUMEN_RAW_CREATE_* (LUMEN_RAW_CREATE_RW: read/write mode)
 * @tx_entries: TX and COMP ring entries; 0: 256, or the port's minimum
 *	if that is larger
 * @rx_entries: FILL and RX ring entries; 0: as for @tx_entries
 * @frame_size: bytes of each buffer of the frame area; 0: the smallest
 *	power of two that holds the port's longest payload, within the
 *	port's limits
 * @frames: buffers in the frame area; 0: @tx_entries + @rx_entries
 * @rx_buffers: ring mode: buffers kept posted to FILL for reception
 *	(received frames go back to FILL when released); 0: @rx_entries, or
 *	half the buffers if there are fewer than @tx_entries + @rx_entries;
 *	LUMEN_RX_BUFFERS_NONE: none (a send-only channel).  The other
 *	buffers are for sending.
 */
struct lumen_chan_config {
	uint16_t chan;
	uint32_t flags;
	uint32_t tx_entries;
	uint32_t rx_entries;
	uint32_t frame_size;
	uint32_t frames;
	uint32_t rx_buffers;
};

#define LUMEN_RX_BUFFERS_NONE	UINT32_MAX

/**
 * struct lumen_frame - a received frame
 * @data: the payload, in the frame area (ring mode) or in the caller's
 *	buffer (lumen_recv())
 * @addr: its offset in the frame area (ring mode; 0 in read/write mode)
 * @len: payload bytes
 * @flow: the flow id it carried (always 0 in read/write mode)
 * @flags: LUMEN_RAW_DESC_*
 * @tstamp: device clock at reception in ns, if @flags has
 *	LUMEN_RAW_DESC_TSTAMP
 */
struct lumen_frame {
	void *data;
	uint64_t addr;
	uint32_t len;
	uint16_t flow;
	uint16_t flags;
	uint64_t tstamp;
};

/* Ports */

/**
 * lumen_dev_path() - the character device of a port
 * @name: a path (anything with a '/'), a netdev name, or a PCI address
 *	such as 0000:01:00.0
 * @buf: where to write the path
 * @len: size of @buf
 *
 * A netdev name is resolved through /sys/class/net/<name>/device: the
 * port's device is /dev/lumen/<PCI address of that device>.
 *
 * Return: 0, -ENAMETOOLONG if @buf is too small, -ENODEV if @name is
 * neither a path, a netdev nor a PCI address with a lumen device.
 */
int lumen_dev_path(const char *name, char *buf, size_t len);

/**
 * lumen_port_open() - open a port
 * @name: as for lumen_dev_path()
 * @portp: the port, on success
 *
 * Return: 0 or -errno (-ENOENT, -EACCES, -ENOMEM, ...).
 */
int lumen_port_open(const char *name, struct lumen_port **portp);

/**
 * lumen_port_open_ifname() - open the port of a netdev
 * @ifname: the netdev's name, in the caller's network namespace
 * @portp: the port, on success
 *
 * Return: 0, -ENODEV if @ifname is not a lumen port, or -errno.
 */
int lumen_port_open_ifname(const char *ifname, struct lumen_port **portp);

/**
 * lumen_port_close() - close a port
 * @port: the port, or NULL
 *
 * The port's channels stay usable: each has its own descriptor.
 */
void lumen_port_close(struct lumen_port *port);

/**
 * lumen_port_path() - the character device a port was opened from
 * @port: the port
 *
 * Return: the path, valid until lumen_port_close().
 */
const char *lumen_port_path(const struct lumen_port *port);

/**
 * lumen_port_info() - what the port offers (LUMEN_RAW_IOC_INFO)
 * @port: the port
 * @info: filled in
 *
 * Return: 0 or -errno.
 */
int lumen_port_info(struct lumen_port *port, struct lumen_raw_info *info);

/* Channels */

/**
 * lumen_chan_create() - create a channel on a port
 * @port: the port
 * @cfg: what to create; unset (zero) fields take defaults
 * @chp: the channel, on success
 *
 * Opens a new descriptor of the port's device (non-blocking), creates the
 * channel on it (LUMEN_RAW_IOC_CREATE) and, in ring mode, maps the rings
 * and the frame area and posts the receive buffers to FILL.  Needs
 * CAP_NET_RAW or CAP_NET_ADMIN in the port's network namespace.
 *
 * Return: 0, -EPERM, -EBUSY (the id is taken or every hardware channel
 * is in use), -EINVAL (a bad configuration), or another -errno.
 */
int lumen_chan_create(struct lumen_port *port,
		      const struct lumen_chan_config *cfg,
		      struct lumen_chan **chp);

/**
 * lumen_chan_close() - unmap and close a channel
 * @ch: the channel, or NULL
 *
 * The kernel releases the channel's hardware queue pair.  Frames still
 * queued on TX may not be sent: wait for lumen_tx_pending() to reach 0
 * first if they matter.  Pointers into the frame area become invalid.
 */
void lumen_chan_close(struct lumen_chan *ch);

/**
 * lumen_chan_fd() - the channel's descriptor, for poll() or epoll
 * @ch: the channel
 *
 * Return: the descriptor; it stays owned by the channel.
 */
int lumen_chan_fd(const struct lumen_chan *ch);

/**
 * lumen_chan_layout() - the channel as the kernel created it
 * @ch: the channel
 *
 * Return: the LUMEN_RAW_IOC_CREATE arguments with every default filled
 * in and the kernel's answer (area sizes, ring offsets).
 */
const struct lumen_raw_create *lumen_chan_layout(const struct lumen_chan *ch);

/**
 * lumen_chan_stats() - the channel's counters (LUMEN_RAW_IOC_STATS)
 * @ch: the channel
 * @stats: filled in
 *
 * Return: 0 or -errno; the counters stay readable after a teardown.
 */
int lumen_chan_stats(struct lumen_chan *ch, struct lumen_raw_stats *stats);

/**
 * lumen_chan_kick() - make the kernel look at TX and FILL now
 * @ch: the channel
 *
 * lumen_send_batch() and lumen_recv_release() kick by themselves when
 * the kernel asks for it (LUMEN_RAW_RING_NEED_WAKEUP); this is for
 * callers that produce on the rings directly.
 *
 * Return: 0 or -errno.
 */
int lumen_chan_kick(struct lumen_chan *ch);

/**
 * lumen_wait() - wait until the channel is ready
 * @ch: the channel
 * @events: POLLIN (a frame waits), POLLOUT (TX has room), or both
 * @timeout_ms: as for poll(): -1 waits forever, 0 does not wait
 *
 * Return: the ready events (> 0), 0 on timeout, or -errno: -ENETRESET or
 * -ENODEV once the channel has been torn down, -EINTR on a signal.
 */
int lumen_wait(struct lumen_chan *ch, short events, int timeout_ms);

/* The frame area and its buffers (ring mode) */

/**
 * lumen_chan_frame() - a pointer into the frame area
 * @ch: the channel
 * @addr: an offset in the frame area
 *
 * Return: the pointer, or NULL if @addr is outside the area or the
 * channel is in read/write mode.
 */
void *lumen_chan_frame(const struct lumen_chan *ch, uint64_t addr);

/**
 * lumen_chan_frame_size() - bytes of each buffer of the frame area
 * @ch: the channel
 *
 * Return: the buffer size; a payload must fit in one buffer.
 */
uint32_t lumen_chan_frame_size(const struct lumen_chan *ch);

/**
 * lumen_buf_alloc() - take a free buffer to send from
 * @ch: the channel
 * @addr: its offset in the frame area, on success
 *
 * Reaps COMP first if no buffer is free.  The buffer belongs to the
 * caller until it passes it to lumen_send_batch() (after which it comes
 * back by itself) or lumen_buf_free().
 *
 * Return: 0, -EAGAIN if every buffer is in use, -EOPNOTSUPP in
 * read/write mode.
 */
int lumen_buf_alloc(struct lumen_chan *ch, uint64_t *addr);

/**
 * lumen_buf_free() - give back a buffer from lumen_buf_alloc() unused
 * @ch: the channel
 * @addr: any offset inside the buffer
 */
void lumen_buf_free(struct lumen_chan *ch, uint64_t addr);

/**
 * lumen_complete() - reap COMP: sent buffers go back to the free list
 * @ch: the channel
 *
 * lumen_buf_alloc() and lumen_send() call it when they run short; call
 * it to learn that frames have gone out (see lumen_tx_pending()).  A
 * kernel that stopped taking TX entries while COMP was full is kicked
 * once COMP has room again.
 *
 * Return: the buffers reaped.
 */
unsigned int lumen_complete(struct lumen_chan *ch);

/**
 * lumen_tx_pending() - frames handed to the kernel and not yet completed
 * @ch: the channel
 *
 * Counts what lumen_complete() has not yet seen come back on COMP.
 *
 * Return: the number of frames; always 0 in read/write mode.
 */
unsigned int lumen_tx_pending(const struct lumen_chan *ch);

/* Sending */

/**
 * lumen_send_batch() - queue frames on TX
 * @ch: the channel (ring mode)
 * @descs: the frames: @addr in a buffer from lumen_buf_alloc() with the
 *	payload written there, @len, @flow; @flags and @rsvd zero
 * @n: how many
 *
 * Queues as many as TX has room for, in order, publishes them with one
 * release store of the producer index and kicks the kernel if it sleeps.
 * Each queued frame's buffer returns to the free list from COMP.
 *
 * Return: the number queued (0 if TX is full), or -errno (-EOPNOTSUPP in
 * read/write mode, or the kick's error).
 */
int lumen_send_batch(struct lumen_chan *ch, const struct lumen_raw_desc *descs,
		     unsigned int n);

/**
 * lumen_send() - copy one payload into a buffer and queue it
 * @ch: the channel, either mode
 * @data: the payload
 * @len: its bytes, 1 to the port's max_len
 * @flow: the flow id (read/write mode can only send flow 0: -EINVAL)
 *
 * Return: 0, -EAGAIN if TX or the free buffers are exhausted (wait for
 * POLLOUT, or reap COMP), -EMSGSIZE if @len does not fit a buffer,
 * -EINVAL, or -errno.
 */
int lumen_send(struct lumen_chan *ch, const void *data, uint32_t len,
	       uint16_t flow);

/* Receiving */

/**
 * lumen_recv_batch() - take received frames from RX
 * @ch: the channel (ring mode)
 * @frames: filled in, in order of arrival
 * @n: room in @frames
 *
 * The frames point into the frame area and stay valid until they are
 * given back with lumen_recv_release(), which the caller must do.
 *
 * Return: the number taken (0 if none waits), or -EOPNOTSUPP in
 * read/write mode.
 */
int lumen_recv_batch(struct lumen_chan *ch, struct lumen_frame *frames,
		     unsigned int n);

/**
 * lumen_recv_release() - give received frames' buffers back to FILL
 * @ch: the channel
 * @frames: frames from lumen_recv_batch()
 * @n: how many
 *
 * Return: 0, or the kick's -errno.
 */
int lumen_recv_release(struct lumen_chan *ch, const struct lumen_frame *frames,
		       unsigned int n);

/**
 * lumen_recv() - copy one received frame out
 * @ch: the channel, either mode
 * @buf: where to copy the payload
 * @len: room in @buf
 * @meta: if not NULL, the frame's metadata (@data is @buf)
 *
 * Ring mode: takes the oldest RX entry, copies it and gives its buffer
 * back to FILL.  Read/write mode: one read().
 *
 * Return: the payload bytes, -EAGAIN if no frame waits, -EMSGSIZE if it
 * does not fit @buf (the frame stays queued), or -errno.
 */
ssize_t lumen_recv(struct lumen_chan *ch, void *buf, size_t len,
		   struct lumen_frame *meta);

#ifdef __cplusplus
}
#endif

#endif /* LIBLUMEN_H */
