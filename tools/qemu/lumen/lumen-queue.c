/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: queue pairs.
 *
 * Copyright (c) 2025 The lumen project authors
 *
 * Each queue pair has a TX descriptor ring, an RX buffer ring and one
 * completion queue (CQ) that reports both, plus one MSI-X vector.  This
 * file owns the QP register block, the TX engine (a bottom half), the RX
 * delivery into posted buffers, CQE writing and the per-queue interrupt.
 * Raw queue pairs (lumen-raw.c) are queue pairs of this engine too, at
 * internal indices LUMEN_RAW_QPI(n); only what they send differs.
 *
 * Rings are only used while ACTIVE, and ACTIVE implies a validated
 * configuration: size a power of two in range, 16-byte aligned base,
 * head and tail below size.  Every DMA result is checked; a failure stops
 * the ring with LUMEN_QERR_DMA.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "lumen.h"
#include "hw/net/trace.h"

#define LUMEN_DESC_SIZE     16
#define LUMEN_CQE_SIZE      sizeof(struct lumen_cqe)

QEMU_BUILD_BUG_ON(LUMEN_CQE_SIZE != LUMEN_DESC_SIZE);

/* Where a ring's registers sit inside a queue pair's block. */
typedef struct LumenRingRegs {
    hwaddr base_lo;
    hwaddr base_hi;
    hwaddr size;
    hwaddr drv_index;       /* written by the driver: TX/RX tail, CQ head */
    hwaddr dev_index;       /* read-only: TX/RX head, CQ tail */
    hwaddr ctrl;
} LumenRingRegs;

static const LumenRingRegs lumen_ring_regs[LUMEN_RING_KINDS] = {
    [LUMEN_RING_TX] = {
        LUMEN_TXQ_BASE_LO, LUMEN_TXQ_BASE_HI, LUMEN_TXQ_SIZE,
        LUMEN_TXQ_TAIL, LUMEN_TXQ_HEAD, LUMEN_TXQ_CTRL,
    },
    [LUMEN_RING_RX] = {
        LUMEN_RXQ_BASE_LO, LUMEN_RXQ_BASE_HI, LUMEN_RXQ_SIZE,
        LUMEN_RXQ_TAIL, LUMEN_RXQ_HEAD, LUMEN_RXQ_CTRL,
    },
    [LUMEN_RING_CQ] = {
        LUMEN_CQ_BASE_LO, LUMEN_CQ_BASE_HI, LUMEN_CQ_SIZE,
        LUMEN_CQ_HEAD, LUMEN_CQ_TAIL, LUMEN_CQ_CTRL,
    },
};

static const char *const lumen_ring_name[LUMEN_RING_KINDS] = {
    [LUMEN_RING_TX] = "tx",
    [LUMEN_RING_RX] = "rx",
    [LUMEN_RING_CQ] = "cq",
};

/* ---- ring helpers ------------------------------------------------------ */

static bool lumen_ring_active(const LumenRing *r)
{
    return r->ctrl & LUMEN_Q_CTRL_ACTIVE;
}

static uint32_t lumen_ring_mask(const LumenRing *r)
{
    return r->size - 1;
}

static uint32_t lumen_ring_next(const LumenRing *r, uint32_t idx)
{
    return (idx + 1) & lumen_ring_mask(r);
}

static dma_addr_t lumen_ring_entry(const LumenRing *r, uint32_t idx)
{
    return deposit64(r->base_lo, 32, 32, r->base_hi) +
           (dma_addr_t)idx * LUMEN_DESC_SIZE;
}

/* TX/RX: descriptors posted by the driver and not yet used. */
static uint32_t lumen_ring_posted(const LumenRing *r)
{
    return (r->tail - r->head) & lumen_ring_mask(r);
}

/* CQ: slots the device may still write; one always stays empty. */
static uint32_t lumen_cq_free(const LumenRing *cq)
{
    return (cq->head - cq->tail - 1) & lumen_ring_mask(cq);
}

static bool lumen_ring_config_ok(const LumenRing *r, LumenRingKind kind)
{
    uint32_t max = kind == LUMEN_RING_CQ ? LUMEN_CQ_MAX : LUMEN_RING_MAX;

    return is_power_of_2(r->size) && r->size >= LUMEN_RING_MIN &&
           r->size <= max && !(r->base_lo & 0xf);
}

/* Stop a ring on an error: ERR set, ACTIVE clear, EN left as written. */
static void lumen_ring_fail(LumenState *s, unsigned qpi, LumenRingKind kind,
                            enum lumen_qerr err)
{
    LumenQueuePair *qp = &s->qp[qpi];
    LumenRing *r = &qp->ring[kind];

    r->ctrl = (r->ctrl | LUMEN_Q_CTRL_ERR) & ~LUMEN_Q_CTRL_ACTIVE;
    qp->err = err;
    trace_lumen_q_error(qpi, lumen_ring_name[kind], err);
    lumen_intr_raise(s, LUMEN_INTR_QERR);
}

/* QP_ERR reads NONE again once no ring of the pair is stopped on one. */
static void lumen_qp_update_err(LumenQueuePair *qp)
{
    int k;

    for (k = 0; k < LUMEN_RING_KINDS; k++) {
        if (qp->ring[k].ctrl & LUMEN_Q_CTRL_ERR) {
            return;
        }
    }
    qp->err = LUMEN_QERR_NONE;
}

/* ---- per-queue interrupt ----------------------------------------------- */

static void lumen_qp_irq_fire(LumenState *s, unsigned qpi)
{
    LumenQueuePair *qp = &s->qp[qpi];

    qp->irq_armed = false;
    if (s->test_faults & LUMEN_FAULT_IRQ_LOST) {
        /* The arm is used up as if the message had gone out. */
        trace_lumen_msix_skip(qp->irq_vec, "interrupt lost (test fault)");
        return;
    }
    trace_lumen_qp_irq(qpi, qp->irq_vec);
    lumen_msix_notify(s, qp->irq_vec);
}

/* CQEs the driver has not returned yet. */
static uint32_t lumen_cq_pending(const LumenRing *cq)
{
    return (cq->tail - cq->head) & lumen_ring_mask(cq);
}

/*
 * Interrupt moderation (QP_IRQ_MOD), a holdoff: an armed queue pair with
 * entries waiting fires at once when USECS is 0, when FRAMES (if not 0)
 * entries wait, or when its last interrupt is at least USECS old; else it
 * fires USECS after its last interrupt.  A quiet queue pair thus answers
 * its first frame at once, and a busy one at most every USECS.
 */
static void lumen_qp_irq_moderate(LumenState *s, unsigned qpi)
{
    LumenQueuePair *qp = &s->qp[qpi];
    uint32_t usecs = LUMEN_FIELD_GET(LUMEN_QP_IRQ_MOD_USECS, qp->irq_mod);
    uint32_t frames = LUMEN_FIELD_GET(LUMEN_QP_IRQ_MOD_FRAMES, qp->irq_mod);
    uint32_t pending = lumen_cq_pending(&qp->ring[LUMEN_RING_CQ]);
    QEMUTimer *timer = s->irq_timer[qpi].timer;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t due = s->irq_timer[qpi].last_fire + (int64_t)usecs * SCALE_US;

    if (!qp->irq_armed || !pending) {
        return;
    }
    if (!usecs || (frames && pending >= frames) || now >= due) {
        timer_del(timer);
        s->irq_timer[qpi].last_fire = now;
        lumen_qp_irq_fire(s, qpi);
    } else if (!timer_pending(timer)) {
        timer_mod(timer, due);
    }
}

static void lumen_qp_irq_timer(void *opaque)
{
    LumenIrqTimer *t = opaque;
    LumenQueuePair *qp = &t->s->qp[t->qpi];

    if (qp->irq_armed && lumen_cq_pending(&qp->ring[LUMEN_RING_CQ])) {
        t->last_fire = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        lumen_qp_irq_fire(t->s, t->qpi);
    }
}

static void lumen_ring_doorbell(LumenState *s, unsigned qpi,
                                LumenRingKind kind, uint32_t val);

/*
 * QP_IRQ_CTRL: arm (or disarm) the vector; with SET_HEAD, a CQ_HEAD
 * write first, so that a driver done polling moves the head and re-arms
 * in one register access.
 */
static void lumen_qp_irq_ctrl_write(LumenState *s, unsigned qpi, uint32_t val)
{
    LumenQueuePair *qp = &s->qp[qpi];

    if (val & LUMEN_QP_IRQ_SET_HEAD) {
        lumen_ring_doorbell(s, qpi, LUMEN_RING_CQ,
                            LUMEN_FIELD_GET(LUMEN_QP_IRQ_HEAD, val));
        lumen_state_changed(s);
    }
    qp->irq_armed = val & LUMEN_QP_IRQ_ARM;
    if (!qp->irq_armed) {
        timer_del(s->irq_timer[qpi].timer);
        return;
    }
    lumen_qp_irq_moderate(s, qpi);      /* entries may already wait */
}

/* End of a batch of CQEs (an RX frame, a TX run): armed queues fire. */
void lumen_irq_batch_end(LumenState *s)
{
    unsigned qpi;

    for (qpi = 0; qpi < LUMEN_QP_TOTAL; qpi++) {
        LumenQueuePair *qp = &s->qp[qpi];

        if (!lumen_qp_exists(s, qpi)) {
            continue;
        }
        if (qp->cqe_batch) {
            qp->cqe_batch = false;
            lumen_qp_irq_moderate(s, qpi);
        }
    }
}

void lumen_irq_timers_init(LumenState *s)
{
    unsigned qpi;

    for (qpi = 0; qpi < LUMEN_QP_TOTAL; qpi++) {
        s->irq_timer[qpi].s = s;
        s->irq_timer[qpi].qpi = qpi;
        s->irq_timer[qpi].timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                               lumen_qp_irq_timer,
                                               &s->irq_timer[qpi]);
    }
}

void lumen_irq_timers_free(LumenState *s)
{
    unsigned qpi;

    for (qpi = 0; qpi < LUMEN_QP_TOTAL; qpi++) {
        timer_free(s->irq_timer[qpi].timer);
        s->irq_timer[qpi].timer = NULL;
    }
}

/* ---- completion queue -------------------------------------------------- */

/*
 * Write one CQE at the CQ tail: the first 12 bytes, then the flags dword
 * with the phase bit, so that a phase-valid entry is never stale.
 * The caller has checked that the CQ is active and has a free slot.
 */
static bool lumen_cq_post(LumenState *s, unsigned qpi, uint16_t len,
                          uint16_t id, uint16_t csum, uint32_t hash,
                          uint32_t flags)
{
    LumenQueuePair *qp = &s->qp[qpi];
    LumenRing *cq = &qp->ring[LUMEN_RING_CQ];
    PCIDevice *pdev = PCI_DEVICE(s);
    dma_addr_t addr = lumen_ring_entry(cq, cq->tail);
    const size_t flags_off = offsetof(struct lumen_cqe, flags);
    struct lumen_cqe cqe;

    lumen_testwin_corrupt_cqe(s, flags, &len, &id);
    cqe = (struct lumen_cqe) {
        .hash = cpu_to_le32(hash),
        .len = cpu_to_le16(len),
        .id = cpu_to_le16(id),
        .csum = cpu_to_le16(csum),
        .rsvd = 0,
        .flags = cpu_to_le32(flags | (qp->cq_phase ? LUMEN_CQE_PHASE : 0)),
    };

    if (pci_dma_write(pdev, addr, &cqe, flags_off) != MEMTX_OK ||
        pci_dma_write(pdev, addr + flags_off, &cqe.flags,
                      sizeof(cqe.flags)) != MEMTX_OK) {
        lumen_ring_fail(s, qpi, LUMEN_RING_CQ, LUMEN_QERR_DMA);
        return false;
    }
    cq->tail = lumen_ring_next(cq, cq->tail);
    if (cq->tail == 0) {
        qp->cq_phase = !qp->cq_phase;
    }
    qp->cqe_batch = true;
    return true;
}

/* ---- checksums --------------------------------------------------------- */

/* Ones' complement sum of big-endian 16-bit words, odd byte zero-padded. */
uint32_t lumen_csum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += lduw_be_p(buf + i);
    }
    if (len & 1) {
        sum += buf[len - 1] << 8;
    }
    return sum;
}

uint16_t lumen_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* ---- TX engine --------------------------------------------------------- */

/* The descriptors of one TX frame, as fetched from the ring. */
typedef struct LumenTxFrame {
    uint64_t addr[LUMEN_TX_MAX_DESCS];
    uint16_t len[LUMEN_TX_MAX_DESCS];
    unsigned ndesc;         /* descriptors consumed, may exceed the max */
    uint32_t last;          /* ring index of the last one consumed */
    uint32_t total;         /* sum of all lengths */
    uint16_t flags;         /* LUMEN_TXD_* of the first descriptor */
    uint16_t csum_start;
    uint16_t csum_off;
    bool eop;
    bool zero_len;
} LumenTxFrame;

/*
 * Fetch descriptors from HEAD up to the first EOP, or up to TAIL when
 * there is none; false if a descriptor read failed (the ring stopped).
 */
static bool lumen_tx_fetch(LumenState *s, unsigned qpi, LumenTxFrame *f)
{
    LumenRing *txq = &s->qp[qpi].ring[LUMEN_RING_TX];
    uint32_t posted = lumen_ring_posted(txq);
    uint32_t idx = txq->head;
    struct lumen_tx_desc d;

    memset(f, 0, sizeof(*f));
    while (f->ndesc < posted && !f->eop) {
        uint16_t len, flags;

        if (pci_dma_read(PCI_DEVICE(s), lumen_ring_entry(txq, idx), &d,
                         sizeof(d)) != MEMTX_OK) {
            lumen_ring_fail(s, qpi, LUMEN_RING_TX, LUMEN_QERR_DMA);
            return false;
        }
        len = le16_to_cpu(d.len);
        flags = le16_to_cpu(d.flags);
        if (f->ndesc == 0) {
            f->flags = flags;
            f->csum_start = le16_to_cpu(d.csum_start);
            f->csum_off = le16_to_cpu(d.csum_off_mss);
        }
        if (f->ndesc < LUMEN_TX_MAX_DESCS) {
            f->addr[f->ndesc] = le64_to_cpu(d.addr);
            f->len[f->ndesc] = len;
        }
        f->zero_len |= len == 0;
        f->total += len;
        f->eop = flags & LUMEN_TXD_EOP;
        f->last = idx;
        f->ndesc++;
        idx = lumen_ring_next(txq, idx);
    }
    return true;
}

/* ERR_DESC for a chain no frame can be made of, else 0. */
static uint32_t lumen_tx_check_chain(const LumenTxFrame *f)
{
    if (!f->eop || f->ndesc > LUMEN_TX_MAX_DESCS || f->zero_len) {
        return LUMEN_CQE_ERR_DESC;
    }
    return 0;
}

/* The CQE error flag of a frame that port @p must not send, or 0. */
static uint32_t lumen_tx_check(LumenPort *p, const LumenTxFrame *f)
{
    if (lumen_tx_check_chain(f)) {
        return LUMEN_CQE_ERR_DESC;
    }
    if (f->flags & LUMEN_TXD_TSO) {
        /* The headers are checked once gathered (lumen_tso_prepare). */
        return f->total > LUMEN_TSO_MAX_LEN ? LUMEN_CQE_ERR_LEN : 0;
    }
    if (f->total > p->max_frame) {
        return LUMEN_CQE_ERR_LEN;
    }
    if ((f->flags & LUMEN_TXD_CSUM) &&
        (uint32_t)f->csum_start + f->csum_off + 2 > f->total) {
        return LUMEN_CQE_ERR_DESC;
    }
    return 0;
}

/*
 * Copy a checked frame to @dst, inside s->tx_frame with room for it;
 * false if a DMA read failed.
 */
static bool lumen_tx_gather(LumenState *s, unsigned qpi,
                            const LumenTxFrame *f, uint8_t *dst)
{
    size_t off = 0;
    unsigned i;

    for (i = 0; i < f->ndesc; i++) {
        if (pci_dma_read(PCI_DEVICE(s), f->addr[i], dst + off,
                         f->len[i]) != MEMTX_OK) {
            lumen_ring_fail(s, qpi, LUMEN_RING_TX, LUMEN_QERR_DMA);
            return false;
        }
        off += f->len[i];
    }
    return true;
}

/* LUMEN_TXD_CSUM: the Internet checksum of [start, end), big endian. */
static void lumen_tx_insert_csum(uint8_t *frame, const LumenTxFrame *f)
{
    uint32_t sum = lumen_csum_add(0, frame + f->csum_start,
                                  f->total - f->csum_start);

    stw_be_p(frame + f->csum_start + f->csum_off,
             (uint16_t)~lumen_csum_fold(sum));
}

typedef enum LumenTxStep {
    LUMEN_TX_IDLE,          /* nothing posted */
    LUMEN_TX_STALLED,       /* CQ full, ring not active, or ring stopped */
    LUMEN_TX_CONSUMED,      /* one frame completed, sent or not */
} LumenTxStep;

/*
 * A raw queue pair's frame: the payload goes behind the wire header that
 * lumen_raw_transmit() builds; no offloads, PORT_MAX_FRAME does not
 * apply, and errors count in no frame counter (the CQE reports them).
 */
static LumenTxStep lumen_tx_one_raw(LumenState *s, unsigned qpi,
                                    const LumenTxFrame *f)
{
    LumenRing *txq = &s->qp[qpi].ring[LUMEN_RING_TX];
    uint32_t clock = (uint32_t)lumen_clock_ns();
    uint32_t err = lumen_tx_check_chain(f);

    if (!err) {
        err = lumen_raw_tx_check(f->flags, f->total);
    }
    if (!err && !s->port[0].link_up) {
        err = LUMEN_CQE_DROP_LINK;      /* raw frames run on port 0 */
    }
    if (!err && !lumen_tx_gather(s, qpi, f,
                                 s->tx_frame + LUMEN_RAW_WIRE_HDR_LEN)) {
        return LUMEN_TX_STALLED;
    }

    txq->head = lumen_ring_next(txq, f->last);
    trace_lumen_tx_frame(qpi, f->last, f->total, err);
    if (!lumen_cq_post(s, qpi, MIN(f->total, UINT16_MAX), f->last, 0, clock,
                       err)) {
        return LUMEN_TX_STALLED;
    }
    if (!err) {
        lumen_raw_transmit(s, qpi, f->csum_start, f->total);
    }
    return LUMEN_TX_CONSUMED;
}

static LumenTxStep lumen_tx_one(LumenState *s, unsigned qpi)
{
    LumenQueuePair *qp = &s->qp[qpi];
    LumenRing *txq = &qp->ring[LUMEN_RING_TX];
    LumenRing *cq = &qp->ring[LUMEN_RING_CQ];
    LumenTxFrame f;
    LumenTso tso;
    LumenPort *p;
    uint32_t err;

    if (!lumen_ring_active(txq) || !lumen_ring_active(cq) ||
        (s->test_faults & LUMEN_FAULT_TX_HANG)) {
        return LUMEN_TX_STALLED;
    }
    if (!lumen_ring_posted(txq)) {
        return LUMEN_TX_IDLE;
    }
    if (!lumen_cq_free(cq)) {
        return LUMEN_TX_STALLED;
    }
    if (!lumen_tx_fetch(s, qpi, &f)) {
        return LUMEN_TX_STALLED;
    }
    if (lumen_qp_is_raw(qpi)) {
        return lumen_tx_one_raw(s, qpi, &f);
    }

    p = lumen_qp_port(s, qpi);
    err = lumen_tx_check(p, &f);
    if (err) {
        lumen_stat_add(p, LUMEN_STAT_TX_ERR_DESC, 1);
    } else if (!p->link_up) {
        err = LUMEN_CQE_DROP_LINK;
        lumen_stat_add(p, LUMEN_STAT_TX_DROP_LINK, 1);
    } else if (!lumen_tx_gather(s, qpi, &f, s->tx_frame)) {
        return LUMEN_TX_STALLED;
    } else if (lumen_train_match(s->tx_frame, f.total) ||
               lumen_split_match(s->tx_frame, f.total) ||
               lumen_burst_match(s->tx_frame, f.total)) {
        /*
         * Training, breakout and bursts are the PHY's and the fiber's:
         * the host may not forge them.
         */
        err = LUMEN_CQE_ERR_DESC;
        lumen_stat_add(p, LUMEN_STAT_TX_ERR_DESC, 1);
    } else if (f.flags & LUMEN_TXD_TSO) {
        err = lumen_tso_prepare(p, s->tx_frame, f.total, f.csum_start,
                                f.csum_off, &tso);
        if (err) {
            lumen_stat_add(p, LUMEN_STAT_TX_ERR_DESC, 1);
        }
    } else if (f.flags & LUMEN_TXD_CSUM) {
        lumen_tx_insert_csum(s->tx_frame, &f);
    }

    txq->head = lumen_ring_next(txq, f.last);
    trace_lumen_tx_frame(qpi, f.last, f.total, err);
    /* Complete first: a looped-back frame then finds its own CQ slots. */
    if (!lumen_cq_post(s, qpi, MIN(f.total, UINT16_MAX), f.last, 0, 0, err)) {
        return LUMEN_TX_STALLED;
    }
    if (err) {
        return LUMEN_TX_CONSUMED;
    }
    if (f.flags & LUMEN_TXD_TSO) {
        lumen_tso_send(p, s->tx_frame, f.total, &tso);
    } else {
        lumen_port_transmit(p, s->tx_frame, f.total);
    }
    return LUMEN_TX_CONSUMED;
}

/* Up to @budget frames of one queue; true if it still has work. */
static bool lumen_tx_run_queue(LumenState *s, unsigned qpi, unsigned budget)
{
    while (budget--) {
        if (lumen_tx_one(s, qpi) != LUMEN_TX_CONSUMED) {
            return false;
        }
    }
    return lumen_ring_posted(&s->qp[qpi].ring[LUMEN_RING_TX]) != 0;
}

void lumen_tx_bh(void *opaque)
{
    LumenState *s = opaque;
    bool more = false;
    unsigned qpi;

    if (!lumen_is_ready(s)) {
        return;
    }
    lumen_burst_begin(s);
    for (qpi = 0; qpi < LUMEN_QP_TOTAL; qpi++) {
        if (lumen_qp_exists(s, qpi)) {
            more |= lumen_tx_run_queue(s, qpi, LUMEN_TX_BUDGET);
        }
    }
    lumen_burst_end(s);
    lumen_irq_batch_end(s);
    if (more) {
        qemu_bh_schedule(s->tx_bh);
    }
}

/*
 * The TX doorbell: the first few frames posted go out now, as a NIC's
 * engine would start at once, rather than from the next main-loop
 * iteration; the rest continue in the bottom half.  A doorbell that
 * posted a long run thus returns to the guest after LUMEN_TX_INLINE
 * frames, and the engine sends in the main loop while the vCPU goes on:
 * a vCPU that sent everything itself would hold the BQL for the whole
 * run and starve the main loop, which receives the fiber's frames.
 */
static void lumen_tx_doorbell(LumenState *s, unsigned qpi)
{
    if (!lumen_is_ready(s)) {
        return;
    }
    lumen_burst_begin(s);
    if (lumen_tx_run_queue(s, qpi, LUMEN_TX_INLINE)) {
        qemu_bh_schedule(s->tx_bh);
    }
    lumen_burst_end(s);
    lumen_irq_batch_end(s);
}

void lumen_tx_kick(LumenState *s)
{
    if (s->tx_bh && lumen_is_ready(s)) {
        qemu_bh_schedule(s->tx_bh);
    }
}

/* ---- RX delivery ------------------------------------------------------- */

typedef struct LumenRxBuf {
    uint64_t addr;
    uint16_t len;           /* bytes of the frame that go here */
    uint16_t id;
} LumenRxBuf;

bool lumen_rx_qp_enabled(LumenState *s, unsigned qpi)
{
    LumenQueuePair *qp = &s->qp[qpi];

    return lumen_ring_active(&qp->ring[LUMEN_RING_RX]) &&
           lumen_ring_active(&qp->ring[LUMEN_RING_CQ]);
}

bool lumen_rx_qp_has_room(LumenState *s, unsigned qpi)
{
    LumenQueuePair *qp = &s->qp[qpi];

    return lumen_rx_qp_enabled(s, qpi) &&
           lumen_ring_posted(&qp->ring[LUMEN_RING_RX]) &&
           lumen_cq_free(&qp->ring[LUMEN_RING_CQ]);
}

/* Pick the posted buffers (and CQ slots) a frame of @size needs. */
static LumenRxResult lumen_rx_fetch(LumenState *s, unsigned qpi, size_t size,
                                    LumenRxBuf *bufs, unsigned *nbufs)
{
    LumenQueuePair *qp = &s->qp[qpi];
    LumenRing *rxq = &qp->ring[LUMEN_RING_RX];
    LumenRing *cq = &qp->ring[LUMEN_RING_CQ];
    uint32_t posted = lumen_ring_posted(rxq);
    uint32_t cq_free = lumen_cq_free(cq);
    uint32_t idx = rxq->head;
    struct lumen_rx_desc d;
    size_t left = size;
    unsigned n = 0;

    while (left) {
        if (n == LUMEN_RX_MAX_BUFS) {
            return LUMEN_RX_NO_ROOM;
        }
        if (n == posted) {
            return posted == lumen_ring_mask(rxq) ? LUMEN_RX_NO_ROOM
                                                  : LUMEN_RX_WAIT;
        }
        if (n == cq_free) {
            return cq_free == lumen_ring_mask(cq) ? LUMEN_RX_NO_ROOM
                                                  : LUMEN_RX_WAIT;
        }
        if (pci_dma_read(PCI_DEVICE(s), lumen_ring_entry(rxq, idx), &d,
                         sizeof(d)) != MEMTX_OK) {
            lumen_ring_fail(s, qpi, LUMEN_RING_RX, LUMEN_QERR_DMA);
            return LUMEN_RX_FAILED;
        }
        bufs[n].addr = le64_to_cpu(d.addr);
        bufs[n].len = MIN(le16_to_cpu(d.len), left);
        bufs[n].id = le16_to_cpu(d.id);
        left -= bufs[n].len;
        n++;
        idx = lumen_ring_next(rxq, idx);
    }
    *nbufs = n;
    return LUMEN_RX_DONE;
}

static bool lumen_rx_copy(LumenState *s, unsigned qpi, const uint8_t *buf,
                          const LumenRxBuf *bufs, unsigned n)
{
    size_t off = 0;
    unsigned i;

    for (i = 0; i < n; i++) {
        if (bufs[i].len &&
            pci_dma_write(PCI_DEVICE(s), bufs[i].addr, buf + off,
                          bufs[i].len) != MEMTX_OK) {
            lumen_ring_fail(s, qpi, LUMEN_RING_RX, LUMEN_QERR_DMA);
            return false;
        }
        off += bufs[i].len;
    }
    return true;
}

/* Raw frames: RAW, the flow id and the clock in every CQE, no offloads. */
static bool lumen_rx_complete_raw(LumenState *s, unsigned qpi,
                                  const LumenRxMeta *rm,
                                  const LumenRxBuf *bufs, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        uint32_t flags = LUMEN_CQE_RX | LUMEN_CQE_RAW;

        if (i == n - 1) {
            flags |= LUMEN_CQE_EOP;
        }
        if (!lumen_cq_post(s, qpi, bufs[i].len, bufs[i].id, rm->flow,
                           rm->hash, flags)) {
            return false;
        }
    }
    return true;
}

static bool lumen_rx_complete(LumenState *s, unsigned qpi, const uint8_t *buf,
                              size_t size, const LumenRxMeta *rm,
                              const LumenRxBuf *bufs, unsigned n)
{
    uint16_t csum;
    unsigned i;

    if (rm->flags & LUMEN_CQE_RAW) {
        return lumen_rx_complete_raw(s, qpi, rm, bufs, n);
    }
    csum = lumen_csum_fold(lumen_csum_add(0, buf + ETH_HLEN,
                                          size - ETH_HLEN));
    for (i = 0; i < n; i++) {
        bool last = i == n - 1;
        uint32_t flags = LUMEN_CQE_RX;

        if (last) {
            flags |= LUMEN_CQE_EOP | LUMEN_CQE_CSUM_COMPLETE | rm->flags;
        }
        if (!lumen_cq_post(s, qpi, bufs[i].len, bufs[i].id,
                           last ? csum : 0, last ? rm->hash : 0, flags)) {
            return false;
        }
    }
    return true;
}

/*
 * Write a frame (at least ETH_HLEN bytes, already filtered; for a raw
 * frame, with LUMEN_CQE_RAW in @rm, its payload of at least one byte)
 * into the posted buffers of queue pair @qpi and post one CQE per buffer.
 * Nothing is consumed unless the whole frame fits.
 */
LumenRxResult lumen_rx_deliver(LumenState *s, unsigned qpi,
                               const uint8_t *buf, size_t size,
                               const LumenRxMeta *rm)
{
    LumenRing *rxq = &s->qp[qpi].ring[LUMEN_RING_RX];
    LumenRxBuf bufs[LUMEN_RX_MAX_BUFS];
    LumenRxResult res;
    unsigned n = 0;

    res = lumen_rx_fetch(s, qpi, size, bufs, &n);
    if (res != LUMEN_RX_DONE) {
        return res;
    }
    if (!lumen_rx_copy(s, qpi, buf, bufs, n)) {
        return LUMEN_RX_FAILED;
    }
    rxq->head = (rxq->head + n) & lumen_ring_mask(rxq);
    trace_lumen_rx_frame(qpi, size, n);
    if (!lumen_rx_complete(s, qpi, buf, size, rm, bufs, n)) {
        return LUMEN_RX_FAILED;
    }
    return LUMEN_RX_DONE;
}

/* ---- QP register block ------------------------------------------------- */

static void lumen_ring_ctrl_write(LumenState *s, unsigned qpi,
                                  LumenRingKind kind, uint32_t val)
{
    LumenQueuePair *qp = &s->qp[qpi];
    LumenRing *r = &qp->ring[kind];
    bool was_en = r->ctrl & LUMEN_Q_CTRL_EN;
    bool en = val & LUMEN_Q_CTRL_EN;

    if (en == was_en) {
        return;
    }
    if (!en) {
        /* Stops at once: the engines only touch ACTIVE rings. */
        r->ctrl = 0;
        lumen_qp_update_err(qp);
        trace_lumen_q_disable(qpi, lumen_ring_name[kind]);
        return;
    }

    r->ctrl = LUMEN_Q_CTRL_EN;
    r->head = 0;
    r->tail = 0;
    if (kind == LUMEN_RING_CQ) {
        qp->cq_phase = true;
    }
    if (!lumen_ring_config_ok(r, kind)) {
        lumen_ring_fail(s, qpi, kind, LUMEN_QERR_BAD_CONFIG);
        return;
    }
    r->ctrl |= LUMEN_Q_CTRL_ACTIVE;
    trace_lumen_q_enable(qpi, lumen_ring_name[kind],
                         lumen_ring_entry(r, 0), r->size);
}

/* TX/RX tail or CQ head: the driver's doorbell. */
static void lumen_ring_doorbell(LumenState *s, unsigned qpi,
                                LumenRingKind kind, uint32_t val)
{
    LumenRing *r = &s->qp[qpi].ring[kind];

    if (!lumen_ring_active(r)) {
        trace_lumen_q_doorbell_ignored(qpi, lumen_ring_name[kind], val);
        return;
    }
    if (val >= r->size) {
        lumen_ring_fail(s, qpi, kind, LUMEN_QERR_BAD_INDEX);
        return;
    }
    if (kind == LUMEN_RING_CQ) {
        r->head = val;
    } else {
        r->tail = val;
    }
}

static bool lumen_ring_reg_read(LumenRing *r, LumenRingKind kind, hwaddr reg,
                                uint32_t *val)
{
    const LumenRingRegs *regs = &lumen_ring_regs[kind];
    bool tail_is_drv = kind != LUMEN_RING_CQ;

    if (reg == regs->base_lo) {
        *val = r->base_lo;
    } else if (reg == regs->base_hi) {
        *val = r->base_hi;
    } else if (reg == regs->size) {
        *val = r->size;
    } else if (reg == regs->drv_index) {
        *val = tail_is_drv ? r->tail : r->head;
    } else if (reg == regs->dev_index) {
        *val = tail_is_drv ? r->head : r->tail;
    } else if (reg == regs->ctrl) {
        *val = r->ctrl;
    } else {
        return false;
    }
    return true;
}

static bool lumen_ring_reg_write(LumenState *s, unsigned qpi,
                                 LumenRingKind kind, hwaddr reg, uint32_t val)
{
    const LumenRingRegs *regs = &lumen_ring_regs[kind];
    LumenRing *r = &s->qp[qpi].ring[kind];
    bool locked = r->ctrl & LUMEN_Q_CTRL_EN;

    if (reg == regs->base_lo || reg == regs->base_hi || reg == regs->size) {
        /* The configuration is fixed while the ring is enabled. */
        if (locked) {
            trace_lumen_q_config_locked(qpi, lumen_ring_name[kind], reg);
        } else if (reg == regs->base_lo) {
            r->base_lo = val;
        } else if (reg == regs->base_hi) {
            r->base_hi = val;
        } else {
            r->size = val;
        }
    } else if (reg == regs->drv_index) {
        lumen_ring_doorbell(s, qpi, kind, val);
    } else if (reg == regs->ctrl) {
        lumen_ring_ctrl_write(s, qpi, kind, val);
    } else if (reg != regs->dev_index) {
        return false;
    }
    return true;
}

bool lumen_qp_read(LumenState *s, unsigned qpi, hwaddr reg, uint32_t *val)
{
    LumenQueuePair *qp = &s->qp[qpi];
    int k;

    for (k = 0; k < LUMEN_RING_KINDS; k++) {
        if (lumen_ring_reg_read(&qp->ring[k], k, reg, val)) {
            return true;
        }
    }
    switch (reg) {
    case LUMEN_QP_IRQ_VEC:
        *val = qp->irq_vec;
        break;
    case LUMEN_QP_IRQ_CTRL:
        *val = qp->irq_armed ? LUMEN_QP_IRQ_ARM : 0;
        break;
    case LUMEN_QP_IRQ_MOD:
        *val = qp->irq_mod;
        break;
    case LUMEN_QP_ERR:
        *val = qp->err;
        break;
    default:
        return false;
    }
    return true;
}

bool lumen_qp_write(LumenState *s, unsigned qpi, hwaddr reg, uint32_t val)
{
    LumenQueuePair *qp = &s->qp[qpi];
    int k;

    if (reg == LUMEN_TXQ_TAIL) {
        lumen_ring_reg_write(s, qpi, LUMEN_RING_TX, reg, val);
        lumen_tx_doorbell(s, qpi);
        return true;
    }
    for (k = 0; k < LUMEN_RING_KINDS; k++) {
        if (lumen_ring_reg_write(s, qpi, k, reg, val)) {
            /* Rings moved: both engines look again. */
            lumen_state_changed(s);
            return true;
        }
    }
    switch (reg) {
    case LUMEN_QP_IRQ_VEC:
        qp->irq_vec = val;
        break;
    case LUMEN_QP_IRQ_CTRL:
        lumen_qp_irq_ctrl_write(s, qpi, val);
        break;
    case LUMEN_QP_IRQ_MOD:
        qp->irq_mod = val;              /* applies from the next arming */
        break;
    case LUMEN_QP_ERR:
        break;                          /* read-only */
    default:
        return false;
    }
    return true;
}

void lumen_queues_reset(LumenState *s)
{
    unsigned qpi;

    for (qpi = 0; qpi < LUMEN_QP_TOTAL; qpi++) {
        LumenQueuePair *qp = &s->qp[qpi];

        if (s->irq_timer[qpi].timer) {
            timer_del(s->irq_timer[qpi].timer);
        }
        memset(qp, 0, sizeof(*qp));
        qp->cq_phase = true;
        /* Vectors 1.. for the queue pairs, then the raw ones. */
        qp->irq_vec = lumen_qp_is_raw(qpi) ?
                      1 + s->num_qp + (qpi - LUMEN_MAX_QP) : 1 + qpi;
    }
}
