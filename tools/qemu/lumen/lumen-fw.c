/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: the firmware flash and its mailbox.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The device runs its firmware out of two banks: the running image,
 * whose version CTRL_FW_VER reports, and the stored bank, which the next
 * device reset boots once the host activated it.  The host writes a new
 * image through the mailbox (MBOX block): it is staged in device memory,
 * checked as a whole, then programmed into the stored bank.  The device
 * trusts nothing of the image: magic, header, device, size, both CRCs
 * and the version (no downgrade) are checked before a byte is programmed.
 *
 * Every command is checked when it is written and reports once the flash
 * would have finished, in virtual time (LUMEN_FW_*_US); what COMMIT and
 * ACTIVATE change happens then, so that a reset in between changes
 * nothing.  The stored bank's verdict (intact, and its version) is kept
 * from when it last changed.  The test window can hang WRITEs, make
 * programming fail, flip a bit of the stored bank and make an activated
 * image fail to boot.
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/units.h"
#include <zlib.h>
#include "lumen.h"
#include "hw/net/trace.h"

/* What the factory programmed: an image of fw-version, this much payload. */
#define LUMEN_FW_FACTORY_PAYLOAD    (64 * KiB)
#define LUMEN_FW_FACTORY_NAME       "factory"

static uint32_t lumen_fw_crc(const uint8_t *buf, size_t len)
{
    return crc32(0, buf, len);
}

/* The header's CRC covers every byte before the hdr_crc field. */
static uint32_t lumen_fw_hdr_crc(const struct lumen_fw_hdr *h)
{
    return lumen_fw_crc((const uint8_t *)h,
                        offsetof(struct lumen_fw_hdr, hdr_crc));
}

/* Is @buf a whole, intact image for this device?  Its version in @ver. */
static uint8_t lumen_fw_check(const uint8_t *buf, size_t len, uint32_t *ver)
{
    struct lumen_fw_hdr h;

    if (len < LUMEN_FW_HDR_LEN) {
        return LUMEN_FW_ERR_SIZE;
    }
    memcpy(&h, buf, sizeof(h));
    if (le32_to_cpu(h.magic) != LUMEN_FW_MAGIC) {
        return LUMEN_FW_ERR_MAGIC;
    }
    if (le16_to_cpu(h.hdr_version) != LUMEN_FW_HDR_VERSION ||
        le16_to_cpu(h.hdr_len) != LUMEN_FW_HDR_LEN ||
        le32_to_cpu(h.hdr_crc) != lumen_fw_hdr_crc(&h)) {
        return LUMEN_FW_ERR_HDR;
    }
    if (le16_to_cpu(h.vendor_id) != LUMEN_PCI_VENDOR_ID ||
        le16_to_cpu(h.device_id) != LUMEN_PCI_DEVICE_ID) {
        return LUMEN_FW_ERR_DEVICE;
    }
    if ((uint64_t)le32_to_cpu(h.payload_len) + LUMEN_FW_HDR_LEN != len) {
        return LUMEN_FW_ERR_SIZE;
    }
    if (le32_to_cpu(h.payload_crc) !=
        lumen_fw_crc(buf + LUMEN_FW_HDR_LEN, len - LUMEN_FW_HDR_LEN)) {
        return LUMEN_FW_ERR_CRC;
    }
    *ver = le32_to_cpu(h.version);
    return LUMEN_FW_OK;
}

/* Check the stored bank as COMMIT checked it; keep the verdict. */
static void lumen_fw_stored_verify(LumenState *s)
{
    s->fw_stored_ver = 0;
    if (!s->fw_stored) {
        s->fw_stored_err = LUMEN_FW_ERR_NO_IMAGE;
        return;
    }
    s->fw_stored_err = lumen_fw_check(s->fw_stored, s->fw_stored_len,
                                      &s->fw_stored_ver);
    if (s->fw_stored_err != LUMEN_FW_OK) {
        s->fw_stored_ver = 0;
    }
}

static void lumen_fw_stored_erase(LumenState *s)
{
    g_free(s->fw_stored);
    s->fw_stored = NULL;
    s->fw_stored_len = 0;
    s->fw_pending = false;
    lumen_fw_stored_verify(s);
}

static void lumen_fw_stage_drop(LumenState *s)
{
    g_free(s->fw_stage);
    s->fw_stage = NULL;
    s->fw_stage_len = 0;
}

static unsigned lumen_fw_sectors(size_t len)
{
    return DIV_ROUND_UP(len, LUMEN_FW_SECTOR);
}

/* Device time to program (or read back) @len bytes of flash. */
static uint64_t lumen_fw_kb_us(size_t len)
{
    return DIV_ROUND_UP(len, KiB) * LUMEN_FW_KB_US;
}

static uint8_t lumen_fw_begin(LumenState *s, uint64_t *us)
{
    if (s->mbox_len < LUMEN_FW_HDR_LEN || s->mbox_len > LUMEN_FW_MAX_SIZE) {
        return LUMEN_FW_ERR_RANGE;
    }
    lumen_fw_stage_drop(s);
    s->fw_stage = g_malloc0(s->mbox_len);
    s->fw_stage_len = s->mbox_len;
    *us += lumen_fw_sectors(s->mbox_len) * LUMEN_FW_ERASE_US;
    return LUMEN_FW_OK;
}

static uint8_t lumen_fw_write_chunk(LumenState *s, uint64_t *us)
{
    dma_addr_t addr = ((uint64_t)s->mbox_addr_hi << 32) | s->mbox_addr_lo;

    if (!s->fw_stage) {
        return LUMEN_FW_ERR_SEQ;
    }
    if (!s->mbox_len || s->mbox_len > LUMEN_FW_CHUNK_MAX ||
        s->mbox_off > s->fw_stage_len ||
        s->mbox_len > s->fw_stage_len - s->mbox_off) {
        return LUMEN_FW_ERR_RANGE;
    }
    if (pci_dma_read(PCI_DEVICE(s), addr, s->fw_stage + s->mbox_off,
                     s->mbox_len) != MEMTX_OK) {
        return LUMEN_FW_ERR_DMA;
    }
    *us += lumen_fw_kb_us(s->mbox_len);
    return LUMEN_FW_OK;
}

/* Check the staged image; lumen_fw_program() programs it when DONE. */
static uint8_t lumen_fw_commit(LumenState *s, uint64_t *us)
{
    uint32_t ver = 0;
    uint8_t err;

    if (!s->fw_stage) {
        return LUMEN_FW_ERR_SEQ;
    }
    err = lumen_fw_check(s->fw_stage, s->fw_stage_len, &ver);
    if (err == LUMEN_FW_OK && ver < s->fw_running) {
        err = LUMEN_FW_ERR_DOWNGRADE;
    }
    *us += lumen_fw_kb_us(s->fw_stage_len);
    if (err != LUMEN_FW_OK) {
        lumen_fw_stage_drop(s);
        return err;
    }
    *us += lumen_fw_sectors(s->fw_stage_len) * LUMEN_FW_ERASE_US +
           lumen_fw_kb_us(s->fw_stage_len);
    return LUMEN_FW_OK;
}

/* A checked COMMIT is done: erase the stored bank and program it. */
static uint8_t lumen_fw_program(LumenState *s)
{
    lumen_fw_stored_erase(s);
    if (s->test_faults & LUMEN_FAULT_FLASH_FAIL) {
        /* erased, then programming failed: the bank holds nothing */
        lumen_fw_stage_drop(s);
        return LUMEN_FW_ERR_FLASH;
    }
    s->fw_stored = s->fw_stage;
    s->fw_stored_len = s->fw_stage_len;
    s->fw_stage = NULL;
    s->fw_stage_len = 0;
    lumen_fw_stored_verify(s);
    return LUMEN_FW_OK;
}

/* SELFTEST and ACTIVATE read the stored bank back: is it intact? */
static uint8_t lumen_fw_read_back(LumenState *s, uint64_t *us)
{
    *us += lumen_fw_kb_us(s->fw_stored_len);
    return s->fw_stored_err == LUMEN_FW_OK ? LUMEN_FW_OK :
                                             LUMEN_FW_ERR_NO_IMAGE;
}

static uint8_t lumen_fw_run(LumenState *s, uint32_t cmd, uint64_t *us)
{
    switch (cmd) {
    case LUMEN_FW_CMD_BEGIN:
        return lumen_fw_begin(s, us);
    case LUMEN_FW_CMD_WRITE:
        return lumen_fw_write_chunk(s, us);
    case LUMEN_FW_CMD_COMMIT:
        return lumen_fw_commit(s, us);
    case LUMEN_FW_CMD_ACTIVATE:
        return lumen_fw_read_back(s, us);
    case LUMEN_FW_CMD_ABORT:
        lumen_fw_stage_drop(s);
        return LUMEN_FW_OK;
    case LUMEN_FW_CMD_SELFTEST:
        return lumen_fw_read_back(s, us);
    default:
        return LUMEN_FW_ERR_CMD;
    }
}

/* The flash finished what the last command asked: it takes effect. */
static void lumen_fw_done(void *opaque)
{
    LumenState *s = opaque;

    if (s->mbox_result == LUMEN_FW_OK) {
        if (s->mbox_cmd == LUMEN_FW_CMD_COMMIT) {
            s->mbox_result = lumen_fw_program(s);
        } else if (s->mbox_cmd == LUMEN_FW_CMD_ACTIVATE) {
            s->fw_pending = true;
        }
    }
    trace_lumen_fw_done(s->mbox_cmd, s->mbox_result);
    s->mbox_status = LUMEN_MBOX_STATUS_DONE |
                     LUMEN_FIELD_PREP(LUMEN_MBOX_STATUS_ERR, s->mbox_result);
    lumen_intr_raise(s, LUMEN_INTR_MBOX);
}

static void lumen_fw_start(LumenState *s, uint32_t cmd)
{
    uint64_t us = LUMEN_FW_CMD_US;

    if (s->mbox_status & LUMEN_MBOX_STATUS_BUSY) {
        trace_lumen_mmio_write_ignored(LUMEN_MBOX_CMD, cmd, "mailbox busy");
        return;
    }
    s->mbox_status = LUMEN_MBOX_STATUS_BUSY;
    s->mbox_cmd = cmd;
    if (cmd == LUMEN_FW_CMD_WRITE &&
        (s->test_faults & LUMEN_FAULT_MBOX_HANG)) {
        trace_lumen_fw_cmd(cmd, 0, 0, "hangs (test fault)");
        return;
    }
    s->mbox_result = lumen_fw_run(s, cmd, &us);
    trace_lumen_fw_cmd(cmd, s->mbox_result, us,
                       s->mbox_result ? "refused" : "running");
    timer_mod(s->fw_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              us * SCALE_US);
}

bool lumen_fw_read(LumenState *s, hwaddr addr, uint32_t *val)
{
    switch (addr) {
    case LUMEN_MBOX_ADDR_LO:
        *val = s->mbox_addr_lo;
        break;
    case LUMEN_MBOX_ADDR_HI:
        *val = s->mbox_addr_hi;
        break;
    case LUMEN_MBOX_LEN:
        *val = s->mbox_len;
        break;
    case LUMEN_MBOX_OFFSET:
        *val = s->mbox_off;
        break;
    case LUMEN_MBOX_CMD:
        *val = 0;                       /* write-only */
        break;
    case LUMEN_MBOX_STATUS:
        *val = s->mbox_status |
               (s->fw_pending ? LUMEN_MBOX_STATUS_PENDING : 0) |
               (s->fw_boot_err ? LUMEN_MBOX_STATUS_BOOT_ERR : 0);
        break;
    case LUMEN_MBOX_STORED_VER:
        /* what the bank's header says, as long as it is intact */
        *val = s->fw_stored_ver;
        break;
    default:
        return false;
    }
    return true;
}

bool lumen_fw_write(LumenState *s, hwaddr addr, uint32_t val)
{
    switch (addr) {
    case LUMEN_MBOX_ADDR_LO:
        s->mbox_addr_lo = val;
        break;
    case LUMEN_MBOX_ADDR_HI:
        s->mbox_addr_hi = val;
        break;
    case LUMEN_MBOX_LEN:
        s->mbox_len = val;
        break;
    case LUMEN_MBOX_OFFSET:
        s->mbox_off = val;
        break;
    case LUMEN_MBOX_CMD:
        lumen_fw_start(s, val);
        break;
    default:
        return addr < LUMEN_MBOX_END;   /* the rest is read-only */
    }
    return true;
}

/*
 * A device reset: the mailbox forgets its command and staging area, and
 * an activated stored image boots if it is still intact (else the device
 * keeps what it ran, and says so in BOOT_ERR).
 */
void lumen_fw_reset(LumenState *s)
{
    timer_del(s->fw_timer);
    s->mbox_status = 0;
    s->mbox_result = 0;
    s->mbox_cmd = 0;
    s->mbox_addr_lo = 0;
    s->mbox_addr_hi = 0;
    s->mbox_len = 0;
    s->mbox_off = 0;
    lumen_fw_stage_drop(s);
    s->fw_boot_err = false;
    if (s->fw_pending) {
        if (s->fw_stored_err == LUMEN_FW_OK &&
            !(s->test_faults & LUMEN_FAULT_BOOT_FAIL)) {
            trace_lumen_fw_boot(s->fw_running, s->fw_stored_ver);
            s->fw_running = s->fw_stored_ver;
        } else {
            trace_lumen_fw_boot_failed(s->fw_running);
            s->fw_boot_err = true;
        }
    }
    s->fw_pending = false;
}

/* The test window's one-shot FLASH_ROT: one bit of the stored bank flips. */
void lumen_fw_rot(LumenState *s)
{
    if (s->fw_stored) {
        s->fw_stored[s->fw_stored_len - 1] ^= 0x01;
        lumen_fw_stored_verify(s);
    }
}

/* The image the factory programmed: version fw-version, a known payload. */
static void lumen_fw_factory_image(LumenState *s)
{
    size_t len = LUMEN_FW_HDR_LEN + LUMEN_FW_FACTORY_PAYLOAD;
    uint8_t *img = g_malloc0(len);
    struct lumen_fw_hdr h = {};
    size_t i;

    for (i = LUMEN_FW_HDR_LEN; i < len; i++) {
        img[i] = i * 131 + (i >> 8);
    }
    h.magic = cpu_to_le32(LUMEN_FW_MAGIC);
    h.hdr_version = cpu_to_le16(LUMEN_FW_HDR_VERSION);
    h.hdr_len = cpu_to_le16(LUMEN_FW_HDR_LEN);
    h.vendor_id = cpu_to_le16(LUMEN_PCI_VENDOR_ID);
    h.device_id = cpu_to_le16(LUMEN_PCI_DEVICE_ID);
    h.version = cpu_to_le32(s->fw_running);
    h.payload_len = cpu_to_le32(LUMEN_FW_FACTORY_PAYLOAD);
    h.payload_crc = cpu_to_le32(lumen_fw_crc(img + LUMEN_FW_HDR_LEN,
                                             LUMEN_FW_FACTORY_PAYLOAD));
    pstrcpy(h.name, sizeof(h.name), LUMEN_FW_FACTORY_NAME);
    h.hdr_crc = cpu_to_le32(lumen_fw_hdr_crc(&h));
    memcpy(img, &h, sizeof(h));
    s->fw_stored = img;
    s->fw_stored_len = len;
    lumen_fw_stored_verify(s);
}

void lumen_fw_realize(LumenState *s)
{
    s->fw_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, lumen_fw_done, s);
    s->fw_running = s->fw_version;
    lumen_fw_factory_image(s);
}

void lumen_fw_unrealize(LumenState *s)
{
    timer_free(s->fw_timer);
    s->fw_timer = NULL;
    lumen_fw_stage_drop(s);
    lumen_fw_stored_erase(s);
}
