/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the lanes, their bit error ratio and the FEC.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The port runs on the first 1, 2, 4 or 8 of its LUMEN_NUM_LANES lanes,
 * at one lane rate (PORT_CFG); the other lanes are dark.  Each lane has
 * a pre-FEC bit error ratio (BER) that the test window sets.  While the
 * link is up, a timer in virtual time turns the BER of the active lanes
 * into errors every LUMEN_LANE_TICK_MS: symbol errors, and codewords the
 * FEC corrected or, at or above the FEC mode's limit, could not; a lane
 * at or above the limit then takes the link down (LUMEN_DOWN_HIGH_BER)
 * until its BER falls or a stronger FEC mode is set.
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

#define LUMEN_LANE_TICK_MS      50
#define LUMEN_BER_SCALE         1000000000000ULL    /* BER is per 10^12 */

/* Lanes the port runs on (PORT_CFG): lanes 0 to this minus one. */
unsigned lumen_lane_active(LumenState *s)
{
    return LUMEN_FIELD_GET(LUMEN_PORT_CFG_LANES, s->port_cfg);
}

/* Light on RX lane @n: the port receives, it runs on the lane, and the
 * lane has no loss of signal of its own.
 */
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

bool lumen_lane_lit(LumenState *s, unsigned n)
{
    return lumen_port_has_signal(s) && n < lumen_lane_active(s) &&
           !(lumen_lane_unlit(s) & BIT(n));
}

/* Loss of signal on a lane the port runs on (a dark one does not count). */
bool lumen_lane_los(LumenState *s)
{
    return lumen_lane_unlit(s) & MAKE_64BIT_MASK(0, lumen_lane_active(s));
}

/* ---- bring-up ----------------------------------------------------------- */

static unsigned lumen_lane_rate(LumenState *s)
{
    return LUMEN_FIELD_GET(LUMEN_PORT_CFG_RATE, s->port_cfg);
}

/* 100G and 200G PAM4 lanes equalize only with link training. */
bool lumen_lane_eq_fails(LumenState *s)
{
    return (s->test_faults & LUMEN_FAULT_TRAINING) ||
           ((s->port_cfg & LUMEN_PORT_CFG_PRESET) &&
            lumen_lane_rate(s) >= LUMEN_LANE_RATE_100G);
}

/* Equalization takes longer the faster a PAM4 lane runs. */
static int64_t lumen_bringup_eq_us(LumenState *s)
{
    if (s->port_cfg & LUMEN_PORT_CFG_PRESET) {
        return LUMEN_BRINGUP_EQ_PRESET_US;
    }
    switch (lumen_lane_rate(s)) {
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

/* Device time from the start of bring-up to lane @n entering @state. */
static int64_t lumen_bringup_lane_us(LumenState *s, unsigned n,
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
        us += lumen_bringup_eq_us(s);
    }
    return us;
}

/* ... and the whole port, aligned and with its FEC locked. */
static int64_t lumen_bringup_total_us(LumenState *s)
{
    return lumen_bringup_lane_us(s, lumen_lane_active(s) - 1,
                                 LUMEN_LSTATE_LOCKED) +
           LUMEN_BRINGUP_PCS_US +
           (s->fec_mode != LUMEN_FEC_OFF ? LUMEN_BRINGUP_FEC_US : 0);
}

static int64_t lumen_bringup_elapsed_us(LumenState *s)
{
    return (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - s->bringup_start) /
           SCALE_US;
}

/*
 * The port receives its partner otherwise well: are its lanes up?  The
 * first call starts the bring-up; the timer looks at the link again once
 * it is done.
 */
bool lumen_lane_bringup_done(LumenState *s)
{
    int64_t total = lumen_bringup_total_us(s);

    if (!s->bringup_on) {
        s->bringup_on = true;
        s->bringup_start = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        timer_mod(s->bringup_timer, s->bringup_start + total * SCALE_US);
        trace_lumen_lane_bringup(lumen_lane_active(s), total);
        return false;
    }
    if (lumen_bringup_elapsed_us(s) < total) {
        return false;
    }
    s->bringup_us = total;
    return true;
}

/* What the port receives broke, or its settings changed: start over. */
void lumen_lane_bringup_stop(LumenState *s)
{
    if (s->bringup_on) {
        s->bringup_on = false;
        timer_del(s->bringup_timer);
    }
}

static void lumen_lane_bringup_timer(void *opaque)
{
    lumen_port_update_link(opaque);
}

/* Where lane @n is in its bring-up (LUMEN_LSTATE_*). */
static unsigned lumen_lane_state(LumenState *s, unsigned n)
{
    int64_t t;
    unsigned st;

    if (!lumen_lane_lit(s, n)) {
        return LUMEN_LSTATE_OFF;
    }
    if (lumen_lane_eq_fails(s)) {
        return LUMEN_LSTATE_EQ;         /* equalization never converges */
    }
    if (!s->bringup_on) {
        return LUMEN_LSTATE_SIGNAL;     /* held back by another fault */
    }
    t = lumen_bringup_elapsed_us(s);
    for (st = LUMEN_LSTATE_LOCKED; st > LUMEN_LSTATE_SIGNAL; st--) {
        if (t >= lumen_bringup_lane_us(s, n, st)) {
            break;
        }
    }
    return st;
}

/* The port's speed in Gb/s: its lanes times their rate. */
unsigned lumen_lane_port_gbps(LumenState *s)
{
    return lumen_lane_active(s) *
           LUMEN_LANE_GBPS(LUMEN_FIELD_GET(LUMEN_PORT_CFG_RATE, s->port_cfg));
}

/* Bits a lane carries in a tick: up to 1e10 (200G). */
static uint64_t lumen_lane_tick_bits(LumenState *s)
{
    uint32_t rate = LUMEN_FIELD_GET(LUMEN_PORT_CFG_RATE, s->port_cfg);

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
static uint32_t lumen_lane_ber_limit(LumenState *s)
{
    uint32_t limit = lumen_fec_limit(s->fec_mode);

    return s->ber_limit && s->ber_limit < limit ? s->ber_limit : limit;
}

static bool lumen_lane_ber_too_high(LumenState *s)
{
    uint32_t limit = lumen_lane_ber_limit(s);
    unsigned n;

    for (n = 0; n < lumen_lane_active(s); n++) {
        if (s->lane_ber[n] >= limit) {
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
bool lumen_lane_blocks_link(LumenState *s)
{
    return s->link_up ? s->fec_lost : lumen_lane_ber_too_high(s);
}

/* One tick's errors on lane @n. */
static void lumen_lane_count(LumenState *s, unsigned n)
{
    uint64_t block_bits = lumen_fec_block_bits(s->fec_mode);
    uint64_t tick_bits = lumen_lane_tick_bits(s);
    uint64_t errors, blocks;

    /*
     * errors = bits * BER / 10^12, in thousands of bits so that a 32-bit
     * BER times 10^7 fits 64 bits; what is short of an error carries over
     */
    s->ber_acc[n] += tick_bits / 1000 * s->lane_ber[n];
    errors = s->ber_acc[n] / (LUMEN_BER_SCALE / 1000);
    s->ber_acc[n] %= LUMEN_BER_SCALE / 1000;
    if (!errors) {
        return;
    }
    lumen_stat_add(s, LUMEN_STAT_LANE_SYMBOL_ERR + n, errors);
    if (!block_bits) {
        return;
    }
    /* at these ratios errors are far apart: one per block they hit */
    blocks = MIN(errors, tick_bits / block_bits);
    if (s->lane_ber[n] < lumen_fec_limit(s->fec_mode)) {
        lumen_stat_add(s, LUMEN_STAT_LANE_FEC_CORR + n, blocks);
    } else {
        lumen_stat_add(s, LUMEN_STAT_LANE_FEC_UNCORR + n, blocks);
    }
}

static void lumen_lane_tick(void *opaque)
{
    LumenState *s = opaque;
    unsigned n;

    if (!s->link_up) {
        return;
    }
    for (n = 0; n < lumen_lane_active(s); n++) {
        lumen_lane_count(s, n);
    }
    if (lumen_lane_ber_too_high(s)) {
        trace_lumen_lane_fec_lost(s->fec_mode);
        s->fec_lost = true;
        lumen_port_update_link(s);      /* down: HIGH_BER */
        return;
    }
    timer_mod(s->lane_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
              LUMEN_LANE_TICK_MS);
}

/* The link came up or went down: count errors only while it is up. */
void lumen_lane_link_changed(LumenState *s)
{
    s->fec_lost = false;
    if (s->link_up) {
        timer_mod(s->lane_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
                  LUMEN_LANE_TICK_MS);
    } else {
        timer_del(s->lane_timer);
    }
}

/* The test window set lane @n's BER. */
void lumen_lane_set_ber(LumenState *s, unsigned n, uint32_t ber)
{
    s->lane_ber[n] = ber;
    s->ber_acc[n] = 0;
    /* a link that is up learns of it at the next tick; one that is down
     * may come up now */
    if (!s->link_up) {
        lumen_port_update_link(s);
    }
}

uint32_t lumen_lane_get_ber(LumenState *s, unsigned n)
{
    return s->lane_ber[n];
}

bool lumen_fec_write(LumenState *s, uint32_t val)
{
    uint32_t mode = val & LUMEN_PORT_FEC_MODE;

    if (mode != LUMEN_FEC_OFF && mode != LUMEN_FEC_BASER &&
        mode != LUMEN_FEC_RS) {
        trace_lumen_mmio_write_ignored(LUMEN_PORT_FEC, val,
                                       "reserved FEC mode");
        return true;
    }
    if (mode != s->fec_mode) {
        trace_lumen_fec_mode(s->fec_mode, mode);
        s->fec_mode = mode;
        lumen_lane_bringup_stop(s);
        lumen_port_update_link(s);
    }
    return true;
}

/*
 * PORT_CFG: the lanes and their rate.  The partner hears of a change at
 * once (training), and the link follows.
 */
bool lumen_lane_cfg_write(LumenState *s, uint32_t val)
{
    uint32_t lanes = LUMEN_FIELD_GET(LUMEN_PORT_CFG_LANES, val);
    uint32_t cfg = val & (LUMEN_PORT_CFG_LANES | LUMEN_PORT_CFG_RATE |
                          LUMEN_PORT_CFG_PRESET);

    if (lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8) {
        trace_lumen_mmio_write_ignored(LUMEN_PORT_CFG, val,
                                       "lane count not 1, 2, 4 or 8");
        return true;
    }
    if (cfg != s->port_cfg) {
        s->port_cfg = cfg;
        trace_lumen_lane_cfg(lanes, lumen_lane_port_gbps(s));
        memset(s->ber_acc, 0, sizeof(s->ber_acc));
        lumen_lane_bringup_stop(s);
        lumen_port_update_link(s);
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

    /* a lane the port does not run on is dark */
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
void lumen_lane_ber_limit_write(LumenState *s, uint32_t val)
{
    s->ber_limit = val;
    lumen_port_update_link(s);
}

void lumen_lane_reset(LumenState *s)
{
    s->fec_mode = LUMEN_FEC_RS;
    s->ber_limit = 0;
    s->port_cfg =
        LUMEN_FIELD_PREP(LUMEN_PORT_CFG_LANES, LUMEN_PORT_CFG_DEFAULT_LANES) |
        LUMEN_FIELD_PREP(LUMEN_PORT_CFG_RATE, LUMEN_PORT_CFG_DEFAULT_RATE);
    s->fec_lost = false;
    memset(s->ber_acc, 0, sizeof(s->ber_acc));
    timer_del(s->lane_timer);
    lumen_lane_bringup_stop(s);
    s->bringup_us = 0;
}

void lumen_lane_realize(LumenState *s)
{
    s->lane_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, lumen_lane_tick, s);
    s->bringup_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                    lumen_lane_bringup_timer, s);
}

void lumen_lane_unrealize(LumenState *s)
{
    timer_free(s->lane_timer);
    timer_free(s->bringup_timer);
}
