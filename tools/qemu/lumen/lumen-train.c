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
 * drops the link at once rather than after LUMEN_TRAIN_TIMEOUT_MS.
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

/* Which port a trace is about: its qdev id, or its type without one. */
static const char *lumen_train_id(LumenState *s)
{
    return DEVICE(s)->id ? DEVICE(s)->id : object_get_typename(OBJECT(s));
}

bool lumen_train_match(const uint8_t *buf, size_t size)
{
    return size >= ETH_HLEN && !memcmp(buf, lumen_train_dst, ETH_ALEN) &&
           lduw_be_p(buf + offsetof(struct lumen_train_wire, proto)) ==
           LUMEN_RAW_ETHERTYPE;
}

static void lumen_train_send(LumenState *s, uint8_t flags)
{
    uint8_t frame[LUMEN_MIN_FRAME] = { 0 };
    struct lumen_train_wire *w = (struct lumen_train_wire *)frame;

    memcpy(w->dst, lumen_train_dst, ETH_ALEN);
    memcpy(w->src, s->conf.macaddr.a, ETH_ALEN);
    stw_be_p(&w->proto, LUMEN_RAW_ETHERTYPE);
    stl_be_p(&w->magic, LUMEN_TRAIN_MAGIC);
    w->version = LUMEN_TRAIN_VERSION;
    w->flags = flags;
    w->fec = s->fec_mode;
    w->lanes = lumen_lane_active(s);
    w->rate = LUMEN_FIELD_GET(LUMEN_PORT_CFG_RATE, s->port_cfg);
    s->train_sent_flags = flags;
    s->train_sent_fec = s->fec_mode;
    s->train_sent_cfg = s->port_cfg;
    trace_lumen_train_send(lumen_train_id(s), flags, s->fec_mode);
    /* on the fiber even in MAC loopback: training is below the MAC */
    qemu_send_packet(qemu_get_queue(s->nic), frame, sizeof(frame));
}

static uint8_t lumen_train_flags(LumenState *s)
{
    return lumen_port_receives_partner(s) ? LUMEN_TRAIN_READY : 0;
}

static void lumen_train_arm(LumenState *s)
{
    timer_mod(s->train_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
              LUMEN_TRAIN_PERIOD_MS);
}

/*
 * Forget a partner silent for longer than the timeout.  True if it was
 * forgotten now; the caller updates the link.
 */
static bool lumen_train_expire(LumenState *s)
{
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);

    if (!s->partner_seen ||
        now - s->partner_last_ms <= LUMEN_TRAIN_TIMEOUT_MS) {
        return false;
    }
    trace_lumen_train_partner_lost(lumen_train_id(s), "silent");
    s->partner_seen = false;
    return true;
}

static void lumen_train_tick(void *opaque)
{
    LumenState *s = opaque;

    if (!s->train_lit) {
        return;
    }
    if (lumen_train_expire(s)) {
        lumen_port_update_link(s);
    }
    lumen_train_send(s, lumen_train_flags(s));
    lumen_train_arm(s);
}

/*
 * The link state was recomputed: tell the partner now if what we say
 * changed, rather than at the next tick.
 */
void lumen_train_state_changed(LumenState *s)
{
    if (!s->train_lit) {
        return;
    }
    if (lumen_train_flags(s) != s->train_sent_flags ||
        s->fec_mode != s->train_sent_fec ||
        s->port_cfg != s->train_sent_cfg) {
        lumen_train_send(s, lumen_train_flags(s));
    }
}

/*
 * The transmitters go on or off: PORT_CTRL.TX_EN changed (by the driver
 * or a reset), or the module's readiness did (its lasers are off unless
 * it is ready).  While they were off no tick ran: a partner heard long
 * ago must not bring the link up now.
 */
void lumen_train_tx_update(LumenState *s)
{
    bool on = (s->port_ctrl & LUMEN_PORT_CTRL_TX_EN) &&
              lumen_module_ready(s);

    if (on == s->train_lit) {
        return;
    }
    s->train_lit = on;
    if (on) {
        lumen_train_expire(s);
        lumen_train_send(s, lumen_train_flags(s));
        lumen_train_arm(s);
    } else {
        timer_del(s->train_timer);
        lumen_train_send(s, LUMEN_TRAIN_BYE);
    }
}

/* A training frame from the fiber; it is consumed whatever it says. */
void lumen_train_receive(LumenState *s, const uint8_t *buf, size_t size)
{
    const struct lumen_train_wire *w = (const struct lumen_train_wire *)buf;

    if (size < sizeof(*w) || ldl_be_p(&w->magic) != LUMEN_TRAIN_MAGIC ||
        w->version != LUMEN_TRAIN_VERSION) {
        trace_lumen_rx_drop(size, "malformed training frame");
        return;
    }
    trace_lumen_train_recv(lumen_train_id(s), w->flags, w->fec);
    if (w->flags & LUMEN_TRAIN_BYE) {
        trace_lumen_train_partner_lost(lumen_train_id(s), "bye");
        s->partner_seen = false;
    } else {
        s->partner_seen = true;
        s->partner_last_ms = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);
        s->partner_fec = w->fec;
        s->partner_lanes = w->lanes;
        s->partner_rate = w->rate;
        s->partner_ready = w->flags & LUMEN_TRAIN_READY;
    }
    lumen_port_update_link(s);
}

/*
 * A partner is present while its frames keep coming; while this port's
 * transmitters are off no tick times it out, so look at the clock too.
 */
bool lumen_train_partner_seen(LumenState *s)
{
    return s->partner_seen &&
           qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) - s->partner_last_ms <=
           LUMEN_TRAIN_TIMEOUT_MS;
}

bool lumen_train_fec_agrees(LumenState *s)
{
    return s->partner_fec == s->fec_mode;
}

/* Both ends run the same lanes at the same rate. */
bool lumen_train_speed_agrees(LumenState *s)
{
    return s->partner_lanes == lumen_lane_active(s) &&
           s->partner_rate == LUMEN_FIELD_GET(LUMEN_PORT_CFG_RATE, s->port_cfg);
}

bool lumen_train_partner_ready(LumenState *s)
{
    return s->partner_ready;
}

/* A reset forgets the partner; it is heard again within a period. */
void lumen_train_reset(LumenState *s)
{
    timer_del(s->train_timer);
    s->train_lit = false;
    s->partner_seen = false;
    s->partner_ready = false;
    s->train_sent_flags = 0;
}

void lumen_train_realize(LumenState *s)
{
    s->train_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, lumen_train_tick, s);
}

void lumen_train_unrealize(LumenState *s)
{
    timer_free(s->train_timer);
}
