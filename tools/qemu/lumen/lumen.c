/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: QOM/PCI shell.
 *
 * Copyright (c) 2025 The lumen project authors
 *
 * Type registration, properties, realize/exit, the BAR0 register
 * dispatch, the CTRL (identity, reset, CTRL_PORTS: lumen-split.c) and
 * INTR (misc interrupt) blocks,
 * MSI-X and the PCIe capabilities.  The queue engines, the port and the
 * test window live in their own files; lumen.h describes the split.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/module.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "hw/pci/msix.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_aer.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "lumen.h"
#include "hw/net/trace.h"

/* Config space layout */
#define LUMEN_PCIE_CAP_OFFSET   0xe0
#define LUMEN_AER_OFFSET        0x100
#define LUMEN_DSN_OFFSET        (LUMEN_AER_OFFSET + PCI_ERR_SIZEOF)

/* ---- interrupts -------------------------------------------------------- */

void lumen_msix_notify(LumenState *s, uint32_t vector)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (lumen_is_dead(s)) {
        trace_lumen_msix_skip(vector, "device dead");
    } else if (!msix_enabled(pdev)) {
        trace_lumen_msix_skip(vector, "MSI-X disabled");
    } else if (vector >= LUMEN_MAX_VECTORS) {
        trace_lumen_msix_skip(vector, "vector out of range");
    } else {
        trace_lumen_msix_notify(vector);
        msix_notify(pdev, vector);
    }
}

static bool lumen_intr_pending(LumenState *s)
{
    return s->intr_cause & s->intr_enable;
}

void lumen_intr_raise(LumenState *s, uint32_t causes)
{
    bool was_pending = lumen_intr_pending(s);

    s->intr_cause |= causes & LUMEN_INTR_ALL;
    trace_lumen_intr_raise(causes, s->intr_cause, s->intr_enable);
    if (!was_pending && lumen_intr_pending(s)) {
        lumen_msix_notify(s, s->intr_misc_vec);
    }
}

static void lumen_intr_set_enable(LumenState *s, uint32_t enable)
{
    s->intr_enable = enable & LUMEN_INTR_ALL;
    if (lumen_intr_pending(s)) {
        lumen_msix_notify(s, s->intr_misc_vec);
    }
}

/*
 * Something that gates DMA or reception changed (ready, dead, reset):
 * let both engines look again.
 */
void lumen_state_changed(LumenState *s)
{
    lumen_tx_kick(s);
    lumen_ports_rx_kick(s);
}

/* ---- reset ------------------------------------------------------------- */

/* Everything a reset puts back; the test window's state is not touched. */
static void lumen_reset_registers(LumenState *s)
{
    qemu_bh_cancel(s->tx_bh);
    lumen_burst_reset(s);
    timer_del(s->reset_timer);
    s->scratch = 0;
    s->clock_latch = 0;
    s->intr_cause = 0;
    s->intr_enable = 0;
    s->intr_misc_vec = LUMEN_MISC_VECTOR;
    lumen_queues_reset(s);
    lumen_split_reset(s);
    lumen_cmis_reset(s);
    lumen_rss_reset(s);
    lumen_stats_reset(s);
    lumen_fw_reset(s);
    /* what the parts raised while they reset is part of the reset */
    s->intr_cause = 0;
}

/* CTRL_CTRL.RESET: the device is busy for LUMEN_RESET_TIME_US. */
static void lumen_device_reset(LumenState *s)
{
    trace_lumen_reset("device");
    lumen_reset_registers(s);
    s->status = LUMEN_CTRL_STATUS_RESETTING;
    timer_mod(s->reset_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              LUMEN_RESET_TIME_US * SCALE_US);
    lumen_state_changed(s);
}

static void lumen_reset_done(void *opaque)
{
    LumenState *s = opaque;

    if (s->test_faults & LUMEN_FAULT_RESET_HANG) {
        trace_lumen_reset_hang();
        return;
    }
    s->status = LUMEN_CTRL_STATUS_READY;
    trace_lumen_reset_done();
    lumen_state_changed(s);
}

/*
 * The firmware died: the engines stop (the device is no longer READY),
 * CTRL_STATUS says FATAL and the FATAL cause is raised.  Only a reset
 * brings the device back.
 */
void lumen_fw_fatal(LumenState *s)
{
    trace_lumen_fw_fatal();
    s->status = (s->status & ~LUMEN_CTRL_STATUS_READY) |
                LUMEN_CTRL_STATUS_FATAL;
    lumen_intr_raise(s, LUMEN_INTR_FATAL);
}

/* qdev/system reset: instant, unless the reset-hang fault is injected. */
static void lumen_qdev_reset(DeviceState *dev)
{
    LumenState *s = LUMEN(dev);

    trace_lumen_reset("system");
    lumen_reset_registers(s);
    if (s->test_faults & LUMEN_FAULT_RESET_HANG) {
        s->status = LUMEN_CTRL_STATUS_RESETTING;
        trace_lumen_reset_hang();
    } else {
        s->status = LUMEN_CTRL_STATUS_READY;
    }
    lumen_state_changed(s);
}

/* ---- CTRL block -------------------------------------------------------- */

static uint32_t lumen_ctrl_rev(LumenState *s)
{
    if (s->test_rev) {
        return s->test_rev;
    }
    return LUMEN_FIELD_PREP(LUMEN_CTRL_REV_MAJOR, LUMEN_REV_MAJOR_SUPPORTED) |
           LUMEN_FIELD_PREP(LUMEN_CTRL_REV_MINOR, 0);
}

static uint32_t lumen_ctrl_cap(LumenState *s)
{
    return LUMEN_FIELD_PREP(LUMEN_CTRL_CAP_QP, s->num_qp) |
           LUMEN_FIELD_PREP(LUMEN_CTRL_CAP_VECTORS,
                            1 + s->num_qp + s->num_raw_qp) |
           LUMEN_FIELD_PREP(LUMEN_CTRL_CAP_LANES, LUMEN_NUM_LANES) |
           LUMEN_FIELD_PREP(LUMEN_CTRL_CAP_RAW, s->num_raw_qp);
}

static bool lumen_ctrl_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    const uint8_t *mac = s->conf.macaddr.a;

    switch (addr) {
    case LUMEN_CTRL_ID:
        *val = LUMEN_CTRL_ID_MAGIC;
        break;
    case LUMEN_CTRL_REV:
        *val = lumen_ctrl_rev(s);
        break;
    case LUMEN_CTRL_FW_VER:
        *val = s->fw_running;
        break;
    case LUMEN_CTRL_CAP:
        *val = lumen_ctrl_cap(s);
        break;
    case LUMEN_CTRL_CTRL:
        *val = 0;                       /* RESET self-clears */
        break;
    case LUMEN_CTRL_STATUS:
        *val = s->status;
        break;
    case LUMEN_CTRL_MAC_LO:
        *val = lumen_mac_lo(mac);
        break;
    case LUMEN_CTRL_MAC_HI:
        *val = lumen_mac_hi(mac);
        break;
    case LUMEN_CTRL_SERIAL_LO:
        *val = (uint32_t)s->serial;
        break;
    case LUMEN_CTRL_SERIAL_HI:
        *val = s->serial >> 32;
        break;
    case LUMEN_CTRL_BOARD_ID:
        *val = s->board_id;
        break;
    case LUMEN_CTRL_SCRATCH:
        *val = s->scratch;
        break;
    case LUMEN_CTRL_CLOCK_LO:
        /* Latch the whole clock so that a LO, HI pair is consistent. */
        s->clock_latch = lumen_clock_ns();
        *val = (uint32_t)s->clock_latch;
        break;
    case LUMEN_CTRL_CLOCK_HI:
        *val = s->clock_latch >> 32;
        break;
    case LUMEN_CTRL_PORTS:
        *val = s->num_ports;
        break;
    default:
        return false;
    }
    return true;
}

static bool lumen_ctrl_write(LumenState *s, hwaddr addr, uint32_t val)
{
    switch (addr) {
    case LUMEN_CTRL_CTRL:
        if (val & LUMEN_CTRL_CTRL_RESET) {
            lumen_device_reset(s);
        }
        return true;
    case LUMEN_CTRL_SCRATCH:
        s->scratch = val;
        return true;
    case LUMEN_CTRL_PORTS:
        lumen_split_write(s, val);
        return true;
    default:
        /* The rest of the block is read-only. */
        return addr < LUMEN_CTRL_END;
    }
}

/* ---- INTR block -------------------------------------------------------- */

static bool lumen_intr_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    switch (addr) {
    case LUMEN_INTR_CAUSE:
        *val = s->intr_cause;
        break;
    case LUMEN_INTR_ENABLE:
        *val = s->intr_enable;
        break;
    case LUMEN_INTR_MISC_VEC:
        *val = s->intr_misc_vec;
        break;
    case LUMEN_INTR_SET:
        *val = 0;                       /* write-only */
        break;
    default:
        return false;
    }
    return true;
}

static bool lumen_intr_write(LumenState *s, hwaddr addr, uint32_t val)
{
    switch (addr) {
    case LUMEN_INTR_CAUSE:
        s->intr_cause &= ~val;
        break;
    case LUMEN_INTR_ENABLE:
        lumen_intr_set_enable(s, val);
        break;
    case LUMEN_INTR_MISC_VEC:
        s->intr_misc_vec = val;
        break;
    case LUMEN_INTR_SET:
        /* Any cause; INTR_TEST exists only for this (driver self-test). */
        lumen_intr_raise(s, val);
        break;
    default:
        return false;
    }
    return true;
}

/* ---- BAR0 dispatch ----------------------------------------------------- */

static bool lumen_in_block(hwaddr addr, hwaddr base, hwaddr end)
{
    return addr >= base && addr < end;
}

static bool lumen_qp_decode(LumenState *s, hwaddr addr, unsigned *qpi,
                            hwaddr *reg)
{
    if (!lumen_in_block(addr, LUMEN_QP_BASE, LUMEN_QP(s->num_qp, 0))) {
        return false;
    }
    *qpi = (addr - LUMEN_QP_BASE) / LUMEN_QP_STRIDE;
    *reg = (addr - LUMEN_QP_BASE) % LUMEN_QP_STRIDE;
    return true;
}

/* Raw queue pair @n of the configured ones, and the register in its block. */
static bool lumen_raw_decode(LumenState *s, hwaddr addr, unsigned *n,
                             hwaddr *reg)
{
    if (!lumen_in_block(addr, LUMEN_RAW_BASE,
                        LUMEN_RAW_QP(s->num_raw_qp, 0))) {
        return false;
    }
    *n = (addr - LUMEN_RAW_BASE) / LUMEN_QP_STRIDE;
    *reg = (addr - LUMEN_RAW_BASE) % LUMEN_QP_STRIDE;
    return true;
}

/* One aligned 32-bit register read; false for an undefined offset. */
static bool lumen_reg_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    uint64_t val64;
    unsigned qpi;
    hwaddr reg;

    *val = 0;
    if (lumen_in_block(addr, LUMEN_CTRL_BASE, LUMEN_CTRL_END)) {
        return lumen_ctrl_read(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_INTR_BASE, LUMEN_INTR_END)) {
        return lumen_intr_read(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_PORT_BASE, LUMEN_LANE_BASE)) {
        return lumen_port_read(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_LANE_BASE, LUMEN_LANE_END)) {
        return lumen_lane_read(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_CMIS_BASE, LUMEN_CMIS_END)) {
        return lumen_cmis_read(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_MBOX_BASE, LUMEN_MBOX_END)) {
        return lumen_fw_read(s, addr, val);
    }
    if (lumen_qp_decode(s, addr, &qpi, &reg)) {
        return lumen_qp_read(s, qpi, reg, val);
    }
    if (lumen_raw_decode(s, addr, &qpi, &reg)) {
        return lumen_raw_read(s, qpi, reg, val);
    }
    if (lumen_in_block(addr, LUMEN_RSS_BASE, LUMEN_RSS_END)) {
        return lumen_rss_read(s, addr, val);
    }
    if (lumen_stat_read(s, addr, 4, &val64)) {
        *val = val64;
        return true;
    }
    return false;
}

/* One aligned 32-bit register write; false for an undefined offset. */
static bool lumen_reg_write(LumenState *s, hwaddr addr, uint32_t val)
{
    unsigned qpi;
    hwaddr reg;

    if (lumen_in_block(addr, LUMEN_CTRL_BASE, LUMEN_CTRL_END)) {
        return lumen_ctrl_write(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_INTR_BASE, LUMEN_INTR_END)) {
        return lumen_intr_write(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_PORT_BASE, LUMEN_LANE_BASE)) {
        return lumen_port_write(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_LANE_BASE, LUMEN_LANE_END)) {
        return lumen_lane_write(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_CMIS_BASE, LUMEN_CMIS_END)) {
        return lumen_cmis_write(s, addr, val);
    }
    if (lumen_in_block(addr, LUMEN_MBOX_BASE, LUMEN_MBOX_END)) {
        return lumen_fw_write(s, addr, val);
    }
    if (lumen_qp_decode(s, addr, &qpi, &reg)) {
        return lumen_qp_write(s, qpi, reg, val);
    }
    if (lumen_raw_decode(s, addr, &qpi, &reg)) {
        return lumen_raw_write(s, qpi, reg, val);
    }
    if (lumen_in_block(addr, LUMEN_RSS_BASE, LUMEN_RSS_END)) {
        return lumen_rss_write(s, addr, val);
    }
    /* Statistics are read-only. */
    return lumen_stat_block(addr);
}

static uint64_t lumen_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    LumenState *s = opaque;
    hwaddr reg = QEMU_ALIGN_DOWN(addr, 4);
    uint32_t val32;
    uint64_t val;

    if (lumen_is_dead(s)) {
        val = MAKE_64BIT_MASK(0, size * 8);
    } else if (size == 8) {
        /* Only the 64-bit statistics counters take 8-byte reads. */
        if (!lumen_stat_read(s, addr, 8, &val)) {
            trace_lumen_mmio_read_undef(addr, size);
            val = 0;
        }
    } else {
        if (!lumen_reg_read(s, reg, &val32)) {
            trace_lumen_mmio_read_undef(addr, size);
        }
        val = extract64(val32, (addr - reg) * 8, size * 8);
    }
    trace_lumen_mmio_read(addr, val, size);
    return val;
}

static void lumen_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    LumenState *s = opaque;

    trace_lumen_mmio_write(addr, val, size);
    if (lumen_is_dead(s)) {
        trace_lumen_mmio_write_ignored(addr, val, "device dead");
    } else if (size != 4) {
        trace_lumen_mmio_write_ignored(addr, val, "not a 4-byte access");
    } else if ((s->status & LUMEN_CTRL_STATUS_RESETTING) &&
               !lumen_in_block(addr, LUMEN_CTRL_BASE, LUMEN_CTRL_END)) {
        trace_lumen_mmio_write_ignored(addr, val, "device resetting");
    } else if (!lumen_reg_write(s, addr, val)) {
        trace_lumen_mmio_write_ignored(addr, val, "undefined register");
    }
}

/*
 * Registers are 32 bits; the statistics counters also take one 64-bit
 * read.  Narrower reads are served from the containing register so that
 * a dead device reads all-ones at any size.
 */
static const MemoryRegionOps lumen_mmio_ops = {
    .read = lumen_mmio_read,
    .write = lumen_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
};

/* ---- realize / exit ---------------------------------------------------- */

static uint64_t lumen_default_serial(const uint8_t *mac)
{
    uint64_t serial = LUMEN_SERIAL_PREFIX;
    int i;

    for (i = 0; i < ETH_ALEN; i++) {
        serial |= (uint64_t)mac[i] << (8 * (ETH_ALEN - 1 - i));
    }
    return serial;
}

/* BAR2: the MSI-X table in the lower half, the PBA in the upper half. */
#define LUMEN_MSIX_BAR_SIZE     0x1000
#define LUMEN_MSIX_PBA_OFFSET   (LUMEN_MSIX_BAR_SIZE / 2)

QEMU_BUILD_BUG_ON(LUMEN_MAX_VECTORS * PCI_MSIX_ENTRY_SIZE >
                  LUMEN_MSIX_PBA_OFFSET);

static bool lumen_init_msix(LumenState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    unsigned v;

    memory_region_init(&s->msix, OBJECT(s), "lumen-msix",
                       LUMEN_MSIX_BAR_SIZE);
    if (msix_init(pdev, LUMEN_MAX_VECTORS, &s->msix, LUMEN_BAR_MSIX, 0,
                  &s->msix, LUMEN_BAR_MSIX, LUMEN_MSIX_PBA_OFFSET, 0,
                  errp)) {
        return false;
    }
    pci_register_bar(pdev, LUMEN_BAR_MSIX,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->msix);
    for (v = 0; v < LUMEN_MAX_VECTORS; v++) {
        msix_vector_use(pdev, v);
    }
    return true;
}

static void lumen_cleanup_msix(LumenState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    unsigned v;

    if (!msix_present(pdev)) {
        return;
    }
    for (v = 0; v < LUMEN_MAX_VECTORS; v++) {
        msix_vector_unuse(pdev, v);
    }
    msix_uninit(pdev, &s->msix, &s->msix);
}

static bool lumen_init_pcie(LumenState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (pcie_endpoint_cap_init(pdev, LUMEN_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "cannot add the PCIe capability");
        return false;
    }
    pcie_cap_flr_init(pdev);
    if (pcie_aer_init(pdev, PCI_ERR_VER, LUMEN_AER_OFFSET, PCI_ERR_SIZEOF,
                      errp) < 0) {
        pcie_cap_exit(pdev);
        return false;
    }
    pcie_dev_ser_num_init(pdev, LUMEN_DSN_OFFSET, s->serial);
    return true;
}

/* Function-level reset through the PCIe capability: like a system reset. */
static void lumen_write_config(PCIDevice *pdev, uint32_t addr, uint32_t val,
                               int len)
{
    pci_default_write_config(pdev, addr, val, len);
    pcie_cap_flr_write_config(pdev, addr, val, len);
}

static void lumen_realize(PCIDevice *pdev, Error **errp)
{
    LumenState *s = LUMEN(pdev);

    if (s->num_qp < 1 || s->num_qp > LUMEN_MAX_QP) {
        error_setg(errp, "queues=%" PRIu32 " is out of range, "
                   "it must be between 1 and %d", s->num_qp, LUMEN_MAX_QP);
        return;
    }
    if (s->num_raw_qp > LUMEN_MAX_RAW_QP) {
        error_setg(errp, "raw-queues=%" PRIu32 " is out of range, "
                   "it must be between 0 and %d", s->num_raw_qp,
                   LUMEN_MAX_RAW_QP);
        return;
    }

    qemu_macaddr_default_if_unset(&s->conf.macaddr);
    if (!s->serial) {
        s->serial = lumen_default_serial(s->conf.macaddr.a);
    }

    memory_region_init_io(&s->mmio, OBJECT(s), &lumen_mmio_ops, s,
                          "lumen-regs", LUMEN_BAR_REGS_SIZE);
    pci_register_bar(pdev, LUMEN_BAR_REGS,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->mmio);
    lumen_testwin_init(s);

    if (!lumen_init_msix(s, errp)) {
        return;
    }
    if (!lumen_init_pcie(s, errp)) {
        lumen_cleanup_msix(s);
        return;
    }

    s->reset_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, lumen_reset_done, s);
    lumen_irq_timers_init(s);
    s->tx_bh = qemu_bh_new_guarded(lumen_tx_bh, s,
                                   &DEVICE(pdev)->mem_reentrancy_guard);
    lumen_port_realize(s);
    lumen_fw_realize(s);

    s->test_faults = s->fail_reset ? LUMEN_FAULT_RESET_HANG : 0;
    s->test_rev = 0;
    s->test_corrupt = 0;
    lumen_qdev_reset(DEVICE(s));
}

static void lumen_exit(PCIDevice *pdev)
{
    LumenState *s = LUMEN(pdev);

    lumen_fw_unrealize(s);
    lumen_port_unrealize(s);
    qemu_bh_delete(s->tx_bh);
    s->tx_bh = NULL;
    timer_free(s->reset_timer);
    s->reset_timer = NULL;
    lumen_irq_timers_free(s);
    pcie_aer_exit(pdev);
    pcie_cap_exit(pdev);
    lumen_cleanup_msix(s);
}

/*
 * Not migratable yet: the DMA engines keep state (ring positions, CQ
 * phase, armed interrupts, the reset timer) that has no VMState
 * description, so a migrated device would corrupt its guest's rings.
 */
static const VMStateDescription lumen_vmstate = {
    .name = TYPE_LUMEN,
    .unmigratable = 1,
};

static Property lumen_properties[] = {
    DEFINE_NIC_PROPERTIES(LumenState, conf),
    DEFINE_PROP_UINT64("serial", LumenState, serial, 0),
    DEFINE_PROP_UINT32("queues", LumenState, num_qp, LUMEN_MAX_QP),
    DEFINE_PROP_UINT32("raw-queues", LumenState, num_raw_qp,
                       LUMEN_MAX_RAW_QP),
    DEFINE_PROP_BOOL("fail-reset", LumenState, fail_reset, false),
    DEFINE_PROP_BOOL("burst", LumenState, burst, true),
    DEFINE_PROP_UINT32("board-id", LumenState, board_id,
                       LUMEN_DEFAULT_BOARD_ID),
    DEFINE_PROP_UINT32("fw-version", LumenState, fw_version,
                       LUMEN_DEFAULT_FW_VERSION),
    DEFINE_PROP_END_OF_LIST(),
};

static void lumen_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = lumen_realize;
    k->exit = lumen_exit;
    k->config_write = lumen_write_config;
    k->vendor_id = LUMEN_PCI_VENDOR_ID;
    k->device_id = LUMEN_PCI_DEVICE_ID;
    k->revision = LUMEN_PCI_REVISION;
    k->subsystem_vendor_id = LUMEN_PCI_VENDOR_ID;
    k->subsystem_id = LUMEN_PCI_SUBSYS_ID;
    k->class_id = PCI_CLASS_NETWORK_OTHER;

    dc->desc = "lumen 400G optical NIC (emulated)";
    dc->reset = lumen_qdev_reset;
    dc->vmsd = &lumen_vmstate;
    device_class_set_props(dc, lumen_properties);
    lumen_testwin_class_init(klass);
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
}

static const TypeInfo lumen_type_info = {
    .name = TYPE_LUMEN,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(LumenState),
    .class_init = lumen_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void lumen_register_types(void)
{
    type_register_static(&lumen_type_info);
}

type_init(lumen_register_types)
