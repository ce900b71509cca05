/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the MAC/port.
 *
 * Copyright (c) 2025 The lumen project authors
 *
 * Link state, the PORT register block, the RX address filter, the glue to
 * QEMU's net layer (receive, can_receive, link changes), MAC loopback and
 * the statistics counters.  Raw frames are told apart here, first thing
 * on receive, and handed to lumen-raw.c: no filter or RX_EN applies.
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

/* ---- statistics -------------------------------------------------------- */

void lumen_stat_add(LumenState *s, enum lumen_stat n, uint64_t delta)
{
    s->stats[n] += delta;
}

void lumen_stats_reset(LumenState *s)
{
    memset(s->stats, 0, sizeof(s->stats));
    memset(s->stat_hi_latch, 0, sizeof(s->stat_hi_latch));
    memset(s->stat_latched, 0, sizeof(s->stat_latched));
}

/*
 * A counter reads as one 64-bit access or as two 32-bit halves, low half
 * first: reading the low half latches the high half, so that the pair is
 * consistent even when the counter carries in between.
 */
bool lumen_stat_read(LumenState *s, hwaddr addr, unsigned size,
                     uint64_t *val)
{
    hwaddr off = addr - LUMEN_STAT_BASE;
    unsigned n;

    if (addr < LUMEN_STAT_BASE || addr >= LUMEN_STAT(LUMEN_STAT_CNT)) {
        return false;
    }
    n = off / 8;
    if (size == 8) {
        if (off % 8) {
            return false;
        }
        *val = s->stats[n];
        s->stat_latched[n] = false;
    } else if (off % 8 == 0) {
        *val = (uint32_t)s->stats[n];
        s->stat_hi_latch[n] = s->stats[n] >> 32;
        s->stat_latched[n] = true;
    } else {
        *val = s->stat_latched[n] ? s->stat_hi_latch[n] : s->stats[n] >> 32;
        s->stat_latched[n] = false;
    }
    return true;
}

/* The size bucket of a frame of @len bytes without FCS, from @first. */
static void lumen_stat_count_size(LumenState *s, size_t len,
                                  enum lumen_stat first)
{
    static const size_t top[] = { 64, 127, 255, 511, 1023, 1518 };
    size_t wire = len + 4;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(top) && wire > top[i]; i++) {
        continue;
    }
    lumen_stat_add(s, first + i, 1);
}

/* MAC control frames, counted by kind; true for one. */
static bool lumen_stat_count_ctrl(LumenState *s, const uint8_t *frame,
                                  size_t len, enum lumen_stat ctrl,
                                  enum lumen_stat pause)
{
    if (len < ETH_HLEN + 2 || lduw_be_p(frame + 12) != LUMEN_ETH_P_MAC_CTRL) {
        return false;
    }
    lumen_stat_add(s, ctrl, 1);
    if (lduw_be_p(frame + ETH_HLEN) == LUMEN_MAC_CTRL_PAUSE) {
        lumen_stat_add(s, pause, 1);
    }
    return true;
}

static void lumen_stat_count_dst(LumenState *s, const uint8_t *dst,
                                 enum lumen_stat mcast, enum lumen_stat bcast)
{
    if (is_broadcast_ether_addr(dst)) {
        lumen_stat_add(s, bcast, 1);
    } else if (is_multicast_ether_addr(dst)) {
        lumen_stat_add(s, mcast, 1);
    }
}

/* ---- link ------------------------------------------------------------- */

/*
 * A partner at the far end of the fiber: a netdev whose link is up (QMP
 * set_link takes it away from the host) over which training frames come,
 * unless the test window says the partner is gone.
 */
static bool lumen_port_partner_up(LumenState *s)
{
    NetClientState *nc = qemu_get_queue(s->nic);

    return nc->peer && !nc->link_down &&
           !(s->test_faults & LUMEN_FAULT_NO_PARTNER) &&
           lumen_train_partner_seen(s);
}

/* What breaks this port's reception of its partner; NONE if nothing. */
static uint32_t lumen_port_rx_fault(LumenState *s)
{
    if (!lumen_port_partner_up(s)) {
        return LUMEN_DOWN_NO_PARTNER;
    }
    if ((s->test_faults & LUMEN_FAULT_LOS) || lumen_lane_los(s)) {
        return LUMEN_DOWN_NO_SIGNAL;
    }
    if (lumen_lane_eq_fails(s)) {
        return LUMEN_DOWN_TRAINING;
    }
    if (!lumen_train_speed_agrees(s)) {
        return LUMEN_DOWN_SPEED_MISMATCH;
    }
    if (!lumen_train_fec_agrees(s)) {
        return LUMEN_DOWN_FEC_MISMATCH;
    }
    if (lumen_lane_blocks_link(s)) {
        return LUMEN_DOWN_HIGH_BER;
    }
    return LUMEN_DOWN_NONE;
}

/*
 * Why this port does not receive its partner well; NONE if it does: no
 * fault, and the lanes brought up.  A fault stops the bring-up.
 */
static uint32_t lumen_port_rx_blocker(LumenState *s)
{
    uint32_t reason = lumen_port_rx_fault(s);

    if (reason == LUMEN_DOWN_NONE && !lumen_port_has_signal(s)) {
        reason = LUMEN_DOWN_NO_SIGNAL;  /* our module is dark */
    }
    if (reason != LUMEN_DOWN_NONE) {
        lumen_lane_bringup_stop(s);
        return reason;
    }
    return lumen_lane_bringup_done(s) ? LUMEN_DOWN_NONE : LUMEN_DOWN_BRINGUP;
}

/* What training tells the partner: READY when this is true. */
bool lumen_port_receives_partner(LumenState *s)
{
    return lumen_port_rx_blocker(s) == LUMEN_DOWN_NONE;
}

/* Why the link cannot be up now; LUMEN_DOWN_NONE if it can. */
static uint32_t lumen_port_link_blocker(LumenState *s)
{
    uint32_t reason;

    if (!(s->port_ctrl & LUMEN_PORT_CTRL_TX_EN)) {
        return LUMEN_DOWN_ADMIN;
    }
    reason = lumen_module_blocker(s);
    if (reason != LUMEN_DOWN_NONE) {
        return reason;
    }
    reason = lumen_port_rx_blocker(s);
    if (reason != LUMEN_DOWN_NONE) {
        return reason;
    }
    if (!lumen_train_partner_ready(s)) {
        return LUMEN_DOWN_PARTNER_NOT_READY;
    }
    return LUMEN_DOWN_NONE;
}

/* Light on the RX lanes: a partner, and no loss of signal. */
bool lumen_port_has_signal(LumenState *s)
{
    return lumen_port_partner_up(s) && !(s->test_faults & LUMEN_FAULT_LOS) &&
           lumen_module_ready(s);
}

static uint32_t lumen_port_down_reason(LumenState *s)
{
    uint32_t reason;

    if (s->link_up) {
        return LUMEN_DOWN_NONE;
    }
    reason = lumen_port_link_blocker(s);
    /* down, and nothing in the way: it comes up at the next update */
    return reason == LUMEN_DOWN_NONE ? LUMEN_DOWN_NO_PARTNER : reason;
}

/*
 * Recompute PORT_STATUS.LINK; every change raises INTR_LINK.  Training
 * tells the partner at once if this port's READY changed, before the
 * link is computed: a partner reached synchronously (a hub) may answer,
 * and update this port's link, from within the send.
 */
void lumen_port_update_link(LumenState *s)
{
    bool up;

    lumen_train_state_changed(s);
    up = lumen_port_link_blocker(s) == LUMEN_DOWN_NONE;
    if (up == s->link_up) {
        return;
    }
    s->link_up = up;
    trace_lumen_link(up, lumen_port_down_reason(s));
    lumen_lane_link_changed(s);
    lumen_intr_raise(s, LUMEN_INTR_LINK);
    lumen_port_rx_kick(s);
}

static uint32_t lumen_port_status(LumenState *s)
{
    if (!s->link_up) {
        return 0;
    }
    return LUMEN_PORT_STATUS_LINK |
           LUMEN_FIELD_PREP(LUMEN_PORT_STATUS_LANES, lumen_lane_active(s)) |
           LUMEN_FIELD_PREP(LUMEN_PORT_STATUS_SPEED, lumen_lane_port_gbps(s));
}

/* ---- PORT block ------------------------------------------------------- */

static void lumen_port_rx_purge(LumenState *s);

void lumen_port_reset(LumenState *s)
{
    s->port_ctrl = 0;
    lumen_train_tx_update(s);           /* the partner hears BYE */
    lumen_train_reset(s);
    lumen_cmis_reset(s);
    s->max_frame = LUMEN_DEFAULT_MAX_FRAME;
    memcpy(s->port_addr, s->conf.macaddr.a, ETH_ALEN);
    s->port_led = LUMEN_LED_NORMAL;
    /* Part of the reset: no INTR_LINK, the causes were just cleared. */
    s->link_up = false;
    lumen_lane_reset(s);
    lumen_port_rx_purge(s);
}

/* The identify LED: the driver blinks it for `ethtool -p`. */
static void lumen_port_set_led(LumenState *s, uint32_t val)
{
    uint32_t mode = val & LUMEN_PORT_LED_MODE;

    if (mode != LUMEN_LED_NORMAL && mode != LUMEN_LED_OFF &&
        mode != LUMEN_LED_ON) {
        trace_lumen_mmio_write_ignored(LUMEN_PORT_LED, val,
                                       "reserved LED mode");
        return;
    }
    if (mode != s->port_led) {
        trace_lumen_port_led(s->port_led, mode);
        s->port_led = mode;
    }
}

bool lumen_port_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    switch (addr) {
    case LUMEN_PORT_CTRL:
        *val = s->port_ctrl;
        break;
    case LUMEN_PORT_STATUS:
        lumen_port_update_link(s);
        *val = lumen_port_status(s);
        break;
    case LUMEN_PORT_MAX_FRAME:
        *val = s->max_frame;
        break;
    case LUMEN_PORT_ADDR_LO:
        *val = lumen_mac_lo(s->port_addr);
        break;
    case LUMEN_PORT_ADDR_HI:
        *val = lumen_mac_hi(s->port_addr);
        break;
    case LUMEN_PORT_DOWN_REASON:
        lumen_port_update_link(s);
        *val = lumen_port_down_reason(s);
        break;
    case LUMEN_PORT_LED:
        *val = s->port_led;
        break;
    case LUMEN_PORT_FEC:
        *val = s->fec_mode;
        break;
    case LUMEN_PORT_CFG:
        *val = s->port_cfg;
        break;
    case LUMEN_PORT_BRINGUP_US:
        *val = s->bringup_us;
        break;
    case LUMEN_PORT_BER_LIMIT:
        *val = s->ber_limit;
        break;
    default:
        return false;
    }
    return true;
}

bool lumen_port_write(LumenState *s, hwaddr addr, uint32_t val)
{
    const uint32_t ctrl_bits = LUMEN_PORT_CTRL_TX_EN | LUMEN_PORT_CTRL_RX_EN |
                               LUMEN_PORT_CTRL_LOOPBACK |
                               LUMEN_PORT_CTRL_PROMISC |
                               LUMEN_PORT_CTRL_ALLMULTI;

    switch (addr) {
    case LUMEN_PORT_CTRL:
        s->port_ctrl = val & ctrl_bits;
        lumen_train_tx_update(s);
        lumen_port_update_link(s);
        lumen_port_rx_kick(s);
        break;
    case LUMEN_PORT_MAX_FRAME:
        if (val >= LUMEN_MIN_FRAME && val <= LUMEN_MAX_FRAME) {
            s->max_frame = val;
        }
        break;
    case LUMEN_PORT_ADDR_LO:
        stl_le_p(s->port_addr, val);
        break;
    case LUMEN_PORT_ADDR_HI:
        stw_le_p(s->port_addr + 4, val);
        break;
    case LUMEN_PORT_LED:
        lumen_port_set_led(s, val);
        break;
    case LUMEN_PORT_FEC:
        return lumen_fec_write(s, val);
    case LUMEN_PORT_CFG:
        return lumen_lane_cfg_write(s, val);
    case LUMEN_PORT_BER_LIMIT:
        lumen_lane_ber_limit_write(s, val);
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

/* ---- receive ---------------------------------------------------------- */

/* The address filter: is the frame for this station? */
static bool lumen_port_accepts(LumenState *s, const uint8_t *dst)
{
    if (s->port_ctrl & LUMEN_PORT_CTRL_PROMISC) {
        return true;
    }
    if (!memcmp(dst, s->port_addr, ETH_ALEN) ||
        is_broadcast_ether_addr(dst)) {
        return true;
    }
    return is_multicast_ether_addr(dst) &&
           (s->port_ctrl & LUMEN_PORT_CTRL_ALLMULTI);
}

/* Why queue pair @qpi cannot take frames at all, or NULL if it can. */
static const char *lumen_port_rx_blocked(LumenState *s, unsigned qpi)
{
    if (lumen_is_dead(s)) {
        return "device dead";
    }
    if (!lumen_is_ready(s)) {
        return "device resetting";
    }
    if (!(s->port_ctrl & LUMEN_PORT_CTRL_RX_EN)) {
        return "rx disabled";
    }
    if (!s->link_up) {
        return "link down";
    }
    if (!lumen_rx_qp_enabled(s, qpi)) {
        return "queue disabled";
    }
    return NULL;
}

static void lumen_port_rx_drop(LumenState *s, enum lumen_stat counter,
                               size_t size, const char *why)
{
    trace_lumen_rx_drop(size, why);
    lumen_stat_add(s, counter, 1);
}

/*
 * The MAC's checks, before a frame may wait in the packet buffer or reach
 * queue pair @qpi: true if they dropped it (and counted why).
 */
static bool lumen_port_rx_screen(LumenState *s, const uint8_t *buf,
                                 size_t size, unsigned qpi)
{
    const char *blocked = lumen_port_rx_blocked(s, qpi);

    if (blocked) {
        lumen_port_rx_drop(s, LUMEN_STAT_RX_DROP_DISABLED, size, blocked);
        return true;
    }
    if (size < ETH_HLEN || size > s->max_frame) {
        lumen_stat_add(s, size < ETH_HLEN ? LUMEN_STAT_RX_UNDERSIZE :
                                            LUMEN_STAT_RX_OVERSIZE, 1);
        lumen_port_rx_drop(s, LUMEN_STAT_RX_ERR_LEN, size, "bad length");
        return true;
    }
    if (lumen_stat_count_ctrl(s, buf, size, LUMEN_STAT_RX_MAC_CTRL,
                              LUMEN_STAT_RX_PAUSE)) {
        /* The MAC acts on control frames; they never reach a queue. */
        trace_lumen_rx_drop(size, "MAC control frame");
        return true;
    }
    if (!lumen_port_accepts(s, buf)) {
        lumen_port_rx_drop(s, LUMEN_STAT_RX_DROP_FILTER, size, "filtered");
        return true;
    }
    return false;
}

/*
 * One non-raw frame through the MAC's frame path.  Returns false, having
 * done nothing, when its queue pair has no posted buffer or CQ slot for
 * it now; true when the frame was consumed (delivered or dropped).
 */
static bool lumen_port_rx_mac(LumenState *s, const uint8_t *buf, size_t size)
{
    LumenRxMeta rm = { .flow = 0 };
    unsigned qpi = lumen_rss_select(s, buf, size, &rm.hash, &rm.flags);

    if (lumen_port_rx_screen(s, buf, size, qpi)) {
        return true;
    }
    switch (lumen_rx_deliver(s, qpi, buf, size, &rm)) {
    case LUMEN_RX_DONE:
        lumen_stat_add(s, LUMEN_STAT_RX_FRAMES, 1);
        lumen_stat_add(s, LUMEN_STAT_RX_BYTES, size);
        lumen_stat_count_dst(s, buf, LUMEN_STAT_RX_MCAST, LUMEN_STAT_RX_BCAST);
        lumen_stat_count_size(s, size, LUMEN_STAT_RX_64);
        lumen_irq_batch_end(s);
        return true;
    case LUMEN_RX_WAIT:
        return false;
    case LUMEN_RX_NO_ROOM:
        lumen_port_rx_drop(s, LUMEN_STAT_RX_DROP_NOBUF, size,
                           "frame can never fit the posted buffers");
        return true;
    case LUMEN_RX_FAILED:
    default:
        trace_lumen_rx_drop(size, "dma error");
        return true;
    }
}

/*
 * The MAC's receive packet buffer.  As in a real NIC it absorbs frames
 * that arrive while their queue pair has no posted buffer or CQ slot, up
 * to LUMEN_RX_PKTBUF_SIZE bytes (frames and their descriptors); beyond
 * that a frame is dropped
 * and counted in RX_DROP_NOBUF.  The fiber never waits for the host:
 * QEMU's net layer is never asked to hold a frame, for then the frames
 * behind it would pile up, and be lost, where no counter sees them (in a
 * host UDP socket under -netdev dgram).
 */
static void lumen_port_rx_hold(LumenState *s, const uint8_t *buf, size_t size)
{
    size_t charge = sizeof(LumenRxHeld) + size;
    LumenRxHeld *h;

    if (s->rx_held_bytes + charge > LUMEN_RX_PKTBUF_SIZE) {
        lumen_port_rx_drop(s, LUMEN_STAT_RX_DROP_NOBUF, size,
                           "packet buffer full");
        return;
    }
    h = g_malloc(sizeof(*h) + size);
    h->size = size;
    memcpy(h->data, buf, size);
    QSIMPLEQ_INSERT_TAIL(&s->rx_held, h, next);
    s->rx_held_bytes += charge;
    trace_lumen_rx_hold(size, s->rx_held_bytes);
}

static void lumen_port_rx_unhold(LumenState *s)
{
    LumenRxHeld *h = QSIMPLEQ_FIRST(&s->rx_held);

    QSIMPLEQ_REMOVE_HEAD(&s->rx_held, next);
    s->rx_held_bytes -= sizeof(LumenRxHeld) + h->size;
    g_free(h);
}

/*
 * Something that gates reception changed (buffers posted, CQ entries
 * returned, link, enables, reset): the held frames go on in arrival
 * order, delivered or dropped, until one must wait again.
 */
void lumen_port_rx_kick(LumenState *s)
{
    LumenRxHeld *h;

    /* Called again from within a delivery: the loop below goes on. */
    if (s->rx_kicking) {
        return;
    }
    s->rx_kicking = true;
    while ((h = QSIMPLEQ_FIRST(&s->rx_held)) &&
           lumen_port_rx_mac(s, h->data, h->size)) {
        lumen_port_rx_unhold(s);
    }
    s->rx_kicking = false;
}

/* A reset empties the packet buffer; the counters are reset with it. */
static void lumen_port_rx_purge(LumenState *s)
{
    while (!QSIMPLEQ_EMPTY(&s->rx_held)) {
        trace_lumen_rx_drop(QSIMPLEQ_FIRST(&s->rx_held)->size, "reset");
        lumen_port_rx_unhold(s);
    }
}

/*
 * One frame from the fiber (or from loopback).  A raw frame is always
 * consumed at once: a raw channel without buffers never holds back the
 * frames behind it.  Any other frame goes after those already held.
 */
static void lumen_port_rx_frame(LumenState *s, const uint8_t *buf,
                                size_t size)
{
    uint32_t hash, flags;

    if (lumen_raw_match(buf, size)) {
        lumen_raw_receive(s, buf, size);
        return;
    }
    lumen_port_rx_kick(s);
    if (QSIMPLEQ_EMPTY(&s->rx_held)) {
        if (lumen_port_rx_mac(s, buf, size)) {
            return;
        }
    } else if (lumen_port_rx_screen(s, buf, size,
                                    lumen_rss_select(s, buf, size, &hash,
                                                     &flags))) {
        return;                         /* dropped before it waits */
    }
    lumen_port_rx_hold(s, buf, size);
}

static ssize_t lumen_nc_receive(NetClientState *nc, const uint8_t *buf,
                                size_t size)
{
    LumenState *s = qemu_get_nic_opaque(nc);

    /* Training is the PHY's: it never reaches the MAC. */
    if (lumen_train_match(buf, size)) {
        lumen_train_receive(s, buf, size);
    } else {
        lumen_port_rx_frame(s, buf, size);
    }
    return size;
}

static void lumen_nc_link_status_changed(NetClientState *nc)
{
    lumen_port_update_link(qemu_get_nic_opaque(nc));
}

/* ---- transmit --------------------------------------------------------- */

/*
 * Put a checked frame on the fiber, or back into this port's RX when
 * LOOPBACK is set.  @frame has room for padding to LUMEN_MIN_FRAME.
 */
void lumen_port_transmit(LumenState *s, uint8_t *frame, size_t len)
{
    if (len < LUMEN_MIN_FRAME) {
        memset(frame + len, 0, LUMEN_MIN_FRAME - len);
        len = LUMEN_MIN_FRAME;
    }
    lumen_stat_add(s, LUMEN_STAT_TX_FRAMES, 1);
    lumen_stat_add(s, LUMEN_STAT_TX_BYTES, len);
    lumen_stat_count_dst(s, frame, LUMEN_STAT_TX_MCAST, LUMEN_STAT_TX_BCAST);
    lumen_stat_count_size(s, len, LUMEN_STAT_TX_64);
    lumen_stat_count_ctrl(s, frame, len, LUMEN_STAT_TX_MAC_CTRL,
                          LUMEN_STAT_TX_PAUSE);
    lumen_port_send(s, frame, len);
}

/*
 * Put a counted, padded frame on the fiber, or back into this port's RX
 * when LOOPBACK is set.
 */
void lumen_port_send(LumenState *s, uint8_t *frame, size_t len)
{
    if (s->port_ctrl & LUMEN_PORT_CTRL_LOOPBACK) {
        lumen_port_rx_frame(s, frame, len);
    } else {
        qemu_send_packet(qemu_get_queue(s->nic), frame, len);
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

    s->nic = qemu_new_nic(&lumen_net_info, &s->conf,
                          object_get_typename(OBJECT(s)), dev->id,
                          &dev->mem_reentrancy_guard, s);
    qemu_format_nic_info_str(qemu_get_queue(s->nic), s->conf.macaddr.a);
    QSIMPLEQ_INIT(&s->rx_held);
    lumen_lane_realize(s);
    lumen_train_realize(s);
    lumen_cmis_realize(s);
    lumen_module_realize(s);
}

void lumen_port_unrealize(LumenState *s)
{
    /* unplugged: the partner hears BYE rather than silence */
    s->port_ctrl = 0;
    lumen_train_tx_update(s);
    lumen_module_unrealize(s);
    lumen_cmis_unrealize(s);
    lumen_train_unrealize(s);
    lumen_lane_unrealize(s);
    qemu_del_nic(s->nic);
    s->nic = NULL;
    lumen_port_rx_purge(s);
}
