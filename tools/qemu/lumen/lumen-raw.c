/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: raw-frame queue pairs.
 *
 * Copyright (c) 2025 The lumen project authors
 *
 * A raw queue pair is a queue pair of lumen-queue.c's engine (internal
 * index LUMEN_RAW_QPI(n)) plus a channel id, RAWQ_CHAN.  This file owns
 * what is raw about it: the RAWQ_CHAN register, the TX length and flag
 * rules, the wire header (struct lumen_raw_wire_hdr) built on transmit
 * and parsed on receive, and the lookup of the receiving channel.  Raw
 * frames bypass the MAC's frame path: PORT_CTRL's TX_EN, RX_EN and
 * address filter do not apply and they count only in the RAW_* counters.
 * They run on port 0 of a split, whatever PORT_QPS says.
 *
 *   TX: lumen_tx_one_raw() (lumen-queue.c) -> lumen_raw_transmit()
 *       -> lumen_port_send() (fiber or MAC loopback)
 *   RX: lumen_port_rx_frame() (lumen-port.c) -> lumen_raw_match()
 *       -> lumen_raw_receive() -> lumen_rx_deliver() (lumen-queue.c)
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

static const uint8_t lumen_raw_dst[ETH_ALEN] = LUMEN_RAW_WIRE_DST;

/* The block fits BAR0, its count CTRL_CAP_RAW, a frame the TX buffer. */
QEMU_BUILD_BUG_ON(LUMEN_RAW_QP(LUMEN_MAX_RAW_QP, 0) > LUMEN_BAR_REGS_SIZE);
QEMU_BUILD_BUG_ON(LUMEN_MAX_RAW_QP > (LUMEN_CTRL_CAP_RAW >> 20));
QEMU_BUILD_BUG_ON(LUMEN_RAW_QP_END > LUMEN_QP_STRIDE);
QEMU_BUILD_BUG_ON(LUMEN_MAX_FRAME > sizeof(((LumenState *)0)->tx_frame));

#define LUMEN_RAW_OFF(field)    offsetof(struct lumen_raw_wire_hdr, field)

/* ---- RAW register block ----------------------------------------------- */

/* Raw queue pair @n (below num_raw_qp): RAWQ_CHAN, or a QP register. */
bool lumen_raw_read(LumenState *s, unsigned n, hwaddr reg, uint32_t *val)
{
    if (reg == LUMEN_RAWQ_CHAN) {
        *val = s->qp[LUMEN_RAW_QPI(n)].raw_chan;
        return true;
    }
    return lumen_qp_read(s, LUMEN_RAW_QPI(n), reg, val);
}

bool lumen_raw_write(LumenState *s, unsigned n, hwaddr reg, uint32_t val)
{
    if (reg == LUMEN_RAWQ_CHAN) {
        s->qp[LUMEN_RAW_QPI(n)].raw_chan = val & LUMEN_RAWQ_CHAN_ID;
        return true;
    }
    return lumen_qp_write(s, LUMEN_RAW_QPI(n), reg, val);
}

/* ---- transmit ---------------------------------------------------------- */

/*
 * The CQE error of a well-formed chain that is no raw frame, or 0: no
 * offloads, 1 to LUMEN_RAW_MAX_LEN payload bytes.
 */
uint32_t lumen_raw_tx_check(uint16_t flags, uint32_t total)
{
    if (flags & (LUMEN_TXD_CSUM | LUMEN_TXD_TSO)) {
        return LUMEN_CQE_ERR_DESC;
    }
    if (total < 1 || total > LUMEN_RAW_MAX_LEN) {
        return LUMEN_CQE_ERR_LEN;
    }
    return 0;
}

static void lumen_raw_build_hdr(LumenState *s, uint8_t *hdr, uint16_t chan,
                                uint16_t flow, uint16_t len)
{
    memcpy(hdr + LUMEN_RAW_OFF(dst), lumen_raw_dst, ETH_ALEN);
    memcpy(hdr + LUMEN_RAW_OFF(src), s->conf.macaddr.a, ETH_ALEN);
    stw_be_p(hdr + LUMEN_RAW_OFF(proto), LUMEN_RAW_ETHERTYPE);
    stw_be_p(hdr + LUMEN_RAW_OFF(chan), chan);
    stw_be_p(hdr + LUMEN_RAW_OFF(flow), flow);
    stw_be_p(hdr + LUMEN_RAW_OFF(len), len);
}

/*
 * Send the checked payload of @len bytes that lumen_tx_one_raw() gathered
 * at s->tx_frame + LUMEN_RAW_WIRE_HDR_LEN, from raw queue pair @qpi.
 */
void lumen_raw_transmit(LumenState *s, unsigned qpi, uint16_t flow,
                        uint32_t len)
{
    uint16_t chan = s->qp[qpi].raw_chan;
    size_t wire = LUMEN_RAW_WIRE_HDR_LEN + len;

    assert(len >= 1 && len <= LUMEN_RAW_MAX_LEN);
    lumen_raw_build_hdr(s, s->tx_frame, chan, flow, len);
    if (wire < LUMEN_MIN_FRAME) {
        memset(s->tx_frame + wire, 0, LUMEN_MIN_FRAME - wire);
        wire = LUMEN_MIN_FRAME;
    }
    trace_lumen_raw_tx(qpi - LUMEN_MAX_QP, chan, flow, len);
    lumen_stat_add(&s->port[0], LUMEN_STAT_RAW_TX_FRAMES, 1);
    lumen_stat_add(&s->port[0], LUMEN_STAT_RAW_TX_BYTES, len);
    lumen_port_send(&s->port[0], s->tx_frame, wire);
}

/* ---- receive ----------------------------------------------------------- */

/* A raw frame: LUMEN_RAW_WIRE_DST and LUMEN_RAW_ETHERTYPE. */
bool lumen_raw_match(const uint8_t *buf, size_t size)
{
    return size >= ETH_HLEN && !memcmp(buf, lumen_raw_dst, ETH_ALEN) &&
           lduw_be_p(buf + LUMEN_RAW_OFF(proto)) == LUMEN_RAW_ETHERTYPE;
}

/* The payload length of a raw frame, or 0 if its header is malformed. */
static uint16_t lumen_raw_payload_len(const uint8_t *buf, size_t size)
{
    uint16_t len;

    if (size < LUMEN_RAW_WIRE_HDR_LEN) {
        return 0;
    }
    len = lduw_be_p(buf + LUMEN_RAW_OFF(len));
    if (len > size - LUMEN_RAW_WIRE_HDR_LEN) {
        return 0;
    }
    return len;
}

/* The raw queue pair that receives @chan (the lowest if several), or -1. */
static int lumen_raw_find_chan(LumenState *s, uint16_t chan)
{
    unsigned n;

    for (n = 0; n < s->num_raw_qp; n++) {
        unsigned qpi = LUMEN_RAW_QPI(n);

        if (s->qp[qpi].raw_chan == chan && lumen_rx_qp_enabled(s, qpi)) {
            return qpi;
        }
    }
    return -1;
}

/* Drop a raw frame, counted in @counter unless it is LUMEN_STAT_CNT. */
static void lumen_raw_rx_drop(LumenState *s, enum lumen_stat counter,
                              size_t size, uint16_t chan, const char *why)
{
    trace_lumen_raw_rx_drop(size, chan, why);
    if (counter < LUMEN_STAT_CNT) {
        lumen_stat_add(&s->port[0], counter, 1);
    }
}

/*
 * A raw frame (lumen_raw_match()) from the fiber or from loopback, on
 * port 0: its
 * payload goes to the raw queue pair of its channel, or it is dropped.
 * It never waits for buffers.
 */
void lumen_raw_receive(LumenState *s, const uint8_t *buf, size_t size)
{
    uint16_t chan = size >= LUMEN_RAW_WIRE_HDR_LEN ?
                    lduw_be_p(buf + LUMEN_RAW_OFF(chan)) : 0;
    uint16_t len = lumen_raw_payload_len(buf, size);
    LumenRxMeta rm;
    int qpi;

    if (!lumen_is_ready(s) || !s->port[0].link_up) {
        lumen_raw_rx_drop(s, LUMEN_STAT_CNT, size, chan,
                          "device not ready or link down");
        return;
    }
    if (!len) {
        lumen_raw_rx_drop(s, LUMEN_STAT_RAW_RX_ERR_LEN, size, chan,
                          "bad header length");
        return;
    }
    qpi = lumen_raw_find_chan(s, chan);
    if (qpi < 0) {
        lumen_raw_rx_drop(s, LUMEN_STAT_RAW_RX_NO_CHAN, size, chan,
                          "no active raw queue pair has the channel");
        return;
    }

    rm = (LumenRxMeta) {
        .hash = (uint32_t)lumen_clock_ns(),
        .flags = LUMEN_CQE_RAW,
        .flow = lduw_be_p(buf + LUMEN_RAW_OFF(flow)),
    };
    switch (lumen_rx_deliver(s, qpi, buf + LUMEN_RAW_WIRE_HDR_LEN, len, &rm)) {
    case LUMEN_RX_DONE:
        trace_lumen_raw_rx(qpi - LUMEN_MAX_QP, chan, rm.flow, len);
        lumen_stat_add(&s->port[0], LUMEN_STAT_RAW_RX_FRAMES, 1);
        lumen_stat_add(&s->port[0], LUMEN_STAT_RAW_RX_BYTES, len);
        lumen_irq_batch_end(s);
        break;
    case LUMEN_RX_WAIT:
    case LUMEN_RX_NO_ROOM:
        lumen_raw_rx_drop(s, LUMEN_STAT_RAW_RX_NOBUF, size, chan,
                          "no buffer");
        break;
    case LUMEN_RX_FAILED:
    default:
        lumen_raw_rx_drop(s, LUMEN_STAT_CNT, size, chan, "dma error");
        break;
    }
}
