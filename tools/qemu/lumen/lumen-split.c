/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the port split (breakout).
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * CTRL_PORTS splits the LUMEN_NUM_LANES lanes into 1, 2, 4 or 8 ports of
 * equal width.  Each port is a whole MAC and PHY (lumen-port.c,
 * lumen-lane.c, lumen-train.c) with its own queue pairs (PORT_QPS).  This
 * file owns the split itself, which queue pairs belong to which port,
 * and the breakout wire header (struct lumen_split_wire_hdr): the model
 * has one fiber, a netdev, and ports above 0 share it with port 0 by
 * sending every frame, training frames too, inside that header.  Port 0
 * sends bare frames, so an unsplit partner sees port 0 alone.
 *
 *   TX: lumen_port_send() / lumen_train_send() -> lumen_split_send()
 *       -> lumen_burst_send() (lumen-burst.c)
 *   RX: lumen_nc_receive() -> lumen_burst_receive() -> lumen_fiber_rx()
 *       -> lumen_split_rx_port() -> lumen_port_receive()
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

static const uint8_t lumen_split_dst[ETH_ALEN] = LUMEN_SPLIT_WIRE_DST;

#define LUMEN_SPLIT_OFF(field)  offsetof(struct lumen_split_wire_hdr, field)

QEMU_BUILD_BUG_ON(sizeof(struct lumen_split_wire_hdr) !=
                  LUMEN_SPLIT_WIRE_HDR_LEN);
/* Every port's registers fit between PORT_BASE and LANE_BASE. */
QEMU_BUILD_BUG_ON(LUMEN_PORT_END - LUMEN_PORT_BASE > LUMEN_PORT_STRIDE);
QEMU_BUILD_BUG_ON(LUMEN_PORT_REG(LUMEN_MAX_PORTS, LUMEN_PORT_BASE) >
                  LUMEN_LANE_BASE);
QEMU_BUILD_BUG_ON(LUMEN_STAT_PORT_CNT * 8 > LUMEN_PSTAT_STRIDE);
QEMU_BUILD_BUG_ON(LUMEN_RAW_QP(LUMEN_MAX_RAW_QP, 0) > LUMEN_PSTAT_BASE);
QEMU_BUILD_BUG_ON(LUMEN_PSTAT_END > LUMEN_BAR_REGS_SIZE);
QEMU_BUILD_BUG_ON(LUMEN_NUM_LANES % LUMEN_MAX_PORTS);

/* ---- the split ---------------------------------------------------------- */

/* W: the lanes each port owns. */
unsigned lumen_split_width(LumenState *s)
{
    return LUMEN_NUM_LANES / s->num_ports;
}

/*
 * Re-partition the lanes into @ports ports.  Lit ports say BYE while the
 * old split still holds (a port above 0 in its header), then every port
 * is reset to the new one's defaults; INTR_LINK if a PORT_STATUS changed.
 * Queue pairs are not touched.
 */
static void lumen_split_apply(LumenState *s, uint32_t ports)
{
    uint32_t status[LUMEN_MAX_PORTS];
    bool changed = false;
    unsigned k;

    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        LumenPort *p = &s->port[k];

        status[k] = lumen_port_exists(p) ? lumen_port_status(p) : 0;
        lumen_port_go_dark(p);
    }
    trace_lumen_split(s->num_ports, ports);
    s->num_ports = ports;
    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        LumenPort *p = &s->port[k];

        lumen_port_reset(p);
        changed |= status[k] != (lumen_port_exists(p) ? lumen_port_status(p)
                                                      : 0);
    }
    if (changed) {
        lumen_intr_raise(s, LUMEN_INTR_LINK);
    }
}

/* CTRL_PORTS: 1, 2, 4 or 8; another value is ignored. */
void lumen_split_write(LumenState *s, uint32_t val)
{
    if (val != 1 && val != 2 && val != 4 && val != 8) {
        trace_lumen_mmio_write_ignored(LUMEN_CTRL_PORTS, val,
                                       "ports not 1, 2, 4 or 8");
        return;
    }
    if (val != s->num_ports) {
        lumen_split_apply(s, val);
    }
}

/* A device reset: one port again, and every port reset. */
void lumen_split_reset(LumenState *s)
{
    lumen_split_apply(s, 1);
}

/* ---- queue pairs of a port (PORT_QPS) ----------------------------------- */

/*
 * The queue pairs port @p receives on that exist: @first to @end - 1;
 * none when @end is not above @first.
 */
void lumen_port_qp_range(LumenPort *p, unsigned *first, unsigned *end)
{
    unsigned count = LUMEN_FIELD_GET(LUMEN_PORT_QPS_COUNT, p->qps);

    *first = LUMEN_FIELD_GET(LUMEN_PORT_QPS_FIRST, p->qps);
    *end = MIN(*first + count, p->s->num_qp);
}

void lumen_port_qps_write(LumenPort *p, uint32_t val)
{
    p->qps = val & (LUMEN_PORT_QPS_FIRST | LUMEN_PORT_QPS_COUNT);
    /* held frames may have a queue pair now, or none */
    lumen_port_rx_kick(p);
}

/* Port 0 owns every queue pair, the others none. */
void lumen_port_qps_reset(LumenPort *p)
{
    p->qps = p->idx == 0 ? LUMEN_PORT_QPS_ALL : 0;
}

/*
 * The port whose fiber queue pair @qpi sends on: the lowest that owns
 * it, port 0 when none does.  Raw queue pairs are port 0's.
 */
LumenPort *lumen_qp_port(LumenState *s, unsigned qpi)
{
    unsigned k;

    if (lumen_qp_is_raw(qpi)) {
        return &s->port[0];
    }
    for (k = 0; k < s->num_ports; k++) {
        LumenPort *p = &s->port[k];
        unsigned first = LUMEN_FIELD_GET(LUMEN_PORT_QPS_FIRST, p->qps);
        unsigned count = LUMEN_FIELD_GET(LUMEN_PORT_QPS_COUNT, p->qps);

        if (qpi >= first && qpi < first + count) {
            return p;
        }
    }
    return &s->port[0];
}

/* ---- the wire ----------------------------------------------------------- */

/*
 * Put a frame of port @p on the fiber: bare for port 0, inside the
 * breakout header for the others.  The header goes in its own iovec, so
 * that no buffer is shared by a send that a hub re-enters.
 */
void lumen_split_send(LumenPort *p, const uint8_t *frame, size_t len)
{
    LumenState *s = p->s;
    uint8_t hdr[LUMEN_SPLIT_WIRE_HDR_LEN];
    struct iovec iov[2];

    if (p->idx == 0) {
        iov[0] = (struct iovec) { .iov_base = (void *)frame, .iov_len = len };
        lumen_burst_send(s, iov, 1);
        return;
    }
    memcpy(hdr + LUMEN_SPLIT_OFF(dst), lumen_split_dst, ETH_ALEN);
    memcpy(hdr + LUMEN_SPLIT_OFF(src), s->conf.macaddr.a, ETH_ALEN);
    stw_be_p(hdr + LUMEN_SPLIT_OFF(proto), LUMEN_RAW_ETHERTYPE);
    hdr[LUMEN_SPLIT_OFF(port)] = p->idx;
    hdr[LUMEN_SPLIT_OFF(ports)] = s->num_ports;
    iov[0] = (struct iovec) { .iov_base = hdr, .iov_len = sizeof(hdr) };
    iov[1] = (struct iovec) { .iov_base = (void *)frame, .iov_len = len };
    lumen_burst_send(s, iov, ARRAY_SIZE(iov));
}

/* A frame in the breakout header: LUMEN_SPLIT_WIRE_DST and the ethertype. */
bool lumen_split_match(const uint8_t *buf, size_t size)
{
    return size >= LUMEN_SPLIT_WIRE_HDR_LEN &&
           !memcmp(buf, lumen_split_dst, ETH_ALEN) &&
           lduw_be_p(buf + LUMEN_SPLIT_OFF(proto)) == LUMEN_RAW_ETHERTYPE;
}

/*
 * The port a frame from the fiber is for, the header stripped from
 * @buf and @size: port 0 for a bare frame, the header's port for one in
 * a breakout header, or NULL when this device has no such port (light on
 * lanes it does not use: dropped, counted nowhere).
 */
LumenPort *lumen_split_rx_port(LumenState *s, const uint8_t **buf,
                               size_t *size)
{
    unsigned k;

    if (!lumen_split_match(*buf, *size)) {
        return &s->port[0];
    }
    k = (*buf)[LUMEN_SPLIT_OFF(port)];
    if (k == 0 || k >= s->num_ports) {
        trace_lumen_split_rx_drop(k, s->num_ports, *size);
        return NULL;
    }
    *buf += LUMEN_SPLIT_WIRE_HDR_LEN;
    *size -= LUMEN_SPLIT_WIRE_HDR_LEN;
    return &s->port[k];
}
