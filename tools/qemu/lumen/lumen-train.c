/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: link training with the port at the far end.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * A port whose TX is enabled and whose module is ready sends a training
 * frame (struct lumen_train_wire) every LUMEN_TRAIN_PERIOD_MS of virtual
 * time, and at once when what it says changes: its lanes and lane rate,
 * its FEC mode, and whether it receives its partner well (READY).  What
 * it hears from the partner feeds the link state (lumen-port.c): a
 * partner is present while its frames keep coming, and the link is up
 * when the partner runs the same lanes, rate and FEC and says READY.
 * When its transmitters go off the port says BYE, so that the far end
 * drops the link at once rather than after LUMEN_TRAIN_TIMEOUT_MS.  Each
 * port of a split trains on its own; ports above 0 send their frames
 * inside the breakout header (lumen-split.c).
 *
 * The timeout is long for real optics, which notice a dark fiber within
 * microseconds; here the partner may be another QEMU process that the
 * host does not schedule for a while.
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

static const uint8_t lumen_train_dst[ETH_ALEN] = LUMEN_TRAIN_WIRE_DST;

QEMU_BUILD_BUG_ON(sizeof(struct lumen_train_wire) > LUMEN_MIN_FRAME);

/* Which device a trace is about: its qdev id, or its type without one. */
static const char *lumen_train_id(LumenPort *p)
{
    DeviceState *dev = DEVICE(p->s);

    return dev->id ? dev->id : object_get_typename(OBJECT(dev));
}

bool lumen_train_match(const uint8_t *buf, size_t size)
{
    return size >= ETH_HLEN && !memcmp(buf, lumen_train_dst, ETH_ALEN) &&
           lduw_be_p(buf + offsetof(struct lumen_train_wire, proto)) ==
           LUMEN_RAW_ETHERTYPE;
}

static void lumen_train_send(LumenPort *p, uint8_t flags)
{
    uint8_t frame[LUMEN_MIN_FRAME] = { 0 };
    struct lumen_train_wire *w = (struct lumen_train_wire *)frame;

    memcpy(w->dst, lumen_train_dst, ETH_ALEN);
    memcpy(w->src, p->s->conf.macaddr.a, ETH_ALEN);
    stw_be_p(&w->proto, LUMEN_RAW_ETHERTYPE);
    stl_be_p(&w->magic, LUMEN_TRAIN_MAGIC);
    w->version = LUMEN_TRAIN_VERSION;
    w->flags = flags;
    w->fec = p->fec_mode;
    w->lanes = lumen_lane_active(p);
    w->rate = lumen_lane_rate(p);
    p->train_sent_flags = flags;
    p->train_sent_fec = p->fec_mode;
    p->train_sent_cfg = p->port_cfg;
    trace_lumen_train_send(lumen_train_id(p), p->idx, flags, p->fec_mode);
    /* on the fiber even in MAC loopback: training is below the MAC */
    lumen_split_send(p, frame, sizeof(frame));
}

static uint8_t lumen_train_flags(LumenPort *p)
{
    return lumen_port_receives_partner(p) ? LUMEN_TRAIN_READY : 0;
}

static void lumen_train_arm(LumenPort *p)
{
    timer_mod(p->train_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
              LUMEN_TRAIN_PERIOD_MS);
}

/*
 * Forget a partner silent for longer than the timeout.  True if it was
 * forgotten now; the caller updates the link.
 */
static bool lumen_train_expire(LumenPort *p)
{
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);

    if (!p->partner_seen ||
        now - p->partner_last_ms <= LUMEN_TRAIN_TIMEOUT_MS) {
        return false;
    }
    trace_lumen_train_partner_lost(lumen_train_id(p), p->idx, "silent");
    p->partner_seen = false;
    return true;
}

static void lumen_train_tick(void *opaque)
{
    LumenPort *p = opaque;

    if (!p->train_lit) {
        return;
    }
    if (lumen_train_expire(p)) {
        lumen_port_update_link(p);
    }
    lumen_train_send(p, lumen_train_flags(p));
    lumen_train_arm(p);
}

/*
 * The link state was recomputed: tell the partner now if what we say
 * changed, rather than at the next tick.
 */
void lumen_train_state_changed(LumenPort *p)
{
    if (!p->train_lit) {
        return;
    }
    if (lumen_train_flags(p) != p->train_sent_flags ||
        p->fec_mode != p->train_sent_fec ||
        p->port_cfg != p->train_sent_cfg) {
        lumen_train_send(p, lumen_train_flags(p));
    }
}

/*
 * The transmitters go on or off: PORT_CTRL.TX_EN changed (by the driver
 * or a reset), or the module's readiness did (its lasers are off unless
 * it is ready).  While they were off no tick ran: a partner heard long
 * ago must not bring the link up now.
 */
void lumen_train_tx_update(LumenPort *p)
{
    bool on = (p->port_ctrl & LUMEN_PORT_CTRL_TX_EN) &&
              lumen_module_ready(p->s);

    if (on == p->train_lit) {
        return;
    }
    p->train_lit = on;
    if (on) {
        lumen_train_expire(p);
        lumen_train_send(p, lumen_train_flags(p));
        lumen_train_arm(p);
    } else {
        timer_del(p->train_timer);
        lumen_train_send(p, LUMEN_TRAIN_BYE);
    }
}

/* A training frame from the fiber; it is consumed whatever it says. */
void lumen_train_receive(LumenPort *p, const uint8_t *buf, size_t size)
{
    const struct lumen_train_wire *w = (const struct lumen_train_wire *)buf;

    if (size < sizeof(*w) || ldl_be_p(&w->magic) != LUMEN_TRAIN_MAGIC ||
        w->version != LUMEN_TRAIN_VERSION) {
        trace_lumen_rx_drop(p->idx, size, "malformed training frame");
        return;
    }
    trace_lumen_train_recv(lumen_train_id(p), p->idx, w->flags, w->fec);
    if (w->flags & LUMEN_TRAIN_BYE) {
        trace_lumen_train_partner_lost(lumen_train_id(p), p->idx, "bye");
        p->partner_seen = false;
    } else {
        p->partner_seen = true;
        p->partner_last_ms = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);
        p->partner_fec = w->fec;
        p->partner_lanes = w->lanes;
        p->partner_rate = w->rate;
        p->partner_ready = w->flags & LUMEN_TRAIN_READY;
    }
    lumen_port_update_link(p);
}

/*
 * A partner is present while its frames keep coming; while this port's
 * transmitters are off no tick times it out, so look at the clock too.
 */
bool lumen_train_partner_seen(LumenPort *p)
{
    return p->partner_seen &&
           qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) - p->partner_last_ms <=
           LUMEN_TRAIN_TIMEOUT_MS;
}

bool lumen_train_fec_agrees(LumenPort *p)
{
    return p->partner_fec == p->fec_mode;
}

/* Both ends run the same lanes at the same rate. */
bool lumen_train_speed_agrees(LumenPort *p)
{
    return p->partner_lanes == lumen_lane_active(p) &&
           p->partner_rate == lumen_lane_rate(p);
}

bool lumen_train_partner_ready(LumenPort *p)
{
    return p->partner_ready;
}

/* A reset forgets the partner; it is heard again within a period. */
void lumen_train_reset(LumenPort *p)
{
    timer_del(p->train_timer);
    p->train_lit = false;
    p->partner_seen = false;
    p->partner_ready = false;
    p->train_sent_flags = 0;
}

void lumen_train_realize(LumenPort *p)
{
    p->train_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, lumen_train_tick, p);
}

void lumen_train_unrealize(LumenPort *p)
{
    timer_free(p->train_timer);
}
