/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The lumen authors */

#ifndef _LUMEN_RAW_H_
#define _LUMEN_RAW_H_

#include <linux/kref.h>
#include <linux/minmax.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/lumen.h>

#include "lumen.h"

/* Buffers of the frame area never straddle a page (see lumen_raw_dma())
 * and their size fits a descriptor's 16-bit length.
 */
#define LUMEN_RAW_FRAME_SIZE_MIN	2048
#define LUMEN_RAW_FRAME_SIZE_MAX	min_t(u32, PAGE_SIZE, SZ_32K)

/**
 * struct lumen_raw_slot - what the driver posted in a hardware ring slot
 * @addr: frame-area address of the buffer
 * @len: TX: the frame's length; RX: the buffer's
 *
 * Kept apart from the descriptors, which the device can write.
 */
struct lumen_raw_slot {
	u64 addr;
	u32 len;
};

/**
 * struct lumen_raw_uring - the kernel's view of one shared ring
 * @producer: producer index, in the rings area
 * @consumer: consumer index, in the rings area
 * @flags: flags word, in the rings area
 * @desc: entry 0, in the rings area
 * @mask: entries - 1
 * @mine: the index the kernel owns: producer of COMP and RX, consumer
 *	of TX and FILL; never read back from the shared area
 */
struct lumen_raw_uring {
	u32 *producer;
	u32 *consumer;
	u32 *flags;
	void *desc;
	u32 mask;
	u32 mine;
};

/**
 * struct lumen_raw_counters - a channel's counters, struct lumen_raw_stats
 * @s: the counters
 * @syncp: sequence for readers
 */
struct lumen_raw_counters {
	struct lumen_raw_stats s;
	struct u64_stats_sync syncp;
};

/**
 * struct lumen_raw_chan - a raw channel and the raw queue pair it owns
 * @port: the port
 * @ld: the device
 * @napi: polls the completion queue and the shared rings
 * @qp: raw queue pair index
 * @id: channel id on the fiber
 * @flags: LUMEN_RAW_CREATE_* it was created with
 * @dead: 0 while the queue pair runs, else the errno every call returns
 * @irq: Linux IRQ number of the queue pair's vector
 * @irq_name: its name in /proc/interrupts
 * @wq: readers, writers and pollers wait here
 * @tx_lock: read/write mode: one write() at a time, the process's side
 *	of TX and COMP and @free
 * @rx_lock: read/write mode: one read() at a time, the process's side of
 *	RX and FILL
 * @rings: the shared rings area (vmalloc_user)
 * @rings_size: its size
 * @tx: TX ring
 * @comp: COMP ring
 * @fill: FILL ring
 * @rx: RX ring
 * @pages: pages of the frame area
 * @dma: their bus addresses
 * @npages: number of pages
 * @frame_size: buffer size
 * @frames: buffers
 * @area_size: bytes of the frame area, page aligned
 * @frames_bytes: bytes of its buffers, @frames * @frame_size
 * @hw_stuck: an engine did not stop: the device may still write the
 *	hardware rings and the frame area, which are therefore never freed
 * @free: read/write mode: buffers the kernel holds for write()
 * @nfree: how many
 * @free_max: room in @free
 * @hw_tx: TX descriptor ring of the queue pair
 * @hw_tx_slot: what each TX slot holds
 * @hw_tx_head: next TX slot to complete
 * @hw_tx_tail: next TX slot to fill
 * @hw_rx: RX buffer ring
 * @hw_rx_slot: what each RX slot holds
 * @hw_rx_head: next RX slot the device fills
 * @hw_rx_tail: next RX slot to post
 * @rx_dropping: buffers of a frame too long for one are being dropped
 * @cq: completion queue
 * @cq_head: next entry to read
 * @cq_phase: PHASE of a new entry
 * @tx_mask: TX slots - 1
 * @rx_mask: RX slots - 1
 * @cq_mask: CQ entries - 1
 * @tx_dma: bus address of @hw_tx
 * @rx_dma: bus address of @hw_rx
 * @cq_dma: bus address of @cq
 * @cnt: counters
 */
struct lumen_raw_chan {
	struct lumen_raw_port *port;
	struct lumen_dev *ld;
	struct napi_struct napi;
	u16 qp;
	u16 id;
	u32 flags;
	int dead;
	int irq;
	char irq_name[32];
	wait_queue_head_t wq;
	struct mutex tx_lock;		/* see above */
	struct mutex rx_lock;		/* see above */

	void *rings;
	size_t rings_size;
	struct lumen_raw_uring tx;
	struct lumen_raw_uring comp;
	struct lumen_raw_uring fill;
	struct lumen_raw_uring rx;

	struct page **pages;
	dma_addr_t *dma;
	u32 npages;
	u32 frame_size;
	u32 frames;
	u64 area_size;
	u64 frames_bytes;
	bool hw_stuck;
	u64 *free;
	u32 nfree;
	u32 free_max;

	struct lumen_tx_desc *hw_tx;
	struct lumen_raw_slot *hw_tx_slot;
	u32 hw_tx_head;
	u32 hw_tx_tail;
	struct lumen_rx_desc *hw_rx;
	struct lumen_raw_slot *hw_rx_slot;
	u32 hw_rx_head;
	u32 hw_rx_tail;
	bool rx_dropping;
	struct lumen_cqe *cq;
	u32 cq_head;
	u32 cq_phase;
	u32 tx_mask;
	u32 rx_mask;
	u32 cq_mask;
	dma_addr_t tx_dma;
	dma_addr_t rx_dma;
	dma_addr_t cq_dma;

	struct lumen_raw_counters cnt;
};

/**
 * struct lumen_raw_port - a port's raw-frame device
 * @ref: held by the driver while bound and by every open file
 * @lock: protects @ld, @resetting, @nchan, @chans, channel creation and
 *	teardown
 * @ld: the device, NULL once it was removed
 * @resetting: between reset prepare and done: no channel is created
 * @napi_dev: dummy netdev the channels' NAPI instances hang on, so that
 *	they never touch the port netdev's NAPI list
 * @misc: the character device
 * @name: its name, "lumen-<pci address>"
 * @nodename: its /dev path, "lumen/<pci address>"
 * @nchan: raw queue pairs the driver can use
 * @first_vec: MSI-X vector of raw queue pair 0
 * @chans: the channel of each raw queue pair, NULL when free
 */
struct lumen_raw_port {
	struct kref ref;
	struct mutex lock;		/* see above */
	struct lumen_dev *ld;
	bool resetting;
	struct net_device napi_dev;
	struct miscdevice misc;
	char name[32];
	char nodename[32];
	u16 nchan;
	u16 first_vec;
	struct lumen_raw_chan *chans[LUMEN_MAX_RAW_QP];
};

/* lumen_raw_dp.c: the datapath of a channel */
int lumen_raw_hw_start(struct lumen_raw_chan *chan);
void lumen_raw_hw_stop(struct lumen_raw_chan *chan);
void lumen_raw_kick(struct lumen_raw_chan *chan);
bool lumen_raw_ring_empty(struct lumen_raw_uring *r);
bool lumen_raw_ring_full(struct lumen_raw_uring *r);
void lumen_raw_count(struct lumen_raw_chan *chan, u64 *field, u64 n);

/* lumen_raw.c */
int lumen_raw_init(struct lumen_dev *ld);
void lumen_raw_fini(struct lumen_dev *ld);
void lumen_raw_reset_prepare(struct lumen_dev *ld);
void lumen_raw_reset_done(struct lumen_dev *ld);
u32 lumen_raw_open_channels(struct lumen_dev *ld);
void lumen_raw_set_channels(struct lumen_dev *ld, u32 n);

#endif /* _LUMEN_RAW_H_ */
