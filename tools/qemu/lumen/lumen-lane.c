/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the lanes, their bit error ratio and the FEC.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The LUMEN_NUM_LANES lanes are split among the ports (CTRL_PORTS): port
 * k owns W = LUMEN_NUM_LANES / CTRL_PORTS of them from lane k * W on.  A
 * port runs on the first 1, 2, 4 or 8 (at most W) of its lanes, at one
 * lane rate (PORT_CFG); the other lanes are dark.  Each lane has
 * a pre-FEC bit error ratio (BER) that the test window sets.  While the
 * link is up, a timer in virtual time turns the BER of the active lanes
 * into errors every LUMEN_LANE_TICK_MS: symbol errors, and codewords the
 * FEC corrected or, at or above the FEC mode's limit, could not; a lane
 * at or above the limit then takes the link down (LUMEN_DOWN_HIGH_BER)
 * until its BER falls or a stronger FEC mode is set.  Bring-up, FEC and
 * the error counting are the port's; BER, loss of signal and attenuation
 * (the test window's) are the lane's, and only its port sees them.
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

#define LUMEN_LANE_TICK_MS      50
#define LUMEN_BER_SCALE         1000000000000ULL    /* BER is per 10^12 */

/* The first of the port's lanes: port k owns lanes k * W onwards. */
unsigned lumen_lane_first(LumenPort *p)
{
    return p->idx * lumen_split_width(p->s);
}

/* Lanes the port runs on (PORT_CFG): its first lanes, this many. */
unsigned lumen_lane_active(LumenPort *p)
{
    return LUMEN_FIELD_GET(LUMEN_PORT_CFG_LANES, p->port_cfg);
}

/* The port that owns lane @n of the device. */
LumenPort *lumen_lane_port(LumenState *s, unsigned n)
{
    return &s->port[n / lumen_split_width(s)];
}

/* Lane @n of the device is one its port runs on. */
bool lumen_lane_in_use(LumenState *s, unsigned n)
{
    LumenPort *p = lumen_lane_port(s, n);

    return n - lumen_lane_first(p) < lumen_lane_active(p);
}

/* The lanes of the device that run, on any port. */
unsigned lumen_lanes_in_use(LumenState *s)
{
    unsigned n, lanes = 0;

    for (n = 0; n < LUMEN_NUM_LANES; n++) {
        lanes += lumen_lane_in_use(s, n);
    }
    return lanes;
}

/* The device's lanes the port runs on, as a mask. */
static uint32_t lumen_lane_mask(LumenPort *p)
{
    return MAKE_64BIT_MASK(lumen_lane_first(p), lumen_lane_active(p));
}

/* Lanes whose light is lost on the way: cut, or attenuated out of sight. */
static uint32_t lumen_lane_unlit(LumenState *s)
{
    uint32_t mask = s->lane_los;
    unsigned n;

    for (n = 0; n < LUMEN_NUM_LANES; n++) {
        if (LUMEN_TEST_LANE_NIBBLE(s->lane_atten, n) >= LUMEN_ATTEN_DARK_DB) {
            mask |= BIT(n);
        }
    }
    return mask;
}

/*
 * Light on RX lane @n of the device: its port receives, runs on the
 * lane, and the lane has no loss of signal of its own.
 */
bool lumen_lane_lit(LumenState *s, unsigned n)
{
    LumenPort *p = lumen_lane_port(s, n);

    return lumen_port_exists(p) && lumen_port_has_signal(p) &&
           lumen_lane_in_use(s, n) && !(lumen_lane_unlit(s) & BIT(n));
}

/* Loss of signal on a lane the port runs on (a dark one does not count). */
bool lumen_lane_los(LumenPort *p)
{
    return lumen_lane_unlit(p->s) & lumen_lane_mask(p);
}

/* ---- bring-up ----------------------------------------------------------- */

unsigned lumen_lane_rate(LumenPort *p)
{
    return LUMEN_FIELD_GET(LUMEN_PORT_CFG_RATE, p->port_cfg);
}

/* 100G and 200G PAM4 lanes equalize only with link training. */
bool lumen_lane_eq_fails(LumenPort *p)
{
    return (p->s->test_faults & LUMEN_FAULT_TRAINING) ||
           ((p->port_cfg & LUMEN_PORT_CFG_PRESET) &&
            lumen_lane_rate(p) >= LUMEN_LANE_RATE_100G);
}

/* Equalization takes longer the faster a PAM4 lane runs. */
static int64_t lumen_bringup_eq_us(LumenPort *p)
{
    if (p->port_cfg & LUMEN_PORT_CFG_PRESET) {
        return LUMEN_BRINGUP_EQ_PRESET_US;
    }
    switch (lumen_lane_rate(p)) {
    case LUMEN_LANE_RATE_25G:
        return LUMEN_BRINGUP_EQ_NRZ_US;
    case LUMEN_LANE_RATE_50G:
        return LUMEN_BRINGUP_EQ_PAM4_US;
    case LUMEN_LANE_RATE_100G:
        return LUMEN_BRINGUP_EQ_PAM4_US * 3 / 2;
    default:
        return LUMEN_BRINGUP_EQ_PAM4_US * 5 / 2;
    }
}

/*
 * Device time from the start of bring-up to the port's lane @n (0 is its
 * first) entering @state.
 */
static int64_t lumen_bringup_lane_us(LumenPort *p, unsigned n,
                                     unsigned state)
{
    int64_t us = n * LUMEN_BRINGUP_SKEW_US;

    if (state > LUMEN_LSTATE_SIGNAL) {
        us += LUMEN_BRINGUP_SIGNAL_US;
    }
    if (state > LUMEN_LSTATE_CDR) {
        us += LUMEN_BRINGUP_CDR_US;
    }
    if (state > LUMEN_LSTATE_EQ) {
        us += lumen_bringup_eq_us(p);
    }
    return us;
}

/* ... and the whole port, aligned and with its FEC locked. */
static int64_t lumen_bringup_total_us(LumenPort *p)
{
    return lumen_bringup_lane_us(p, lumen_lane_active(p) - 1,
                                 LUMEN_LSTATE_LOCKED) +
           LUMEN_BRINGUP_PCS_US +
           (p->fec_mode != LUMEN_FEC_OFF ? LUMEN_BRINGUP_FEC_US : 0);
}

static int64_t lumen_bringup_elapsed_us(LumenPort *p)
{
    return (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - p->bringup_start) /
           SCALE_US;
}

/*
 * The port receives its partner otherwise well: are its lanes up?  The
 * first call starts the bring-up; the timer looks at the link again once
 * it is done.
 */
bool lumen_lane_bringup_done(LumenPort *p)
{
    int64_t total = lumen_bringup_total_us(p);

    if (!p->bringup_on) {
        p->bringup_on = true;
        p->bringup_start = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        timer_mod(p->bringup_timer, p->bringup_start + total * SCALE_US);
        trace_lumen_lane_bringup(p->idx, lumen_lane_active(p), total);
        return false;
    }
    if (lumen_bringup_elapsed_us(p) < total) {
        return false;
    }
    p->bringup_us = total;
    return true;
}

/* What the port receives broke, or its settings changed: start over. */
void lumen_lane_bringup_stop(LumenPort *p)
{
    if (p->bringup_on) {
        p->bringup_on = false;
        timer_del(p->bringup_timer);
    }
}

static void lumen_lane_bringup_timer(void *opaque)
{
    lumen_port_update_link(opaque);
}

/* Where lane @n of the device is in its bring-up (LUMEN_LSTATE_*). */
static unsigned lumen_lane_state(LumenState *s, unsigned n)
{
    LumenPort *p = lumen_lane_port(s, n);
    int64_t t;
    unsigned st;

    if (!lumen_lane_lit(s, n)) {
        return LUMEN_LSTATE_OFF;
    }
    if (lumen_lane_eq_fails(p)) {
        return LUMEN_LSTATE_EQ;         /* equalization never converges */
    }
    if (!p->bringup_on) {
        return LUMEN_LSTATE_SIGNAL;     /* held back by another fault */
    }
    t = lumen_bringup_elapsed_us(p);
    for (st = LUMEN_LSTATE_LOCKED; st > LUMEN_LSTATE_SIGNAL; st--) {
        if (t >= lumen_bringup_lane_us(p, n - lumen_lane_first(p), st)) {
            break;
        }
    }
    return st;
}

/* The port's speed in Gb/s: its lanes times their rate. */
unsigned lumen_lane_port_gbps(LumenPort *p)
{
    return lumen_lane_active(p) * LUMEN_LANE_GBPS(lumen_lane_rate(p));
}

/* Bits a lane carries in a tick: up to 1e10 (200G). */
static uint64_t lumen_lane_tick_bits(LumenPort *p)
{
    uint32_t rate = lumen_lane_rate(p);

    return (uint64_t)LUMEN_LANE_GBPS(rate) * 1000000ULL * LUMEN_LANE_TICK_MS;
}

/* Pre-FEC BER at or above which a FEC mode loses the link. */
static uint32_t lumen_fec_limit(uint32_t mode)
{
    switch (mode) {
    case LUMEN_FEC_RS:
        return LUMEN_FEC_LIMIT_RS;
    case LUMEN_FEC_BASER:
        return LUMEN_FEC_LIMIT_BASER;
    default:
        return LUMEN_FEC_LIMIT_OFF;
    }
}

/* Bits in one FEC block of a mode; 0 without FEC. */
static uint64_t lumen_fec_block_bits(uint32_t mode)
{
    switch (mode) {
    case LUMEN_FEC_RS:
        return 5440;
    case LUMEN_FEC_BASER:
        return 2112;
    default:
        return 0;
    }
}

/* Where the port gives the link up: the FEC's limit, or PORT_BER_LIMIT. */
static uint32_t lumen_lane_ber_limit(LumenPort *p)
{
    uint32_t limit = lumen_fec_limit(p->fec_mode);

    return p->ber_limit && p->ber_limit < limit ? p->ber_limit : limit;
}

static bool lumen_lane_ber_too_high(LumenPort *p)
{
    uint32_t limit = lumen_lane_ber_limit(p);
    unsigned i;

    for (i = 0; i < lumen_lane_active(p); i++) {
        if (p->s->lane_ber[lumen_lane_first(p) + i] >= limit) {
            return true;
        }
    }
    return false;
}

/*
 * Whether the lanes keep the link down.  While it is up only a tick
 * decides, having counted what the FEC could not correct; reading
 * PORT_STATUS in between does not take it down early.
 */
bool lumen_lane_blocks_link(LumenPort *p)
{
    return p->link_up ? p->fec_lost : lumen_lane_ber_too_high(p);
}

/* One tick's errors on the port's lane @i. */
static void lumen_lane_count(LumenPort *p, unsigned i)
{
    unsigned n = lumen_lane_first(p) + i;
    uint32_t ber = p->s->lane_ber[n];
    uint64_t block_bits = lumen_fec_block_bits(p->fec_mode);
    uint64_t tick_bits = lumen_lane_tick_bits(p);
    uint64_t errors, blocks;

    /*
     * errors = bits * BER / 10^12, in thousands of bits so that a 32-bit
     * BER times 10^7 fits 64 bits; what is short of an error carries over
     */
    p->ber_acc[i] += tick_bits / 1000 * ber;
    errors = p->ber_acc[i] / (LUMEN_BER_SCALE / 1000);
    p->ber_acc[i] %= LUMEN_BER_SCALE / 1000;
    if (!errors) {
        return;
    }
    lumen_stat_add(p, LUMEN_STAT_LANE_SYMBOL_ERR + n, errors);
    if (!block_bits) {
        return;
    }
    /* at these ratios errors are far apart: one per block they hit */
    blocks = MIN(errors, tick_bits / block_bits);
    if (ber < lumen_fec_limit(p->fec_mode)) {
        lumen_stat_add(p, LUMEN_STAT_LANE_FEC_CORR + n, blocks);
    } else {
        lumen_stat_add(p, LUMEN_STAT_LANE_FEC_UNCORR + n, blocks);
    }
}

static void lumen_lane_tick(void *opaque)
{
    LumenPort *p = opaque;
    unsigned i;

    if (!p->link_up) {
        return;
    }
    for (i = 0; i < lumen_lane_active(p); i++) {
        lumen_lane_count(p, i);
    }
    if (lumen_lane_ber_too_high(p)) {
        trace_lumen_lane_fec_lost(p->idx, p->fec_mode);
        p->fec_lost = true;
        lumen_port_update_link(p);      /* down: HIGH_BER */
        return;
    }
    timer_mod(p->lane_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
              LUMEN_LANE_TICK_MS);
}

/* The link came up or went down: count errors only while it is up. */
void lumen_lane_link_changed(LumenPort *p)
{
    p->fec_lost = false;
    if (p->link_up) {
        timer_mod(p->lane_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
                  LUMEN_LANE_TICK_MS);
    } else {
        timer_del(p->lane_timer);
    }
}

/* The test window set lane @n's BER: its port's business alone. */
void lumen_lane_set_ber(LumenState *s, unsigned n, uint32_t ber)
{
    LumenPort *p = lumen_lane_port(s, n);

    s->lane_ber[n] = ber;
    p->ber_acc[n - lumen_lane_first(p)] = 0;
    /*
     * a link that is up learns of it at the next tick; one that is down
     * may come up now
     */
    if (!p->link_up) {
        lumen_port_update_link(p);
    }
}

uint32_t lumen_lane_get_ber(LumenState *s, unsigned n)
{
    return s->lane_ber[n];
}

bool lumen_fec_write(LumenPort *p, uint32_t val)
{
    uint32_t mode = val & LUMEN_PORT_FEC_MODE;

    if (mode != LUMEN_FEC_OFF && mode != LUMEN_FEC_BASER &&
        mode != LUMEN_FEC_RS) {
        trace_lumen_mmio_write_ignored(LUMEN_PORT_REG(p->idx, LUMEN_PORT_FEC),
                                       val, "reserved FEC mode");
        return true;
    }
    if (mode != p->fec_mode) {
        trace_lumen_fec_mode(p->idx, p->fec_mode, mode);
        p->fec_mode = mode;
        lumen_lane_bringup_stop(p);
        lumen_port_update_link(p);
    }
    return true;
}

/*
 * PORT_CFG: the lanes and their rate.  The partner hears of a change at
 * once (training), and the link follows.  A port has no more lanes than
 * the split gives it.
 */
bool lumen_lane_cfg_write(LumenPort *p, uint32_t val)
{
    uint32_t lanes = LUMEN_FIELD_GET(LUMEN_PORT_CFG_LANES, val);
    uint32_t cfg = val & (LUMEN_PORT_CFG_LANES | LUMEN_PORT_CFG_RATE |
                          LUMEN_PORT_CFG_PRESET);

    if (lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8) {
        trace_lumen_mmio_write_ignored(LUMEN_PORT_REG(p->idx, LUMEN_PORT_CFG),
                                       val, "lane count not 1, 2, 4 or 8");
        return true;
    }
    if (lanes > lumen_split_width(p->s)) {
        trace_lumen_mmio_write_ignored(LUMEN_PORT_REG(p->idx, LUMEN_PORT_CFG),
                                       val, "more lanes than the port has");
        return true;
    }
    if (cfg != p->port_cfg) {
        p->port_cfg = cfg;
        trace_lumen_lane_cfg(p->idx, lanes, lumen_lane_port_gbps(p));
        memset(p->ber_acc, 0, sizeof(p->ber_acc));
        lumen_lane_bringup_stop(p);
        lumen_port_update_link(p);
    }
    return true;
}

/* 10 * log10(@v), @v >= 1, to the nearest tenth of a decade or so. */
static unsigned lumen_log10_x10(uint32_t v)
{
    /* 10 * log10(d) for a leading digit d */
    static const uint8_t lead[10] = { 0, 0, 3, 5, 6, 7, 8, 8, 9, 10 };
    unsigned decades = 0;

    while (v >= 10) {
        v /= 10;
        decades++;
    }
    return decades * 10 + lead[v];
}

/* Lane @n's SNR in 0.1 dB: see LUMEN_SNR_* in the shared header. */
static uint32_t lumen_lane_snr(LumenState *s, unsigned n)
{
    unsigned atten = LUMEN_TEST_LANE_NIBBLE(s->lane_atten, n);
    int snr = LUMEN_SNR_CLEAN - 10 * atten;
    int by_ber;

    if (s->lane_ber[n]) {
        by_ber = LUMEN_SNR_AT_1E12 - LUMEN_SNR_PER_DECADE *
                 (int)lumen_log10_x10(s->lane_ber[n]) / 10;
        snr = MIN(snr, by_ber);
    }
    return MAX(snr, 0);
}

bool lumen_lane_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    hwaddr off = addr - LUMEN_LANE_BASE;
    unsigned n = off / LUMEN_LANE_STRIDE;
    unsigned state;
    bool signal;

    /* a lane its port does not run on is dark */
    signal = lumen_lane_lit(s, n);
    switch (off % LUMEN_LANE_STRIDE) {
    case LUMEN_LANE_STATUS:
        state = lumen_lane_state(s, n);
        *val = LUMEN_FIELD_PREP(LUMEN_LANE_STATUS_STATE, state);
        if (signal) {
            *val |= LUMEN_LANE_STATUS_SIGNAL;
        }
        if (state == LUMEN_LSTATE_LOCKED) {
            *val |= LUMEN_LANE_STATUS_LOCK;
        }
        return true;
    case LUMEN_LANE_BER:
        /* measured on the received signal: nothing to measure without */
        *val = signal ? s->lane_ber[n] : 0;
        return true;
    case LUMEN_LANE_SNR:
        *val = signal ? lumen_lane_snr(s, n) : 0;
        return true;
    default:
        return false;
    }
}

/* Lane registers are read-only: a write to one is ignored. */
bool lumen_lane_write(LumenState *s, hwaddr addr, uint32_t val)
{
    hwaddr reg = (addr - LUMEN_LANE_BASE) % LUMEN_LANE_STRIDE;

    if (reg != LUMEN_LANE_STATUS && reg != LUMEN_LANE_BER &&
        reg != LUMEN_LANE_SNR) {
        return false;
    }
    trace_lumen_mmio_write_ignored(addr, val, "read-only lane register");
    return true;
}

/* PORT_BER_LIMIT: the link may come up, or go down, by the new limit. */
void lumen_lane_ber_limit_write(LumenPort *p, uint32_t val)
{
    p->ber_limit = val;
    lumen_port_update_link(p);
}

/*
 * PORT_CFG after a reset: every lane the split gives the port, at the
 * default rate (LUMEN_PORT_CFG_DEFAULT_LANES unsplit).
 */
uint32_t lumen_lane_default_cfg(LumenPort *p)
{
    return LUMEN_FIELD_PREP(LUMEN_PORT_CFG_LANES, lumen_split_width(p->s)) |
           LUMEN_FIELD_PREP(LUMEN_PORT_CFG_RATE, LUMEN_PORT_CFG_DEFAULT_RATE);
}

void lumen_lane_reset(LumenPort *p)
{
    p->fec_mode = LUMEN_FEC_RS;
    p->ber_limit = 0;
    p->port_cfg = lumen_lane_default_cfg(p);
    p->fec_lost = false;
    memset(p->ber_acc, 0, sizeof(p->ber_acc));
    timer_del(p->lane_timer);
    lumen_lane_bringup_stop(p);
    p->bringup_us = 0;
}

void lumen_lane_realize(LumenPort *p)
{
    p->lane_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, lumen_lane_tick, p);
    p->bringup_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                    lumen_lane_bringup_timer, p);
}

void lumen_lane_unrealize(LumenPort *p)
{
    timer_free(p->lane_timer);
    timer_free(p->bringup_timer);
}
