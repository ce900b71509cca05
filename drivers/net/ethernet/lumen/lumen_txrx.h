/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The lumen authors */

#ifndef _LUMEN_TXRX_H_
#define _LUMEN_TXRX_H_

#include <linux/dim.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>

#include "lumen_hw.h"

struct page_pool;
struct lumen_net;

#define LUMEN_DEFAULT_RING	512
#define LUMEN_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define LUMEN_RX_TAILROOM	SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
#define LUMEN_RX_BUF_LEN	(PAGE_SIZE - LUMEN_RX_HEADROOM - LUMEN_RX_TAILROOM)
#define LUMEN_TX_DESC_NEEDED	(MAX_SKB_FRAGS + 1)
#define LUMEN_NAPI_BUDGET	64
#define LUMEN_TX_HANG_PERIODS	2	/* service periods */

/**
 * struct lumen_ring_stats - per-ring software counters
 * @packets: frames completed
 * @bytes: bytes completed
 * @dropped: frames dropped by the driver or reported dropped by the device
 * @errors: frames the device refused (bad descriptor chain)
 * @bad_cqe: completions that failed validation
 * @busy: TX: times the queue was stopped for lack of descriptors
 * @alloc_fail: RX: buffer allocations that failed
 * @csum_complete: RX: frames with a checksum-complete value
 * @lost_cqe: TX: frames completed from TXQ_HEAD because their completion
 *	never came
 * @missed_irq: CQ: times completions waited a whole service period with
 *	no interrupt to announce them, and NAPI was scheduled without one
 * @syncp: sequence for 64-bit readers
 */
struct lumen_ring_stats {
	u64 packets;
	u64 bytes;
	u64 dropped;
	u64 errors;
	u64 bad_cqe;
	u64 busy;
	u64 alloc_fail;
	u64 csum_complete;
	u64 lost_cqe;
	u64 missed_irq;
	struct u64_stats_sync syncp;
};

/**
 * struct lumen_tx_buf - what a TX descriptor slot holds for the driver
 * @skb: the frame, on the slot of its EOP descriptor only
 * @dma: mapping of this slot's buffer
 * @len: mapped length
 * @is_head: the mapping is the skb head (dma_map_single), not a fragment
 */
struct lumen_tx_buf {
	struct sk_buff *skb;
	dma_addr_t dma;
	u32 len;
	bool is_head;
};

/**
 * struct lumen_tx_ring - a TX descriptor ring
 * @desc: descriptors, shared with the device
 * @bufs: driver state of each slot
 * @doorbell: the ring's TAIL register
 * @txq: the netdev queue it serves
 * @size_mask: entries - 1, entries a power of two
 * @head: next slot to complete
 * @tail: next slot to fill
 * @seen_head: @head when the service task last looked
 * @seen_hw_head: the device's TXQ_HEAD then
 * @hung: service periods in a row the device consumed nothing of what
 *	was outstanding, back to 0 once reported
 * @reconcile: the service task found no progress: NAPI completes what
 *	TXQ_HEAD says the device consumed
 * @stats: counters
 * @dma: bus address of @desc
 */
struct lumen_tx_ring {
	struct lumen_tx_desc *desc;
	struct lumen_tx_buf *bufs;
	u8 __iomem *doorbell;
	struct netdev_queue *txq;
	u32 size_mask;
	u32 head;
	u32 tail;
	u32 seen_head;
	u32 seen_hw_head;
	u8 hung;
	bool reconcile;
	struct lumen_ring_stats stats;
	dma_addr_t dma;
};

/**
 * struct lumen_rx_ring - an RX buffer ring
 * @desc: buffer descriptors, shared with the device
 * @pages: the page posted in each slot
 * @doorbell: the ring's TAIL register
 * @pp: page pool the buffers come from
 * @skb: frame being assembled across several buffers
 * @size_mask: entries - 1
 * @head: next slot the device completes
 * @tail: next slot to post
 * @stats: counters
 * @dma: bus address of @desc
 */
struct lumen_rx_ring {
	struct lumen_rx_desc *desc;
	struct page **pages;
	u8 __iomem *doorbell;
	struct page_pool *pp;
	struct sk_buff *skb;
	u32 size_mask;
	u32 head;
	u32 tail;
	struct lumen_ring_stats stats;
	dma_addr_t dma;
};

/**
 * struct lumen_cq - a completion queue
 * @desc: entries, written by the device
 * @head_reg: the CQ_HEAD register
 * @size_mask: entries - 1
 * @head: next entry to read
 * @phase: the PHASE value that marks a new entry
 * @seen_head: @head when the service task last looked
 * @seen_phase: @phase then
 * @stats: counters
 * @dma: bus address of @desc
 */
struct lumen_cq {
	struct lumen_cqe *desc;
	u8 __iomem *head_reg;
	u32 size_mask;
	u32 head;
	u32 phase;
	u32 seen_head;
	u32 seen_phase;
	struct lumen_ring_stats stats;
	dma_addr_t dma;
};

/**
 * struct lumen_qp - a queue pair: TX ring, RX ring, their CQ, one vector
 * @napi: NAPI context polling @cq
 * @dim: adaptive interrupt moderation state
 * @irq_events: interrupts taken, for @dim
 * @ln: the netdev's private data
 * @cq: completion queue
 * @tx: TX ring
 * @rx: RX ring
 * @irq_ctrl: the QP_IRQ_CTRL register
 * @idx: queue pair number in the netdev: its TX and RX queue
 * @hw: queue pair number in the device: its registers, its vector - 1
 * @irq: Linux IRQ number
 * @irq_name: name shown in /proc/interrupts
 */
struct lumen_qp {
	struct napi_struct napi;
	struct dim dim;
	u16 irq_events;
	struct lumen_net *ln;
	struct lumen_cq cq;
	struct lumen_tx_ring tx;
	struct lumen_rx_ring rx;
	u8 __iomem *irq_ctrl;
	u16 idx;
	u16 hw;
	int irq;
	char irq_name[IFNAMSIZ + 8];
};

int lumen_qps_alloc(struct lumen_net *ln);
void lumen_qps_free(struct lumen_net *ln);
int lumen_rings_alloc(struct lumen_net *ln);
void lumen_rings_free(struct lumen_net *ln);
int lumen_qps_start(struct lumen_net *ln);
void lumen_qps_stop(struct lumen_net *ln);
bool lumen_qps_check_progress(struct lumen_net *ln, int *hung_qp);
void lumen_qps_moderate(struct lumen_net *ln);
netdev_tx_t lumen_xmit(struct sk_buff *skb, struct net_device *netdev);
netdev_features_t lumen_features_check(struct sk_buff *skb,
				       struct net_device *netdev,
				       netdev_features_t features);
void lumen_ring_stats_read(const struct lumen_ring_stats *s,
			   struct lumen_ring_stats *out);

#endif /* _LUMEN_TXRX_H_ */
