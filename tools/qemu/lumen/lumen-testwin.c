/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the test-only fault window (BAR4).
 *
 * Copyright (c) 2025 The lumen project authors
 *
 * Real lumen boards have no such BAR; the model exposes it so that guest
 * selftests (through /sys/bus/pci/devices/<bdf>/resource4) and the host
 * can inject faults.  The driver never maps it.  Faults survive device
 * and system resets: they stay until cleared here.
 */

#include "qemu/osdep.h"
#include "lumen.h"
#include "hw/net/trace.h"

#define LUMEN_TEST_FAULTS_ALL   (LUMEN_FAULT_RESET_HANG | LUMEN_FAULT_DEAD)

static uint64_t lumen_testwin_read(void *opaque, hwaddr addr, unsigned size)
{
    LumenState *s = opaque;
    uint32_t val;

    switch (addr) {
    case LUMEN_TEST_ID:
        val = LUMEN_TEST_ID_MAGIC;
        break;
    case LUMEN_TEST_FAULTS:
        val = s->test_faults;
        break;
    case LUMEN_TEST_REV:
        val = s->test_rev;
        break;
    default:
        val = 0;
        break;
    }
    trace_lumen_testwin_read(addr, val);
    return val;
}

static void lumen_testwin_set_faults(LumenState *s, uint32_t faults)
{
    bool was_dead = lumen_is_dead(s);

    s->test_faults = faults & LUMEN_TEST_FAULTS_ALL;
    if (was_dead && !lumen_is_dead(s)) {
        /* Alive again: resume DMA and reception. */
        lumen_state_changed(s);
    } else if (!was_dead && lumen_is_dead(s)) {
        /* Held frames are dropped now rather than delivered later. */
        lumen_port_rx_kick(s);
    }
}

static void lumen_testwin_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    LumenState *s = opaque;

    trace_lumen_testwin_write(addr, val);
    switch (addr) {
    case LUMEN_TEST_FAULTS:
        lumen_testwin_set_faults(s, val);
        break;
    case LUMEN_TEST_REV:
        s->test_rev = val;
        break;
    default:
        break;                          /* TEST_ID and the rest: read-only */
    }
}

static const MemoryRegionOps lumen_testwin_ops = {
    .read = lumen_testwin_read,
    .write = lumen_testwin_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

void lumen_testwin_init(LumenState *s)
{
    memory_region_init_io(&s->testwin, OBJECT(s), &lumen_testwin_ops, s,
                          "lumen-testwin", LUMEN_BAR_TEST_SIZE);
    pci_register_bar(PCI_DEVICE(s), LUMEN_BAR_TEST,
                     PCI_BASE_ADDRESS_SPACE_MEMORY, &s->testwin);
}
