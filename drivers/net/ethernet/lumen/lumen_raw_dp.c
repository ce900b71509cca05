// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

/* The datapath of a raw channel: NAPI moves frames between the shared
 * rings a process fills and drains and the raw queue pair's hardware
 * rings.  Everything in the shared area is the process's: indices and
 * entries are read once, validated, and only ever used masked; a
 * process that scribbles on them can only lose its own frames.
 */

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/log2.h>
#include <linux/netdevice.h>

#include "lumen_raw.h"

#define LUMEN_RAW_STOP_TIMEOUT_US	10000

/* The frame area is mapped once; every transfer is synced by hand. */
#define LUMEN_RAW_DMA_ATTRS		DMA_ATTR_SKIP_CPU_SYNC

static struct device *lumen_raw_dev(struct lumen_raw_chan *chan)
{
	return &chan->ld->pdev->dev;
}

static u32 lumen_raw_reg(struct lumen_raw_chan *chan, u32 reg)
{
	return LUMEN_RAW_QP(chan->qp, reg);
}

/**
 * lumen_raw_count - add to one of a channel's counters
 * @chan: the channel
 * @field: a field of @chan->cnt.s
 * @n: what to add
 *
 * Only NAPI of @chan writes the counters.
 */
void lumen_raw_count(struct lumen_raw_chan *chan, u64 *field, u64 n)
{
	u64_stats_update_begin(&chan->cnt.syncp);
	*field += n;
	u64_stats_update_end(&chan->cnt.syncp);
}

/* ---- the shared rings, as the kernel's side sees them ---- */

/* Entries the process produced and the kernel has not consumed. */
static u32 lumen_raw_ring_avail(struct lumen_raw_uring *r)
{
	/* entries written by the process before its index */
	u32 n = smp_load_acquire(r->producer) - r->mine;

	return min(n, r->mask + 1);
}

/* Entries the kernel may still produce before the process consumes. */
static u32 lumen_raw_ring_room(struct lumen_raw_uring *r)
{
	u32 used = r->mine - READ_ONCE(*r->consumer);

	return used > r->mask + 1 ? 0 : r->mask + 1 - used;
}

/**
 * lumen_raw_ring_empty - nothing to consume, from the process's side
 * @r: a ring
 *
 * Return: true when the producer index equals the consumer index.
 */
bool lumen_raw_ring_empty(struct lumen_raw_uring *r)
{
	/* the entries the producer wrote, after its index */
	return smp_load_acquire(r->producer) == READ_ONCE(*r->consumer);
}

/**
 * lumen_raw_ring_full - no room to produce, from the process's side
 * @r: a ring
 *
 * Return: true when every entry holds something not yet consumed.
 */
bool lumen_raw_ring_full(struct lumen_raw_uring *r)
{
	/* entries read by the consumer before it freed them */
	return READ_ONCE(*r->producer) - smp_load_acquire(r->consumer) > r->mask;
}

static u64 *lumen_raw_addr_entry(struct lumen_raw_uring *r, u32 idx)
{
	return (u64 *)r->desc + (idx & r->mask);
}

static struct lumen_raw_desc *lumen_raw_desc_entry(struct lumen_raw_uring *r,
						   u32 idx)
{
	return (struct lumen_raw_desc *)r->desc + (idx & r->mask);
}

static void lumen_raw_comp_put(struct lumen_raw_chan *chan, u64 addr)
{
	WRITE_ONCE(*lumen_raw_addr_entry(&chan->comp, chan->comp.mine), addr);
	chan->comp.mine++;
}

/* ---- the frame area ---- */

static dma_addr_t lumen_raw_dma(struct lumen_raw_chan *chan, u64 addr)
{
	return chan->dma[addr >> PAGE_SHIFT] + offset_in_page(addr);
}

/* Bytes from @addr to the end of its buffer; 0 when @addr is outside. */
static u32 lumen_raw_buf_room(struct lumen_raw_chan *chan, u64 addr)
{
	if (addr >= chan->frames_bytes)
		return 0;
	return chan->frame_size - (addr & (chan->frame_size - 1));
}

/* ---- TX ---- */

static u32 lumen_raw_tx_outstanding(struct lumen_raw_chan *chan)
{
	return (chan->hw_tx_tail - chan->hw_tx_head) & chan->tx_mask;
}

static void lumen_raw_tx_post(struct lumen_raw_chan *chan, u64 addr, u32 len,
			      u16 flow)
{
	struct lumen_tx_desc *d = &chan->hw_tx[chan->hw_tx_tail];
	dma_addr_t dma = lumen_raw_dma(chan, addr);

	dma_sync_single_for_device(lumen_raw_dev(chan), dma, len,
				   DMA_BIDIRECTIONAL);
	d->addr = cpu_to_le64(dma);
	d->len = cpu_to_le16(len);
	d->flags = cpu_to_le16(LUMEN_TXD_EOP);
	d->csum_start = cpu_to_le16(flow);
	d->csum_off_mss = 0;
	chan->hw_tx_slot[chan->hw_tx_tail].addr = addr;
	chan->hw_tx_slot[chan->hw_tx_tail].len = len;
	chan->hw_tx_tail = (chan->hw_tx_tail + 1) & chan->tx_mask;
}

/* Take what the process queued on TX, as far as the hardware ring and
 * COMP (which must keep a slot for every frame in flight) allow.
 * Return: true if entries were left for lack of budget only.
 */
static bool lumen_raw_xmit(struct lumen_raw_chan *chan, int budget)
{
	u32 max_len = min_t(u32, LUMEN_RAW_MAX_LEN, chan->frame_size);
	u32 comp_room = lumen_raw_ring_room(&chan->comp);
	struct lumen_raw_uring *tx = &chan->tx;
	u32 avail = lumen_raw_ring_avail(tx);
	u32 invalid = 0, posted = 0, n = 0;

	while (n < avail && n < budget) {
		struct lumen_raw_desc *d = lumen_raw_desc_entry(tx, tx->mine);
		u32 outstanding = lumen_raw_tx_outstanding(chan);
		u64 addr = READ_ONCE(d->addr);
		u32 len = READ_ONCE(d->len);

		if (outstanding >= chan->tx_mask || comp_room <= outstanding)
			break;
		/* flags and rsvd are where the ABI grows: 0 for now */
		if (!len || len > max_len || len > lumen_raw_buf_room(chan, addr) ||
		    READ_ONCE(d->flags) || READ_ONCE(d->rsvd)) {
			lumen_raw_comp_put(chan, addr);
			comp_room--;
			invalid++;
		} else {
			lumen_raw_tx_post(chan, addr, len, READ_ONCE(d->flow));
			posted++;
		}
		tx->mine++;
		n++;
	}
	if (!n)
		return false;
	/* entries read before the process may reuse them */
	smp_store_release(tx->consumer, tx->mine);
	if (invalid) {
		lumen_raw_count(chan, &chan->cnt.s.tx_invalid, invalid);
		/* entries before the index; the process acquires it */
		smp_store_release(chan->comp.producer, chan->comp.mine);
	}
	if (posted)
		lumen_wr32(chan->ld, lumen_raw_reg(chan, LUMEN_TXQ_TAIL),
			   chan->hw_tx_tail);
	return n == budget && n < avail;
}

static void lumen_raw_tx_complete(struct lumen_raw_chan *chan,
				  const struct lumen_cqe *cqe, u32 flags)
{
	u32 id = le16_to_cpu(cqe->id);
	u32 frames = 0, bytes = 0;

	/* an id outside the ring would never meet the head: reject it */
	if (id > chan->tx_mask ||
	    ((id - chan->hw_tx_head) & chan->tx_mask) >=
	    lumen_raw_tx_outstanding(chan)) {
		lumen_raw_count(chan, &chan->cnt.s.bad_completions, 1);
		return;
	}
	for (;;) {
		u32 slot = chan->hw_tx_head;

		lumen_raw_comp_put(chan, chan->hw_tx_slot[slot].addr);
		bytes += chan->hw_tx_slot[slot].len;
		frames++;
		chan->hw_tx_head = (slot + 1) & chan->tx_mask;
		if (slot == id)
			break;
	}
	if (flags & (LUMEN_CQE_ERR_LEN | LUMEN_CQE_ERR_DESC |
		     LUMEN_CQE_DROP_LINK)) {
		lumen_raw_count(chan, &chan->cnt.s.tx_errors, 1);
		frames--;
		bytes -= chan->hw_tx_slot[id].len;
	}
	lumen_raw_count(chan, &chan->cnt.s.tx_frames, frames);
	lumen_raw_count(chan, &chan->cnt.s.tx_bytes, bytes);
}

/* ---- RX ---- */

static u32 lumen_raw_rx_outstanding(struct lumen_raw_chan *chan)
{
	return (chan->hw_rx_tail - chan->hw_rx_head) & chan->rx_mask;
}

static void lumen_raw_rx_post(struct lumen_raw_chan *chan, u64 addr)
{
	struct lumen_rx_desc *d = &chan->hw_rx[chan->hw_rx_tail];
	u32 len = lumen_raw_buf_room(chan, addr);
	dma_addr_t dma = lumen_raw_dma(chan, addr);

	/* nothing the CPU left in the cache may land on what the device writes */
	dma_sync_single_for_device(lumen_raw_dev(chan), dma, len,
				   DMA_BIDIRECTIONAL);
	d->addr = cpu_to_le64(dma);
	d->len = cpu_to_le16(len);
	d->id = cpu_to_le16(chan->hw_rx_tail);
	d->rsvd = 0;
	chan->hw_rx_slot[chan->hw_rx_tail].addr = addr;
	chan->hw_rx_slot[chan->hw_rx_tail].len = len;
	chan->hw_rx_tail = (chan->hw_rx_tail + 1) & chan->rx_mask;
}

/* Post the buffers the process put on FILL. */
static void lumen_raw_refill(struct lumen_raw_chan *chan)
{
	struct lumen_raw_uring *fill = &chan->fill;
	u32 avail = lumen_raw_ring_avail(fill);
	u32 invalid = 0, n = 0;

	while (n < avail && lumen_raw_rx_outstanding(chan) < chan->rx_mask) {
		u64 addr = READ_ONCE(*lumen_raw_addr_entry(fill, fill->mine));

		if (lumen_raw_buf_room(chan, addr) < LUMEN_RX_BUF_MIN)
			invalid++;
		else
			lumen_raw_rx_post(chan, addr);
		fill->mine++;
		n++;
	}
	if (!n)
		return;
	/* entries read before the process may reuse them */
	smp_store_release(fill->consumer, fill->mine);
	if (invalid)
		lumen_raw_count(chan, &chan->cnt.s.fill_invalid, invalid);
	lumen_wr32(chan->ld, lumen_raw_reg(chan, LUMEN_RXQ_TAIL),
		   chan->hw_rx_tail);
}

/* The device clock, which stamps raw completions with its low 32 bits. */
static u64 lumen_raw_clock(struct lumen_raw_chan *chan)
{
	u32 lo = lumen_rd32(chan->ld, LUMEN_CTRL_CLOCK_LO);	/* latches HI */
	u32 hi = lumen_rd32(chan->ld, LUMEN_CTRL_CLOCK_HI);

	return (u64)hi << 32 | lo;
}

/* A stamp of at most 4.29 s before @now, extended to 64 bits. */
static u64 lumen_raw_tstamp(u64 now, u32 stamp)
{
	return now - (u32)((u32)now - stamp);
}

static void lumen_raw_rx_deliver(struct lumen_raw_chan *chan, u64 addr,
				 const struct lumen_cqe *cqe, u32 len, u64 now)
{
	struct lumen_raw_uring *rx = &chan->rx;
	struct lumen_raw_desc *d;

	if (!lumen_raw_ring_room(rx)) {
		lumen_raw_count(chan, &chan->cnt.s.rx_dropped, 1);
		lumen_raw_rx_post(chan, addr);
		return;
	}
	dma_sync_single_for_cpu(lumen_raw_dev(chan), lumen_raw_dma(chan, addr),
				len, DMA_BIDIRECTIONAL);
	d = lumen_raw_desc_entry(rx, rx->mine);
	WRITE_ONCE(d->addr, addr);
	WRITE_ONCE(d->len, len);
	WRITE_ONCE(d->flow, le16_to_cpu(cqe->csum));
	WRITE_ONCE(d->flags, LUMEN_RAW_DESC_TSTAMP);
	WRITE_ONCE(d->tstamp, lumen_raw_tstamp(now, le32_to_cpu(cqe->hash)));
	WRITE_ONCE(d->rsvd, 0);
	rx->mine++;
	lumen_raw_count(chan, &chan->cnt.s.rx_frames, 1);
	lumen_raw_count(chan, &chan->cnt.s.rx_bytes, len);
}

static void lumen_raw_rx_complete(struct lumen_raw_chan *chan,
				  const struct lumen_cqe *cqe, u32 flags,
				  u64 now)
{
	u32 len = le16_to_cpu(cqe->len);
	u32 id = le16_to_cpu(cqe->id);
	bool eop = flags & LUMEN_CQE_EOP;
	u64 addr;

	/* The device fills buffers in the order they were posted. */
	if (id != chan->hw_rx_head || !lumen_raw_rx_outstanding(chan)) {
		lumen_raw_count(chan, &chan->cnt.s.bad_completions, 1);
		return;
	}
	addr = chan->hw_rx_slot[id].addr;
	chan->hw_rx_head = (id + 1) & chan->rx_mask;

	/* the buffer's length as posted, not as the device may rewrite it */
	if (!(flags & LUMEN_CQE_RAW) || !len || len > chan->hw_rx_slot[id].len) {
		lumen_raw_count(chan, &chan->cnt.s.bad_completions, 1);
		chan->rx_dropping = !eop;
		lumen_raw_rx_post(chan, addr);
		return;
	}
	/* A frame longer than one buffer: drop all of it. */
	if (chan->rx_dropping || !eop) {
		chan->rx_dropping = !eop;
		if (eop)
			lumen_raw_count(chan, &chan->cnt.s.rx_dropped, 1);
		lumen_raw_rx_post(chan, addr);
		return;
	}
	lumen_raw_rx_deliver(chan, addr, cqe, len, now);
}

/* ---- NAPI ---- */

static bool lumen_raw_cqe_ready(struct lumen_raw_chan *chan, u32 *flags)
{
	*flags = le32_to_cpu(READ_ONCE(chan->cq[chan->cq_head].flags));
	return !!(*flags & LUMEN_CQE_PHASE) == chan->cq_phase;
}

static int lumen_raw_reap(struct lumen_raw_chan *chan, int budget)
{
	u32 comp = chan->comp.mine, rx = chan->rx.mine;
	u32 rx_tail = chan->hw_rx_tail;
	u64 now = 0;
	int done = 0;
	u32 flags;

	while (done < budget && lumen_raw_cqe_ready(chan, &flags)) {
		const struct lumen_cqe *cqe = &chan->cq[chan->cq_head];

		dma_rmb();
		if (!now)
			now = lumen_raw_clock(chan);
		if (flags & LUMEN_CQE_RX)
			lumen_raw_rx_complete(chan, cqe, flags, now);
		else
			lumen_raw_tx_complete(chan, cqe, flags);
		chan->cq_head = (chan->cq_head + 1) & chan->cq_mask;
		if (!chan->cq_head)
			chan->cq_phase ^= 1;
		done++;
	}
	if (!done)
		return 0;
	lumen_wr32(chan->ld, lumen_raw_reg(chan, LUMEN_CQ_HEAD), chan->cq_head);
	if (comp != chan->comp.mine)
		/* entries before the index; the process acquires it */
		smp_store_release(chan->comp.producer, chan->comp.mine);
	if (rx != chan->rx.mine)
		/* entries before the index; the process acquires it */
		smp_store_release(chan->rx.producer, chan->rx.mine);
	/* buffers of dropped frames went back to the device */
	if (chan->hw_rx_tail != rx_tail)
		lumen_wr32(chan->ld, lumen_raw_reg(chan, LUMEN_RXQ_TAIL),
			   chan->hw_rx_tail);
	return done;
}

static void lumen_raw_clear_wakeup(struct lumen_raw_uring *r)
{
	if (READ_ONCE(*r->flags))
		WRITE_ONCE(*r->flags, 0);
}

/* Going idle: ask for a kick where no interrupt will bring NAPI back,
 * then look once more, so that an entry produced meanwhile is not
 * stranded.  Return: true if there is work after all.
 */
static bool lumen_raw_want_wakeup(struct lumen_raw_chan *chan)
{
	bool tx_idle = !lumen_raw_tx_outstanding(chan);
	bool rx_idle = !lumen_raw_rx_outstanding(chan);

	if (tx_idle)
		WRITE_ONCE(*chan->tx.flags, LUMEN_RAW_RING_NEED_WAKEUP);
	if (rx_idle)
		WRITE_ONCE(*chan->fill.flags, LUMEN_RAW_RING_NEED_WAKEUP);
	smp_mb();	/* flags before the indices; pairs with the process */
	return (tx_idle && lumen_raw_ring_avail(&chan->tx) &&
		lumen_raw_ring_room(&chan->comp)) ||
	       (rx_idle && lumen_raw_ring_avail(&chan->fill));
}

static int lumen_raw_poll(struct napi_struct *napi, int budget)
{
	struct lumen_raw_chan *chan = container_of(napi, struct lumen_raw_chan,
						   napi);
	bool more;
	int done;

	lumen_raw_clear_wakeup(&chan->tx);
	lumen_raw_clear_wakeup(&chan->fill);
	done = lumen_raw_reap(chan, budget);
	lumen_raw_refill(chan);
	more = lumen_raw_xmit(chan, budget);
	if (done && wq_has_sleeper(&chan->wq))
		wake_up_interruptible(&chan->wq);

	if (done >= budget || more)
		return budget;
	if (napi_complete_done(napi, done)) {
		if (lumen_raw_want_wakeup(chan))
			napi_schedule(napi);
		lumen_wr32(chan->ld, lumen_raw_reg(chan, LUMEN_QP_IRQ_CTRL),
			   LUMEN_QP_IRQ_ARM);
	}
	return done;
}

static irqreturn_t lumen_raw_irq(int irq, void *data)
{
	struct lumen_raw_chan *chan = data;

	napi_schedule_irqoff(&chan->napi);
	return IRQ_HANDLED;
}

/**
 * lumen_raw_kick - have NAPI look at the TX and FILL rings now
 * @chan: the channel
 *
 * From process context.  Does nothing once the channel is torn down.
 */
void lumen_raw_kick(struct lumen_raw_chan *chan)
{
	if (READ_ONCE(chan->dead))
		return;
	local_bh_disable();
	napi_schedule(&chan->napi);
	local_bh_enable();
}

/* ---- start and stop ---- */

static void lumen_raw_hw_rings_free(struct lumen_raw_chan *chan)
{
	struct device *dev = lumen_raw_dev(chan);

	if (chan->cq)
		dma_free_coherent(dev, (chan->cq_mask + 1) * sizeof(*chan->cq),
				  chan->cq, chan->cq_dma);
	if (chan->hw_rx)
		dma_free_coherent(dev, (chan->rx_mask + 1) * sizeof(*chan->hw_rx),
				  chan->hw_rx, chan->rx_dma);
	if (chan->hw_tx)
		dma_free_coherent(dev, (chan->tx_mask + 1) * sizeof(*chan->hw_tx),
				  chan->hw_tx, chan->tx_dma);
	kvfree(chan->hw_rx_slot);
	kvfree(chan->hw_tx_slot);
	chan->cq = NULL;
	chan->hw_rx = NULL;
	chan->hw_tx = NULL;
	chan->hw_rx_slot = NULL;
	chan->hw_tx_slot = NULL;
}

static int lumen_raw_hw_rings_alloc(struct lumen_raw_chan *chan)
{
	u32 tx = chan->tx_mask + 1, rx = chan->rx_mask + 1;
	struct device *dev = lumen_raw_dev(chan);

	/* room for a completion of every buffer of both rings */
	chan->cq_mask = roundup_pow_of_two(tx + rx) - 1;
	chan->hw_tx_slot = kvcalloc(tx, sizeof(*chan->hw_tx_slot), GFP_KERNEL);
	chan->hw_rx_slot = kvcalloc(rx, sizeof(*chan->hw_rx_slot), GFP_KERNEL);
	chan->hw_tx = dma_alloc_coherent(dev, tx * sizeof(*chan->hw_tx),
					 &chan->tx_dma, GFP_KERNEL);
	chan->hw_rx = dma_alloc_coherent(dev, rx * sizeof(*chan->hw_rx),
					 &chan->rx_dma, GFP_KERNEL);
	chan->cq = dma_alloc_coherent(dev, (chan->cq_mask + 1) * sizeof(*chan->cq),
				      &chan->cq_dma, GFP_KERNEL);
	if (!chan->hw_tx_slot || !chan->hw_rx_slot || !chan->hw_tx ||
	    !chan->hw_rx || !chan->cq) {
		lumen_raw_hw_rings_free(chan);
		return -ENOMEM;
	}
	chan->cq_phase = 1;
	return 0;
}

static void lumen_raw_unmap_pages(struct lumen_raw_chan *chan, u32 n)
{
	while (n--)
		dma_unmap_page_attrs(lumen_raw_dev(chan), chan->dma[n],
				     PAGE_SIZE, DMA_BIDIRECTIONAL,
				     LUMEN_RAW_DMA_ATTRS);
}

static int lumen_raw_map_pages(struct lumen_raw_chan *chan)
{
	struct device *dev = lumen_raw_dev(chan);
	u32 i;

	for (i = 0; i < chan->npages; i++) {
		chan->dma[i] = dma_map_page_attrs(dev, chan->pages[i], 0,
						  PAGE_SIZE, DMA_BIDIRECTIONAL,
						  LUMEN_RAW_DMA_ATTRS);
		if (dma_mapping_error(dev, chan->dma[i])) {
			lumen_raw_unmap_pages(chan, i);
			return -ENOMEM;
		}
	}
	return 0;
}

static void lumen_raw_hw_ring_setup(struct lumen_raw_chan *chan, u32 base_lo,
				    dma_addr_t dma, u32 size)
{
	lumen_wr32(chan->ld, lumen_raw_reg(chan, base_lo), lower_32_bits(dma));
	lumen_wr32(chan->ld, lumen_raw_reg(chan, base_lo + 4),
		   upper_32_bits(dma));
	lumen_wr32(chan->ld, lumen_raw_reg(chan, base_lo + 8), size);
}

static void lumen_raw_hw_program(struct lumen_raw_chan *chan)
{
	struct lumen_dev *ld = chan->ld;
	u32 vec = chan->port->first_vec + chan->qp;

	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_RAWQ_CHAN), chan->id);
	lumen_raw_hw_ring_setup(chan, LUMEN_CQ_BASE_LO, chan->cq_dma,
				chan->cq_mask + 1);
	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_CQ_HEAD), 0);
	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_QP_IRQ_VEC), vec);
	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_QP_IRQ_MOD), 0);
	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_CQ_CTRL), LUMEN_Q_CTRL_EN);
	lumen_raw_hw_ring_setup(chan, LUMEN_RXQ_BASE_LO, chan->rx_dma,
				chan->rx_mask + 1);
	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_RXQ_CTRL), LUMEN_Q_CTRL_EN);
	lumen_raw_hw_ring_setup(chan, LUMEN_TXQ_BASE_LO, chan->tx_dma,
				chan->tx_mask + 1);
	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_TXQ_CTRL), LUMEN_Q_CTRL_EN);
}

/* Return: false if the engine still runs and may write memory. */
static bool lumen_raw_hw_engine_stop(struct lumen_raw_chan *chan, u32 ctrl)
{
	u32 reg = lumen_raw_reg(chan, ctrl);
	struct lumen_dev *ld = chan->ld;
	u32 val;

	lumen_wr32(ld, reg, 0);
	if (!read_poll_timeout(lumen_rd32, val,
			       !(val & LUMEN_Q_CTRL_ACTIVE) || lumen_gone(ld),
			       10, LUMEN_RAW_STOP_TIMEOUT_US, false, ld, reg))
		return true;
	dev_err(lumen_raw_dev(chan),
		"raw queue pair %u: engine %#x did not stop; its memory is kept until unload\n",
		chan->qp, ctrl);
	return false;
}

static bool lumen_raw_hw_quiesce(struct lumen_raw_chan *chan)
{
	bool stopped;

	stopped = lumen_raw_hw_engine_stop(chan, LUMEN_TXQ_CTRL);
	stopped &= lumen_raw_hw_engine_stop(chan, LUMEN_RXQ_CTRL);
	stopped &= lumen_raw_hw_engine_stop(chan, LUMEN_CQ_CTRL);
	return stopped;
}

/**
 * lumen_raw_hw_start - give a channel its raw queue pair and start it
 * @chan: the channel, its shared rings and frame area allocated
 *
 * Maps the frame area for the device, allocates the hardware rings,
 * takes the queue pair's interrupt and starts NAPI and the engines.
 *
 * Return: 0 or an errno, with nothing of the above left.
 */
int lumen_raw_hw_start(struct lumen_raw_chan *chan)
{
	struct lumen_raw_port *port = chan->port;
	struct lumen_dev *ld = chan->ld;
	int err;

	err = lumen_raw_map_pages(chan);
	if (err)
		return err;
	err = lumen_raw_hw_rings_alloc(chan);
	if (err)
		goto err_unmap;

	chan->irq = lumen_irq_vector(ld, port->first_vec + chan->qp);
	if (chan->irq < 0) {
		err = chan->irq;
		goto err_rings;
	}
	snprintf(chan->irq_name, sizeof(chan->irq_name), "lumen-%s-raw%u",
		 pci_name(ld->pdev), chan->qp);
	/* before the interrupt, which schedules it */
	netif_napi_add(&port->napi_dev, &chan->napi, lumen_raw_poll);
	err = request_irq(chan->irq, lumen_raw_irq, 0, chan->irq_name, chan);
	if (err)
		goto err_napi;

	lumen_raw_hw_program(chan);
	napi_enable(&chan->napi);
	lumen_wr32(ld, lumen_raw_reg(chan, LUMEN_QP_IRQ_CTRL), LUMEN_QP_IRQ_ARM);
	lumen_raw_kick(chan);
	return 0;

err_napi:
	netif_napi_del(&chan->napi);
err_rings:
	lumen_raw_hw_rings_free(chan);
err_unmap:
	lumen_raw_unmap_pages(chan, chan->npages);
	return err;
}

/**
 * lumen_raw_hw_stop - undo lumen_raw_hw_start()
 * @chan: the channel, marked dead so that no kick reaches NAPI
 *
 * The interrupt and NAPI go first, so that nothing rings a doorbell or
 * re-arms the interrupt of a stopping queue pair; then the engines.  The
 * shared rings and the frame area stay: the process may still have them
 * mapped.  Buffers the device held are simply never returned.  If an
 * engine does not stop, the device may still write the hardware rings
 * and the frame area: they are never freed (chan->hw_stuck).
 */
void lumen_raw_hw_stop(struct lumen_raw_chan *chan)
{
	lumen_wr32(chan->ld, lumen_raw_reg(chan, LUMEN_QP_IRQ_CTRL), 0);
	free_irq(chan->irq, chan);
	napi_disable(&chan->napi);
	netif_napi_del(&chan->napi);
	if (!lumen_raw_hw_quiesce(chan)) {
		chan->hw_stuck = true;
		return;
	}
	lumen_raw_hw_rings_free(chan);
	lumen_raw_unmap_pages(chan, chan->npages);
}
