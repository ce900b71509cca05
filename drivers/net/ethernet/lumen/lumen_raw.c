// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

/* Raw-frame channels: the character device of a port, the channels its
 * files create, and their memory.  include/uapi/linux/lumen.h is the
 * contract with processes; lumen_raw_dp.c moves the frames.
 *
 * Lifetime: the port structure lives while the driver is bound or a
 * file is open.  A channel belongs to its file; a device reset or the
 * device's removal tears down its queue pair (the "dead" state) but
 * leaves its memory, which the process may have mapped, until the file
 * is released.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>

#include "lumen_raw.h"

/**
 * struct lumen_raw_file - an open file of a port's raw device
 * @port: the port
 * @chan: its channel, set once by LUMEN_RAW_IOC_CREATE
 */
struct lumen_raw_file {
	struct lumen_raw_port *port;
	struct lumen_raw_chan *chan;
};

static void lumen_raw_port_free(struct kref *ref)
{
	struct lumen_raw_port *port = container_of(ref, struct lumen_raw_port,
						   ref);

	mutex_destroy(&port->lock);
	kfree(port);
}

/* The channel of a file, once created; NULL before. */
static struct lumen_raw_chan *lumen_raw_file_chan(struct file *file)
{
	struct lumen_raw_file *f = file->private_data;

	/* pairs with the release in lumen_raw_create() */
	return smp_load_acquire(&f->chan);
}

/* ---- channel memory ---- */

static size_t lumen_raw_ring_layout(struct lumen_raw_ring_offsets *o,
				    size_t off, u32 entries, size_t entsize)
{
	o->producer = off;
	o->consumer = off + SMP_CACHE_BYTES;
	o->flags = off + 2 * SMP_CACHE_BYTES;
	o->desc = off + 3 * SMP_CACHE_BYTES;
	return ALIGN(o->desc + entries * entsize, SMP_CACHE_BYTES);
}

static void lumen_raw_uring_init(struct lumen_raw_chan *chan,
				 struct lumen_raw_uring *r,
				 const struct lumen_raw_ring_offsets *o,
				 u32 entries)
{
	r->producer = chan->rings + o->producer;
	r->consumer = chan->rings + o->consumer;
	r->flags = chan->rings + o->flags;
	r->desc = chan->rings + o->desc;
	r->mask = entries - 1;
	r->mine = 0;
}

static int lumen_raw_rings_alloc(struct lumen_raw_chan *chan,
				 struct lumen_raw_create *c)
{
	size_t off = 0;

	off = lumen_raw_ring_layout(&c->tx, off, c->tx_entries,
				    sizeof(struct lumen_raw_desc));
	off = lumen_raw_ring_layout(&c->comp, off, c->tx_entries, sizeof(u64));
	off = lumen_raw_ring_layout(&c->fill, off, c->rx_entries, sizeof(u64));
	off = lumen_raw_ring_layout(&c->rx, off, c->rx_entries,
				    sizeof(struct lumen_raw_desc));
	chan->rings_size = PAGE_ALIGN(off);
	chan->rings = vmalloc_user(chan->rings_size);
	if (!chan->rings)
		return -ENOMEM;
	lumen_raw_uring_init(chan, &chan->tx, &c->tx, c->tx_entries);
	lumen_raw_uring_init(chan, &chan->comp, &c->comp, c->tx_entries);
	lumen_raw_uring_init(chan, &chan->fill, &c->fill, c->rx_entries);
	lumen_raw_uring_init(chan, &chan->rx, &c->rx, c->rx_entries);
	c->rings_size = chan->rings_size;
	return 0;
}

static void lumen_raw_area_free(struct lumen_raw_chan *chan)
{
	u32 i;

	/* the device may still write them: leaked, never reused */
	if (chan->hw_stuck)
		return;
	for (i = 0; chan->pages && i < chan->npages; i++)
		if (chan->pages[i])
			__free_page(chan->pages[i]);
	kvfree(chan->pages);
	kvfree(chan->dma);
	kvfree(chan->free);
}

static int lumen_raw_area_alloc(struct lumen_raw_chan *chan,
				struct lumen_raw_create *c)
{
	u64 bytes;
	u32 i;

	if (check_mul_overflow((u64)c->frames, (u64)c->frame_size, &bytes))
		return -EINVAL;
	chan->frame_size = c->frame_size;
	chan->frames = c->frames;
	chan->frames_bytes = bytes;
	chan->area_size = PAGE_ALIGN(bytes);
	chan->npages = chan->area_size >> PAGE_SHIFT;
	chan->pages = kvcalloc(chan->npages, sizeof(*chan->pages), GFP_KERNEL);
	chan->dma = kvcalloc(chan->npages, sizeof(*chan->dma), GFP_KERNEL);
	if (!chan->pages || !chan->dma)
		return -ENOMEM;
	for (i = 0; i < chan->npages; i++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		/* zeroed: no byte of the kernel's reaches the process;
		 * charged to the process's memory cgroup
		 */
		chan->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!chan->pages[i])
			return -ENOMEM;
	}
	c->frames_size = chan->area_size;
	return 0;
}

/* Read/write mode: every buffer starts on FILL or in the kernel's stock
 * for write(); the process never sees an address.
 */
static int lumen_raw_rw_init(struct lumen_raw_chan *chan)
{
	u32 rx = chan->fill.mask + 1, i;

	chan->free_max = chan->frames - rx;
	chan->free = kvcalloc(chan->free_max, sizeof(u64), GFP_KERNEL);
	if (!chan->free)
		return -ENOMEM;
	for (i = 0; i < rx; i++)
		*((u64 *)chan->fill.desc + i) = (u64)i * chan->frame_size;
	/* the entries before the index; NAPI acquires it */
	smp_store_release(chan->fill.producer, rx);
	for (i = rx; i < chan->frames; i++)
		chan->free[chan->nfree++] = (u64)i * chan->frame_size;
	return 0;
}

static void lumen_raw_chan_free(struct lumen_raw_chan *chan)
{
	lumen_raw_area_free(chan);
	vfree(chan->rings);
	mutex_destroy(&chan->tx_lock);
	mutex_destroy(&chan->rx_lock);
	kfree(chan);
}

/* ---- channel lifetime ---- */

static int lumen_raw_check_create(const struct lumen_raw_create *c)
{
	if (c->flags & ~LUMEN_RAW_CREATE_RW || c->rsvd0 ||
	    memchr_inv(c->rsvd, 0, sizeof(c->rsvd)) ||
	    c->chan > LUMEN_RAW_CHAN_MAX)
		return -EINVAL;
	if (!is_power_of_2(c->tx_entries) || !is_power_of_2(c->rx_entries) ||
	    c->tx_entries < LUMEN_RAW_RING_MIN ||
	    c->tx_entries > LUMEN_RAW_RING_MAX ||
	    c->rx_entries < LUMEN_RAW_RING_MIN ||
	    c->rx_entries > LUMEN_RAW_RING_MAX)
		return -EINVAL;
	if (!is_power_of_2(c->frame_size) ||
	    c->frame_size < LUMEN_RAW_FRAME_SIZE_MIN ||
	    c->frame_size > LUMEN_RAW_FRAME_SIZE_MAX)
		return -EINVAL;
	if (!c->frames || c->frames > LUMEN_RAW_FRAMES_MAX)
		return -EINVAL;
	if ((c->flags & LUMEN_RAW_CREATE_RW) &&
	    c->frames < c->tx_entries + c->rx_entries)
		return -EINVAL;
	return 0;
}

/* Creating a channel puts frames on the fiber: CAP_NET_RAW or
 * CAP_NET_ADMIN over the network namespace of the port's netdev, for the
 * caller and for whoever opened the file (no confused deputy).
 */
static bool lumen_raw_capable(struct lumen_dev *ld, struct file *file)
{
	struct user_namespace *ns = dev_net(lumen_port0_netdev(ld))->user_ns;

	return (ns_capable(ns, CAP_NET_RAW) || ns_capable(ns, CAP_NET_ADMIN)) &&
	       (file_ns_capable(file, ns, CAP_NET_RAW) ||
		file_ns_capable(file, ns, CAP_NET_ADMIN));
}

/* A free raw queue pair, with no channel of id @id on the port. */
static int lumen_raw_pick_qp(struct lumen_raw_port *port, u16 id)
{
	int i, qp = -EBUSY;

	for (i = 0; i < port->nchan; i++) {
		if (!port->chans[i]) {
			if (qp < 0)
				qp = i;
		} else if (port->chans[i]->id == id) {
			return -EADDRINUSE;
		}
	}
	return qp;
}

static struct lumen_raw_chan *lumen_raw_chan_alloc(struct lumen_raw_port *port,
						   struct lumen_raw_create *c)
{
	struct lumen_raw_chan *chan;
	int err;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return ERR_PTR(-ENOMEM);
	chan->port = port;
	chan->id = c->chan;
	chan->flags = c->flags;
	chan->tx_mask = c->tx_entries - 1;
	chan->rx_mask = c->rx_entries - 1;
	init_waitqueue_head(&chan->wq);
	mutex_init(&chan->tx_lock);
	mutex_init(&chan->rx_lock);
	u64_stats_init(&chan->cnt.syncp);

	err = lumen_raw_rings_alloc(chan, c);
	if (!err)
		err = lumen_raw_area_alloc(chan, c);
	if (!err && (c->flags & LUMEN_RAW_CREATE_RW))
		err = lumen_raw_rw_init(chan);
	if (err) {
		lumen_raw_chan_free(chan);
		return ERR_PTR(err);
	}
	return chan;
}

/* Under port->lock: stop a channel's queue pair and free it for others. */
static void lumen_raw_chan_kill(struct lumen_raw_chan *chan, int err)
{
	struct lumen_raw_port *port = chan->port;

	WRITE_ONCE(chan->dead, err);
	lumen_raw_hw_stop(chan);
	port->chans[chan->qp] = NULL;
	atomic_dec(&chan->ld->raw_channels);
	wake_up_all(&chan->wq);
}

/* Under port->lock: may this file have a channel of id @id now?
 * Return: the raw queue pair to use, or an errno.
 */
static int lumen_raw_claim(struct lumen_raw_file *f, struct file *file, u16 id)
{
	struct lumen_raw_port *port = f->port;

	if (f->chan)
		return -EBUSY;
	if (!port->ld)
		return -ENODEV;
	/* a reset is in progress: its channels are gone, new ones wait */
	if (port->resetting)
		return -EAGAIN;
	/* none after a port split that could not build port 0 again */
	if (!lumen_port0_netdev(port->ld))
		return -ENODEV;
	if (!lumen_raw_capable(port->ld, file))
		return -EPERM;
	return lumen_raw_pick_qp(port, id);
}

static int lumen_raw_create(struct file *file,
			    struct lumen_raw_create __user *uc)
{
	struct lumen_raw_file *f = file->private_data;
	struct lumen_raw_port *port = f->port;
	struct lumen_raw_chan *chan;
	struct lumen_raw_create c;
	int qp, err;

	if (copy_from_user(&c, uc, sizeof(c)))
		return -EFAULT;
	err = lumen_raw_check_create(&c);
	if (err)
		return err;
	if (READ_ONCE(f->chan))
		return -EBUSY;

	/* The memory first, outside the port lock: it may take a while. */
	chan = lumen_raw_chan_alloc(port, &c);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	if (copy_to_user(uc, &c, sizeof(c))) {
		err = -EFAULT;
		goto err_free;
	}

	mutex_lock(&port->lock);
	err = lumen_raw_claim(f, file, c.chan);
	if (err < 0)
		goto err_unlock;
	qp = err;
	chan->ld = port->ld;
	chan->qp = qp;
	err = lumen_raw_hw_start(chan);
	if (err)
		goto err_unlock;
	port->chans[qp] = chan;
	atomic_inc(&port->ld->raw_channels);
	/* a fully set up channel: pairs with lumen_raw_file_chan() */
	smp_store_release(&f->chan, chan);
	mutex_unlock(&port->lock);
	return 0;

err_unlock:
	mutex_unlock(&port->lock);
err_free:
	lumen_raw_chan_free(chan);
	return err;
}

/* ---- ioctls ---- */

static int lumen_raw_info(struct lumen_raw_port *port, void __user *arg)
{
	struct lumen_raw_info info = {
		.abi_version	= LUMEN_RAW_ABI_VERSION,
		.max_len	= min_t(u32, LUMEN_RAW_MAX_LEN,
					LUMEN_RAW_FRAME_SIZE_MAX),
		.ring_min	= LUMEN_RAW_RING_MIN,
		.ring_max	= LUMEN_RAW_RING_MAX,
		.frame_size_min	= LUMEN_RAW_FRAME_SIZE_MIN,
		.frame_size_max	= LUMEN_RAW_FRAME_SIZE_MAX,
		.frames_max	= LUMEN_RAW_FRAMES_MAX,
	};
	struct net_device *netdev;
	int i;

	mutex_lock(&port->lock);
	if (!port->ld) {
		mutex_unlock(&port->lock);
		return -ENODEV;
	}
	info.channels = port->nchan;
	for (i = 0; i < port->nchan; i++)
		info.channels_free += !port->chans[i];
	/* the netdevs change only while resetting (a port split) */
	netdev = port->resetting ? NULL : lumen_port0_netdev(port->ld);
	if (netdev) {
		info.ifindex = netdev->ifindex;
		info.link_up = netif_carrier_ok(netdev);
	}
	mutex_unlock(&port->lock);

	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int lumen_raw_stats(struct lumen_raw_chan *chan, void __user *arg)
{
	struct lumen_raw_stats s;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&chan->cnt.syncp);
		s = chan->cnt.s;
	} while (u64_stats_fetch_retry(&chan->cnt.syncp, start));
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

/* The channel of a file for a call that needs a live one. */
static struct lumen_raw_chan *lumen_raw_live_chan(struct file *file)
{
	struct lumen_raw_chan *chan = lumen_raw_file_chan(file);
	int dead;

	if (!chan)
		return ERR_PTR(-ENOTCONN);
	dead = READ_ONCE(chan->dead);
	return dead ? ERR_PTR(dead) : chan;
}

static long lumen_raw_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct lumen_raw_file *f = file->private_data;
	void __user *argp = (void __user *)arg;
	struct lumen_raw_chan *chan;

	switch (cmd) {
	case LUMEN_RAW_IOC_INFO:
		return lumen_raw_info(f->port, argp);
	case LUMEN_RAW_IOC_CREATE:
		return lumen_raw_create(file, argp);
	case LUMEN_RAW_IOC_KICK:
		chan = lumen_raw_live_chan(file);
		if (IS_ERR(chan))
			return PTR_ERR(chan);
		lumen_raw_kick(chan);
		return 0;
	case LUMEN_RAW_IOC_STATS:
		/* also once torn down: what was lost, and why */
		chan = lumen_raw_file_chan(file);
		if (!chan)
			return -ENOTCONN;
		return lumen_raw_stats(chan, argp);
	default:
		return -ENOTTY;
	}
}

/* ---- mmap ---- */

static int lumen_raw_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 size = vma->vm_end - vma->vm_start;
	struct lumen_raw_chan *chan;

	chan = lumen_raw_live_chan(file);
	if (IS_ERR(chan))
		return PTR_ERR(chan) == -ENOTCONN ? -EINVAL : PTR_ERR(chan);
	if (chan->flags & LUMEN_RAW_CREATE_RW)
		return -EBUSY;
	/* the kernel and the process must see the same pages */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off == LUMEN_RAW_MMAP_RINGS && size == chan->rings_size)
		return remap_vmalloc_range(vma, chan->rings, 0);
	if (off == LUMEN_RAW_MMAP_FRAMES && size == chan->area_size) {
		vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
		return vm_map_pages_zero(vma, chan->pages, chan->npages);
	}
	return -EINVAL;
}

/* ---- read and write ---- */

static void *lumen_raw_frame(struct lumen_raw_chan *chan, u64 addr)
{
	return page_address(chan->pages[addr >> PAGE_SHIFT]) +
	       offset_in_page(addr);
}

/* write(): take back the buffers the device is done with. */
static void lumen_raw_rw_reclaim(struct lumen_raw_chan *chan)
{
	struct lumen_raw_uring *comp = &chan->comp;
	u32 cons = READ_ONCE(*comp->consumer);
	/* the entries NAPI wrote, after the index */
	u32 prod = smp_load_acquire(comp->producer);

	while (cons != prod && chan->nfree < chan->free_max) {
		u64 addr = *((u64 *)comp->desc + (cons & comp->mask));

		chan->free[chan->nfree++] = addr & ~(u64)(chan->frame_size - 1);
		cons++;
	}
	/* entries read before NAPI may reuse them */
	smp_store_release(comp->consumer, cons);
}

static bool lumen_raw_rw_writable(struct lumen_raw_chan *chan)
{
	return READ_ONCE(chan->dead) || !lumen_raw_ring_empty(&chan->comp) ||
	       (READ_ONCE(chan->nfree) && !lumen_raw_ring_full(&chan->tx));
}

static int lumen_raw_rw_wait(struct lumen_raw_chan *chan, struct file *file,
			     bool (*ready)(struct lumen_raw_chan *chan))
{
	if (file->f_flags & O_NONBLOCK)
		return -EAGAIN;
	return wait_event_interruptible(chan->wq, ready(chan));
}

static int lumen_raw_rw_get_buf(struct lumen_raw_chan *chan,
				struct file *file, u64 *addr)
{
	int err;

	for (;;) {
		err = READ_ONCE(chan->dead);
		if (err)
			return err;
		lumen_raw_rw_reclaim(chan);
		if (chan->nfree && !lumen_raw_ring_full(&chan->tx))
			break;
		err = lumen_raw_rw_wait(chan, file, lumen_raw_rw_writable);
		if (err)
			return err;
	}
	*addr = chan->free[--chan->nfree];
	return 0;
}

static ssize_t lumen_raw_write(struct file *file, const char __user *buf,
			       size_t len, loff_t *ppos)
{
	struct lumen_raw_chan *chan = lumen_raw_live_chan(file);
	struct lumen_raw_desc *d;
	u32 prod;
	u64 addr;
	int err;

	if (IS_ERR(chan))
		return PTR_ERR(chan);
	if (!(chan->flags & LUMEN_RAW_CREATE_RW))
		return -EINVAL;
	if (!len || len > min_t(u32, LUMEN_RAW_MAX_LEN, chan->frame_size))
		return -EMSGSIZE;
	if (mutex_lock_interruptible(&chan->tx_lock))
		return -ERESTARTSYS;
	err = lumen_raw_rw_get_buf(chan, file, &addr);
	if (err)
		goto out;
	if (copy_from_user(lumen_raw_frame(chan, addr), buf, len)) {
		chan->free[chan->nfree++] = addr;
		err = -EFAULT;
		goto out;
	}
	prod = READ_ONCE(*chan->tx.producer);
	d = (struct lumen_raw_desc *)chan->tx.desc + (prod & chan->tx.mask);
	*d = (struct lumen_raw_desc){ .addr = addr, .len = len };
	/* the entry before the index; NAPI acquires it */
	smp_store_release(chan->tx.producer, prod + 1);
	lumen_raw_kick(chan);
out:
	mutex_unlock(&chan->tx_lock);
	if (err)
		return err;
	return len;
}

static bool lumen_raw_rw_readable(struct lumen_raw_chan *chan)
{
	return READ_ONCE(chan->dead) || !lumen_raw_ring_empty(&chan->rx);
}

/* read(): hand a buffer back to the device through FILL. */
static void lumen_raw_rw_refill(struct lumen_raw_chan *chan, u64 addr)
{
	struct lumen_raw_uring *fill = &chan->fill;
	u32 prod = READ_ONCE(*fill->producer);

	*((u64 *)fill->desc + (prod & fill->mask)) = addr;
	/* the entry before the index; NAPI acquires it */
	smp_store_release(fill->producer, prod + 1);
	smp_mb();	/* the producer before the flag; pairs with NAPI */
	if (READ_ONCE(*fill->flags) & LUMEN_RAW_RING_NEED_WAKEUP)
		lumen_raw_kick(chan);
}

static ssize_t lumen_raw_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct lumen_raw_chan *chan = lumen_raw_live_chan(file);
	struct lumen_raw_desc d;
	u32 cons;
	int err;

	if (IS_ERR(chan))
		return PTR_ERR(chan);
	if (!(chan->flags & LUMEN_RAW_CREATE_RW))
		return -EINVAL;
	if (mutex_lock_interruptible(&chan->rx_lock))
		return -ERESTARTSYS;
	for (;;) {
		err = READ_ONCE(chan->dead);
		if (err)
			goto out;
		if (!lumen_raw_ring_empty(&chan->rx))
			break;
		err = lumen_raw_rw_wait(chan, file, lumen_raw_rw_readable);
		if (err)
			goto out;
	}
	cons = READ_ONCE(*chan->rx.consumer);
	d = *((struct lumen_raw_desc *)chan->rx.desc + (cons & chan->rx.mask));
	if (d.len > count) {
		err = -EMSGSIZE;
		goto out;
	}
	if (copy_to_user(buf, lumen_raw_frame(chan, d.addr), d.len)) {
		err = -EFAULT;
		goto out;
	}
	/* entry read before NAPI may reuse it */
	smp_store_release(chan->rx.consumer, cons + 1);
	lumen_raw_rw_refill(chan, d.addr & ~(u64)(chan->frame_size - 1));
out:
	mutex_unlock(&chan->rx_lock);
	if (err)
		return err;
	return d.len;
}

/* ---- poll ---- */

static __poll_t lumen_raw_poll_file(struct file *file, poll_table *wait)
{
	struct lumen_raw_chan *chan = lumen_raw_file_chan(file);
	bool rw;
	__poll_t mask = 0;

	if (!chan)
		return EPOLLERR;
	poll_wait(file, &chan->wq, wait);
	if (READ_ONCE(chan->dead))
		return EPOLLERR;
	rw = chan->flags & LUMEN_RAW_CREATE_RW;
	if (!lumen_raw_ring_empty(&chan->rx))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (rw ? lumen_raw_rw_writable(chan) : !lumen_raw_ring_full(&chan->tx))
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (!rw && ((READ_ONCE(*chan->tx.flags) |
		     READ_ONCE(*chan->fill.flags)) & LUMEN_RAW_RING_NEED_WAKEUP))
		lumen_raw_kick(chan);
	return mask;
}

/* ---- open and release ---- */

static int lumen_raw_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct lumen_raw_port *port;
	struct lumen_raw_file *f;

	port = container_of(misc, struct lumen_raw_port, misc);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->port = port;
	kref_get(&port->ref);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int lumen_raw_release(struct inode *inode, struct file *file)
{
	struct lumen_raw_file *f = file->private_data;
	struct lumen_raw_port *port = f->port;
	struct lumen_raw_chan *chan = f->chan;

	if (chan) {
		mutex_lock(&port->lock);
		if (!chan->dead)
			lumen_raw_chan_kill(chan, -EBADF);
		mutex_unlock(&port->lock);
		lumen_raw_chan_free(chan);
	}
	kfree(f);
	kref_put(&port->ref, lumen_raw_port_free);
	return 0;
}

static const struct file_operations lumen_raw_fops = {
	.owner		= THIS_MODULE,
	.open		= lumen_raw_open,
	.release	= lumen_raw_release,
	.unlocked_ioctl	= lumen_raw_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= lumen_raw_mmap,
	.read		= lumen_raw_read,
	.write		= lumen_raw_write,
	.poll		= lumen_raw_poll_file,
	.llseek		= no_llseek,
};

/* ---- the port ---- */

/**
 * lumen_raw_init - create a port's raw-frame device
 * @ld: the device, its netdev created and its vectors allocated
 *
 * Return: 0 or an errno, with nothing left.
 */
int lumen_raw_init(struct lumen_dev *ld)
{
	struct lumen_raw_port *port;
	int err;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	kref_init(&port->ref);
	mutex_init(&port->lock);
	port->ld = ld;
	port->nchan = ld->max_raw;
	port->first_vec = ld->raw_vec_base;
	snprintf(port->name, sizeof(port->name), "lumen-%s", pci_name(ld->pdev));
	snprintf(port->nodename, sizeof(port->nodename), "lumen/%s",
		 pci_name(ld->pdev));
	init_dummy_netdev(&port->napi_dev);
	port->misc.minor = MISC_DYNAMIC_MINOR;
	port->misc.name = port->name;
	port->misc.nodename = port->nodename;
	port->misc.mode = 0660;
	port->misc.fops = &lumen_raw_fops;
	port->misc.parent = &ld->pdev->dev;

	err = misc_register(&port->misc);
	if (err) {
		kref_put(&port->ref, lumen_raw_port_free);
		return err;
	}
	ld->raw = port;
	return 0;
}

static void lumen_raw_kill_all(struct lumen_raw_port *port, int err)
{
	int i;

	for (i = 0; i < port->nchan; i++)
		if (port->chans[i])
			lumen_raw_chan_kill(port->chans[i], err);
}

/**
 * lumen_raw_fini - remove a port's raw-frame device
 * @ld: the device
 *
 * Tears every channel down (ENODEV); files still open keep their memory
 * and the port structure until they are closed.
 */
void lumen_raw_fini(struct lumen_dev *ld)
{
	struct lumen_raw_port *port = ld->raw;

	misc_deregister(&port->misc);
	mutex_lock(&port->lock);
	lumen_raw_kill_all(port, -ENODEV);
	port->ld = NULL;
	mutex_unlock(&port->lock);
	ld->raw = NULL;
	kref_put(&port->ref, lumen_raw_port_free);
}

/**
 * lumen_raw_reset_prepare - tear every channel down before a reset
 * @ld: the device
 *
 * Their files see ENETRESET from then on; creating a channel fails with
 * EAGAIN until lumen_raw_reset_done().
 */
void lumen_raw_reset_prepare(struct lumen_dev *ld)
{
	struct lumen_raw_port *port = ld->raw;

	if (!port)
		return;
	mutex_lock(&port->lock);
	port->resetting = true;
	lumen_raw_kill_all(port, -ENETRESET);
	mutex_unlock(&port->lock);
}

/**
 * lumen_raw_reset_done - channels may be created again
 * @ld: the device, out of a successful reset
 */
void lumen_raw_reset_done(struct lumen_dev *ld)
{
	struct lumen_raw_port *port = ld->raw;

	if (!port)
		return;
	mutex_lock(&port->lock);
	port->resetting = false;
	mutex_unlock(&port->lock);
}

/**
 * lumen_raw_set_channels - how many raw queue pairs a port offers
 * @ld: the device, its raw channels torn down (in a reload)
 * @n: wanted, capped at what the device and the vectors allow
 */
void lumen_raw_set_channels(struct lumen_dev *ld, u32 n)
{
	struct lumen_raw_port *port = ld->raw;

	if (!port)
		return;
	mutex_lock(&port->lock);
	lumen_raw_kill_all(port, -ENETRESET);
	port->nchan = min_t(u32, n, ld->max_raw);
	mutex_unlock(&port->lock);
}

/**
 * lumen_raw_open_channels - how many channels run on a port
 * @ld: the device
 *
 * Lockless, for counters: callable under RTNL, which channel creation
 * never takes inside the port lock either.
 *
 * Return: the number of raw queue pairs owned by a channel.
 */
u32 lumen_raw_open_channels(struct lumen_dev *ld)
{
	return atomic_read(&ld->raw_channels);
}
