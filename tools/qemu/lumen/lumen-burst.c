/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: bursts on the emulated fiber.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The model's fiber is a QEMU netdev, in practice -netdev dgram: one host
 * UDP datagram, one sendto() and one main-loop iteration with its
 * recvfrom() per frame.  At a few hundred thousand frames a second that
 * host work, not the datapath, is what limits the emulated link, so
 * frames that the TX engine sends in one run (a doorbell, a bottom-half
 * pass) leave in one datagram, a burst:
 *
 *   struct lumen_burst_hdr, then per frame a big-endian 16-bit length
 *   and the frame (a breakout frame with its header), back to back.
 *
 * A run that sends one frame sends it bare, as does a device whose
 * "burst" property is off.  The receiver takes every frame of a burst
 * through the same path as a bare one, in order: the frames are the
 * same, they only arrive closer together.  The MAC refuses to transmit
 * a frame from a TX ring that looks like a burst (lumen_tx_one()), as
 * it refuses training and breakout frames, so that the host cannot
 * forge one.  A burst is the model's transport and nothing a real fiber
 * carries: it is not in lumen_hw.h, a capture of the fiber (-object
 * filter-dump) shows a burst as one frame, and a partner that is no
 * lumen model cannot read one.
 *
 *   TX: lumen_split_send() -> lumen_burst_send(), between
 *       lumen_burst_begin() and lumen_burst_end() (lumen-queue.c)
 *   RX: lumen_nc_receive() -> lumen_burst_receive() -> lumen_fiber_rx()
 */

#include "qemu/osdep.h"
#include "qemu/iov.h"
#include "lumen.h"
#include "hw/net/trace.h"

static const uint8_t lumen_burst_dst[ETH_ALEN] = LUMEN_BURST_DST;

#define LUMEN_BURST_OFF(field)  offsetof(struct lumen_burst_hdr, field)

QEMU_BUILD_BUG_ON(sizeof(struct lumen_burst_hdr) != LUMEN_BURST_HDR_LEN);
/* The largest frame on the fiber fits a burst of its own. */
QEMU_BUILD_BUG_ON(LUMEN_BURST_HDR_LEN + 2 + LUMEN_FIBER_MAX_FRAME >
                  LUMEN_BURST_MAX);

/* ---- transmit ----------------------------------------------------------- */

/* A TX run starts: frames sent until lumen_burst_end() may share a burst. */
void lumen_burst_begin(LumenState *s)
{
    s->burst_depth++;
}

/* Send what the burst holds: one frame bare, several in a burst. */
static void lumen_burst_flush(LumenState *s)
{
    NetClientState *nc = qemu_get_queue(s->nic);
    uint8_t *buf = s->burst_buf;
    size_t len = s->burst_len;

    if (!s->burst_count) {
        return;
    }
    /* a hub delivers at once: a send from the partner goes straight out */
    s->burst_flushing = true;
    if (s->burst_count == 1) {
        qemu_send_packet(nc, buf + LUMEN_BURST_HDR_LEN + 2,
                         len - LUMEN_BURST_HDR_LEN - 2);
    } else {
        trace_lumen_burst_tx(s->burst_count, len);
        memcpy(buf + LUMEN_BURST_OFF(dst), lumen_burst_dst, ETH_ALEN);
        memcpy(buf + LUMEN_BURST_OFF(src), s->conf.macaddr.a, ETH_ALEN);
        stw_be_p(buf + LUMEN_BURST_OFF(proto), LUMEN_RAW_ETHERTYPE);
        stw_be_p(buf + LUMEN_BURST_OFF(count), s->burst_count);
        qemu_send_packet(nc, buf, len);
    }
    s->burst_count = 0;
    s->burst_len = 0;
    s->burst_flushing = false;
}

/* The run ends: what it sent leaves now. */
void lumen_burst_end(LumenState *s)
{
    assert(s->burst_depth);
    if (!--s->burst_depth) {
        lumen_burst_flush(s);
    }
}

/*
 * Put the frame in @iov (@iovcnt parts) on the fiber: into the open burst
 * during a TX run, else at once.
 */
void lumen_burst_send(LumenState *s, const struct iovec *iov, int iovcnt)
{
    size_t len = iov_size(iov, iovcnt);

    if (len > LUMEN_FIBER_MAX_FRAME && !s->burst_flushing) {
        lumen_burst_flush(s);   /* not ahead of the frames before it */
    }
    if (!s->burst || !s->burst_depth || s->burst_flushing ||
        len > LUMEN_FIBER_MAX_FRAME) {
        qemu_sendv_packet(qemu_get_queue(s->nic), iov, iovcnt);
        return;
    }
    if (!s->burst_len) {
        s->burst_len = LUMEN_BURST_HDR_LEN;
    }
    if (s->burst_len + 2 + len > LUMEN_BURST_MAX) {
        lumen_burst_flush(s);
        s->burst_len = LUMEN_BURST_HDR_LEN;
    }
    stw_be_p(s->burst_buf + s->burst_len, len);
    iov_to_buf(iov, iovcnt, 0, s->burst_buf + s->burst_len + 2, len);
    s->burst_len += 2 + len;
    s->burst_count++;
}

/*
 * A device reset.  A run never spans one (the BQL is held from its
 * begin to its end), so this only keeps the state clean.
 */
void lumen_burst_reset(LumenState *s)
{
    s->burst_count = 0;
    s->burst_len = 0;
}

/* ---- receive ------------------------------------------------------------ */

/* A burst: LUMEN_BURST_DST and the ethertype. */
bool lumen_burst_match(const uint8_t *buf, size_t size)
{
    return size >= LUMEN_BURST_HDR_LEN &&
           !memcmp(buf, lumen_burst_dst, ETH_ALEN) &&
           lduw_be_p(buf + LUMEN_BURST_OFF(proto)) == LUMEN_RAW_ETHERTYPE;
}

/*
 * A datagram from the fiber: each frame of a burst, or the datagram as
 * one frame, to lumen_fiber_rx().  The fiber is outside input: a burst
 * whose count or lengths do not add up delivers the frames before the
 * first that does not fit, and drops the rest.
 */
void lumen_burst_receive(LumenState *s, const uint8_t *buf, size_t size)
{
    size_t off = LUMEN_BURST_HDR_LEN;
    unsigned count, n;

    if (!lumen_burst_match(buf, size)) {
        lumen_fiber_rx(s, buf, size);
        return;
    }
    count = lduw_be_p(buf + LUMEN_BURST_OFF(count));
    trace_lumen_burst_rx(count, size);
    for (n = 0; n < count; n++) {
        size_t len;

        if (size - off < 2) {
            break;
        }
        len = lduw_be_p(buf + off);
        if (!len || len > size - off - 2) {
            break;
        }
        lumen_fiber_rx(s, buf + off + 2, len);
        off += 2 + len;
    }
    if (n < count || off != size) {
        trace_lumen_burst_rx_drop(n, count, size, off);
    }
}
