/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: receive-side scaling.  The RSS block's
 * registers, and the choice of a queue pair for each received frame by a
 * Toeplitz hash of its addresses and ports through the indirection table
 * (see lumen_hw.h for the contract).
 *
 * Copyright (c) 2026 The lumen project authors
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "net/eth.h"
#include "lumen.h"
#include "hw/net/trace.h"

/* The hash input: addresses then ports, network order, as RSS defines. */
typedef struct LumenRssInput {
    uint8_t bytes[2 * 16 + 4];
    size_t len;
    bool l4;
} LumenRssInput;

void lumen_rss_reset(LumenState *s)
{
    s->rss_ctrl = 0;
    memset(s->rss_key, 0, sizeof(s->rss_key));
    memset(s->rss_indir, 0, sizeof(s->rss_indir));
}

bool lumen_rss_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    if (addr == LUMEN_RSS_CTRL) {
        *val = s->rss_ctrl;
    } else if (addr >= LUMEN_RSS_KEY(0) &&
               addr < LUMEN_RSS_KEY(LUMEN_RSS_KEY_SIZE / 4)) {
        *val = ldl_le_p(&s->rss_key[addr - LUMEN_RSS_KEY(0)]);
    } else if (addr >= LUMEN_RSS_INDIR(0) && addr < LUMEN_RSS_END) {
        *val = s->rss_indir[(addr - LUMEN_RSS_INDIR(0)) / 4];
    } else {
        return false;
    }
    return true;
}

bool lumen_rss_write(LumenState *s, hwaddr addr, uint32_t val)
{
    if (addr == LUMEN_RSS_CTRL) {
        s->rss_ctrl = val & LUMEN_RSS_CTRL_ALL;
    } else if (addr >= LUMEN_RSS_KEY(0) &&
               addr < LUMEN_RSS_KEY(LUMEN_RSS_KEY_SIZE / 4)) {
        stl_le_p(&s->rss_key[addr - LUMEN_RSS_KEY(0)], val);
    } else if (addr >= LUMEN_RSS_INDIR(0) && addr < LUMEN_RSS_END) {
        s->rss_indir[(addr - LUMEN_RSS_INDIR(0)) / 4] =
            val & LUMEN_RSS_INDIR_QP;
    } else {
        return false;
    }
    return true;
}

/* Toeplitz: for every set input bit, XOR in the 32 key bits at its place. */
static uint32_t lumen_toeplitz(const uint8_t *key, const uint8_t *in,
                               size_t len)
{
    uint32_t window = ldl_be_p(key);
    uint32_t hash = 0;
    size_t i;
    int b;

    for (i = 0; i < len; i++) {
        for (b = 7; b >= 0; b--) {
            if (in[i] & (1 << b)) {
                hash ^= window;
            }
            window <<= 1;
            if (i + 4 < LUMEN_RSS_KEY_SIZE) {
                window |= (key[i + 4] >> b) & 1;
            }
        }
    }
    return hash;
}

static void lumen_rss_add(LumenRssInput *in, const uint8_t *p, size_t n)
{
    memcpy(in->bytes + in->len, p, n);
    in->len += n;
}

/* Ports of a TCP or UDP header at @l4, when its type is enabled. */
static void lumen_rss_ports(LumenState *s, LumenRssInput *in, uint8_t proto,
                            const uint8_t *l4, size_t room, bool v6)
{
    uint32_t tcp = v6 ? LUMEN_RSS_CTRL_TCP6 : LUMEN_RSS_CTRL_TCP4;
    uint32_t udp = v6 ? LUMEN_RSS_CTRL_UDP6 : LUMEN_RSS_CTRL_UDP4;

    if (room < 4) {
        return;
    }
    if ((proto == IP_PROTO_TCP && (s->rss_ctrl & tcp)) ||
        (proto == IP_PROTO_UDP && (s->rss_ctrl & udp))) {
        lumen_rss_add(in, l4, 4);
        in->l4 = true;
    }
}

/* Fill @in from the frame; false if RSS does not hash it. */
static bool lumen_rss_parse(LumenState *s, const uint8_t *buf, size_t size,
                            LumenRssInput *in)
{
    size_t off = ETH_HLEN;
    uint16_t type;

    if (size < ETH_HLEN) {
        return false;
    }
    type = lduw_be_p(buf + 12);
    if (type == ETH_P_VLAN && size >= ETH_HLEN + 4) {
        type = lduw_be_p(buf + 16);
        off += 4;
    }
    if (type == ETH_P_IP && (s->rss_ctrl & LUMEN_RSS_CTRL_IPV4) &&
        size >= off + 20) {
        const uint8_t *ip = buf + off;
        size_t ihl = (ip[0] & 0xf) * 4;
        bool frag = lduw_be_p(ip + 6) & 0x3fff;

        if ((ip[0] >> 4) != 4 || ihl < 20 || size < off + ihl) {
            return false;
        }
        lumen_rss_add(in, ip + 12, 8);
        if (!frag) {
            lumen_rss_ports(s, in, ip[9], ip + ihl, size - off - ihl, false);
        }
        return true;
    }
    if (type == ETH_P_IPV6 && (s->rss_ctrl & LUMEN_RSS_CTRL_IPV6) &&
        size >= off + 40) {
        const uint8_t *ip = buf + off;

        if ((ip[0] >> 4) != 6) {
            return false;
        }
        lumen_rss_add(in, ip + 8, 32);
        lumen_rss_ports(s, in, ip[6], ip + 40, size - off - 40, true);
        return true;
    }
    return false;
}

/*
 * The queue pair for a received frame (@buf may be NULL: which queue a
 * frame with no hash goes to), and the hash and CQE flags it carries.
 */
unsigned lumen_rss_select(LumenState *s, const uint8_t *buf, size_t size,
                          uint32_t *hash, uint32_t *flags)
{
    LumenRssInput in = { .len = 0 };
    unsigned qpi;

    *hash = 0;
    *flags = 0;
    if (!(s->rss_ctrl & LUMEN_RSS_CTRL_EN)) {
        return 0;
    }
    if (!buf || !lumen_rss_parse(s, buf, size, &in)) {
        return s->rss_indir[0] % s->num_qp;
    }
    *hash = lumen_toeplitz(s->rss_key, in.bytes, in.len);
    *flags = LUMEN_CQE_HASH | (in.l4 ? LUMEN_CQE_HASH_L4 : 0);
    qpi = s->rss_indir[*hash % LUMEN_RSS_INDIR_SIZE] % s->num_qp;
    trace_lumen_rss(*hash, in.l4, qpi);
    return qpi;
}
