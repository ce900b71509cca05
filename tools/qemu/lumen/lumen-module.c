/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the pluggable optical module.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * A QSFP-DD 400G SR8 module with CMIS 5.0 paged memory: the lower page,
 * and upper pages 00h (identity), 01h (advertising), 02h (thresholds),
 * 10h (lane controls, stored) and 11h (lane monitors and flags), bank 0.
 * lumen-cmis.c moves its bytes over the management bus.
 *
 * The module powers up when the host lets it (the LPMode pin, lower
 * byte 26), taking LUMEN_MOD_PWRUP_MS; it is Ready only then, and only a
 * Ready module lights the fiber.  Every LUMEN_MOD_TICK_MS of virtual time
 * its monitors move: temperature with the lanes it drives and a slow
 * drift, supply voltage, and per active lane TX bias, TX power and the
 * power received from the partner.  Flags follow the monitors against
 * the thresholds of page 02h; they are latched, as CMIS has them: a
 * read by the host clears them (a flag whose condition still holds is
 * set again at once), and a flag newly set raises the module interrupt.
 * At the temperature high alarm the module shuts down (ModuleFault)
 * until it cools below the high warning; with MOD_STUCK it never ends
 * powering up (a module that fails its power-up).  The test window
 * pulls it out (NO_MODULE), forces its temperature (TEST_MOD_TEMP), dims the light
 * each lane receives (TEST_LANE_ATTEN) and ages its lasers
 * (TEST_LASER_AGE).
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

#define LUMEN_MOD_TICK_MS       100
#define LUMEN_MOD_PWRUP_MS      200

/* Lower page */
#define MOD_L_ID                0x00
#define MOD_L_REV               0x01
#define MOD_L_MEM               0x02    /* bit 7: flat memory */
#define MOD_L_VCC               0x10
#define MOD_L_FAULT_CAUSE       0x29
#define MOD_L_MEDIA_TYPE        0x55

/* Upper page 00h */
#define MOD_P00_ID              0x80
#define MOD_P00_VENDOR          0x81    /* 16 bytes */
#define MOD_P00_OUI             0x91
#define MOD_P00_PN              0x94    /* 16 bytes */
#define MOD_P00_REV             0xa4    /* 2 bytes */
#define MOD_P00_SN              0xa6    /* 16 bytes */
#define MOD_P00_DATE            0xb6    /* 8 bytes */
#define MOD_P00_CLEI            0xbe    /* 10 bytes */
#define MOD_P00_POWER_CLASS     0xc8
#define MOD_P00_MAX_POWER       0xc9    /* 0.25 W */
#define MOD_P00_CONNECTOR       0xcb
#define MOD_P00_TECH            0xd4

/* Upper page 01h */
#define MOD_P01_LEN_OM4         0x86    /* 2 m */
#define MOD_P01_LEN_OM3         0x87    /* 2 m */
#define MOD_P01_WAVELENGTH      0x8a    /* 0.05 nm */
#define MOD_P01_WL_TOLERANCE    0x8c    /* 0.005 nm */
#define MOD_P01_BANKS           0x8e
#define MOD_P01_RX_PWR_TYPE     0x97    /* bit 4: average, not OMA */
#define MOD_P01_MONITORS        0xa0    /* bias, TX and RX power */
#define MOD_P01_TX_CDR          0xa1
#define MOD_P01_RX_CDR          0xa2

/* Upper page 02h: high alarm, low alarm, high warning, low warning */
#define MOD_P02_TEMP            0x80
#define MOD_P02_VCC             0x88
#define MOD_P02_TX_PWR          0xb0
#define MOD_P02_BIAS            0xb8
#define MOD_P02_RX_PWR          0xc0

/* Upper page 11h */
#define MOD_P11_DP_STATE        0x80    /* 4 bits a lane */
#define MOD_P11_TX_PWR          0x9a    /* 0.1 uW, a word a lane */
#define MOD_P11_BIAS            0xaa    /* 2 uA */
#define MOD_P11_RX_PWR          0xba    /* 0.1 uW */

/* The pages, in the order of mod_upper[] */
static const uint8_t lumen_mod_pages[LUMEN_MOD_PAGES] = {
    0x00, 0x01, 0x02, 0x10, 0x11,
};

/* Thresholds: high alarm, low alarm, high warning, low warning */
static const int16_t lumen_mod_temp_limits[4] = {
    75 * 256, -5 * 256, 70 * 256, 0,                /* degC */
};
static const uint16_t lumen_mod_vcc_limits[4] = {
    36300, 29700, 34650, 31350,                     /* 3.63 .. 3.135 V */
};
static const uint16_t lumen_mod_tx_pwr_limits[4] = {
    31623, 1585, 25119, 1995,                       /* +5, -8, +4, -7 dBm */
};
static const uint16_t lumen_mod_bias_limits[4] = {
    7500, 1000, 6500, 1500,                         /* 15, 2, 13, 3 mA */
};
static const uint16_t lumen_mod_rx_pwr_limits[4] = {
    31623, 1000, 25119, 1259,                       /* +5, -10, +4, -9 dBm */
};

static uint8_t *lumen_mod_upper(LumenState *s, unsigned page)
{
    unsigned i;

    for (i = 0; i < LUMEN_MOD_PAGES; i++) {
        if (lumen_mod_pages[i] == page) {
            return s->mod_upper[i];
        }
    }
    return NULL;
}

/* Byte @off (0x00-0xff) of page @page, which the module has. */
static uint8_t *lumen_mod_byte(LumenState *s, unsigned page, unsigned off)
{
    return off < LUMEN_CMIS_MAX_LEN ? &s->mod_lower[off] :
           &lumen_mod_upper(s, page)[off - LUMEN_CMIS_MAX_LEN];
}

static void lumen_mod_put16(LumenState *s, unsigned page, unsigned off,
                            uint16_t val)
{
    stw_be_p(lumen_mod_byte(s, page, off), val);
}

/* A text field: ASCII padded with spaces, as CMIS has it. */
static void lumen_mod_put_text(LumenState *s, unsigned off, unsigned len,
                               const char *text)
{
    uint8_t *p = lumen_mod_byte(s, 0x00, off);
    size_t n = MIN(strlen(text), len);

    memset(p, ' ', len);
    memcpy(p, text, n);
}

static void lumen_mod_put_limits(LumenState *s, unsigned off,
                                 const uint16_t limits[4])
{
    unsigned i;

    for (i = 0; i < 4; i++) {
        lumen_mod_put16(s, 0x02, off + 2 * i, limits[i]);
    }
}

/* The module's memory as it leaves the factory. */
static void lumen_mod_init_memory(LumenState *s)
{
    const uint8_t *mac = s->conf.macaddr.a;
    char sn[17];
    unsigned i;

    memset(s->mod_lower, 0, sizeof(s->mod_lower));
    memset(s->mod_upper, 0, sizeof(s->mod_upper));
    memset(s->mod_flags_live, 0, sizeof(s->mod_flags_live));

    s->mod_lower[MOD_L_ID] = 0x18;                  /* QSFP-DD */
    s->mod_lower[MOD_L_REV] = 0x50;                 /* CMIS 5.0 */
    s->mod_lower[MOD_L_MEM] = 0x00;                 /* paged */
    s->mod_lower[LUMEN_MOD_L_PWR_CTRL] = LUMEN_MOD_PWR_ALLOW_HW;
    s->mod_lower[MOD_L_MEDIA_TYPE] = 0x01;          /* multimode fiber */

    *lumen_mod_byte(s, 0x00, MOD_P00_ID) = 0x18;
    lumen_mod_put_text(s, MOD_P00_VENDOR, 16, LUMEN_MOD_VENDOR);
    for (i = 0; i < 3; i++) {
        *lumen_mod_byte(s, 0x00, MOD_P00_OUI + i) = mac[i];
    }
    lumen_mod_put_text(s, MOD_P00_PN, 16, LUMEN_MOD_PN);
    lumen_mod_put_text(s, MOD_P00_REV, 2, LUMEN_MOD_REV);
    snprintf(sn, sizeof(sn), "LU%02X%02X%02X%02X%02X%02X",
             mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    lumen_mod_put_text(s, MOD_P00_SN, 16, sn);
    lumen_mod_put_text(s, MOD_P00_DATE, 8, LUMEN_MOD_DATE);
    lumen_mod_put_text(s, MOD_P00_CLEI, 10, "");
    *lumen_mod_byte(s, 0x00, MOD_P00_POWER_CLASS) = 5 << 5;  /* class 6 */
    *lumen_mod_byte(s, 0x00, MOD_P00_MAX_POWER) = 48;        /* 12 W */
    *lumen_mod_byte(s, 0x00, MOD_P00_CONNECTOR) = 0x0c;      /* MPO */
    *lumen_mod_byte(s, 0x00, MOD_P00_TECH) = 0x00;           /* 850 nm */

    *lumen_mod_byte(s, 0x01, MOD_P01_LEN_OM4) = 50;          /* 100 m */
    *lumen_mod_byte(s, 0x01, MOD_P01_LEN_OM3) = 35;          /* 70 m */
    lumen_mod_put16(s, 0x01, MOD_P01_WAVELENGTH, 850 * 20);
    lumen_mod_put16(s, 0x01, MOD_P01_WL_TOLERANCE, 10 * 200);
    *lumen_mod_byte(s, 0x01, MOD_P01_BANKS) = 0;             /* 8 lanes */
    *lumen_mod_byte(s, 0x01, MOD_P01_RX_PWR_TYPE) = 0x10;    /* average */
    *lumen_mod_byte(s, 0x01, MOD_P01_MONITORS) = 0x07;
    *lumen_mod_byte(s, 0x01, MOD_P01_TX_CDR) = 0x01;
    *lumen_mod_byte(s, 0x01, MOD_P01_RX_CDR) = 0x01;

    for (i = 0; i < 4; i++) {
        lumen_mod_put16(s, 0x02, MOD_P02_TEMP + 2 * i,
                        lumen_mod_temp_limits[i]);
    }
    lumen_mod_put_limits(s, MOD_P02_VCC, lumen_mod_vcc_limits);
    lumen_mod_put_limits(s, MOD_P02_TX_PWR, lumen_mod_tx_pwr_limits);
    lumen_mod_put_limits(s, MOD_P02_BIAS, lumen_mod_bias_limits);
    lumen_mod_put_limits(s, MOD_P02_RX_PWR, lumen_mod_rx_pwr_limits);
}

bool lumen_module_present(LumenState *s)
{
    return !(s->test_faults & LUMEN_FAULT_NO_MODULE);
}

bool lumen_module_ready(LumenState *s)
{
    return lumen_module_present(s) && s->mod_state == LUMEN_MOD_READY;
}

/* Why the module keeps the link down; LUMEN_DOWN_NONE if it does not. */
uint32_t lumen_module_blocker(LumenState *s)
{
    if (!lumen_module_present(s)) {
        return LUMEN_DOWN_NO_MODULE;
    }
    if (s->mod_state == LUMEN_MOD_FAULT) {
        return LUMEN_DOWN_MODULE_HOT;
    }
    if (s->mod_state != LUMEN_MOD_READY) {
        return LUMEN_DOWN_MODULE_LOW_POWER;
    }
    return LUMEN_DOWN_NONE;
}

/* The host asks for low power: the LPMode pin, if allowed, or byte 26. */
static bool lumen_mod_low_power_wanted(LumenState *s)
{
    uint8_t ctrl = s->mod_lower[LUMEN_MOD_L_PWR_CTRL];

    return (ctrl & LUMEN_MOD_PWR_REQ_SW) ||
           ((ctrl & LUMEN_MOD_PWR_ALLOW_HW) &&
            (s->cmis_ctrl & LUMEN_CMIS_CTRL_LPMODE));
}

/*
 * A slow drift for the monitors: a triangle wave of period @period_ms
 * in virtual time, from -@amp to +@amp.
 */
static int lumen_mod_drift(int64_t period_ms, int amp)
{
    int64_t phase = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) % period_ms;
    int64_t half = period_ms / 2;

    return (int)((llabs(phase - half) * 2 * amp) / half) - amp;
}

/* Temperature in 1/256 degC: forced, or what the module's load makes. */
static int16_t lumen_mod_temp(LumenState *s)
{
    int t = 30 * 256 + lumen_mod_drift(60000, 128);  /* 30 +- 0.5 degC */

    if (s->mod_temp_test & LUMEN_MOD_TEMP_OVERRIDE) {
        return LUMEN_FIELD_GET(LUMEN_MOD_TEMP_VALUE, s->mod_temp_test);
    }
    if (s->mod_state == LUMEN_MOD_READY) {
        t += 384 * lumen_lanes_in_use(s);           /* 1.5 degC a lane */
    }
    return t;
}

/* A bit for each limit the value is beyond: HA, LA, HW, LW. */
static unsigned lumen_mod_flags(int value, const int limits[4])
{
    return (value >= limits[0] ? 1 : 0) | (value <= limits[1] ? 2 : 0) |
           (value >= limits[2] ? 4 : 0) | (value <= limits[3] ? 8 : 0);
}

static unsigned lumen_mod_flags16(uint16_t value, const uint16_t lim[4])
{
    const int limits[4] = { lim[0], lim[1], lim[2], lim[3] };

    return lumen_mod_flags(value, limits);
}

/* Where the live condition of flag byte @off of @page is kept, or NULL. */
static uint8_t *lumen_mod_flag_live(LumenState *s, unsigned page,
                                    unsigned off)
{
    if (off == LUMEN_MOD_L_FLAGS) {
        return &s->mod_flags_live[0];
    }
    if (page == 0x11 && off >= LUMEN_MOD_P11_TX_PWR_FLAGS &&
        off < LUMEN_MOD_P11_FLAGS_END) {
        return &s->mod_flags_live[1 + off - LUMEN_MOD_P11_TX_PWR_FLAGS];
    }
    return NULL;
}

/*
 * The conditions of flag byte @off of @page are @live now: latch them.
 * A flag newly set tells the host (the module's IntL).
 */
static void lumen_mod_latch(LumenState *s, unsigned page, unsigned off,
                            uint8_t live)
{
    uint8_t *flags = lumen_mod_byte(s, page, off);
    uint8_t raised = live & ~*flags;

    *lumen_mod_flag_live(s, page, off) = live;
    *flags |= live;
    if (raised) {
        trace_lumen_module_flags(page, off, raised);
        lumen_intr_raise(s, LUMEN_INTR_MODULE);
    }
}

/* The host read flag bytes: only what still holds stays set. */
static void lumen_mod_flags_read(LumenState *s, unsigned page, unsigned off,
                                 unsigned len)
{
    unsigned i;

    for (i = off; i < off + len; i++) {
        uint8_t *live = lumen_mod_flag_live(s, page, i);

        if (live) {
            *lumen_mod_byte(s, page, i) = *live;
        }
    }
}

/* Module-level monitors and their flags (lower bytes 9, 14-17). */
static void lumen_mod_update_module_monitors(LumenState *s, int16_t temp)
{
    const int temp_limits[4] = {
        lumen_mod_temp_limits[0], lumen_mod_temp_limits[1],
        lumen_mod_temp_limits[2], lumen_mod_temp_limits[3],
    };
    uint16_t vcc = 33000 + lumen_mod_drift(7000, 40);  /* 3.3 V */

    stw_be_p(&s->mod_lower[LUMEN_MOD_L_TEMP], temp);
    stw_be_p(&s->mod_lower[MOD_L_VCC], vcc);
    lumen_mod_latch(s, 0, LUMEN_MOD_L_FLAGS,
                    lumen_mod_flags(temp, temp_limits) |
                    lumen_mod_flags16(vcc, lumen_mod_vcc_limits) <<
                    LUMEN_MOD_FLAG_VCC_SHIFT);
}

/* Set lane @n's bit in the four flag bytes @live from @flags. */
static void lumen_mod_lane_flags(uint8_t live[4], unsigned n, unsigned flags)
{
    unsigned i;

    for (i = 0; i < 4; i++) {
        if (flags & (1 << i)) {
            live[i] |= 1 << n;
        }
    }
}

/* @val scaled down by @db decibels (0-15). */
static uint16_t lumen_mod_attenuate(uint16_t val, unsigned db)
{
    static const uint16_t gain_e4[16] = {
        10000, 7943, 6310, 5012, 3981, 3162, 2512, 1995,
        1585, 1259, 1000, 794, 631, 501, 398, 316,
    };

    return (uint32_t)val * gain_e4[db] / 10000;
}

/*
 * Lane monitors (page 11h): lanes the port runs on, while lit.  An aged
 * laser (TEST_LASER_AGE) needs more bias for less light; attenuation on
 * the way in (TEST_LANE_ATTEN) dims what the lane receives.
 */
static void lumen_mod_update_lanes(LumenState *s)
{
    bool ready = lumen_module_ready(s);
    uint8_t live[LUMEN_MOD_P11_FLAGS_END - LUMEN_MOD_P11_TX_PWR_FLAGS] = {};
    uint8_t *tx_pwr_flags = &live[0];
    uint8_t *bias_flags = &live[LUMEN_MOD_P11_BIAS_FLAGS -
                                LUMEN_MOD_P11_TX_PWR_FLAGS];
    uint8_t *rx_pwr_flags = &live[LUMEN_MOD_P11_RX_PWR_FLAGS -
                                  LUMEN_MOD_P11_TX_PWR_FLAGS];
    unsigned n;

    memset(lumen_mod_byte(s, 0x11, MOD_P11_DP_STATE), 0, 4);
    for (n = 0; n < LUMEN_NUM_LANES; n++) {
        /* a lane's laser is its port's */
        bool on = ready && lumen_lane_in_use(s, n) &&
                  (lumen_lane_port(s, n)->port_ctrl & LUMEN_PORT_CTRL_TX_EN);
        unsigned age = LUMEN_TEST_LANE_NIBBLE(s->laser_age, n);
        unsigned atten = LUMEN_TEST_LANE_NIBBLE(s->lane_atten, n);
        uint16_t bias = on ? 3500 + 25 * n + 500 * age : 0;   /* 7 mA */
        uint16_t tx_pwr = on ? lumen_mod_attenuate(10000 - 200 * n, age) :
                          0;                                    /* 1 mW */
        uint16_t rx_pwr = lumen_lane_lit(s, n) ?
                          lumen_mod_attenuate(7943 - 100 * n, atten) :
                          0;                                    /* -1 dBm */

        lumen_mod_put16(s, 0x11, MOD_P11_BIAS + 2 * n, bias);
        lumen_mod_put16(s, 0x11, MOD_P11_TX_PWR + 2 * n, tx_pwr);
        lumen_mod_put16(s, 0x11, MOD_P11_RX_PWR + 2 * n, rx_pwr);
        /* DPActivated (4) or DPDeactivated (1) */
        *lumen_mod_byte(s, 0x11, MOD_P11_DP_STATE + n / 2) |=
            (on ? 4 : 1) << (4 * (n % 2));
        if (!on) {
            continue;
        }
        lumen_mod_lane_flags(bias_flags, n,
                             lumen_mod_flags16(bias, lumen_mod_bias_limits));
        lumen_mod_lane_flags(tx_pwr_flags, n,
                             lumen_mod_flags16(tx_pwr,
                                               lumen_mod_tx_pwr_limits));
        if (lumen_lane_lit(s, n)) {
            lumen_mod_lane_flags(rx_pwr_flags, n,
                                 lumen_mod_flags16(rx_pwr,
                                                   lumen_mod_rx_pwr_limits));
        } else {
            live[LUMEN_MOD_P11_RX_LOS - LUMEN_MOD_P11_TX_PWR_FLAGS] |= 1 << n;
        }
    }
    for (n = 0; n < ARRAY_SIZE(live); n++) {
        lumen_mod_latch(s, 0x11, LUMEN_MOD_P11_TX_PWR_FLAGS + n, live[n]);
    }
}

static void lumen_mod_put_state(LumenState *s, uint8_t state)
{
    s->mod_state = state;
    s->mod_lower[LUMEN_MOD_L_STATE] = LUMEN_FIELD_PREP(LUMEN_MOD_STATE,
                                                       state);
    s->mod_lower[MOD_L_FAULT_CAUSE] = state == LUMEN_MOD_FAULT ? 1 : 0;
}

/* A module just plugged in: factory memory, low power. */
static void lumen_mod_plug_in(LumenState *s)
{
    lumen_mod_init_memory(s);
    lumen_mod_put_state(s, LUMEN_MOD_LOW_PWR);
}

static void lumen_mod_set_state(LumenState *s, uint8_t state)
{
    if (state == s->mod_state) {
        return;
    }
    trace_lumen_module_state(s->mod_state, state);
    lumen_mod_put_state(s, state);
    lumen_intr_raise(s, LUMEN_INTR_MODULE);
    lumen_ports_tx_update(s);
}

/*
 * Where the module goes now: low power when the host asks, shut down
 * while too hot, else up (through PwrUp, which takes a while).
 */
static void lumen_mod_step(LumenState *s)
{
    int16_t temp = lumen_mod_temp(s);

    lumen_mod_update_module_monitors(s, temp);
    if (lumen_mod_low_power_wanted(s)) {
        lumen_mod_set_state(s, LUMEN_MOD_LOW_PWR);
    } else if (temp >= lumen_mod_temp_limits[0] ||
               (s->mod_state == LUMEN_MOD_FAULT &&
                temp >= lumen_mod_temp_limits[2])) {
        lumen_mod_set_state(s, LUMEN_MOD_FAULT);
    } else if (s->mod_state == LUMEN_MOD_LOW_PWR ||
               s->mod_state == LUMEN_MOD_FAULT) {
        lumen_mod_set_state(s, LUMEN_MOD_PWR_UP);
        s->mod_pwrup_ms = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);
    } else if (s->mod_state == LUMEN_MOD_PWR_UP &&
               !(s->test_faults & LUMEN_FAULT_MOD_STUCK) &&
               qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) - s->mod_pwrup_ms >=
               LUMEN_MOD_PWRUP_MS) {
        lumen_mod_set_state(s, LUMEN_MOD_READY);
    }
    lumen_mod_update_lanes(s);
}

static void lumen_mod_tick(void *opaque)
{
    LumenState *s = opaque;

    if (!lumen_module_present(s)) {
        return;
    }
    lumen_mod_step(s);
    timer_mod(s->mod_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
              (s->mod_state == LUMEN_MOD_PWR_UP ? LUMEN_MOD_PWRUP_MS :
                                                  LUMEN_MOD_TICK_MS));
}

/*
 * Something the module depends on changed: it was plugged or pulled,
 * the LPMode pin or its temperature was set.
 */
void lumen_module_update(LumenState *s)
{
    bool present = lumen_module_present(s);

    if (present != s->mod_present) {
        s->mod_present = present;
        trace_lumen_module_present(present);
        lumen_mod_plug_in(s);
        lumen_intr_raise(s, LUMEN_INTR_MODULE);
        lumen_ports_tx_update(s);
    }
    if (present) {
        lumen_mod_tick(s);
    } else {
        timer_del(s->mod_timer);
    }
}

bool lumen_module_read(LumenState *s, unsigned page, unsigned bank,
                       unsigned off, uint8_t *buf, unsigned len)
{
    if (off >= LUMEN_CMIS_MAX_LEN &&
        (bank != 0 || !lumen_mod_upper(s, page))) {
        return false;
    }
    lumen_mod_update_module_monitors(s, lumen_mod_temp(s));
    lumen_mod_update_lanes(s);
    memcpy(buf, lumen_mod_byte(s, page, off), len);
    lumen_mod_flags_read(s, page, off, len);
    return true;
}

/* Writable: the power control byte, and page 10h's lane controls. */
bool lumen_module_write(LumenState *s, unsigned page, unsigned bank,
                        unsigned off, const uint8_t *buf, unsigned len)
{
    unsigned i;

    if (off >= LUMEN_CMIS_MAX_LEN &&
        (bank != 0 || !lumen_mod_upper(s, page))) {
        return false;
    }
    for (i = 0; i < len; i++) {
        if (off + i == LUMEN_MOD_L_PWR_CTRL) {
            s->mod_lower[LUMEN_MOD_L_PWR_CTRL] =
                buf[i] & (LUMEN_MOD_PWR_ALLOW_HW | LUMEN_MOD_PWR_REQ_SW);
        } else if (off + i >= LUMEN_CMIS_MAX_LEN && page == 0x10) {
            *lumen_mod_byte(s, page, off + i) = buf[i];
        }
        /* the rest is read-only: writes are ignored, as CMIS says */
    }
    lumen_module_update(s);
    return true;
}

/* Plugged in, in low power; the first reset lets it power up. */
void lumen_module_realize(LumenState *s)
{
    s->mod_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, lumen_mod_tick, s);
    s->mod_present = true;
    lumen_mod_plug_in(s);
}

void lumen_module_unrealize(LumenState *s)
{
    timer_free(s->mod_timer);
}
