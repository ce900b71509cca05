/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the pluggable module's management interface.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The host reaches the module (lumen-module.c: its CMIS memory and its
 * power states) over a two-wire bus: one command moves up to 128 bytes
 * of one half page and keeps CMIS_STATUS.BUSY for as long as such a bus
 * would take, in virtual time.  The module may be pulled out (the test
 * window's NO_MODULE fault); a command then fails with ERR.
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

/* The command's fields, and whether they describe a transfer at all. */
static bool lumen_cmis_decode(uint32_t cmd, unsigned *page, unsigned *bank,
                              unsigned *off, unsigned *len)
{
    *off = LUMEN_FIELD_GET(LUMEN_CMIS_CMD_OFFSET, cmd);
    *page = LUMEN_FIELD_GET(LUMEN_CMIS_CMD_PAGE, cmd);
    *bank = LUMEN_FIELD_GET(LUMEN_CMIS_CMD_BANK, cmd);
    *len = LUMEN_FIELD_GET(LUMEN_CMIS_CMD_LEN, cmd);
    /* within one half: the lower page, or one upper page */
    return *len >= 1 && *len <= LUMEN_CMIS_MAX_LEN &&
           *off / LUMEN_CMIS_MAX_LEN ==
           (*off + *len - 1) / LUMEN_CMIS_MAX_LEN;
}

/* The bus finished: the bytes move now, as the module is at this time. */
static void lumen_cmis_done(void *opaque)
{
    LumenState *s = opaque;
    unsigned page, bank, off, len;
    bool write = s->cmis_cmd & LUMEN_CMIS_CMD_WRITE;
    bool ok;

    lumen_cmis_decode(s->cmis_cmd, &page, &bank, &off, &len);
    if (!lumen_module_present(s)) {
        ok = false;
    } else if (write) {
        ok = lumen_module_write(s, page, bank, off, s->cmis_data, len);
    } else {
        ok = lumen_module_read(s, page, bank, off, s->cmis_data, len);
    }
    trace_lumen_cmis_done(write, page, bank, off, len, ok);
    s->cmis_status &= ~LUMEN_CMIS_STATUS_BUSY;
    if (!ok) {
        s->cmis_status |= LUMEN_CMIS_STATUS_ERR;
    }
}

static void lumen_cmis_start(LumenState *s, uint32_t cmd)
{
    unsigned page, bank, off, len;

    if (s->cmis_status & LUMEN_CMIS_STATUS_BUSY) {
        trace_lumen_mmio_write_ignored(LUMEN_CMIS_CMD, cmd, "CMIS busy");
        return;
    }
    s->cmis_cmd = cmd;
    s->cmis_status &= ~LUMEN_CMIS_STATUS_ERR;
    if (!lumen_cmis_decode(cmd, &page, &bank, &off, &len)) {
        trace_lumen_mmio_write_ignored(LUMEN_CMIS_CMD, cmd,
                                       "CMIS command across halves");
        s->cmis_status |= LUMEN_CMIS_STATUS_ERR;
        return;
    }
    s->cmis_status |= LUMEN_CMIS_STATUS_BUSY;
    timer_mod(s->cmis_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              (LUMEN_CMIS_CMD_US + len * LUMEN_CMIS_BYTE_US) * SCALE_US);
}

bool lumen_cmis_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    if (addr >= LUMEN_CMIS_DATA) {
        *val = ldl_le_p(&s->cmis_data[addr - LUMEN_CMIS_DATA]);
        return true;
    }
    switch (addr) {
    case LUMEN_CMIS_STATUS:
        *val = s->cmis_status |
               (lumen_module_present(s) ? LUMEN_CMIS_STATUS_PRESENT : 0);
        return true;
    case LUMEN_CMIS_CTRL:
        *val = s->cmis_ctrl;
        return true;
    case LUMEN_CMIS_CMD:
        *val = 0;                       /* write-only */
        return true;
    default:
        return false;
    }
}

bool lumen_cmis_write(LumenState *s, hwaddr addr, uint32_t val)
{
    if (addr >= LUMEN_CMIS_DATA) {
        /* the bus owns the buffer while it runs */
        if (!(s->cmis_status & LUMEN_CMIS_STATUS_BUSY)) {
            stl_le_p(&s->cmis_data[addr - LUMEN_CMIS_DATA], val);
        }
        return true;
    }
    switch (addr) {
    case LUMEN_CMIS_CTRL:
        s->cmis_ctrl = val & LUMEN_CMIS_CTRL_LPMODE;
        lumen_module_update(s);
        return true;
    case LUMEN_CMIS_CMD:
        lumen_cmis_start(s, val);
        return true;
    case LUMEN_CMIS_STATUS:
        return true;                    /* read-only */
    default:
        return false;
    }
}

/* A device reset: the bus stops, the LPMode pin is released. */
void lumen_cmis_reset(LumenState *s)
{
    timer_del(s->cmis_timer);
    s->cmis_status = 0;
    s->cmis_cmd = 0;
    s->cmis_ctrl = 0;
    memset(s->cmis_data, 0, sizeof(s->cmis_data));
    lumen_module_update(s);
}

void lumen_cmis_realize(LumenState *s)
{
    s->cmis_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, lumen_cmis_done, s);
}

void lumen_cmis_unrealize(LumenState *s)
{
    timer_free(s->cmis_timer);
}
