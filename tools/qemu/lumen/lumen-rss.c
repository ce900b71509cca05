/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: receive-side scaling.  The RSS block's
 * registers, and the choice of a queue pair for each received frame by a
 * Toeplitz hash of its addresses and ports through the indirection table
 * (see lumen_hw.h for the contract).  Control and key are per port; the
 * ports share the table, a slice each.
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

void lumen_rss_port_reset(LumenPort *p)
{
    p->rss_ctrl = 0;
    memset(p->rss_key, 0, sizeof(p->rss_key));
}

void lumen_rss_reset(LumenState *s)
{
    unsigned k;

    for (k = 0; k < LUMEN_MAX_PORTS; k++) {
        lumen_rss_port_reset(&s->port[k]);
    }
    memset(s->rss_indir, 0, sizeof(s->rss_indir));
}

/*
 * Where a register of the block is: port 0's control and key at RSS_CTRL
 * and RSS_KEY, every port's at RSS_PORT_CTRL and RSS_PORT_KEY, or (@p
 * NULL) the indirection table.  False for a hole; *@ctrl and *@key are
 * NULL for a port the split does not have.
 */
static bool lumen_rss_decode(LumenState *s, hwaddr addr, uint32_t **ctrl,
                             uint8_t **key, unsigned *indir)
{
    const hwaddr key_end = LUMEN_RSS_KEY_SIZE;
    LumenPort *p = NULL;
    hwaddr off;

    *ctrl = NULL;
    *key = NULL;
    *indir = LUMEN_RSS_INDIR_SIZE;
    if (addr == LUMEN_RSS_CTRL) {
        *ctrl = &s->port[0].rss_ctrl;
    } else if (addr >= LUMEN_RSS_KEY(0) &&
               addr < LUMEN_RSS_KEY(0) + key_end) {
        *key = &s->port[0].rss_key[addr - LUMEN_RSS_KEY(0)];
    } else if (addr >= LUMEN_RSS_INDIR(0) &&
               addr < LUMEN_RSS_INDIR(LUMEN_RSS_INDIR_SIZE)) {
        *indir = (addr - LUMEN_RSS_INDIR(0)) / 4;
    } else if (addr >= LUMEN_RSS_PORT_CTRL(0) &&
               addr < LUMEN_RSS_PORT_CTRL(LUMEN_MAX_PORTS)) {
        p = &s->port[(addr - LUMEN_RSS_PORT_CTRL(0)) / 4];
        *ctrl = lumen_port_exists(p) ? &p->rss_ctrl : NULL;
    } else if (addr >= LUMEN_RSS_PORT_KEY(0, 0) && addr < LUMEN_RSS_END) {
        p = &s->port[(addr - LUMEN_RSS_PORT_KEY(0, 0)) /
                     (LUMEN_RSS_PORT_KEY(1, 0) - LUMEN_RSS_PORT_KEY(0, 0))];
        off = addr - LUMEN_RSS_PORT_KEY(p->idx, 0);
        if (off >= key_end) {
            return false;
        }
        *key = lumen_port_exists(p) ? &p->rss_key[off] : NULL;
    } else {
        return false;
    }
    return true;
}

bool lumen_rss_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    uint32_t *ctrl;
    uint8_t *key;
    unsigned indir;

    if (!lumen_rss_decode(s, addr, &ctrl, &key, &indir)) {
        return false;
    }
    if (indir < LUMEN_RSS_INDIR_SIZE) {
        *val = s->rss_indir[indir];
    } else if (ctrl) {
        *val = *ctrl;
    } else if (key) {
        *val = ldl_le_p(key);
    } else {
        *val = 0;                       /* a port the split does not have */
    }
    return true;
}

bool lumen_rss_write(LumenState *s, hwaddr addr, uint32_t val)
{
    uint32_t *ctrl;
    uint8_t *key;
    unsigned indir;

    if (!lumen_rss_decode(s, addr, &ctrl, &key, &indir)) {
        return false;
    }
    if (indir < LUMEN_RSS_INDIR_SIZE) {
        s->rss_indir[indir] = val & LUMEN_RSS_INDIR_QP;
    } else if (ctrl) {
        *ctrl = val & LUMEN_RSS_CTRL_ALL;
    } else if (key) {
        stl_le_p(key, val);
    } else {
        trace_lumen_mmio_write_ignored(addr, val, "port not in the split");
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
static void lumen_rss_ports(LumenPort *p, LumenRssInput *in, uint8_t proto,
                            const uint8_t *l4, size_t room, bool v6)
{
    uint32_t tcp = v6 ? LUMEN_RSS_CTRL_TCP6 : LUMEN_RSS_CTRL_TCP4;
    uint32_t udp = v6 ? LUMEN_RSS_CTRL_UDP6 : LUMEN_RSS_CTRL_UDP4;

    if (room < 4) {
        return;
    }
    if ((proto == IP_PROTO_TCP && (p->rss_ctrl & tcp)) ||
        (proto == IP_PROTO_UDP && (p->rss_ctrl & udp))) {
        lumen_rss_add(in, l4, 4);
        in->l4 = true;
    }
}

/* Fill @in from the frame; false if RSS does not hash it. */
static bool lumen_rss_parse(LumenPort *p, const uint8_t *buf, size_t size,
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
    if (type == ETH_P_IP && (p->rss_ctrl & LUMEN_RSS_CTRL_IPV4) &&
        size >= off + 20) {
        const uint8_t *ip = buf + off;
        size_t ihl = (ip[0] & 0xf) * 4;
        bool frag = lduw_be_p(ip + 6) & 0x3fff;

        if ((ip[0] >> 4) != 4 || ihl < 20 || size < off + ihl) {
            return false;
        }
        lumen_rss_add(in, ip + 12, 8);
        if (!frag) {
            lumen_rss_ports(p, in, ip[9], ip + ihl, size - off - ihl, false);
        }
        return true;
    }
    if (type == ETH_P_IPV6 && (p->rss_ctrl & LUMEN_RSS_CTRL_IPV6) &&
        size >= off + 40) {
        const uint8_t *ip = buf + off;

        if ((ip[0] >> 4) != 6) {
            return false;
        }
        lumen_rss_add(in, ip + 8, 32);
        lumen_rss_ports(p, in, ip[6], ip + 40, size - off - 40, true);
        return true;
    }
    return false;
}

/*
 * The queue pair of the port's indirection entry @e: @e when the port
 * owns it (PORT_QPS), folded onto those of its queue pairs that exist
 * when it names one beyond num_qp (unsplit: e % num_qp, as ever), the
 * port's first when it names another port's.
 */
static unsigned lumen_rss_qp(LumenPort *p, unsigned e, unsigned first,
                             unsigned end)
{
    unsigned count = LUMEN_FIELD_GET(LUMEN_PORT_QPS_COUNT, p->qps);

    if (e < first || e >= first + count) {
        return first;
    }
    if (e >= end) {
        return first + (e - first) % (end - first);
    }
    return e;
}

/*
 * The queue pair of port @p for a received frame (@buf may be NULL:
 * which queue a frame with no hash goes to), and the hash and CQE flags
 * it carries; LUMEN_QPI_NONE when the port has no queue pair.  The port
 * uses its slice of the indirection table, LUMEN_RSS_INDIR_SIZE /
 * CTRL_PORTS entries from idx times that.
 */
unsigned lumen_rss_select(LumenPort *p, const uint8_t *buf, size_t size,
                          uint32_t *hash, uint32_t *flags)
{
    unsigned slice = LUMEN_RSS_INDIR_SIZE / p->s->num_ports;
    const uint8_t *indir = &p->s->rss_indir[p->idx * slice];
    LumenRssInput in = { .len = 0 };
    unsigned first, end, qpi;

    *hash = 0;
    *flags = 0;
    lumen_port_qp_range(p, &first, &end);
    if (end <= first) {
        return LUMEN_QPI_NONE;
    }
    if (!(p->rss_ctrl & LUMEN_RSS_CTRL_EN)) {
        return first;
    }
    if (!buf || !lumen_rss_parse(p, buf, size, &in)) {
        return lumen_rss_qp(p, indir[0], first, end);
    }
    *hash = lumen_toeplitz(p->rss_key, in.bytes, in.len);
    *flags = LUMEN_CQE_HASH | (in.l4 ? LUMEN_CQE_HASH_L4 : 0);
    qpi = lumen_rss_qp(p, indir[*hash % slice], first, end);
    trace_lumen_rss(p->idx, *hash, in.l4, qpi);
    return qpi;
}
