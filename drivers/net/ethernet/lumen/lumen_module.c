// SPDX-License-Identifier: GPL-2.0
/*
 * lumen: the pluggable optical module.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The port's QSFP-DD/OSFP module speaks CMIS over the device's
 * management bus (the CMIS register block): one command moves up to 128
 * bytes of one half page and takes the bus some time, which the driver
 * sleeps through.  On top of it: `ethtool -m` (page access), the module
 * power mode policy, the module's temperature for hwmon, and a log line
 * when the module is plugged in or pulled out.  Its alarm and warning
 * flags are lumen_mod_flags.c's.
 */

#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/ethtool.h>
#include <linux/hwmon.h>
#include <linux/iopoll.h>
#include <linux/netdevice.h>
#include <asm/unaligned.h>

#include "lumen.h"
#include "lumen_netdev.h"

#define LUMEN_CMIS_I2C_ADDR		0x50
#define LUMEN_CMIS_POLL_US		50
#define LUMEN_CMIS_TIMEOUT_US		(100 * USEC_PER_MSEC)

/* Wait for the bus to be idle; its last status in @st. */
static int lumen_cmis_wait(struct lumen_dev *ld, u32 *st)
{
	u32 v;
	int err;

	err = read_poll_timeout(lumen_rd32, v,
				v == ~0U || !(v & LUMEN_CMIS_STATUS_BUSY),
				LUMEN_CMIS_POLL_US, LUMEN_CMIS_TIMEOUT_US, false,
				ld, LUMEN_CMIS_STATUS);
	*st = v;
	if (v == ~0U)
		return -ENODEV;
	return err ? -ETIMEDOUT : 0;
}

/* Run one CMIS command: the bus is the driver's for its duration.  A
 * command written while the bus is busy would be ignored, and the last
 * one's result taken for its own: wait for it to be idle first.
 */
static int lumen_cmis_cmd(struct lumen_dev *ld, u32 cmd)
{
	u32 st;
	int err;

	lockdep_assert_held(&ld->cmis_lock);
	if (lumen_gone(ld))
		return -ENODEV;
	if (!lumen_regs_readable(ld))
		return -EBUSY;
	err = lumen_cmis_wait(ld, &st);
	if (err)
		return err == -ETIMEDOUT ? -EBUSY : err;
	lumen_wr32(ld, LUMEN_CMIS_CMD, cmd);
	/* the bus takes this long at least: sleep it rather than poll it */
	fsleep(LUMEN_CMIS_CMD_US +
	       LUMEN_CMIS_BYTE_US * FIELD_GET(LUMEN_CMIS_CMD_LEN, cmd));
	err = lumen_cmis_wait(ld, &st);
	if (err)
		return err;
	if (!(st & LUMEN_CMIS_STATUS_PRESENT))
		return -ENODEV;
	return st & LUMEN_CMIS_STATUS_ERR ? -EIO : 0;
}

/**
 * lumen_cmis_read - read bytes of the module's memory
 * @ld: the device
 * @page: the page (ignored below offset 128: the lower page)
 * @bank: the bank
 * @offset: the first byte, 0-255
 * @len: bytes, within one half page
 * @buf: where they go
 *
 * Sleeps.
 *
 * Return: 0; -ENODEV without a module (or device), -EIO if the module
 * refused (a page it does not have), -EBUSY while the device resets,
 * -ETIMEDOUT if the bus never finished.
 */
int lumen_cmis_read(struct lumen_dev *ld, u8 page, u8 bank, u32 offset,
		    u32 len, u8 *buf)
{
	u32 i;
	int err;

	if (!len || len > LUMEN_CMIS_MAX_LEN ||
	    offset / LUMEN_CMIS_MAX_LEN != (offset + len - 1) / LUMEN_CMIS_MAX_LEN ||
	    bank > FIELD_MAX(LUMEN_CMIS_CMD_BANK))
		return -EINVAL;

	mutex_lock(&ld->cmis_lock);
	err = lumen_cmis_cmd(ld, FIELD_PREP(LUMEN_CMIS_CMD_OFFSET, offset) |
			     FIELD_PREP(LUMEN_CMIS_CMD_PAGE, page) |
			     FIELD_PREP(LUMEN_CMIS_CMD_BANK, bank) |
			     FIELD_PREP(LUMEN_CMIS_CMD_LEN, len));
	for (i = 0; !err && i < len; i += 4) {
		u8 bytes[4];

		/* the data window is little endian, byte n first */
		put_unaligned_le32(lumen_rd32(ld, LUMEN_CMIS_DATA + i), bytes);
		memcpy(buf + i, bytes, min(4U, len - i));
	}
	if (!err)
		lumen_mod_flags_note(ld, page, bank, offset, len, buf);
	mutex_unlock(&ld->cmis_lock);
	return err;
}

/* Write @len bytes at @offset of @page (bank 0). */
static int lumen_cmis_write(struct lumen_dev *ld, u8 page, u32 offset,
			    u32 len, const u8 *buf)
{
	u8 bytes[4];
	u32 i;
	int err;

	mutex_lock(&ld->cmis_lock);
	for (i = 0; i < len; i += 4) {
		memset(bytes, 0, sizeof(bytes));
		memcpy(bytes, buf + i, min(4U, len - i));
		lumen_wr32(ld, LUMEN_CMIS_DATA + i, get_unaligned_le32(bytes));
	}
	err = lumen_cmis_cmd(ld, FIELD_PREP(LUMEN_CMIS_CMD_OFFSET, offset) |
			     FIELD_PREP(LUMEN_CMIS_CMD_PAGE, page) |
			     FIELD_PREP(LUMEN_CMIS_CMD_LEN, len) |
			     LUMEN_CMIS_CMD_WRITE);
	mutex_unlock(&ld->cmis_lock);
	return err;
}

/**
 * lumen_get_module_eeprom_by_page - ethtool -m
 * @netdev: the port's netdev
 * @req: the page, bank and bytes wanted (the core has checked that they
 *	stay within one half page)
 * @extack: why not
 *
 * Return: the bytes read (all asked for), or an errno.
 */
int lumen_get_module_eeprom_by_page(struct net_device *netdev,
				    const struct ethtool_module_eeprom *req,
				    struct netlink_ext_ack *extack)
{
	struct lumen_net *ln = netdev_priv(netdev);
	int err;

	if (req->i2c_address != LUMEN_CMIS_I2C_ADDR) {
		NL_SET_ERR_MSG_MOD(extack, "the module answers at I2C address 0x50 only");
		return -EINVAL;
	}
	if (req->bank > FIELD_MAX(LUMEN_CMIS_CMD_BANK)) {
		NL_SET_ERR_MSG_MOD(extack, "the module has no such page or bank");
		return -EINVAL;
	}
	err = lumen_cmis_read(ln->ld, req->page, req->bank, req->offset,
			      req->length, req->data);
	switch (err) {
	case 0:
		return req->length;
	case -ENODEV:
		NL_SET_ERR_MSG_MOD(extack, "no module plugged in");
		break;
	case -EIO:
		NL_SET_ERR_MSG_MOD(extack, "the module has no such page or bank");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_MOD(extack, "the device is resetting");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "the module did not answer");
		break;
	}
	return err;
}

/**
 * lumen_module_power_apply - drive the LPMode pin from the policy
 * @ld: the device
 *
 * Policy high: the module runs at high power always.  Policy auto: at
 * low power while the port is down.  Called when the port goes up or
 * down, after a device reset (which releases the pin) and when the
 * policy changes.
 */
void lumen_module_power_apply(struct lumen_dev *ld)
{
	bool low = ld->mod_policy == ETHTOOL_MODULE_POWER_MODE_POLICY_AUTO &&
		   !lumen_netdevs_running(ld);

	if (lumen_regs_readable(ld))
		lumen_wr32(ld, LUMEN_CMIS_CTRL, low ? LUMEN_CMIS_CTRL_LPMODE : 0);
}

/* Let the LPMode pin alone decide the module's power: allow it, never
 * ask for low power in software (lower byte 26, the other bits kept).
 * Done when the policy is set and when a module is plugged in.
 */
static int lumen_module_pin_control(struct lumen_dev *ld)
{
	u8 ctrl;
	int err;

	err = lumen_cmis_read(ld, 0, 0, LUMEN_MOD_L_PWR_CTRL, 1, &ctrl);
	if (err)
		return err;
	ctrl = (ctrl | LUMEN_MOD_PWR_ALLOW_HW) & ~LUMEN_MOD_PWR_REQ_SW;
	return lumen_cmis_write(ld, 0, LUMEN_MOD_L_PWR_CTRL, 1, &ctrl);
}

/**
 * lumen_get_module_power_mode - ethtool --show-module
 * @netdev: the port's netdev
 * @params: the policy, and the mode the module is in (none reported
 *	without a module)
 * @extack: unused
 *
 * Return: 0.
 */
int lumen_get_module_power_mode(struct net_device *netdev,
				struct ethtool_module_power_mode_params *params,
				struct netlink_ext_ack *extack)
{
	struct lumen_net *ln = netdev_priv(netdev);
	u8 state;

	params->policy = ln->ld->mod_policy;
	if (lumen_cmis_read(ln->ld, 0, 0, LUMEN_MOD_L_STATE, 1, &state))
		return 0;
	params->mode = FIELD_GET(LUMEN_MOD_STATE, state) == LUMEN_MOD_LOW_PWR ?
		       ETHTOOL_MODULE_POWER_MODE_LOW :
		       ETHTOOL_MODULE_POWER_MODE_HIGH;
	return 0;
}

/**
 * lumen_set_module_power_mode - ethtool --set-module power-mode-policy
 * @netdev: the port's netdev
 * @params: the policy wanted (the mode is not the caller's to set)
 * @extack: why not
 *
 * Kept across down/up and device resets.  Called under RTNL.
 *
 * Return: 0, or an errno.
 */
int lumen_set_module_power_mode(struct net_device *netdev,
				const struct ethtool_module_power_mode_params *params,
				struct netlink_ext_ack *extack)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;
	int err;

	if (params->policy != ETHTOOL_MODULE_POWER_MODE_POLICY_HIGH &&
	    params->policy != ETHTOOL_MODULE_POWER_MODE_POLICY_AUTO) {
		NL_SET_ERR_MSG_MOD(extack, "power mode policy: high or auto");
		return -EINVAL;
	}
	err = lumen_module_pin_control(ld);
	if (err && err != -ENODEV) {
		NL_SET_ERR_MSG_MOD(extack, "the module did not take the setting");
		return err;
	}
	ld->mod_policy = params->policy;
	lumen_module_power_apply(ld);
	return 0;
}

/**
 * lumen_module_event - the module was plugged, pulled or changed state
 * @ld: the device
 *
 * From the link work item.  Logs a module plugged in or pulled out, once;
 * a module plugged in is told to follow the LPMode pin.
 */
void lumen_module_event(struct lumen_dev *ld)
{
	bool present;
	u32 st;

	if (!lumen_regs_readable(ld))
		return;
	st = lumen_rd32(ld, LUMEN_CMIS_STATUS);
	if (st == ~0U)
		return;
	present = st & LUMEN_CMIS_STATUS_PRESENT;
	if (present == ld->mod_present)
		return;
	WRITE_ONCE(ld->mod_present, present);
	lumen_mod_flags_forget(ld);
	dev_info(&ld->pdev->dev, "optical module %s\n",
		 present ? "plugged in" : "pulled out");
	if (present && lumen_module_pin_control(ld))
		dev_warn(&ld->pdev->dev, "the optical module does not take power control\n");
}

#if IS_REACHABLE(CONFIG_HWMON)
static umode_t lumen_hwmon_is_visible(const void *data,
				      enum hwmon_sensor_types type, u32 attr,
				      int channel)
{
	return 0444;
}

/* A temperature of the module's memory in millidegrees C. */
static int lumen_hwmon_temp(struct lumen_dev *ld, u8 page, u32 offset,
			    long *val)
{
	__be16 raw;
	int err;

	err = lumen_cmis_read(ld, page, 0, offset, sizeof(raw), (u8 *)&raw);
	if (err)
		return err == -ENODEV ? -ENODATA : err;
	*val = (s16)be16_to_cpu(raw) * 1000L / 256;
	return 0;
}

static int lumen_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			    u32 attr, int channel, long *val)
{
	struct lumen_dev *ld = dev_get_drvdata(dev);
	u8 flags;
	int err;

	switch (attr) {
	case hwmon_temp_input:
		return lumen_hwmon_temp(ld, 0, LUMEN_MOD_L_TEMP, val);
	case hwmon_temp_max:
		return lumen_hwmon_temp(ld, 2, LUMEN_MOD_P02_TEMP_HW, val);
	case hwmon_temp_crit:
		return lumen_hwmon_temp(ld, 2, LUMEN_MOD_P02_TEMP_HA, val);
	case hwmon_temp_max_alarm:
	case hwmon_temp_crit_alarm:
		err = lumen_cmis_read(ld, 0, 0, LUMEN_MOD_L_FLAGS, 1, &flags);
		if (err)
			return err == -ENODEV ? -ENODATA : err;
		*val = !!(flags & (attr == hwmon_temp_crit_alarm ?
				   LUMEN_MOD_FLAG_TEMP_HA :
				   LUMEN_MOD_FLAG_TEMP_HW));
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int lumen_hwmon_read_string(struct device *dev,
				   enum hwmon_sensor_types type, u32 attr,
				   int channel, const char **str)
{
	*str = "optical module";
	return 0;
}

static const struct hwmon_ops lumen_hwmon_ops = {
	.is_visible = lumen_hwmon_is_visible,
	.read = lumen_hwmon_read,
	.read_string = lumen_hwmon_read_string,
};

static const struct hwmon_channel_info *lumen_hwmon_info[] = {
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT | HWMON_T_MAX | HWMON_T_CRIT |
			   HWMON_T_MAX_ALARM | HWMON_T_CRIT_ALARM |
			   HWMON_T_LABEL),
	NULL
};

static const struct hwmon_chip_info lumen_hwmon_chip = {
	.ops = &lumen_hwmon_ops,
	.info = lumen_hwmon_info,
};

static int lumen_hwmon_init(struct lumen_dev *ld)
{
	ld->hwmon = hwmon_device_register_with_info(&ld->pdev->dev, "lumen", ld,
						    &lumen_hwmon_chip, NULL);
	return PTR_ERR_OR_ZERO(ld->hwmon);
}

static void lumen_hwmon_fini(struct lumen_dev *ld)
{
	hwmon_device_unregister(ld->hwmon);
}
#else
static int lumen_hwmon_init(struct lumen_dev *ld)
{
	return 0;
}

static void lumen_hwmon_fini(struct lumen_dev *ld)
{
}
#endif

/**
 * lumen_module_init - the module's side of probe
 * @ld: the device, reset, its registers readable
 *
 * Return: 0 or an errno, with nothing left behind.
 */
int lumen_module_init(struct lumen_dev *ld)
{
	int err;

	ld->mod_policy = ETHTOOL_MODULE_POWER_MODE_POLICY_HIGH;
	ld->mod_present = lumen_rd32(ld, LUMEN_CMIS_STATUS) &
			  LUMEN_CMIS_STATUS_PRESENT;
	lumen_module_power_apply(ld);
	err = lumen_hwmon_init(ld);
	if (err)
		return err;
	lumen_mod_flags_start(ld);
	return 0;
}

/**
 * lumen_module_fini - undo lumen_module_init()
 * @ld: the device
 */
void lumen_module_fini(struct lumen_dev *ld)
{
	lumen_mod_flags_stop(ld);
	lumen_hwmon_fini(ld);
}
