// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * liblumen: raw-frame channels of lumen ports.  See liblumen.h for the
 * API and include/uapi/linux/lumen.h for the ABI underneath.
 *
 * Ring protocol, from the process's side:
 *   TX, FILL  we produce: write entries, release-store the producer
 *             index, full fence, then a sleeping kernel (NEED_WAKEUP in
 *             the ring's flags) gets a KICK.  Room is counted against
 *             the consumer index, loaded with acquire.
 *   COMP, RX  we consume: acquire-load the producer index, read the
 *             entries, release-store the consumer index.
 * Each ring keeps a private copy of the index we own and a cached copy
 * of the other side's, refreshed only when the cached one says the ring
 * is full (producing) or empty (consuming).
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* LUMEN_RAW_MMAP_FRAMES is above 4 GiB */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "liblumen.h"

#define LUMEN_DEFAULT_ENTRIES	256
#define LUMEN_DEFAULT_FRAME	2048

struct lumen_port {
	int fd;
	char path[PATH_MAX];
};

struct lumen_ring {
	uint32_t *producer;
	uint32_t *consumer;
	uint32_t *flags;
	void *desc;
	uint32_t entries;
	uint32_t mask;
	uint32_t prod;		/* ours if we produce, else cached */
	uint32_t cons;		/* ours if we consume, else cached */
};

struct lumen_chan {
	int fd;
	int rw;
	struct lumen_raw_create cr;
	uint32_t max_len;
	void *rings;
	uint8_t *frames;
	uint64_t area;		/* frames * frame_size: valid addresses */
	struct lumen_ring tx;
	struct lumen_ring comp;
	struct lumen_ring fill;
	struct lumen_ring rx;
	uint64_t *free;		/* stack of free buffers (base addresses) */
	uint32_t nfree;
	uint32_t tx_pending;
};

/* Ring primitives */

/* prod_room - free entries of a ring we produce on, at least @want if
 * the kernel has consumed that many.
 */
static uint32_t prod_room(struct lumen_ring *r, uint32_t want)
{
	uint32_t room = r->entries - (r->prod - r->cons);

	if (room < want) {
		r->cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
		room = r->entries - (r->prod - r->cons);
		if (room > r->entries)	/* a consumer index past ours */
			room = 0;
	}
	return room;
}

/* prod_publish - make the entries written so far visible to the kernel;
 * true if the kernel asks to be woken for them.
 */
static int prod_publish(struct lumen_ring *r)
{
	__atomic_store_n(r->producer, r->prod, __ATOMIC_RELEASE);
	/* The store above must be visible before the flags are read, or the
	 * kernel could go to sleep between the two without our seeing it.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(r->flags, __ATOMIC_RELAXED) &
	       LUMEN_RAW_RING_NEED_WAKEUP;
}

/* cons_avail - entries waiting on a ring we consume */
static uint32_t cons_avail(struct lumen_ring *r, uint32_t want)
{
	uint32_t avail = r->prod - r->cons;

	if (avail < want) {
		r->prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
		avail = r->prod - r->cons;
		if (avail > r->entries)	/* never trust more than a ring */
			avail = r->entries;
	}
	return avail;
}

static void cons_release(struct lumen_ring *r, uint32_t n)
{
	r->cons += n;
	__atomic_store_n(r->consumer, r->cons, __ATOMIC_RELEASE);
}

static struct lumen_raw_desc *ring_desc(struct lumen_ring *r, uint32_t i)
{
	return (struct lumen_raw_desc *)r->desc + (i & r->mask);
}

static uint64_t *ring_addr(struct lumen_ring *r, uint32_t i)
{
	return (uint64_t *)r->desc + (i & r->mask);
}

/* Ports */

static int is_char_dev(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

int lumen_dev_path(const char *name, char *buf, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *bdf;
	ssize_t n;
	int w;

	if (!name || !*name)
		return -ENODEV;
	if (strchr(name, '/')) {
		w = snprintf(buf, len, "%s", name);
		return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
	}
	if (strcmp(name, ".") && strcmp(name, "..")) {
		snprintf(link, sizeof(link), "/sys/class/net/%s/device", name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			bdf = strrchr(target, '/');
			bdf = bdf ? bdf + 1 : target;
			w = snprintf(buf, len, LUMEN_DEV_DIR "/%s", bdf);
			if (w < 0 || (size_t)w >= len)
				return -ENAMETOOLONG;
			return is_char_dev(buf) ? 0 : -ENODEV;
		}
		w = snprintf(buf, len, LUMEN_DEV_DIR "/%s", name);
		if (w < 0 || (size_t)w >= len)
			return -ENAMETOOLONG;
		if (is_char_dev(buf))
			return 0;
	}
	return -ENODEV;
}

int lumen_port_open(const char *name, struct lumen_port **portp)
{
	struct lumen_port *port;
	int err;

	port = calloc(1, sizeof(*port));
	if (!port)
		return -ENOMEM;
	err = lumen_dev_path(name, port->path, sizeof(port->path));
	if (err) {
		free(port);
		return err;
	}
	port->fd = open(port->path, O_RDWR | O_CLOEXEC);
	if (port->fd < 0) {
		err = -errno;
		free(port);
		return err;
	}
	*portp = port;
	return 0;
}

int lumen_port_open_ifname(const char *ifname, struct lumen_port **portp)
{
	if (!ifname || strchr(ifname, '/'))
		return -ENODEV;
	if (!*ifname || strlen(ifname) >= 16)
		return -ENODEV;
	return lumen_port_open(ifname, portp);
}

void lumen_port_close(struct lumen_port *port)
{
	if (!port)
		return;
	close(port->fd);
	free(port);
}

const char *lumen_port_path(const struct lumen_port *port)
{
	return port->path;
}

static int info_fd(int fd, struct lumen_raw_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, LUMEN_RAW_IOC_INFO, info) ? -errno : 0;
}

int lumen_port_info(struct lumen_port *port, struct lumen_raw_info *info)
{
	return info_fd(port->fd, info);
}

/* Channels */

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint32_t pow2_at_least(uint32_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1U << 31))
		p <<= 1;
	return p;
}

/* fill_defaults - the CREATE request for @cfg, defaults filled in */
static void fill_defaults(struct lumen_raw_create *cr,
			  const struct lumen_chan_config *cfg,
			  const struct lumen_raw_info *info)
{
	uint32_t def;

	memset(cr, 0, sizeof(*cr));
	cr->flags = cfg->flags;
	cr->chan = cfg->chan;
	def = clamp_u32(LUMEN_DEFAULT_ENTRIES, info->ring_min, info->ring_max);
	cr->tx_entries = cfg->tx_entries ?: def;
	cr->rx_entries = cfg->rx_entries ?: def;
	cr->frame_size = cfg->frame_size;
	if (!cr->frame_size)
		cr->frame_size = clamp_u32(pow2_at_least(info->max_len ?: LUMEN_DEFAULT_FRAME),
					   info->frame_size_min, info->frame_size_max);
	cr->frames = cfg->frames ?: cr->tx_entries + cr->rx_entries;
}

/* ring_setup - point @r into the rings area; -EPROTO if the kernel's
 * offsets do not fit the area.
 */
static int ring_setup(struct lumen_chan *ch, struct lumen_ring *r,
		      const struct lumen_raw_ring_offsets *off,
		      uint32_t entries, size_t entry_size)
{
	uint64_t size = ch->cr.rings_size;
	uint8_t *base = ch->rings;

	if (off->producer > size - 4 || off->consumer > size - 4 ||
	    off->flags > size - 4 || off->desc > size ||
	    (uint64_t)entries * entry_size > size - off->desc ||
	    (off->producer | off->consumer | off->flags) & 3 || off->desc & 7)
		return -EPROTO;
	r->producer = (uint32_t *)(base + off->producer);
	r->consumer = (uint32_t *)(base + off->consumer);
	r->flags = (uint32_t *)(base + off->flags);
	r->desc = base + off->desc;
	r->entries = entries;
	r->mask = entries - 1;
	r->prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
	r->cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
	return 0;
}

static int chan_map(struct lumen_chan *ch)
{
	struct lumen_raw_create *cr = &ch->cr;
	void *p;
	int err;

	if (cr->rings_size < 4 || cr->rings_size > SIZE_MAX ||
	    cr->frames_size < ch->area || cr->frames_size > SIZE_MAX)
		return -EPROTO;
	p = mmap(NULL, cr->rings_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 ch->fd, LUMEN_RAW_MMAP_RINGS);
	if (p == MAP_FAILED)
		return -errno;
	ch->rings = p;
	p = mmap(NULL, cr->frames_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 ch->fd, LUMEN_RAW_MMAP_FRAMES);
	if (p == MAP_FAILED)
		return -errno;
	ch->frames = p;

	err = ring_setup(ch, &ch->tx, &cr->tx, cr->tx_entries,
			 sizeof(struct lumen_raw_desc));
	err = err ?: ring_setup(ch, &ch->comp, &cr->comp, cr->tx_entries,
				sizeof(uint64_t));
	err = err ?: ring_setup(ch, &ch->fill, &cr->fill, cr->rx_entries,
				sizeof(uint64_t));
	err = err ?: ring_setup(ch, &ch->rx, &cr->rx, cr->rx_entries,
				sizeof(struct lumen_raw_desc));
	return err;
}

/* post_fill - give @n buffers from the free list to FILL */
static int post_fill(struct lumen_chan *ch, uint32_t n)
{
	uint32_t room, i;

	if (n > ch->nfree)
		n = ch->nfree;
	room = prod_room(&ch->fill, n);
	if (n > room)
		n = room;
	for (i = 0; i < n; i++)
		*ring_addr(&ch->fill, ch->fill.prod++) = ch->free[--ch->nfree];
	if (n && prod_publish(&ch->fill))
		return lumen_chan_kick(ch);
	return 0;
}

int lumen_chan_create(struct lumen_port *port,
		      const struct lumen_chan_config *cfg,
		      struct lumen_chan **chp)
{
	struct lumen_raw_info info;
	struct lumen_chan *ch;
	uint32_t i, rxbufs = 0;
	int err;

	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->rings = MAP_FAILED;
	ch->frames = MAP_FAILED;
	ch->fd = open(port->path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (ch->fd < 0) {
		err = -errno;
		free(ch);
		return err;
	}
	err = info_fd(ch->fd, &info);
	if (err)
		goto fail;
	ch->max_len = info.max_len;
	ch->rw = !!(cfg->flags & LUMEN_RAW_CREATE_RW);
	fill_defaults(&ch->cr, cfg, &info);

	if (!ch->rw) {
		rxbufs = cfg->rx_buffers;
		if (rxbufs == LUMEN_RX_BUFFERS_NONE)
			rxbufs = 0;
		else if (!rxbufs && ch->cr.frames >= ch->cr.tx_entries + ch->cr.rx_entries)
			rxbufs = ch->cr.rx_entries;
		else if (!rxbufs)
			rxbufs = ch->cr.frames / 2;
		err = -EINVAL;
		if (rxbufs > ch->cr.rx_entries || rxbufs > ch->cr.frames)
			goto fail;
	}

	if (ioctl(ch->fd, LUMEN_RAW_IOC_CREATE, &ch->cr)) {
		err = -errno;
		goto fail;
	}
	if (ch->rw) {
		*chp = ch;
		return 0;
	}

	ch->area = (uint64_t)ch->cr.frames * ch->cr.frame_size;
	err = chan_map(ch);
	if (err)
		goto fail;
	ch->free = calloc(ch->cr.frames, sizeof(*ch->free));
	err = -ENOMEM;
	if (!ch->free)
		goto fail;
	/* Stacked so that the lowest addresses come out first. */
	for (i = 0; i < ch->cr.frames; i++)
		ch->free[i] = (uint64_t)(ch->cr.frames - 1 - i) * ch->cr.frame_size;
	ch->nfree = ch->cr.frames;
	err = post_fill(ch, rxbufs);
	if (err)
		goto fail;
	*chp = ch;
	return 0;

fail:
	lumen_chan_close(ch);
	return err;
}

void lumen_chan_close(struct lumen_chan *ch)
{
	if (!ch)
		return;
	if (ch->frames != MAP_FAILED && ch->frames)
		munmap(ch->frames, ch->cr.frames_size);
	if (ch->rings != MAP_FAILED && ch->rings)
		munmap(ch->rings, ch->cr.rings_size);
	free(ch->free);
	close(ch->fd);
	free(ch);
}

int lumen_chan_fd(const struct lumen_chan *ch)
{
	return ch->fd;
}

const struct lumen_raw_create *lumen_chan_layout(const struct lumen_chan *ch)
{
	return &ch->cr;
}

int lumen_chan_stats(struct lumen_chan *ch, struct lumen_raw_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	return ioctl(ch->fd, LUMEN_RAW_IOC_STATS, stats) ? -errno : 0;
}

int lumen_chan_kick(struct lumen_chan *ch)
{
	return ioctl(ch->fd, LUMEN_RAW_IOC_KICK) ? -errno : 0;
}

int lumen_wait(struct lumen_chan *ch, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = ch->fd, .events = events };
	int n;

	/* COMP full holds TX up: make room before waiting for it. */
	if (!ch->rw && (events & POLLOUT))
		lumen_complete(ch);
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	if (pfd.revents & POLLNVAL)
		return -EBADF;
	if (pfd.revents & (POLLERR | POLLHUP)) {
		/* Torn down: KICK says why (STATS still answers). */
		n = lumen_chan_kick(ch);
		return n ? n : -EIO;
	}
	return pfd.revents & events;
}

/* The frame area */

void *lumen_chan_frame(const struct lumen_chan *ch, uint64_t addr)
{
	if (ch->rw || addr >= ch->area)
		return NULL;
	return ch->frames + addr;
}

uint32_t lumen_chan_frame_size(const struct lumen_chan *ch)
{
	return ch->cr.frame_size;
}

static uint64_t buf_base(const struct lumen_chan *ch, uint64_t addr)
{
	return addr & ~(uint64_t)(ch->cr.frame_size - 1);
}

static void free_push(struct lumen_chan *ch, uint64_t addr)
{
	/* A foreign address or a double free would overrun the stack. */
	if (addr < ch->area && ch->nfree < ch->cr.frames)
		ch->free[ch->nfree++] = buf_base(ch, addr);
}

unsigned int lumen_complete(struct lumen_chan *ch)
{
	uint32_t n, i;

	if (ch->rw)
		return 0;
	n = cons_avail(&ch->comp, UINT32_MAX);
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		free_push(ch, *ring_addr(&ch->comp, ch->comp.cons + i));
	cons_release(&ch->comp, n);
	ch->tx_pending -= n < ch->tx_pending ? n : ch->tx_pending;
	/* A kernel that stopped taking TX because COMP was full waits for a
	 * kick now that COMP has room, if frames are still queued.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(ch->tx.consumer, __ATOMIC_ACQUIRE) != ch->tx.prod &&
	    __atomic_load_n(ch->tx.flags, __ATOMIC_RELAXED) & LUMEN_RAW_RING_NEED_WAKEUP)
		lumen_chan_kick(ch);
	return n;
}

unsigned int lumen_tx_pending(const struct lumen_chan *ch)
{
	return ch->tx_pending;
}

int lumen_buf_alloc(struct lumen_chan *ch, uint64_t *addr)
{
	if (ch->rw)
		return -EOPNOTSUPP;
	if (!ch->nfree)
		lumen_complete(ch);
	if (!ch->nfree)
		return -EAGAIN;
	*addr = ch->free[--ch->nfree];
	return 0;
}

void lumen_buf_free(struct lumen_chan *ch, uint64_t addr)
{
	if (!ch->rw)
		free_push(ch, addr);
}

/* Sending */

int lumen_send_batch(struct lumen_chan *ch, const struct lumen_raw_desc *descs,
		     unsigned int n)
{
	uint32_t room, i;

	if (ch->rw)
		return -EOPNOTSUPP;
	/* The kernel takes TX only while COMP has room for what it sends:
	 * keep COMP drained, or a sender that still has free buffers
	 * stalls with a full COMP.
	 */
	lumen_complete(ch);
	room = prod_room(&ch->tx, n);
	if (n > room)
		n = room;
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		*ring_desc(&ch->tx, ch->tx.prod++) = descs[i];
	ch->tx_pending += n;
	if (prod_publish(&ch->tx)) {
		int err = lumen_chan_kick(ch);

		if (err)
			return err;
	}
	return n;
}

int lumen_send(struct lumen_chan *ch, const void *data, uint32_t len,
	       uint16_t flow)
{
	struct lumen_raw_desc d = { .len = len, .flow = flow };
	uint64_t addr;
	int n;

	if (!len)
		return -EINVAL;
	if (ch->rw) {
		if (flow)
			return -EINVAL;
		n = write(ch->fd, data, len);
		if (n < 0)
			return -errno;
		return (uint32_t)n == len ? 0 : -EIO;
	}
	if (len > ch->cr.frame_size || (ch->max_len && len > ch->max_len))
		return -EMSGSIZE;
	if (!prod_room(&ch->tx, 1)) {
		lumen_complete(ch);
		if (!prod_room(&ch->tx, 1))
			return -EAGAIN;
	}
	n = lumen_buf_alloc(ch, &addr);
	if (n)
		return n;
	d.addr = addr;
	memcpy(ch->frames + d.addr, data, len);
	n = lumen_send_batch(ch, &d, 1);
	if (n == 1)
		return 0;
	lumen_buf_free(ch, d.addr);
	return n < 0 ? n : -EAGAIN;
}

/* Receiving */

static void frame_from_desc(const struct lumen_chan *ch, struct lumen_frame *f,
			    const struct lumen_raw_desc *d)
{
	f->addr = d->addr;
	f->len = d->len;
	f->flow = d->flow;
	f->flags = d->flags;
	f->tstamp = d->tstamp;
	/* Never point outside the area, whatever the entry says. */
	if (d->addr < ch->area && d->len <= ch->area - d->addr)
		f->data = ch->frames + d->addr;
	else
		f->data = NULL;
}

int lumen_recv_batch(struct lumen_chan *ch, struct lumen_frame *frames,
		     unsigned int n)
{
	uint32_t avail, i;

	if (ch->rw)
		return -EOPNOTSUPP;
	avail = cons_avail(&ch->rx, n);
	if (n > avail)
		n = avail;
	for (i = 0; i < n; i++)
		frame_from_desc(ch, &frames[i], ring_desc(&ch->rx, ch->rx.cons + i));
	if (n)
		cons_release(&ch->rx, n);
	return n;
}

int lumen_recv_release(struct lumen_chan *ch, const struct lumen_frame *frames,
		       unsigned int n)
{
	uint32_t room, i;

	if (ch->rw || !n)
		return 0;
	room = prod_room(&ch->fill, n);
	for (i = 0; i < n; i++) {
		if (frames[i].addr >= ch->area)
			continue;
		if (room) {
			*ring_addr(&ch->fill, ch->fill.prod++) =
				buf_base(ch, frames[i].addr);
			room--;
		} else {
			free_push(ch, frames[i].addr);
		}
	}
	if (prod_publish(&ch->fill))
		return lumen_chan_kick(ch);
	return 0;
}

ssize_t lumen_recv(struct lumen_chan *ch, void *buf, size_t len,
		   struct lumen_frame *meta)
{
	struct lumen_frame f;
	ssize_t n;

	if (ch->rw) {
		n = read(ch->fd, buf, len);
		if (n < 0)
			return -errno;
		if (meta) {
			memset(meta, 0, sizeof(*meta));
			meta->data = buf;
			meta->len = n;
		}
		return n;
	}
	if (!cons_avail(&ch->rx, 1))
		return -EAGAIN;
	frame_from_desc(ch, &f, ring_desc(&ch->rx, ch->rx.cons));
	if (f.len > len)
		return -EMSGSIZE;
	if (f.data)
		memcpy(buf, f.data, f.len);
	cons_release(&ch->rx, 1);
	n = lumen_recv_release(ch, &f, 1);
	if (meta) {
		*meta = f;
		meta->data = buf;
	}
	if (!f.data)
		return -EPROTO;
	return n < 0 ? n : (ssize_t)f.len;
}
