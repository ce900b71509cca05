/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: TCP segmentation offload.  A TX frame with
 * LUMEN_TXD_TSO is one TCP/IPv4 or TCP/IPv6 frame of up to
 * LUMEN_TSO_MAX_LEN bytes; the device cuts its payload into segments of
 * the descriptor's MSS, each with the frame's headers, and fixes up every
 * segment's IP length (and IPv4 id and header checksum), TCP sequence
 * number, flags and checksum.  See lumen_hw.h for the contract.
 *
 * Copyright (c) 2026 The lumen project authors
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "net/eth.h"
#include "lumen.h"
#include "hw/net/trace.h"

#define TCP_FLAG_FIN    0x01
#define TCP_FLAG_PSH    0x08
#define TCP_FLAG_CWR    0x80

/*
 * Check a gathered TSO frame and find its headers; 0, or the CQE error
 * flag the frame completes with (nothing of it is sent).
 */
uint32_t lumen_tso_prepare(LumenPort *p, const uint8_t *frame, size_t total,
                           uint16_t csum_start, uint16_t mss, LumenTso *t)
{
    size_t l3 = ETH_HLEN;
    uint16_t type;
    uint8_t proto;

    if (total < ETH_HLEN + 4) {
        return LUMEN_CQE_ERR_DESC;
    }
    type = lduw_be_p(frame + 12);
    if (type == ETH_P_VLAN) {
        type = lduw_be_p(frame + 16);
        l3 += 4;
    }
    if (type == ETH_P_IP && total >= l3 + 20 && (frame[l3] >> 4) == 4) {
        t->v6 = false;
        t->l4 = l3 + (frame[l3] & 0xf) * 4;
        proto = frame[l3 + 9];
    } else if (type == ETH_P_IPV6 && total >= l3 + 40 &&
               (frame[l3] >> 4) == 6) {
        t->v6 = true;
        t->l4 = l3 + 40;
        proto = frame[l3 + 6];
    } else {
        return LUMEN_CQE_ERR_DESC;
    }
    /* No options or extension headers the device does not parse. */
    if (proto != IP_PROTO_TCP || t->l4 != csum_start || t->l4 < l3 + 20 ||
        total < t->l4 + 20) {
        return LUMEN_CQE_ERR_DESC;
    }
    t->l3 = l3;
    t->hdr = t->l4 + (frame[t->l4 + 12] >> 4) * 4;
    t->mss = mss;
    if (t->hdr < t->l4 + 20 || t->hdr >= total || mss < LUMEN_TSO_MIN_MSS) {
        return LUMEN_CQE_ERR_DESC;
    }
    if (t->hdr + mss > p->max_frame) {
        return LUMEN_CQE_ERR_LEN;
    }
    return 0;
}

/* The TCP checksum of a segment, from scratch, with its pseudo-header. */
static void lumen_tso_tcp_csum(uint8_t *seg, size_t len, const LumenTso *t)
{
    size_t tcp_len = len - t->l4;
    uint32_t sum;

    stw_be_p(seg + t->l4 + 16, 0);
    if (t->v6) {
        sum = lumen_csum_add(0, seg + t->l3 + 8, 32);
    } else {
        sum = lumen_csum_add(0, seg + t->l3 + 12, 8);
    }
    sum += IP_PROTO_TCP + tcp_len;
    sum = lumen_csum_add(sum, seg + t->l4, tcp_len);
    stw_be_p(seg + t->l4 + 16, (uint16_t)~lumen_csum_fold(sum));
}

/* Headers of segment @i of @n carrying @payload bytes from @seq on. */
static void lumen_tso_fix_headers(uint8_t *seg, size_t len, const LumenTso *t,
                                  unsigned i, unsigned n, uint32_t seq,
                                  uint16_t ip_id)
{
    uint8_t *ip = seg + t->l3;
    uint8_t *tcp = seg + t->l4;

    if (t->v6) {
        stw_be_p(ip + 4, len - t->l3 - 40);
    } else {
        stw_be_p(ip + 2, len - t->l3);
        stw_be_p(ip + 4, ip_id + i);
        stw_be_p(ip + 10, 0);
        stw_be_p(ip + 10, (uint16_t)~lumen_csum_fold(
                     lumen_csum_add(0, ip, t->l4 - t->l3)));
    }
    stl_be_p(tcp + 4, seq);
    if (i != 0) {
        tcp[13] &= ~TCP_FLAG_CWR;
    }
    if (i != n - 1) {
        tcp[13] &= ~(TCP_FLAG_FIN | TCP_FLAG_PSH);
    }
    lumen_tso_tcp_csum(seg, len, t);
}

/* Cut a prepared frame into segments and put each on port @p's fiber. */
void lumen_tso_send(LumenPort *p, const uint8_t *frame, size_t total,
                    const LumenTso *t)
{
    LumenState *s = p->s;
    size_t payload = total - t->hdr;
    unsigned n = DIV_ROUND_UP(payload, t->mss);
    uint32_t seq = ldl_be_p(frame + t->l4 + 4);
    uint16_t ip_id = t->v6 ? 0 : lduw_be_p(frame + t->l3 + 4);
    unsigned i;

    trace_lumen_tso(total, t->mss, n);
    for (i = 0; i < n; i++) {
        size_t off = (size_t)i * t->mss;
        size_t chunk = MIN(t->mss, payload - off);
        size_t len = t->hdr + chunk;

        memcpy(s->tso_seg, frame, t->hdr);
        memcpy(s->tso_seg + t->hdr, frame + t->hdr + off, chunk);
        lumen_tso_fix_headers(s->tso_seg, len, t, i, n, seq + off, ip_id);
        lumen_port_transmit(p, s->tso_seg, len);
    }
}
