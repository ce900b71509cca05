// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/page_pool.h>

#include "lumen_netdev.h"

#define LUMEN_Q_STOP_TIMEOUT_US	10000

static struct device *lumen_dma_dev(struct lumen_qp *qp)
{
	return &qp->ln->ld->pdev->dev;
}

static u8 __iomem *lumen_qp_reg(struct lumen_net *ln, u16 idx, u32 reg)
{
	return ln->ld->bar0 + LUMEN_QP(idx, reg);
}

static void lumen_stats_add(struct lumen_ring_stats *s, u64 *field, u64 n)
{
	u64_stats_update_begin(&s->syncp);
	*field += n;
	u64_stats_update_end(&s->syncp);
}

/**
 * lumen_ring_stats_read - consistent snapshot of a ring's counters
 * @s: the ring's counters
 * @out: where to copy them (its syncp is not touched)
 */
void lumen_ring_stats_read(const struct lumen_ring_stats *s,
			   struct lumen_ring_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		out->packets = s->packets;
		out->bytes = s->bytes;
		out->dropped = s->dropped;
		out->errors = s->errors;
		out->bad_cqe = s->bad_cqe;
		out->busy = s->busy;
		out->alloc_fail = s->alloc_fail;
		out->csum_complete = s->csum_complete;
		out->lost_cqe = s->lost_cqe;
		out->missed_irq = s->missed_irq;
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

/* ---- TX ---- */

static u32 lumen_tx_space(const struct lumen_tx_ring *tx)
{
	return (tx->head - tx->tail - 1) & tx->size_mask;
}

static void lumen_tx_unmap(struct device *dev, struct lumen_tx_buf *buf)
{
	if (!buf->len)
		return;
	if (buf->is_head)
		dma_unmap_single(dev, buf->dma, buf->len, DMA_TO_DEVICE);
	else
		dma_unmap_page(dev, buf->dma, buf->len, DMA_TO_DEVICE);
	buf->len = 0;
}

static void lumen_tx_fill(struct lumen_tx_ring *tx, u32 idx, dma_addr_t dma,
			  u32 len, bool is_head)
{
	struct lumen_tx_desc *d = &tx->desc[idx];

	tx->bufs[idx].dma = dma;
	tx->bufs[idx].len = len;
	tx->bufs[idx].is_head = is_head;
	tx->bufs[idx].skb = NULL;

	d->addr = cpu_to_le64(dma);
	d->len = cpu_to_le16(len);
	d->flags = 0;
	d->csum_start = 0;
	d->csum_off_mss = 0;
}

/* Map every non-empty piece of @skb into descriptors from tx->tail on. */
static int lumen_tx_map(struct lumen_tx_ring *tx, struct device *dev,
			struct sk_buff *skb)
{
	unsigned int nfrags = skb_shinfo(skb)->nr_frags;
	u32 idx = tx->tail, used = 0;
	struct lumen_tx_desc *first;
	dma_addr_t dma;
	unsigned int f;
	u32 len;

	len = skb_headlen(skb);
	if (len) {
		dma = dma_map_single(dev, skb->data, len, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		lumen_tx_fill(tx, idx, dma, len, true);
		used++;
	}

	for (f = 0; f < nfrags; f++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

		len = skb_frag_size(frag);
		if (!len)
			continue;
		idx = (tx->tail + used) & tx->size_mask;
		dma = skb_frag_dma_map(dev, frag, 0, len, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			goto err_unmap;
		lumen_tx_fill(tx, idx, dma, len, false);
		used++;
	}
	if (!used)
		return -EINVAL;

	first = &tx->desc[tx->tail];
	if (skb_is_gso(skb)) {
		/* lumen_features_check() let only what the device cuts through */
		first->flags = cpu_to_le16(LUMEN_TXD_TSO);
		first->csum_start = cpu_to_le16(skb_transport_offset(skb));
		first->csum_off_mss = cpu_to_le16(skb_shinfo(skb)->gso_size);
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		first->flags = cpu_to_le16(LUMEN_TXD_CSUM);
		first->csum_start = cpu_to_le16(skb_checksum_start_offset(skb));
		first->csum_off_mss = cpu_to_le16(skb->csum_offset);
	}
	idx = (tx->tail + used - 1) & tx->size_mask;
	tx->desc[idx].flags |= cpu_to_le16(LUMEN_TXD_EOP);
	tx->bufs[idx].skb = skb;
	tx->tail = (idx + 1) & tx->size_mask;
	return 0;

err_unmap:
	while (used--)
		lumen_tx_unmap(dev, &tx->bufs[(tx->tail + used) & tx->size_mask]);
	return -ENOMEM;
}

static void lumen_tx_maybe_stop(struct lumen_tx_ring *tx)
{
	if (likely(lumen_tx_space(tx) >= LUMEN_TX_DESC_NEEDED))
		return;
	netif_tx_stop_queue(tx->txq);
	lumen_stats_add(&tx->stats, &tx->stats.busy, 1);
	/* Pairs with the barrier in lumen_tx_clean(): either it sees the
	 * stopped queue or we see the space it freed.
	 */
	smp_mb();
	if (lumen_tx_space(tx) >= LUMEN_TX_DESC_NEEDED)
		netif_tx_start_queue(tx->txq);
}

/**
 * lumen_features_check - ndo_features_check: what the device can offload
 * @skb: a frame about to be sent
 * @netdev: the lumen netdev
 * @features: what the stack would use
 *
 * The device segments plain TCP over IPv4 or IPv6 (see LUMEN_TXD_TSO);
 * the stack segments anything else.
 *
 * Return: @features, without GSO for a frame the device cannot cut.
 */
netdev_features_t lumen_features_check(struct sk_buff *skb,
				       struct net_device *netdev,
				       netdev_features_t features)
{
	unsigned int l4;

	features = vlan_features_check(skb, features);
	if (!skb_is_gso(skb))
		return features;
	/* only a GSO frame is sure to have its transport header set */
	l4 = skb_transport_offset(skb);
	if (skb->encapsulation ||
	    !(skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) ||
	    skb_shinfo(skb)->gso_size < LUMEN_TSO_MIN_MSS ||
	    (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 &&
	     l4 != skb_network_offset(skb) + sizeof(struct ipv6hdr)) ||
	    l4 + tcp_hdrlen(skb) + skb_shinfo(skb)->gso_size >
	    lumen_max_frame(netdev->mtu))
		features &= ~NETIF_F_GSO_MASK;
	return features;
}

/**
 * lumen_xmit - ndo_start_xmit: queue one frame on its queue pair's ring
 * @skb: the frame
 * @netdev: the lumen netdev
 *
 * Return: NETDEV_TX_OK, or NETDEV_TX_BUSY if the ring is unexpectedly full.
 */
netdev_tx_t lumen_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_qp *qp = ln->qp[skb_get_queue_mapping(skb)];
	struct lumen_tx_ring *tx = &qp->tx;
	unsigned int len = skb->len;

	if (unlikely(lumen_tx_space(tx) < skb_shinfo(skb)->nr_frags + 1)) {
		netif_tx_stop_queue(tx->txq);
		lumen_stats_add(&tx->stats, &tx->stats.busy, 1);
		return NETDEV_TX_BUSY;
	}

	if (unlikely(lumen_tx_map(tx, lumen_dma_dev(qp), skb))) {
		lumen_stats_add(&tx->stats, &tx->stats.dropped, 1);
		dev_kfree_skb_any(skb);
		/* Earlier frames may still wait for their doorbell. */
		if (!netdev_xmit_more())
			writel(tx->tail, tx->doorbell);
		return NETDEV_TX_OK;
	}

	lumen_tx_maybe_stop(tx);
	if (__netdev_tx_sent_queue(tx->txq, len, netdev_xmit_more()))
		writel(tx->tail, tx->doorbell);
	return NETDEV_TX_OK;
}

/* How the frames of completed TX slots are counted. */
enum lumen_tx_outcome {
	LUMEN_TX_SENT,		/* packets and bytes */
	LUMEN_TX_ERROR,		/* the device refused the frame */
	LUMEN_TX_DROPPED,	/* the device dropped it (link down) */
	LUMEN_TX_LOST,		/* its completion never came: lost_cqe */
};

/* Complete @n slots from the ring's head: unmap them, free their frames
 * and count each frame as @outcome says.
 */
static void lumen_tx_free_slots(struct lumen_qp *qp, u32 n,
				enum lumen_tx_outcome outcome, int budget,
				unsigned int *pkts, unsigned int *bytes)
{
	struct lumen_tx_ring *tx = &qp->tx;
	struct device *dev = lumen_dma_dev(qp);

	while (n--) {
		struct lumen_tx_buf *buf = &tx->bufs[tx->head];
		struct sk_buff *skb = buf->skb;

		lumen_tx_unmap(dev, buf);
		tx->head = (tx->head + 1) & tx->size_mask;
		if (!skb)
			continue;
		buf->skb = NULL;
		(*pkts)++;
		*bytes += skb->len;
		u64_stats_update_begin(&tx->stats.syncp);
		switch (outcome) {
		case LUMEN_TX_SENT:
			tx->stats.packets++;
			tx->stats.bytes += skb->len;
			break;
		case LUMEN_TX_ERROR:
			tx->stats.errors++;
			break;
		case LUMEN_TX_DROPPED:
			tx->stats.dropped++;
			break;
		case LUMEN_TX_LOST:
			tx->stats.lost_cqe++;
			break;
		}
		u64_stats_update_end(&tx->stats.syncp);
		napi_consume_skb(skb, budget);
	}
}

/* A TX completion names the EOP descriptor of a frame and completes every
 * descriptor up to it.  The id comes from the device: it must point at an
 * outstanding EOP slot, or the completion is counted and ignored.
 */
static void lumen_tx_complete(struct lumen_qp *qp, const struct lumen_cqe *cqe,
			      u32 flags, int budget, unsigned int *pkts,
			      unsigned int *bytes)
{
	struct lumen_tx_ring *tx = &qp->tx;
	u32 id = le16_to_cpu(cqe->id);
	enum lumen_tx_outcome outcome;
	u32 pending, n;

	pending = (tx->tail - tx->head) & tx->size_mask;
	n = ((id - tx->head) & tx->size_mask) + 1;
	if (id > tx->size_mask || n > pending || !tx->bufs[id].skb) {
		lumen_stats_add(&tx->stats, &tx->stats.bad_cqe, 1);
		return;
	}

	if (flags & (LUMEN_CQE_ERR_LEN | LUMEN_CQE_ERR_DESC))
		outcome = LUMEN_TX_ERROR;
	else if (flags & LUMEN_CQE_DROP_LINK)
		outcome = LUMEN_TX_DROPPED;
	else
		outcome = LUMEN_TX_SENT;
	lumen_tx_free_slots(qp, n, outcome, budget, pkts, bytes);
}

static void lumen_tx_wake(struct lumen_tx_ring *tx, unsigned int pkts,
			  unsigned int bytes)
{
	netdev_tx_completed_queue(tx->txq, pkts, bytes);
	/* Pairs with the barrier in lumen_tx_maybe_stop(). */
	smp_mb();
	if (unlikely(netif_tx_queue_stopped(tx->txq)) &&
	    lumen_tx_space(tx) >= LUMEN_TX_DESC_NEEDED)
		netif_tx_wake_queue(tx->txq);
}

/* A TX completion the device never wrote (or wrote wrong, and was
 * refused) would hold its descriptors, and with BQL the whole queue,
 * forever.  The service task notices a queue that made no progress with
 * descriptors outstanding and asks NAPI to complete, from the device's
 * TXQ_HEAD, every descriptor the device has consumed.  The device writes a
 * completion before TXQ_HEAD passes its descriptor, so NAPI reads
 * TXQ_HEAD first (@hw_head), then takes every completion in the CQ, and
 * only then completes what is still outstanding before @hw_head: those
 * completions are lost, not late.  If one still comes, it names a slot
 * that is no longer outstanding and is refused like any other bad one.
 */
static void lumen_tx_reconcile(struct lumen_qp *qp, u32 hw_head, int budget,
			       unsigned int *pkts, unsigned int *bytes)
{
	struct lumen_tx_ring *tx = &qp->tx;
	u32 pending, done;

	WRITE_ONCE(tx->reconcile, false);
	pending = (tx->tail - tx->head) & tx->size_mask;
	done = (hw_head - tx->head) & tx->size_mask;
	if (hw_head > tx->size_mask || done > pending)
		return;
	lumen_tx_free_slots(qp, done, LUMEN_TX_LOST, budget, pkts, bytes);
}

/* Descriptors outstanding and none completed since the last look. */
static bool lumen_tx_stalled(struct lumen_tx_ring *tx)
{
	u32 head = READ_ONCE(tx->head);
	bool stalled;

	stalled = head != READ_ONCE(tx->tail) && head == tx->seen_head;
	tx->seen_head = head;
	return stalled;
}

/* A stalled ring whose engine fetched nothing for LUMEN_TX_HANG_PERIODS
 * service periods in a row: the device's TX engine is hung, and only a
 * restart of the queues can help.
 */
static bool lumen_tx_hung(struct lumen_qp *qp, bool stalled)
{
	struct lumen_tx_ring *tx = &qp->tx;
	u32 hw_head;

	if (!stalled) {
		tx->hung = 0;
		return false;
	}
	hw_head = lumen_rd32(qp->ln->ld, LUMEN_QP(qp->hw, LUMEN_TXQ_HEAD));
	if (hw_head != tx->seen_hw_head)
		tx->hung = 0;
	else if (tx->hung < LUMEN_TX_HANG_PERIODS)
		tx->hung++;
	tx->seen_hw_head = hw_head;
	if (tx->hung < LUMEN_TX_HANG_PERIODS)
		return false;
	/* reported once; a hang that lasts is reported again */
	tx->hung = 0;
	return true;
}

/* The entry at @head is new if its PHASE bit is @phase. */
static bool lumen_cqe_ready(const struct lumen_cq *cq, u32 head, u32 phase,
			    u32 *flags)
{
	*flags = le32_to_cpu(READ_ONCE(cq->desc[head].flags));
	return !!(*flags & LUMEN_CQE_PHASE) == phase;
}

/* An entry waits at the head the CQ had at the last look, and no poll
 * is pending: its interrupt never came (a lost MSI-X message, or a
 * device that did not send it).  A pending poll means the interrupt did
 * come and the softirq has not run yet, which on a loaded host can take
 * a while; that is not a lost interrupt.
 */
static bool lumen_cq_stalled(struct lumen_qp *qp)
{
	struct lumen_cq *cq = &qp->cq;
	u32 phase = READ_ONCE(cq->phase);
	u32 head = READ_ONCE(cq->head);
	bool stalled;
	u32 flags;

	stalled = head == cq->seen_head && phase == cq->seen_phase &&
		  !test_bit(NAPI_STATE_SCHED, &qp->napi.state) &&
		  lumen_cqe_ready(cq, head, phase, &flags);
	cq->seen_head = head;
	cq->seen_phase = phase;
	return stalled;
}

/**
 * lumen_qps_check_progress - look for queue pairs that stopped moving
 * @ln: the netdev's private data, open
 *
 * Called once a second by the service task.  Completions that no
 * interrupt announced are polled now, and TX descriptors whose
 * completions never came are reconciled with the device's TXQ_HEAD (see
 * lumen_tx_reconcile()).  Either way NAPI runs, so traffic goes on, at a
 * poll a second, through interrupts that are lost.
 *
 * @hung_qp: where to say which queue pair hung
 *
 * Return: true if a TX engine is hung and the queues need a restart.
 */
bool lumen_qps_check_progress(struct lumen_net *ln, int *hung_qp)
{
	bool restart = false;
	unsigned int i;

	for (i = 0; i < ln->num_qp; i++) {
		struct lumen_qp *qp = ln->qp[i];
		bool kick = false, stalled;

		if (lumen_cq_stalled(qp)) {
			lumen_stats_add(&qp->cq.stats, &qp->cq.stats.missed_irq, 1);
			if (net_ratelimit())
				netdev_warn(ln->netdev, "queue pair %u: completions without an interrupt, polling\n",
					    i);
			kick = true;
		}
		stalled = lumen_tx_stalled(&qp->tx);
		if (stalled) {
			WRITE_ONCE(qp->tx.reconcile, true);
			kick = true;
		}
		if (lumen_tx_hung(qp, stalled)) {
			netdev_err(ln->netdev, "queue pair %u: TX engine fetched nothing for %u s\n",
				   i, LUMEN_TX_HANG_PERIODS);
			WRITE_ONCE(*hung_qp, i);
			restart = true;
		}
		if (kick) {
			/* so that the softirq runs when we re-enable BHs */
			local_bh_disable();
			napi_schedule(&qp->napi);
			local_bh_enable();
		}
	}
	return restart;
}

static void lumen_tx_drain(struct lumen_qp *qp)
{
	struct lumen_tx_ring *tx = &qp->tx;
	struct device *dev = lumen_dma_dev(qp);

	while (tx->head != tx->tail) {
		struct lumen_tx_buf *buf = &tx->bufs[tx->head];

		lumen_tx_unmap(dev, buf);
		if (buf->skb) {
			dev_kfree_skb_any(buf->skb);
			buf->skb = NULL;
		}
		tx->head = (tx->head + 1) & tx->size_mask;
	}
	netdev_tx_reset_queue(tx->txq);
}

/* ---- RX ---- */

static bool lumen_rx_post_one(struct lumen_rx_ring *rx)
{
	struct lumen_rx_desc *d = &rx->desc[rx->tail];
	struct page *page;

	page = page_pool_dev_alloc_pages(rx->pp);
	if (unlikely(!page)) {
		lumen_stats_add(&rx->stats, &rx->stats.alloc_fail, 1);
		return false;
	}
	rx->pages[rx->tail] = page;
	d->addr = cpu_to_le64(page_pool_get_dma_addr(page) + LUMEN_RX_HEADROOM);
	d->len = cpu_to_le16(LUMEN_RX_BUF_LEN);
	d->id = cpu_to_le16(rx->tail);
	d->rsvd = 0;
	rx->tail = (rx->tail + 1) & rx->size_mask;
	return true;
}

/* Post buffers in batches of at least this many: a doorbell write is an
 * exit to the device model (or a PCIe write), one per frame at low rates
 * otherwise.  Rings hold 64 or more, so few wait for their batch.
 */
#define LUMEN_RX_REFILL_BATCH	16

static void lumen_rx_refill(struct lumen_rx_ring *rx)
{
	bool posted = false;

	if (((rx->head - rx->tail - 1) & rx->size_mask) < LUMEN_RX_REFILL_BATCH)
		return;
	while (((rx->head - rx->tail - 1) & rx->size_mask) &&
	       lumen_rx_post_one(rx))
		posted = true;
	if (posted)
		writel(rx->tail, rx->doorbell);
}

static void lumen_rx_drop_frame(struct lumen_rx_ring *rx)
{
	if (rx->skb) {
		dev_kfree_skb_any(rx->skb);
		rx->skb = NULL;
	}
	lumen_stats_add(&rx->stats, &rx->stats.dropped, 1);
}

/* Add one completed buffer to the frame being assembled. */
static bool lumen_rx_add_buf(struct lumen_rx_ring *rx, struct page *page,
			     u32 len)
{
	struct sk_buff *skb = rx->skb;

	if (!skb) {
		skb = napi_build_skb(page_address(page), PAGE_SIZE);
		if (unlikely(!skb))
			return false;
		skb_mark_for_recycle(skb);
		skb_reserve(skb, LUMEN_RX_HEADROOM);
		__skb_put(skb, len);
		rx->skb = skb;
		return true;
	}
	if (unlikely(skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS))
		return false;
	skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page,
			LUMEN_RX_HEADROOM, len, PAGE_SIZE);
	return true;
}

static void lumen_rx_deliver(struct lumen_qp *qp, const struct lumen_cqe *cqe,
			     u32 flags)
{
	struct net_device *netdev = qp->ln->netdev;
	struct lumen_rx_ring *rx = &qp->rx;
	struct sk_buff *skb = rx->skb;
	unsigned int len = skb->len;

	rx->skb = NULL;
	if (unlikely(len < ETH_HLEN)) {
		dev_kfree_skb_any(skb);
		lumen_stats_add(&rx->stats, &rx->stats.dropped, 1);
		return;
	}
	skb->protocol = eth_type_trans(skb, netdev);
	if ((flags & LUMEN_CQE_CSUM_COMPLETE) &&
	    (netdev->features & NETIF_F_RXCSUM)) {
		__be16 sum = cpu_to_be16(le16_to_cpu(cqe->csum));

		skb->ip_summed = CHECKSUM_COMPLETE;
		skb->csum = csum_unfold((__force __sum16)sum);
	}
	if ((flags & LUMEN_CQE_HASH) && (netdev->features & NETIF_F_RXHASH))
		skb_set_hash(skb, le32_to_cpu(cqe->hash),
			     (flags & LUMEN_CQE_HASH_L4) ? PKT_HASH_TYPE_L4 :
							   PKT_HASH_TYPE_L3);
	skb_record_rx_queue(skb, qp->idx);

	u64_stats_update_begin(&rx->stats.syncp);
	rx->stats.packets++;
	rx->stats.bytes += len;
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		rx->stats.csum_complete++;
	u64_stats_update_end(&rx->stats.syncp);

	napi_gro_receive(&qp->napi, skb);
}

/* One RX completion: a buffer the device filled.  Buffers complete in the
 * order they were posted; a completion that names another buffer, an
 * empty ring or an impossible length is from a confused device: count it,
 * recycle the buffer and drop the frame in progress.
 *
 * Return: 1 if a frame was completed (delivered or dropped), else 0.
 */
static int lumen_rx_complete(struct lumen_qp *qp, const struct lumen_cqe *cqe,
			     u32 flags)
{
	struct lumen_rx_ring *rx = &qp->rx;
	u32 len = le16_to_cpu(cqe->len);
	u32 id = le16_to_cpu(cqe->id);
	struct page *page;

	if (unlikely(rx->head == rx->tail)) {
		lumen_stats_add(&rx->stats, &rx->stats.bad_cqe, 1);
		return 0;
	}

	page = rx->pages[rx->head];
	rx->pages[rx->head] = NULL;
	rx->head = (rx->head + 1) & rx->size_mask;

	if (unlikely(id != ((rx->head - 1) & rx->size_mask) || !len ||
		     len > LUMEN_RX_BUF_LEN)) {
		lumen_stats_add(&rx->stats, &rx->stats.bad_cqe, 1);
		goto drop;
	}

	dma_sync_single_range_for_cpu(lumen_dma_dev(qp),
				      page_pool_get_dma_addr(page),
				      LUMEN_RX_HEADROOM, len, DMA_FROM_DEVICE);
	if (unlikely(!lumen_rx_add_buf(rx, page, len)))
		goto drop;

	if (!(flags & LUMEN_CQE_EOP))
		return 0;
	lumen_rx_deliver(qp, cqe, flags);
	return 1;

drop:
	page_pool_recycle_direct(rx->pp, page);
	lumen_rx_drop_frame(rx);
	return 1;
}

static void lumen_rx_drain(struct lumen_rx_ring *rx)
{
	if (rx->skb) {
		dev_kfree_skb_any(rx->skb);
		rx->skb = NULL;
	}
	while (rx->head != rx->tail) {
		page_pool_put_full_page(rx->pp, rx->pages[rx->head], false);
		rx->pages[rx->head] = NULL;
		rx->head = (rx->head + 1) & rx->size_mask;
	}
}

/* ---- NAPI ---- */

/* Feed DIM what this queue pair moved since the interrupt count began. */
static void lumen_dim_sample(struct lumen_qp *qp)
{
	struct dim_sample sample = {};

	dim_update_sample(qp->irq_events, qp->rx.stats.packets + qp->tx.stats.packets,
			  qp->rx.stats.bytes + qp->tx.stats.bytes, &sample);
	net_dim(&qp->dim, sample);
}

static void lumen_irq_mod_write(struct lumen_qp *qp, u16 usecs, u16 frames)
{
	writel(FIELD_PREP(LUMEN_QP_IRQ_MOD_USECS, usecs) |
	       FIELD_PREP(LUMEN_QP_IRQ_MOD_FRAMES, frames),
	       lumen_qp_reg(qp->ln, qp->hw, LUMEN_QP_IRQ_MOD));
}

/* DIM picked a profile: apply it from the next arming. */
static void lumen_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct lumen_qp *qp = container_of(dim, struct lumen_qp, dim);
	struct dim_cq_moder moder;

	moder = net_dim_get_rx_moderation(dim->mode, dim->profile_ix);
	lumen_irq_mod_write(qp, moder.usec, moder.pkts);
	dim->state = DIM_START_MEASURE;
}

/* The moderation of a queue pair being started: DIM's or the user's. */
static void lumen_qp_moderate(struct lumen_qp *qp)
{
	struct lumen_net *ln = qp->ln;
	struct dim_cq_moder moder;

	if (ln->adaptive_rx) {
		moder = net_dim_get_def_rx_moderation(qp->dim.mode);
		lumen_irq_mod_write(qp, moder.usec, moder.pkts);
	} else {
		lumen_irq_mod_write(qp, ln->rx_usecs, ln->rx_frames);
	}
}

/**
 * lumen_qps_moderate - apply new coalescing settings to running queues
 * @ln: the netdev's private data, queues up
 *
 * Called under RTNL after ethtool -C changed them.
 */
void lumen_qps_moderate(struct lumen_net *ln)
{
	unsigned int i;

	for (i = 0; i < ln->num_qp; i++) {
		struct lumen_qp *qp = ln->qp[i];

		/* a DIM decision still pending must not undo this one */
		napi_disable(&qp->napi);
		cancel_work_sync(&qp->dim.work);
		lumen_qp_moderate(qp);
		napi_enable(&qp->napi);
	}
}

static int lumen_poll(struct napi_struct *napi, int budget)
{
	struct lumen_qp *qp = container_of(napi, struct lumen_qp, napi);
	unsigned int pkts = 0, bytes = 0;
	bool reconcile = READ_ONCE(qp->tx.reconcile);
	struct lumen_cq *cq = &qp->cq;
	u32 flags, head, hw_head = 0;
	bool more = false;
	int rx_done = 0;

	if (unlikely(reconcile))
		hw_head = lumen_rd32(qp->ln->ld, LUMEN_QP(qp->hw, LUMEN_TXQ_HEAD));

	while (lumen_cqe_ready(cq, cq->head, cq->phase, &flags)) {
		const struct lumen_cqe *cqe = &cq->desc[cq->head];

		if ((flags & LUMEN_CQE_RX) && rx_done >= budget) {
			more = true;
			break;
		}
		/* Read the entry only after its phase said it is whole. */
		dma_rmb();
		if (flags & LUMEN_CQE_RX)
			rx_done += lumen_rx_complete(qp, cqe, flags);
		else
			lumen_tx_complete(qp, cqe, flags, budget, &pkts,
					  &bytes);
		/* read locklessly by lumen_cq_stalled() */
		WRITE_ONCE(cq->head, (cq->head + 1) & cq->size_mask);
		if (!cq->head)
			WRITE_ONCE(cq->phase, cq->phase ^ 1);
	}

	/* with completions left in the CQ, @hw_head proves nothing */
	if (unlikely(reconcile) && !more)
		lumen_tx_reconcile(qp, hw_head, budget, &pkts, &bytes);
	if (pkts)
		lumen_tx_wake(&qp->tx, pkts, bytes);
	if (budget)
		lumen_rx_refill(&qp->rx);

	if (rx_done >= budget) {
		writel(cq->head, cq->head_reg);
		return budget;
	}
	/* once NAPI is released another poll may move the head: this
	 * poll's must be taken before
	 */
	head = cq->head;
	if (!napi_complete_done(napi, rx_done)) {
		writel(head, cq->head_reg);
		return rx_done;
	}
	if (READ_ONCE(qp->ln->adaptive_rx))
		lumen_dim_sample(qp);
	/* the head and the re-arm in one register write: one exit fewer */
	writel(LUMEN_QP_IRQ_ARM | LUMEN_QP_IRQ_SET_HEAD |
	       FIELD_PREP(LUMEN_QP_IRQ_HEAD, head), qp->irq_ctrl);
	return rx_done;
}

static irqreturn_t lumen_qp_irq(int irq, void *data)
{
	struct lumen_qp *qp = data;

	qp->irq_events++;
	napi_schedule_irqoff(&qp->napi);
	return IRQ_HANDLED;
}

/* ---- queue pair lifetime ---- */

/**
 * lumen_qps_alloc - allocate the queue pair structures of a netdev
 * @ln: the netdev's private data
 *
 * One per queue pair the device may use, for the netdev's lifetime.
 *
 * Return: 0 or -ENOMEM.
 */
int lumen_qps_alloc(struct lumen_net *ln)
{
	unsigned int i;

	for (i = 0; i < ln->lp->max_qp; i++) {
		struct lumen_qp *qp = kzalloc(sizeof(*qp), GFP_KERNEL);

		if (!qp)
			goto err_free;
		qp->ln = ln;
		qp->idx = i;
		qp->hw = ln->lp->qp_first + i;
		u64_stats_init(&qp->tx.stats.syncp);
		u64_stats_init(&qp->rx.stats.syncp);
		u64_stats_init(&qp->cq.stats.syncp);
		netif_napi_add(ln->netdev, &qp->napi, lumen_poll);
		INIT_WORK(&qp->dim.work, lumen_dim_work);
		qp->dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;
		ln->qp[i] = qp;
	}
	return 0;

err_free:
	lumen_qps_free(ln);
	return -ENOMEM;
}

/**
 * lumen_qps_free - free what lumen_qps_alloc() allocated
 * @ln: the netdev's private data
 */
void lumen_qps_free(struct lumen_net *ln)
{
	unsigned int i;

	for (i = 0; i < LUMEN_MAX_QP; i++) {
		if (!ln->qp[i])
			continue;
		netif_napi_del(&ln->qp[i]->napi);
		kfree(ln->qp[i]);
		ln->qp[i] = NULL;
	}
}

static void lumen_qp_rings_free(struct lumen_qp *qp)
{
	struct device *dev = lumen_dma_dev(qp);

	if (qp->cq.desc)
		dma_free_coherent(dev, (qp->cq.size_mask + 1) * sizeof(struct lumen_cqe),
				  qp->cq.desc, qp->cq.dma);
	qp->cq.desc = NULL;
	if (qp->rx.pp)
		page_pool_destroy(qp->rx.pp);
	qp->rx.pp = NULL;
	kvfree(qp->rx.pages);
	qp->rx.pages = NULL;
	if (qp->rx.desc)
		dma_free_coherent(dev, (qp->rx.size_mask + 1) * sizeof(struct lumen_rx_desc),
				  qp->rx.desc, qp->rx.dma);
	qp->rx.desc = NULL;
	kvfree(qp->tx.bufs);
	qp->tx.bufs = NULL;
	if (qp->tx.desc)
		dma_free_coherent(dev, (qp->tx.size_mask + 1) * sizeof(struct lumen_tx_desc),
				  qp->tx.desc, qp->tx.dma);
	qp->tx.desc = NULL;
}

static struct page_pool *lumen_page_pool_create(struct lumen_qp *qp, u32 size)
{
	struct page_pool_params pp = {
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order = 0,
		.pool_size = size,
		.nid = NUMA_NO_NODE,
		.dev = lumen_dma_dev(qp),
		.dma_dir = DMA_FROM_DEVICE,
		.max_len = LUMEN_RX_BUF_LEN,
		.offset = LUMEN_RX_HEADROOM,
	};

	return page_pool_create(&pp);
}

static int lumen_qp_rings_alloc(struct lumen_qp *qp, u32 tx_size, u32 rx_size)
{
	u32 cq_size = roundup_pow_of_two(tx_size + rx_size);
	struct device *dev = lumen_dma_dev(qp);
	struct page_pool *pp;

	qp->tx.size_mask = tx_size - 1;
	qp->tx.head = 0;
	qp->tx.tail = 0;
	qp->tx.seen_head = 0;
	qp->tx.seen_hw_head = 0;
	qp->tx.hung = 0;
	qp->tx.reconcile = false;
	qp->tx.desc = dma_alloc_coherent(dev, tx_size * sizeof(struct lumen_tx_desc),
					 &qp->tx.dma, GFP_KERNEL);
	qp->tx.bufs = kvcalloc(tx_size, sizeof(*qp->tx.bufs), GFP_KERNEL);
	if (!qp->tx.desc || !qp->tx.bufs)
		goto err;

	qp->rx.size_mask = rx_size - 1;
	qp->rx.head = 0;
	qp->rx.tail = 0;
	qp->rx.desc = dma_alloc_coherent(dev, rx_size * sizeof(struct lumen_rx_desc),
					 &qp->rx.dma, GFP_KERNEL);
	qp->rx.pages = kvcalloc(rx_size, sizeof(*qp->rx.pages), GFP_KERNEL);
	if (!qp->rx.desc || !qp->rx.pages)
		goto err;
	pp = lumen_page_pool_create(qp, rx_size);
	if (IS_ERR(pp))
		goto err;
	qp->rx.pp = pp;

	qp->cq.size_mask = cq_size - 1;
	qp->cq.head = 0;
	qp->cq.phase = 1;
	qp->cq.seen_head = 0;
	qp->cq.seen_phase = 1;
	qp->cq.desc = dma_alloc_coherent(dev, cq_size * sizeof(struct lumen_cqe),
					 &qp->cq.dma, GFP_KERNEL);
	if (!qp->cq.desc)
		goto err;
	return 0;

err:
	lumen_qp_rings_free(qp);
	return -ENOMEM;
}

/**
 * lumen_rings_alloc - allocate descriptor rings and buffers of every queue
 * pair in use
 * @ln: the netdev's private data
 *
 * Return: 0 or -ENOMEM, with nothing left allocated.
 */
int lumen_rings_alloc(struct lumen_net *ln)
{
	unsigned int i;
	int err;

	for (i = 0; i < ln->num_qp; i++) {
		err = lumen_qp_rings_alloc(ln->qp[i], ln->tx_ring_size,
					   ln->rx_ring_size);
		if (err)
			goto err_free;
	}
	return 0;

err_free:
	while (i--)
		lumen_qp_rings_free(ln->qp[i]);
	return err;
}

/**
 * lumen_rings_free - free what lumen_rings_alloc() allocated
 * @ln: the netdev's private data
 */
void lumen_rings_free(struct lumen_net *ln)
{
	unsigned int i;

	for (i = 0; i < ln->num_qp; i++)
		lumen_qp_rings_free(ln->qp[i]);
}

static void lumen_hw_ring_setup(struct lumen_net *ln, u16 idx, u32 base_lo,
				dma_addr_t dma, u32 size)
{
	writel(lower_32_bits(dma), lumen_qp_reg(ln, idx, base_lo));
	writel(upper_32_bits(dma), lumen_qp_reg(ln, idx, base_lo + 4));
	writel(size, lumen_qp_reg(ln, idx, base_lo + 8));
}

/* Stop one queue engine and wait until the device says it stopped. */
static void lumen_hw_ring_stop(struct lumen_net *ln, u16 idx, u32 ctrl)
{
	struct lumen_dev *ld = ln->ld;
	u32 reg = LUMEN_QP(idx, ctrl);
	u32 val;

	lumen_wr32(ld, reg, 0);
	if (read_poll_timeout(lumen_rd32, val,
			      !(val & LUMEN_Q_CTRL_ACTIVE) || lumen_gone(ld),
			      10, LUMEN_Q_STOP_TIMEOUT_US, false, ld, reg))
		netdev_warn(ln->netdev, "queue pair %u: engine %#x did not stop\n",
			    idx, ctrl);
}

static void lumen_qp_hw_stop(struct lumen_qp *qp)
{
	lumen_hw_ring_stop(qp->ln, qp->hw, LUMEN_TXQ_CTRL);
	lumen_hw_ring_stop(qp->ln, qp->hw, LUMEN_RXQ_CTRL);
	lumen_hw_ring_stop(qp->ln, qp->hw, LUMEN_CQ_CTRL);
}

static int lumen_qp_start(struct lumen_qp *qp)
{
	struct lumen_net *ln = qp->ln;
	struct lumen_dev *ld = ln->ld;
	u16 i = qp->hw;
	int err;

	qp->tx.txq = netdev_get_tx_queue(ln->netdev, qp->idx);
	qp->tx.doorbell = lumen_qp_reg(ln, i, LUMEN_TXQ_TAIL);
	qp->rx.doorbell = lumen_qp_reg(ln, i, LUMEN_RXQ_TAIL);
	qp->cq.head_reg = lumen_qp_reg(ln, i, LUMEN_CQ_HEAD);
	qp->irq_ctrl = lumen_qp_reg(ln, i, LUMEN_QP_IRQ_CTRL);

	qp->irq = lumen_irq_vector(ld, i + 1);
	snprintf(qp->irq_name, sizeof(qp->irq_name), "%s-qp%u",
		 ln->netdev->name, qp->idx);
	err = request_irq(qp->irq, lumen_qp_irq, 0, qp->irq_name, qp);
	if (err)
		return err;

	lumen_hw_ring_setup(ln, i, LUMEN_CQ_BASE_LO, qp->cq.dma,
			    qp->cq.size_mask + 1);
	lumen_wr32(ld, LUMEN_QP(i, LUMEN_CQ_HEAD), 0);
	lumen_wr32(ld, LUMEN_QP(i, LUMEN_QP_IRQ_VEC), i + 1);
	lumen_wr32(ld, LUMEN_QP(i, LUMEN_CQ_CTRL), LUMEN_Q_CTRL_EN);

	lumen_hw_ring_setup(ln, i, LUMEN_RXQ_BASE_LO, qp->rx.dma,
			    qp->rx.size_mask + 1);
	lumen_wr32(ld, LUMEN_QP(i, LUMEN_RXQ_CTRL), LUMEN_Q_CTRL_EN);
	lumen_rx_refill(&qp->rx);

	lumen_hw_ring_setup(ln, i, LUMEN_TXQ_BASE_LO, qp->tx.dma,
			    qp->tx.size_mask + 1);
	lumen_wr32(ld, LUMEN_QP(i, LUMEN_TXQ_CTRL), LUMEN_Q_CTRL_EN);

	lumen_qp_moderate(qp);
	napi_enable(&qp->napi);
	writel(LUMEN_QP_IRQ_ARM, qp->irq_ctrl);
	return 0;
}

/* Stop the device's engines and drop what they held; NAPI is disabled. */
static void lumen_qp_teardown(struct lumen_qp *qp)
{
	cancel_work_sync(&qp->dim.work);
	lumen_qp_hw_stop(qp);
	free_irq(qp->irq, qp);
	lumen_tx_drain(qp);
	lumen_rx_drain(&qp->rx);
}

static void lumen_qp_stop(struct lumen_qp *qp)
{
	napi_disable(&qp->napi);
	lumen_qp_teardown(qp);
}

/**
 * lumen_qps_start - start every queue pair in use
 * @ln: the netdev's private data, rings allocated
 *
 * Return: 0 or an errno, with every queue pair stopped again.
 */
int lumen_qps_start(struct lumen_net *ln)
{
	unsigned int i;
	int err;

	for (i = 0; i < ln->num_qp; i++) {
		err = lumen_qp_start(ln->qp[i]);
		if (err)
			goto err_stop;
	}
	return 0;

err_stop:
	while (i--)
		lumen_qp_stop(ln->qp[i]);
	return err;
}

/**
 * lumen_qps_stop - stop every queue pair in use and drop what they held
 * @ln: the netdev's private data
 *
 * Also stops the netdev's TX queues.  NAPI goes first: a TX completion
 * could otherwise wake a queue after it was stopped, and the stack
 * transmit on a ring about to be freed (the netdev may still be running,
 * as it is through a reset or a ring resize).
 */
void lumen_qps_stop(struct lumen_net *ln)
{
	unsigned int i;

	for (i = 0; i < ln->num_qp; i++)
		napi_disable(&ln->qp[i]->napi);
	netif_tx_disable(ln->netdev);
	for (i = 0; i < ln->num_qp; i++)
		lumen_qp_teardown(ln->qp[i]);
}
