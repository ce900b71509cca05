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
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "lumen.h"
#include "hw/net/trace.h"

#define LUMEN_TEST_FAULTS_ALL   (LUMEN_FAULT_RESET_HANG | LUMEN_FAULT_DEAD | \
                                 LUMEN_FAULT_IRQ_LOST | LUMEN_FAULT_TX_HANG | \
                                 LUMEN_FAULT_LOS | LUMEN_FAULT_TRAINING | \
                                 LUMEN_FAULT_NO_PARTNER | \
                                 LUMEN_FAULT_NO_MODULE | \
                                 LUMEN_FAULT_MBOX_HANG | \
                                 LUMEN_FAULT_FLASH_FAIL | \
                                 LUMEN_FAULT_BOOT_FAIL | \
                                 LUMEN_FAULT_MOD_STUCK)

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
    case LUMEN_TEST_CORRUPT:
        val = s->test_corrupt;
        break;
    case LUMEN_TEST_LANE_BER(0) ... LUMEN_TEST_LANE_BER(LUMEN_NUM_LANES) - 1:
        val = lumen_lane_get_ber(s, (addr - LUMEN_TEST_LANE_BER(0)) / 4);
        break;
    case LUMEN_TEST_MOD_TEMP:
        val = s->mod_temp_test;
        break;
    case LUMEN_TEST_LANE_LOS:
        val = s->lane_los;
        break;
    case LUMEN_TEST_LANE_ATTEN:
        val = s->lane_atten;
        break;
    case LUMEN_TEST_LASER_AGE:
        val = s->laser_age;
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

    if (faults & LUMEN_FAULT_FW_FATAL) {
        lumen_fw_fatal(s);              /* an event, not a state */
    }
    if (faults & LUMEN_FAULT_FLASH_ROT) {
        lumen_fw_rot(s);                /* an event too */
    }
    s->test_faults = faults & LUMEN_TEST_FAULTS_ALL;
    if (!(s->test_faults & LUMEN_FAULT_TX_HANG)) {
        lumen_tx_kick(s);               /* a hung TX engine resumes */
    }
    if (was_dead && !lumen_is_dead(s)) {
        /* Alive again: resume DMA and reception. */
        lumen_state_changed(s);
    } else if (!was_dead && lumen_is_dead(s)) {
        /* Held frames are dropped now rather than delivered later. */
        lumen_ports_rx_kick(s);
    }
    /* the module pulled out or plugged back in */
    lumen_module_update(s);
    /* the link faults, every port's: down with their reason, or up */
    lumen_ports_update_link(s);
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
    case LUMEN_TEST_CORRUPT:
        s->test_corrupt = val & (LUMEN_CORRUPT_COUNT | LUMEN_CORRUPT_KIND);
        break;
    case LUMEN_TEST_LANE_BER(0) ... LUMEN_TEST_LANE_BER(LUMEN_NUM_LANES) - 1:
        lumen_lane_set_ber(s, (addr - LUMEN_TEST_LANE_BER(0)) / 4, val);
        break;
    case LUMEN_TEST_MOD_TEMP:
        s->mod_temp_test = val & (LUMEN_MOD_TEMP_VALUE |
                                  LUMEN_MOD_TEMP_OVERRIDE);
        lumen_module_update(s);
        break;
    case LUMEN_TEST_LANE_LOS:
        s->lane_los = val & MAKE_64BIT_MASK(0, LUMEN_NUM_LANES);
        lumen_module_update(s);         /* its RX power monitors */
        lumen_ports_update_link(s);     /* the lanes' ports go down */
        break;
    case LUMEN_TEST_LANE_ATTEN:
        s->lane_atten = val;
        lumen_module_update(s);
        lumen_ports_update_link(s);     /* a lane attenuated out of sight */
        break;
    case LUMEN_TEST_LASER_AGE:
        s->laser_age = val;
        lumen_module_update(s);
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

/*
 * Called for every completion the device is about to write: while
 * TEST_CORRUPT has a count left and its kind fits this completion, make
 * the completion lie the way the kind says.
 */
void lumen_testwin_corrupt_cqe(LumenState *s, uint32_t flags, uint16_t *len,
                               uint16_t *id)
{
    uint32_t left = LUMEN_FIELD_GET(LUMEN_CORRUPT_COUNT, s->test_corrupt);
    uint32_t kind = LUMEN_FIELD_GET(LUMEN_CORRUPT_KIND, s->test_corrupt);
    bool rx = flags & LUMEN_CQE_RX;

    if (!left) {
        return;
    }
    switch (kind) {
    case LUMEN_CORRUPT_RX_LEN:
        if (!rx) {
            return;
        }
        *len = UINT16_MAX;
        break;
    case LUMEN_CORRUPT_RX_ID:
        if (!rx) {
            return;
        }
        *id += 1;
        break;
    case LUMEN_CORRUPT_RX_ZERO:
        if (!rx) {
            return;
        }
        *len = 0;
        break;
    case LUMEN_CORRUPT_TX_ID:
        if (rx) {
            return;
        }
        *id += LUMEN_RING_MAX / 2;
        break;
    default:
        return;
    }
    s->test_corrupt = LUMEN_FIELD_DP(s->test_corrupt, LUMEN_CORRUPT_COUNT,
                                     left - 1);
    trace_lumen_testwin_corrupt(kind, left - 1);
}

void lumen_testwin_init(LumenState *s)
{
    memory_region_init_io(&s->testwin, OBJECT(s), &lumen_testwin_ops, s,
                          "lumen-testwin", LUMEN_BAR_TEST_SIZE);
    pci_register_bar(PCI_DEVICE(s), LUMEN_BAR_TEST,
                     PCI_BASE_ADDRESS_SPACE_MEMORY, &s->testwin);
}

/*
 * The host's way in: the "test-faults" property is TEST_FAULTS, read and
 * written with QMP qom-get/qom-set on the device, e.g.
 *   { "execute": "qom-set", "arguments": { "path": "lumen0",
 *     "property": "test-faults", "value": 32 } }
 */
static void lumen_testwin_get_faults(Object *obj, Visitor *v,
                                     const char *name, void *opaque,
                                     Error **errp)
{
    LumenState *s = LUMEN(obj);
    uint32_t faults = s->test_faults;

    visit_type_uint32(v, name, &faults, errp);
}

static void lumen_testwin_set_faults_prop(Object *obj, Visitor *v,
                                          const char *name, void *opaque,
                                          Error **errp)
{
    LumenState *s = LUMEN(obj);
    const uint32_t valid = LUMEN_TEST_FAULTS_ALL | LUMEN_FAULT_FW_FATAL |
                           LUMEN_FAULT_FLASH_ROT;
    uint32_t faults;

    if (!visit_type_uint32(v, name, &faults, errp)) {
        return;
    }
    if (!DEVICE(obj)->realized) {
        error_setg(errp, "%s: only on a running device", name);
        return;
    }
    if (faults & ~valid) {
        error_setg(errp, "test-faults: 0x%" PRIx32 " has bits that are no "
                   "fault (valid: 0x%" PRIx32 ")", faults, valid);
        return;
    }
    trace_lumen_testwin_write(LUMEN_TEST_FAULTS, faults);
    lumen_testwin_set_faults(s, faults);
}

/*
 * The other registers of the window, one property each, with the same
 * effects as a write from the guest: "test-lane-los", "test-mod-temp",
 * "test-lane-atten", "test-laser-age" and "test-lane<n>-ber".  The
 * property's opaque is the register offset.
 */
static void lumen_testwin_get_reg(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    uint32_t val = lumen_testwin_read(LUMEN(obj), (uintptr_t)opaque, 4);

    visit_type_uint32(v, name, &val, errp);
}

static void lumen_testwin_set_reg(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    uint32_t val;

    if (!visit_type_uint32(v, name, &val, errp)) {
        return;
    }
    if (!DEVICE(obj)->realized) {
        /* the window acts on a running device; use fail-reset at start */
        error_setg(errp, "%s: only on a running device", name);
        return;
    }
    lumen_testwin_write(LUMEN(obj), (uintptr_t)opaque, val, 4);
}

static void lumen_testwin_add_reg(ObjectClass *klass, const char *name,
                                  hwaddr reg, const char *desc)
{
    object_class_property_add(klass, name, "uint32", lumen_testwin_get_reg,
                              lumen_testwin_set_reg, NULL,
                              (void *)(uintptr_t)reg);
    object_class_property_set_description(klass, name, desc);
}

void lumen_testwin_class_init(ObjectClass *klass)
{
    unsigned n;

    object_class_property_add(klass, "test-faults", "uint32",
                              lumen_testwin_get_faults,
                              lumen_testwin_set_faults_prop, NULL, NULL);
    object_class_property_set_description(klass, "test-faults",
        "Test-only: the TEST_FAULTS register of the fault window");
    lumen_testwin_add_reg(klass, "test-lane-los", LUMEN_TEST_LANE_LOS,
        "Test-only: TEST_LANE_LOS, bit n: loss of signal on RX lane n");
    lumen_testwin_add_reg(klass, "test-mod-temp", LUMEN_TEST_MOD_TEMP,
        "Test-only: TEST_MOD_TEMP, bit 31 forces the module temperature "
        "to bits 15:0 (s16, 1/256 degC)");
    lumen_testwin_add_reg(klass, "test-lane-atten", LUMEN_TEST_LANE_ATTEN,
        "Test-only: TEST_LANE_ATTEN, bits 4n+3:4n: dB lost on the light "
        "RX lane n receives (15: none arrives)");
    lumen_testwin_add_reg(klass, "test-laser-age", LUMEN_TEST_LASER_AGE,
        "Test-only: TEST_LASER_AGE, bits 4n+3:4n: age of lane n's laser "
        "(each step -1 dB of light, +1 mA of bias)");
    for (n = 0; n < LUMEN_NUM_LANES; n++) {
        g_autofree char *name = g_strdup_printf("test-lane%u-ber", n);

        lumen_testwin_add_reg(klass, name, LUMEN_TEST_LANE_BER(n),
            "Test-only: TEST_LANE_BER, the lane's pre-FEC bit error ratio "
            "in errors per 10^12 bits");
    }
}
