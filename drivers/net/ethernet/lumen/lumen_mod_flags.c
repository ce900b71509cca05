// SPDX-License-Identifier: GPL-2.0
/*
 * lumen: the optical module's alarm and warning flags.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The module compares its monitors (temperature, supply voltage, and per
 * lane TX power, TX bias and RX power) with the thresholds of its page
 * 02h and latches a flag for each it crosses, as CMIS has it: a flag
 * stays set until the host reads it, even if the condition was brief,
 * and reading clears it (it is set again at once if the condition
 * holds).  A flag newly set raises the module interrupt.
 *
 * Any read of the flag bytes (the watch below, `ethtool -m`, hwmon)
 * consumes the latches, so every read goes through lumen_mod_flags_note():
 * a flag that rose since the last read is counted (ethtool -S
 * module_<monitor>_<level>) and logged, one that fell is logged cleared.
 * The watch reads them once a second, the link work item after every
 * interrupt (the module's among them).
 */

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/ethtool.h>
#include <linux/ratelimit.h>

#include "lumen.h"

#define LUMEN_MOD_WATCH_PERIOD	HZ

/* A monitor the module flags at four levels, and where. */
struct lumen_mod_monitor {
	const char *name;	/* for ethtool -S */
	const char *text;	/* for the log */
	u8 page;		/* 0: a module monitor, lower byte 9 */
	u8 offset;		/* lane monitors: a byte a level, a bit a lane */
	u8 shift;		/* module monitors: a bit a level from here */
};

static const struct lumen_mod_monitor lumen_mod_monitors[] = {
	{ "temp", "temperature", 0, LUMEN_MOD_L_FLAGS, 0 },
	{ "vcc", "supply voltage", 0, LUMEN_MOD_L_FLAGS,
	  LUMEN_MOD_FLAG_VCC_SHIFT },
	{ "tx_power", "TX power", 0x11, LUMEN_MOD_P11_TX_PWR_FLAGS },
	{ "tx_bias", "TX bias", 0x11, LUMEN_MOD_P11_BIAS_FLAGS },
	{ "rx_power", "RX power", 0x11, LUMEN_MOD_P11_RX_PWR_FLAGS },
};

/* The levels, in the order of their bits (module) or bytes (lanes). */
static const char * const lumen_mod_levels[][2] = {
	{ "high_alarm", "high alarm" },
	{ "low_alarm", "low alarm" },
	{ "high_warning", "high warning" },
	{ "low_warning", "low warning" },
};

#define LUMEN_MOD_LEVELS	ARRAY_SIZE(lumen_mod_levels)
/* After the monitors' flags, RX LOS: counted, not logged (the link's own
 * log says why it went down).
 */
#define LUMEN_MOD_RX_LOS	(ARRAY_SIZE(lumen_mod_monitors) * LUMEN_MOD_LEVELS)

static_assert(LUMEN_MOD_RX_LOS + 1 == LUMEN_MOD_NUM_FLAGS);

/* Index of flag byte @offset of @page in lumen_dev::mod_flags_seen, or -1. */
static int lumen_mod_flag_byte(u8 page, u32 offset)
{
	if (offset == LUMEN_MOD_L_FLAGS)
		return 0;
	if (page == 0x11 && offset >= LUMEN_MOD_P11_TX_PWR_FLAGS &&
	    offset < LUMEN_MOD_P11_FLAGS_END)
		return 1 + offset - LUMEN_MOD_P11_TX_PWR_FLAGS;
	return -1;
}

static void lumen_mod_flag_log(struct lumen_dev *ld,
			       const struct lumen_mod_monitor *m,
			       unsigned int level, unsigned long bits,
			       bool raised)
{
	const char *what = lumen_mod_levels[level][1];
	struct device *dev = &ld->pdev->dev;

	if (!__ratelimit(&ld->mod_flags_rs))
		return;
	if (m->page == 0 && raised)
		dev_warn(dev, "optical module: %s %s\n", m->text, what);
	else if (m->page == 0)
		dev_info(dev, "optical module: %s %s cleared\n", m->text, what);
	else if (raised)
		dev_warn(dev, "optical module: %s %s on lanes %*pbl\n",
			 m->text, what, LUMEN_NUM_LANES, &bits);
	else
		dev_info(dev, "optical module: %s %s cleared on lanes %*pbl\n",
			 m->text, what, LUMEN_NUM_LANES, &bits);
}

static void lumen_mod_flag_count(struct lumen_dev *ld, unsigned int flag,
				 u8 raised)
{
	WRITE_ONCE(ld->mod_flag_events[flag],
		   ld->mod_flag_events[flag] + hweight8(raised));
}

/* Flag byte @idx, at @offset of @page, was just read as @val. */
static void lumen_mod_flag_byte_note(struct lumen_dev *ld, u8 page,
				     u32 offset, int idx, u8 val)
{
	u8 raised = val & ~ld->mod_flags_seen[idx];
	u8 fell = ld->mod_flags_seen[idx] & ~val;
	unsigned int i, level;

	ld->mod_flags_seen[idx] = val;
	if (page == 0x11 && offset == LUMEN_MOD_P11_RX_LOS) {
		lumen_mod_flag_count(ld, LUMEN_MOD_RX_LOS, raised);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(lumen_mod_monitors); i++) {
		const struct lumen_mod_monitor *m = &lumen_mod_monitors[i];

		for (level = 0; level < LUMEN_MOD_LEVELS; level++) {
			u32 byte = m->page ? m->offset + level : m->offset;
			u8 mask = m->page ? 0xff : BIT(m->shift + level);

			if (m->page != page || byte != offset)
				continue;
			if (raised & mask) {
				lumen_mod_flag_count(ld, i * LUMEN_MOD_LEVELS +
						     level, raised & mask);
				lumen_mod_flag_log(ld, m, level, raised & mask,
						   true);
			}
			if (fell & mask)
				lumen_mod_flag_log(ld, m, level, fell & mask,
						   false);
		}
	}
}

/**
 * lumen_mod_flags_note - account for flag bytes the module just gave
 * @ld: the device, its CMIS lock held
 * @page: the page read (ignored below offset 128)
 * @bank: the bank read
 * @offset: the first byte read
 * @len: bytes read
 * @buf: what they were
 *
 * Reading the flags cleared their latches in the module: whoever read
 * them, count the flags that rose and log those that rose or fell.
 */
void lumen_mod_flags_note(struct lumen_dev *ld, u8 page, u8 bank,
			  u32 offset, u32 len, const u8 *buf)
{
	u32 i;

	lockdep_assert_held(&ld->cmis_lock);
	if (offset >= LUMEN_CMIS_MAX_LEN && bank != 0)
		return;
	for (i = 0; i < len; i++) {
		u8 pg = offset + i < LUMEN_CMIS_MAX_LEN ? 0 : page;
		int idx = lumen_mod_flag_byte(pg, offset + i);

		if (idx >= 0)
			lumen_mod_flag_byte_note(ld, pg, offset + i, idx,
						 buf[i]);
	}
}

/**
 * lumen_mod_flags_read - read the module's flags, which notes them
 * @ld: the device
 *
 * Called once a second, and by the link work item: after an interrupt,
 * which may have been the module's for a flag it raised.  Sleeps.
 */
void lumen_mod_flags_read(struct lumen_dev *ld)
{
	u8 buf[LUMEN_MOD_P11_FLAGS_END - LUMEN_MOD_P11_TX_PWR_FLAGS];

	if (!READ_ONCE(ld->mod_present))
		return;
	if (lumen_cmis_read(ld, 0, 0, LUMEN_MOD_L_FLAGS, 1, buf))
		return;
	lumen_cmis_read(ld, 0x11, 0, LUMEN_MOD_P11_TX_PWR_FLAGS, sizeof(buf),
			buf);
}

static void lumen_mod_watch(struct work_struct *work)
{
	struct lumen_dev *ld = container_of(to_delayed_work(work),
					    struct lumen_dev, mod_watch);

	lumen_mod_flags_read(ld);
	schedule_delayed_work(&ld->mod_watch, LUMEN_MOD_WATCH_PERIOD);
}

/**
 * lumen_mod_flags_forget - a module was plugged in or pulled out
 * @ld: the device
 *
 * A new module's flags start clear: compare what it raises with nothing,
 * not with the flags of the one before.
 */
void lumen_mod_flags_forget(struct lumen_dev *ld)
{
	mutex_lock(&ld->cmis_lock);
	memset(ld->mod_flags_seen, 0, sizeof(ld->mod_flags_seen));
	mutex_unlock(&ld->cmis_lock);
}

/**
 * lumen_mod_flags_start - begin watching the module's flags
 * @ld: the device, its CMIS lock initialised
 */
void lumen_mod_flags_start(struct lumen_dev *ld)
{
	/* flags log on edges only; a lane that flickers is still bounded */
	ratelimit_state_init(&ld->mod_flags_rs, 5 * HZ, 50);
	INIT_DELAYED_WORK(&ld->mod_watch, lumen_mod_watch);
	schedule_delayed_work(&ld->mod_watch, 0);
}

/**
 * lumen_mod_flags_stop - undo lumen_mod_flags_start()
 * @ld: the device
 */
void lumen_mod_flags_stop(struct lumen_dev *ld)
{
	cancel_delayed_work_sync(&ld->mod_watch);
}

/**
 * lumen_mod_flags_strings - the names of the flag counters, for ethtool -S
 * @data: where the next string goes, advanced past them
 */
void lumen_mod_flags_strings(u8 **data)
{
	unsigned int i, level;

	for (i = 0; i < ARRAY_SIZE(lumen_mod_monitors); i++)
		for (level = 0; level < LUMEN_MOD_LEVELS; level++)
			ethtool_sprintf(data, "module_%s_%s",
					lumen_mod_monitors[i].name,
					lumen_mod_levels[level][0]);
	ethtool_sprintf(data, "module_rx_los");
}

/**
 * lumen_mod_flags_stats - the flag counters, for ethtool -S
 * @ld: the device
 * @data: where the next counter goes, advanced past them
 */
void lumen_mod_flags_stats(struct lumen_dev *ld, u64 **data)
{
	unsigned int i;

	for (i = 0; i < LUMEN_MOD_NUM_FLAGS; i++)
		*(*data)++ = READ_ONCE(ld->mod_flag_events[i]);
}
