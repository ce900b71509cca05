/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the MAC/port.
 *
 * Copyright (c) 2025 The lumen project authors
 *
 * Link state, the PORT register blocks, the RX address filter, the glue
 * to QEMU's net layer (receive, link changes), MAC loopback and the
 * statistics counters.  Every port of the split (lumen-split.c) has all
 * of it but the netdev, which they share: lumen-split.c tells on receive
 * which port a frame is for.  Raw frames are port 0's; they are told
 * apart here, first thing on its receive, and handed to lumen-raw.c: no
 * filter or RX_EN applies.
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

/* ---- statistics -------------------------------------------------------- */

/* A counter of port @p: the MAC's are the port's, the rest the device's. */
void lumen_stat_add(LumenPort *p, enum lumen_stat n, uint64_t delta)
{
    if (n < LUMEN_STAT_PORT_CNT) {
        p->stats[n] += delta;
    } else {
        p->s->stats[n] += delta;
    }
}

void lumen_port_stats_reset(LumenPort *p)
{
    memset(p->stats, 0, sizeof(p->stats));
    memset(p->stat_hi_latch, 0, sizeof(p->stat_hi_latch));
    memset(p->stat_latched, 0, sizeof(p->stat_latched));
}

void lumen_stats_reset(LumenState *s)
{
    unsigned k;

    memset(s->stats, 0, sizeof(s->stats));
    memset(s->stat_hi_latch, 0, sizeof(s->stat_hi_latch));
    memset(s->stat_latched, 0, sizeof(s->stat_latched));
    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        lumen_port_stats_reset(&s->port[k]);
    }
}

/* A counter and the latch of its high half. */
typedef struct LumenStatRef {
    uint64_t *val;
    uint32_t *hi_latch;
    bool *latched;
} LumenStatRef;

static void lumen_pstat_ref(LumenPort *p, unsigned n, LumenStatRef *r)
{
    r->val = &p->stats[n];
    r->hi_latch = &p->stat_hi_latch[n];
    r->latched = &p->stat_latched[n];
}

/* The STAT and PSTAT blocks, read-only. */
bool lumen_stat_block(hwaddr addr)
{
    return (addr >= LUMEN_STAT_BASE && addr < LUMEN_STAT(LUMEN_STAT_CNT)) ||
           (addr >= LUMEN_PSTAT_BASE && addr < LUMEN_PSTAT_END);
}

/*
 * The counter at @addr: LUMEN_STAT(n), port 0's for a MAC counter, or
 * LUMEN_PSTAT(k, n).  False for none; a port the split does not have
 * has none to read (@r->val NULL).
 */
static bool lumen_stat_find(LumenState *s, hwaddr addr, LumenStatRef *r)
{
    unsigned k, n;

    r->val = NULL;
    if (addr >= LUMEN_STAT_BASE && addr < LUMEN_STAT(LUMEN_STAT_CNT)) {
        n = (addr - LUMEN_STAT_BASE) / 8;
        if (n < LUMEN_STAT_PORT_CNT) {
            lumen_pstat_ref(&s->port[0], n, r);
        } else {
            r->val = &s->stats[n];
            r->hi_latch = &s->stat_hi_latch[n];
            r->latched = &s->stat_latched[n];
        }
        return true;
    }
    if (addr < LUMEN_PSTAT_BASE || addr >= LUMEN_PSTAT_END) {
        return false;
    }
    k = (addr - LUMEN_PSTAT_BASE) / LUMEN_PSTAT_STRIDE;
    n = (addr - LUMEN_PSTAT(k, 0)) / 8;
    if (n >= LUMEN_STAT_PORT_CNT) {
        return false;
    }
    if (lumen_port_exists(&s->port[k])) {
        lumen_pstat_ref(&s->port[k], n, r);
    }
    return true;
}

/*
 * A counter reads as one 64-bit access or as two 32-bit halves, low half
 * first: reading the low half latches the high half, so that the pair is
 * consistent even when the counter carries in between.
 */
bool lumen_stat_read(LumenState *s, hwaddr addr, unsigned size,
                     uint64_t *val)
{
    LumenStatRef r;

    if (!lumen_stat_find(s, addr, &r) || (size == 8 && addr % 8)) {
        return false;
    }
    if (!r.val) {
        *val = 0;                       /* a port the split does not have */
    } else if (size == 8) {
        *val = *r.val;
        *r.latched = false;
    } else if (addr % 8 == 0) {
        *val = (uint32_t)*r.val;
        *r.hi_latch = *r.val >> 32;
        *r.latched = true;
    } else {
        *val = *r.latched ? *r.hi_latch : *r.val >> 32;
        *r.latched = false;
    }
    return true;
}

/* The size bucket of a frame of @len bytes without FCS, from @first. */
static void lumen_stat_count_size(LumenPort *p, size_t len,
                                  enum lumen_stat first)
{
    static const size_t top[] = { 64, 127, 255, 511, 1023, 1518 };
    size_t wire = len + 4;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(top) && wire > top[i]; i++) {
        continue;
    }
    lumen_stat_add(p, first + i, 1);
}

/* MAC control frames, counted by kind; true for one. */
static bool lumen_stat_count_ctrl(LumenPort *p, const uint8_t *frame,
                                  size_t len, enum lumen_stat ctrl,
                                  enum lumen_stat pause)
{
    if (len < ETH_HLEN + 2 || lduw_be_p(frame + 12) != LUMEN_ETH_P_MAC_CTRL) {
        return false;
    }
    lumen_stat_add(p, ctrl, 1);
    if (lduw_be_p(frame + ETH_HLEN) == LUMEN_MAC_CTRL_PAUSE) {
        lumen_stat_add(p, pause, 1);
    }
    return true;
}

static void lumen_stat_count_dst(LumenPort *p, const uint8_t *dst,
                                 enum lumen_stat mcast, enum lumen_stat bcast)
{
    if (is_broadcast_ether_addr(dst)) {
        lumen_stat_add(p, bcast, 1);
    } else if (is_multicast_ether_addr(dst)) {
        lumen_stat_add(p, mcast, 1);
    }
}

/* ---- link ------------------------------------------------------------- */

/*
 * A partner at the far end of the fiber: a netdev whose link is up (QMP
 * set_link takes it away from the host) over which training frames come,
 * unless the test window says the partner is gone.
 */
static bool lumen_port_partner_up(LumenPort *p)
{
    LumenState *s = p->s;
    NetClientState *nc = qemu_get_queue(s->nic);

    return nc->peer && !nc->link_down &&
           !(s->test_faults & LUMEN_FAULT_NO_PARTNER) &&
           lumen_train_partner_seen(p);
}

/* What breaks this port's reception of its partner; NONE if nothing. */
static uint32_t lumen_port_rx_fault(LumenPort *p)
{
    if (!lumen_port_partner_up(p)) {
        return LUMEN_DOWN_NO_PARTNER;
    }
    if ((p->s->test_faults & LUMEN_FAULT_LOS) || lumen_lane_los(p)) {
        return LUMEN_DOWN_NO_SIGNAL;
    }
    if (lumen_lane_eq_fails(p)) {
        return LUMEN_DOWN_TRAINING;
    }
    if (!lumen_train_speed_agrees(p)) {
        return LUMEN_DOWN_SPEED_MISMATCH;
    }
    if (!lumen_train_fec_agrees(p)) {
        return LUMEN_DOWN_FEC_MISMATCH;
    }
    if (lumen_lane_blocks_link(p)) {
        return LUMEN_DOWN_HIGH_BER;
    }
    return LUMEN_DOWN_NONE;
}

/*
 * Why this port does not receive its partner well; NONE if it does: no
 * fault, and the lanes brought up.  A fault stops the bring-up.
 */
static uint32_t lumen_port_rx_blocker(LumenPort *p)
{
    uint32_t reason = lumen_port_rx_fault(p);

    if (reason == LUMEN_DOWN_NONE && !lumen_port_has_signal(p)) {
        reason = LUMEN_DOWN_NO_SIGNAL;  /* our module is dark */
    }
    if (reason != LUMEN_DOWN_NONE) {
        lumen_lane_bringup_stop(p);
        return reason;
    }
    return lumen_lane_bringup_done(p) ? LUMEN_DOWN_NONE : LUMEN_DOWN_BRINGUP;
}

/* What training tells the partner: READY when this is true. */
bool lumen_port_receives_partner(LumenPort *p)
{
    return lumen_port_rx_blocker(p) == LUMEN_DOWN_NONE;
}

/* Why the link cannot be up now; LUMEN_DOWN_NONE if it can. */
static uint32_t lumen_port_link_blocker(LumenPort *p)
{
    uint32_t reason;

    if (!(p->port_ctrl & LUMEN_PORT_CTRL_TX_EN)) {
        return LUMEN_DOWN_ADMIN;
    }
    reason = lumen_module_blocker(p->s);
    if (reason != LUMEN_DOWN_NONE) {
        return reason;
    }
    reason = lumen_port_rx_blocker(p);
    if (reason != LUMEN_DOWN_NONE) {
        return reason;
    }
    if (!lumen_train_partner_ready(p)) {
        return LUMEN_DOWN_PARTNER_NOT_READY;
    }
    return LUMEN_DOWN_NONE;
}

/* Light on the RX lanes: a partner, and no loss of signal. */
bool lumen_port_has_signal(LumenPort *p)
{
    return lumen_port_partner_up(p) &&
           !(p->s->test_faults & LUMEN_FAULT_LOS) &&
           lumen_module_ready(p->s);
}

static uint32_t lumen_port_down_reason(LumenPort *p)
{
    uint32_t reason;

    if (p->link_up) {
        return LUMEN_DOWN_NONE;
    }
    reason = lumen_port_link_blocker(p);
    /* down, and nothing in the way: it comes up at the next update */
    return reason == LUMEN_DOWN_NONE ? LUMEN_DOWN_NO_PARTNER : reason;
}

/*
 * Recompute PORT_STATUS.LINK; every change raises INTR_LINK.  Training
 * tells the partner at once if this port's READY changed, before the
 * link is computed: a partner reached synchronously (a hub) may answer,
 * and update this port's link, from within the send.
 */
void lumen_port_update_link(LumenPort *p)
{
    bool up;

    if (!lumen_port_exists(p)) {
        return;
    }
    lumen_train_state_changed(p);
    up = lumen_port_link_blocker(p) == LUMEN_DOWN_NONE;
    if (up == p->link_up) {
        return;
    }
    p->link_up = up;
    trace_lumen_link(p->idx, up, lumen_port_down_reason(p));
    lumen_lane_link_changed(p);
    lumen_intr_raise(p->s, LUMEN_INTR_LINK);
    lumen_port_rx_kick(p);
}

/* Something every port depends on changed (a device-wide fault). */
void lumen_ports_update_link(LumenState *s)
{
    unsigned k;

    for (k = 0; k < s->num_ports; k++) {
        lumen_port_update_link(&s->port[k]);
    }
}

/* The module's readiness changed: every port's lasers follow, then links. */
void lumen_ports_tx_update(LumenState *s)
{
    unsigned k;

    for (k = 0; k < s->num_ports; k++) {
        lumen_train_tx_update(&s->port[k]);
        lumen_port_update_link(&s->port[k]);
    }
}

uint32_t lumen_port_status(LumenPort *p)
{
    if (!p->link_up) {
        return 0;
    }
    return LUMEN_PORT_STATUS_LINK |
           LUMEN_FIELD_PREP(LUMEN_PORT_STATUS_LANES, lumen_lane_active(p)) |
           LUMEN_FIELD_PREP(LUMEN_PORT_STATUS_SPEED, lumen_lane_port_gbps(p));
}

/* ---- PORT block ------------------------------------------------------- */

static void lumen_port_rx_purge(LumenPort *p);

/* The transmitters go off: a lit port says BYE. */
void lumen_port_go_dark(LumenPort *p)
{
    p->port_ctrl = 0;
    lumen_train_tx_update(p);
}

/*
 * Everything of the port a reset or a new split puts back; lanes and
 * queue pairs as the split (s->num_ports) gives them.
 */
void lumen_port_reset(LumenPort *p)
{
    lumen_port_go_dark(p);              /* the partner hears BYE */
    lumen_train_reset(p);
    p->max_frame = LUMEN_DEFAULT_MAX_FRAME;
    memcpy(p->port_addr, p->s->conf.macaddr.a, ETH_ALEN);
    p->port_led = LUMEN_LED_NORMAL;
    /* Part of the reset: no INTR_LINK here, the caller decides. */
    p->link_up = false;
    lumen_lane_reset(p);
    lumen_port_qps_reset(p);
    lumen_rss_port_reset(p);
    lumen_port_stats_reset(p);
    lumen_port_rx_purge(p);
}

/* The identify LED: the driver blinks it for `ethtool -p`. */
static void lumen_port_set_led(LumenPort *p, uint32_t val)
{
    uint32_t mode = val & LUMEN_PORT_LED_MODE;

    if (mode != LUMEN_LED_NORMAL && mode != LUMEN_LED_OFF &&
        mode != LUMEN_LED_ON) {
        trace_lumen_mmio_write_ignored(LUMEN_PORT_REG(p->idx, LUMEN_PORT_LED),
                                       val, "reserved LED mode");
        return;
    }
    if (mode != p->port_led) {
        trace_lumen_port_led(p->idx, p->port_led, mode);
        p->port_led = mode;
    }
}

/*
 * Port k's register @reg (its offset in port 0's block) at @addr; false
 * for a hole.  A port the split does not have is NULL.
 */
static bool lumen_port_decode(LumenState *s, hwaddr addr, LumenPort **p,
                              hwaddr *reg)
{
    unsigned k = (addr - LUMEN_PORT_BASE) / LUMEN_PORT_STRIDE;

    if (addr < LUMEN_PORT_BASE || k >= LUMEN_MAX_PORTS) {
        return false;
    }
    *reg = addr - k * LUMEN_PORT_STRIDE;
    if (*reg >= LUMEN_PORT_END) {
        return false;
    }
    *p = k < s->num_ports ? &s->port[k] : NULL;
    return true;
}

static bool lumen_port_reg_read(LumenPort *p, hwaddr reg, uint32_t *val)
{
    switch (reg) {
    case LUMEN_PORT_CTRL:
        *val = p->port_ctrl;
        break;
    case LUMEN_PORT_STATUS:
        lumen_port_update_link(p);
        *val = lumen_port_status(p);
        break;
    case LUMEN_PORT_MAX_FRAME:
        *val = p->max_frame;
        break;
    case LUMEN_PORT_ADDR_LO:
        *val = lumen_mac_lo(p->port_addr);
        break;
    case LUMEN_PORT_ADDR_HI:
        *val = lumen_mac_hi(p->port_addr);
        break;
    case LUMEN_PORT_DOWN_REASON:
        lumen_port_update_link(p);
        *val = lumen_port_down_reason(p);
        break;
    case LUMEN_PORT_LED:
        *val = p->port_led;
        break;
    case LUMEN_PORT_FEC:
        *val = p->fec_mode;
        break;
    case LUMEN_PORT_CFG:
        *val = p->port_cfg;
        break;
    case LUMEN_PORT_BRINGUP_US:
        *val = p->bringup_us;
        break;
    case LUMEN_PORT_BER_LIMIT:
        *val = p->ber_limit;
        break;
    case LUMEN_PORT_QPS:
        *val = p->qps;
        break;
    default:
        return false;
    }
    return true;
}

static bool lumen_port_reg_write(LumenPort *p, hwaddr reg, uint32_t val)
{
    const uint32_t ctrl_bits = LUMEN_PORT_CTRL_TX_EN | LUMEN_PORT_CTRL_RX_EN |
                               LUMEN_PORT_CTRL_LOOPBACK |
                               LUMEN_PORT_CTRL_PROMISC |
                               LUMEN_PORT_CTRL_ALLMULTI;

    switch (reg) {
    case LUMEN_PORT_CTRL:
        p->port_ctrl = val & ctrl_bits;
        lumen_train_tx_update(p);
        lumen_port_update_link(p);
        lumen_port_rx_kick(p);
        break;
    case LUMEN_PORT_MAX_FRAME:
        if (val >= LUMEN_MIN_FRAME && val <= LUMEN_MAX_FRAME) {
            p->max_frame = val;
        }
        break;
    case LUMEN_PORT_ADDR_LO:
        stl_le_p(p->port_addr, val);
        break;
    case LUMEN_PORT_ADDR_HI:
        stw_le_p(p->port_addr + 4, val);
        break;
    case LUMEN_PORT_LED:
        lumen_port_set_led(p, val);
        break;
    case LUMEN_PORT_FEC:
        return lumen_fec_write(p, val);
    case LUMEN_PORT_CFG:
        return lumen_lane_cfg_write(p, val);
    case LUMEN_PORT_BER_LIMIT:
        lumen_lane_ber_limit_write(p, val);
        break;
    case LUMEN_PORT_QPS:
        lumen_port_qps_write(p, val);
        break;
    case LUMEN_PORT_STATUS:
    case LUMEN_PORT_DOWN_REASON:
    case LUMEN_PORT_BRINGUP_US:
        break;                          /* read-only */
    default:
        return false;
    }
    return true;
}

/* The PORT blocks; those of ports the split does not have read 0. */
bool lumen_port_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    LumenPort *p;
    hwaddr reg;

    if (!lumen_port_decode(s, addr, &p, &reg)) {
        return false;
    }
    if (!p) {
        *val = 0;
        return true;
    }
    return lumen_port_reg_read(p, reg, val);
}

bool lumen_port_write(LumenState *s, hwaddr addr, uint32_t val)
{
    LumenPort *p;
    hwaddr reg;

    if (!lumen_port_decode(s, addr, &p, &reg)) {
        return false;
    }
    if (!p) {
        trace_lumen_mmio_write_ignored(addr, val, "port not in the split");
        return true;
    }
    return lumen_port_reg_write(p, reg, val);
}

/* ---- receive ---------------------------------------------------------- */

/* The address filter: is the frame for this station? */
static bool lumen_port_accepts(LumenPort *p, const uint8_t *dst)
{
    if (p->port_ctrl & LUMEN_PORT_CTRL_PROMISC) {
        return true;
    }
    if (!memcmp(dst, p->port_addr, ETH_ALEN) ||
        is_broadcast_ether_addr(dst)) {
        return true;
    }
    return is_multicast_ether_addr(dst) &&
           (p->port_ctrl & LUMEN_PORT_CTRL_ALLMULTI);
}

/* Why queue pair @qpi cannot take frames at all, or NULL if it can. */
static const char *lumen_port_rx_blocked(LumenPort *p, unsigned qpi)
{
    LumenState *s = p->s;

    if (lumen_is_dead(s)) {
        return "device dead";
    }
    if (!lumen_is_ready(s)) {
        return "device resetting";
    }
    if (!(p->port_ctrl & LUMEN_PORT_CTRL_RX_EN)) {
        return "rx disabled";
    }
    if (!p->link_up) {
        return "link down";
    }
    if (qpi == LUMEN_QPI_NONE) {
        return "port owns no queue pair";
    }
    if (!lumen_rx_qp_enabled(s, qpi)) {
        return "queue disabled";
    }
    return NULL;
}

static void lumen_port_rx_drop(LumenPort *p, enum lumen_stat counter,
                               size_t size, const char *why)
{
    trace_lumen_rx_drop(p->idx, size, why);
    lumen_stat_add(p, counter, 1);
}

/*
 * The MAC's checks, before a frame may wait in the packet buffer or reach
 * queue pair @qpi: true if they dropped it (and counted why).
 */
static bool lumen_port_rx_screen(LumenPort *p, const uint8_t *buf,
                                 size_t size, unsigned qpi)
{
    const char *blocked = lumen_port_rx_blocked(p, qpi);

    if (blocked) {
        lumen_port_rx_drop(p, LUMEN_STAT_RX_DROP_DISABLED, size, blocked);
        return true;
    }
    if (size < ETH_HLEN || size > p->max_frame) {
        lumen_stat_add(p, size < ETH_HLEN ? LUMEN_STAT_RX_UNDERSIZE :
                                            LUMEN_STAT_RX_OVERSIZE, 1);
        lumen_port_rx_drop(p, LUMEN_STAT_RX_ERR_LEN, size, "bad length");
        return true;
    }
    if (lumen_stat_count_ctrl(p, buf, size, LUMEN_STAT_RX_MAC_CTRL,
                              LUMEN_STAT_RX_PAUSE)) {
        /* The MAC acts on control frames; they never reach a queue. */
        trace_lumen_rx_drop(p->idx, size, "MAC control frame");
        return true;
    }
    if (!lumen_port_accepts(p, buf)) {
        lumen_port_rx_drop(p, LUMEN_STAT_RX_DROP_FILTER, size, "filtered");
        return true;
    }
    return false;
}

/*
 * One non-raw frame through the MAC's frame path.  Returns false, having
 * done nothing, when its queue pair has no posted buffer or CQ slot for
 * it now; true when the frame was consumed (delivered or dropped).
 */
static bool lumen_port_rx_mac(LumenPort *p, const uint8_t *buf, size_t size)
{
    LumenRxMeta rm = { .flow = 0 };
    unsigned qpi = lumen_rss_select(p, buf, size, &rm.hash, &rm.flags);

    if (lumen_port_rx_screen(p, buf, size, qpi)) {
        return true;
    }
    switch (lumen_rx_deliver(p->s, qpi, buf, size, &rm)) {
    case LUMEN_RX_DONE:
        lumen_stat_add(p, LUMEN_STAT_RX_FRAMES, 1);
        lumen_stat_add(p, LUMEN_STAT_RX_BYTES, size);
        lumen_stat_count_dst(p, buf, LUMEN_STAT_RX_MCAST, LUMEN_STAT_RX_BCAST);
        lumen_stat_count_size(p, size, LUMEN_STAT_RX_64);
        lumen_irq_batch_end(p->s);
        return true;
    case LUMEN_RX_WAIT:
        return false;
    case LUMEN_RX_NO_ROOM:
        lumen_port_rx_drop(p, LUMEN_STAT_RX_DROP_NOBUF, size,
                           "frame can never fit the posted buffers");
        return true;
    case LUMEN_RX_FAILED:
    default:
        trace_lumen_rx_drop(p->idx, size, "dma error");
        return true;
    }
}

/*
 * The MAC's receive packet buffer, one per port.  As in a real NIC it
 * absorbs frames that arrive while their queue pair has no posted buffer
 * or CQ slot, up to LUMEN_RX_PKTBUF_SIZE bytes (frames and their
 * descriptors); beyond that a frame is dropped and counted in
 * RX_DROP_NOBUF.  The fiber never waits for the host: QEMU's net layer
 * is never asked to hold a frame (there is no can_receive), for then the
 * frames behind it, of every port, would pile up, and be lost, where no
 * counter sees them (in a host UDP socket under -netdev dgram).
 */
static void lumen_port_rx_hold(LumenPort *p, const uint8_t *buf, size_t size)
{
    size_t charge = sizeof(LumenRxHeld) + size;
    LumenRxHeld *h;

    if (p->rx_held_bytes + charge > LUMEN_RX_PKTBUF_SIZE) {
        lumen_port_rx_drop(p, LUMEN_STAT_RX_DROP_NOBUF, size,
                           "packet buffer full");
        return;
    }
    h = g_malloc(sizeof(*h) + size);
    h->size = size;
    memcpy(h->data, buf, size);
    QSIMPLEQ_INSERT_TAIL(&p->rx_held, h, next);
    p->rx_held_bytes += charge;
    trace_lumen_rx_hold(p->idx, size, p->rx_held_bytes);
}

static void lumen_port_rx_unhold(LumenPort *p)
{
    LumenRxHeld *h = QSIMPLEQ_FIRST(&p->rx_held);

    QSIMPLEQ_REMOVE_HEAD(&p->rx_held, next);
    p->rx_held_bytes -= sizeof(LumenRxHeld) + h->size;
    g_free(h);
}

/*
 * Something that gates reception changed (buffers posted, CQ entries
 * returned, link, enables, reset): the held frames go on in arrival
 * order, delivered or dropped, until one must wait again.
 */
void lumen_port_rx_kick(LumenPort *p)
{
    LumenRxHeld *h;

    /* Called again from within a delivery: the loop below goes on. */
    if (p->rx_kicking) {
        return;
    }
    p->rx_kicking = true;
    while ((h = QSIMPLEQ_FIRST(&p->rx_held)) &&
           lumen_port_rx_mac(p, h->data, h->size)) {
        lumen_port_rx_unhold(p);
    }
    p->rx_kicking = false;
}

/* Queue pairs moved or the device changed state: every port looks again. */
void lumen_ports_rx_kick(LumenState *s)
{
    unsigned k;

    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        lumen_port_rx_kick(&s->port[k]);
    }
}

/* A reset empties the packet buffer; the counters are reset with it. */
static void lumen_port_rx_purge(LumenPort *p)
{
    while (!QSIMPLEQ_EMPTY(&p->rx_held)) {
        trace_lumen_rx_drop(p->idx, QSIMPLEQ_FIRST(&p->rx_held)->size,
                            "reset");
        lumen_port_rx_unhold(p);
    }
}

/*
 * One frame from the fiber (or from loopback) past the PHY.  A raw frame
 * (port 0 only) is always consumed at once: a raw channel without
 * buffers never holds back the frames behind it.  Any other frame goes
 * after those already held.
 */
static void lumen_port_rx_frame(LumenPort *p, const uint8_t *buf,
                                size_t size)
{
    uint32_t hash, flags;

    if (p->idx == 0 && lumen_raw_match(buf, size)) {
        lumen_raw_receive(p->s, buf, size);
        return;
    }
    lumen_port_rx_kick(p);
    if (QSIMPLEQ_EMPTY(&p->rx_held)) {
        if (lumen_port_rx_mac(p, buf, size)) {
            return;
        }
    } else if (lumen_port_rx_screen(p, buf, size,
                                    lumen_rss_select(p, buf, size, &hash,
                                                     &flags))) {
        return;                         /* dropped before it waits */
    }
    lumen_port_rx_hold(p, buf, size);
}

/* A frame from the fiber for port @p; training is the PHY's, not the MAC's. */
void lumen_port_receive(LumenPort *p, const uint8_t *buf, size_t size)
{
    if (lumen_train_match(buf, size)) {
        lumen_train_receive(p, buf, size);
    } else {
        lumen_port_rx_frame(p, buf, size);
    }
}

/* One frame from the fiber (bare, or out of a burst): to its port. */
void lumen_fiber_rx(LumenState *s, const uint8_t *buf, size_t size)
{
    LumenPort *p = lumen_split_rx_port(s, &buf, &size);

    if (p) {
        lumen_port_receive(p, buf, size);
    }
}

static ssize_t lumen_nc_receive(NetClientState *nc, const uint8_t *buf,
                                size_t size)
{
    lumen_burst_receive(qemu_get_nic_opaque(nc), buf, size);
    return size;
}

static void lumen_nc_link_status_changed(NetClientState *nc)
{
    lumen_ports_update_link(qemu_get_nic_opaque(nc));
}

/* ---- transmit --------------------------------------------------------- */

/*
 * Put a checked frame on the fiber, or back into this port's RX when
 * LOOPBACK is set.  @frame has room for padding to LUMEN_MIN_FRAME.
 */
void lumen_port_transmit(LumenPort *p, uint8_t *frame, size_t len)
{
    if (len < LUMEN_MIN_FRAME) {
        memset(frame + len, 0, LUMEN_MIN_FRAME - len);
        len = LUMEN_MIN_FRAME;
    }
    lumen_stat_add(p, LUMEN_STAT_TX_FRAMES, 1);
    lumen_stat_add(p, LUMEN_STAT_TX_BYTES, len);
    lumen_stat_count_dst(p, frame, LUMEN_STAT_TX_MCAST, LUMEN_STAT_TX_BCAST);
    lumen_stat_count_size(p, len, LUMEN_STAT_TX_64);
    lumen_stat_count_ctrl(p, frame, len, LUMEN_STAT_TX_MAC_CTRL,
                          LUMEN_STAT_TX_PAUSE);
    lumen_port_send(p, frame, len);
}

/*
 * Put a counted, padded frame on the fiber, or back into this port's RX
 * when LOOPBACK is set.
 */
void lumen_port_send(LumenPort *p, uint8_t *frame, size_t len)
{
    if (p->port_ctrl & LUMEN_PORT_CTRL_LOOPBACK) {
        lumen_port_rx_frame(p, frame, len);
    } else {
        lumen_split_send(p, frame, len);
    }
}

/* ---- realize ---------------------------------------------------------- */

static NetClientInfo lumen_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive = lumen_nc_receive,
    .link_status_changed = lumen_nc_link_status_changed,
};

void lumen_port_realize(LumenState *s)
{
    DeviceState *dev = DEVICE(s);
    unsigned k;

    s->nic = qemu_new_nic(&lumen_net_info, &s->conf,
                          object_get_typename(OBJECT(s)), dev->id,
                          &dev->mem_reentrancy_guard, s);
    qemu_format_nic_info_str(qemu_get_queue(s->nic), s->conf.macaddr.a);
    s->num_ports = 1;
    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        LumenPort *p = &s->port[k];

        p->s = s;
        p->idx = k;
        QSIMPLEQ_INIT(&p->rx_held);
        lumen_lane_realize(p);
        lumen_train_realize(p);
    }
    lumen_cmis_realize(s);
    lumen_module_realize(s);
}

void lumen_port_unrealize(LumenState *s)
{
    unsigned k;

    /* unplugged: the partner hears BYE rather than silence */
    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        lumen_port_go_dark(&s->port[k]);
    }
    lumen_module_unrealize(s);
    lumen_cmis_unrealize(s);
    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        lumen_train_unrealize(&s->port[k]);
        lumen_lane_unrealize(&s->port[k]);
    }
    qemu_del_nic(s->nic);
    s->nic = NULL;
    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        lumen_port_rx_purge(&s->port[k]);
    }
}
