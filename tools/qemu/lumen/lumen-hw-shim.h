/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: what lumen_hw.h expects from its includer.
 *
 * Copyright (c) 2025 The lumen project authors
 *
 * lumen_hw.h is shared with the Linux driver and is written against the
 * kernel's BIT(), GENMASK() and __le types.  Provide QEMU equivalents here,
 * then include it.  Every lumen model file includes this header instead of
 * lumen_hw.h directly.
 */

#ifndef HW_NET_LUMEN_HW_SHIM_H
#define HW_NET_LUMEN_HW_SHIM_H

#include "qemu/bitops.h"
#include "qemu/host-utils.h"

/*
 * The __le types are plain integers here (the model converts with
 * cpu_to_le*() by hand).  On Linux hosts the system's <linux/types.h>,
 * which osdep.h already pulls in, defines them with the same widths and
 * a second typedef of another spelling would conflict.
 */
#ifdef CONFIG_LINUX
#include <linux/types.h>
#else
typedef uint8_t __u8;
typedef uint16_t __be16;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;
#endif

#ifndef BIT
#define BIT(nr)                 (1UL << (nr))
#endif

/* Bits h..l set, h >= l; every lumen register field fits in 32 bits. */
#ifndef GENMASK
#define GENMASK(h, l) \
    ((uint32_t)((~0U >> (31 - (h))) & (~0U << (l))))
#endif

/* Value of the field @mask in @reg, shifted down to bit 0. */
static inline uint32_t lumen_field_get(uint32_t mask, uint32_t reg)
{
    return (reg & mask) >> ctz32(mask);
}

/* @reg with the field @mask replaced by @val (excess bits dropped). */
static inline uint32_t lumen_field_dp(uint32_t reg, uint32_t mask,
                                      uint32_t val)
{
    return (reg & ~mask) | ((val << ctz32(mask)) & mask);
}

#define LUMEN_FIELD_GET(mask, reg)      lumen_field_get((mask), (reg))
#define LUMEN_FIELD_PREP(mask, val)     lumen_field_dp(0, (mask), (val))
#define LUMEN_FIELD_DP(reg, mask, val)  lumen_field_dp((reg), (mask), (val))

#include "lumen_hw.h"

/* The DMA layouts the model relies on. */
QEMU_BUILD_BUG_ON(sizeof(struct lumen_tx_desc) != 16);
QEMU_BUILD_BUG_ON(sizeof(struct lumen_rx_desc) != 16);
QEMU_BUILD_BUG_ON(sizeof(struct lumen_cqe) != 16);
QEMU_BUILD_BUG_ON(offsetof(struct lumen_cqe, flags) != 12);
QEMU_BUILD_BUG_ON(sizeof(struct lumen_raw_wire_hdr) !=
                  LUMEN_RAW_WIRE_HDR_LEN);
QEMU_BUILD_BUG_ON(sizeof(struct lumen_fw_hdr) != LUMEN_FW_HDR_LEN);

#endif /* HW_NET_LUMEN_HW_SHIM_H */
