// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

/* devlink parameters of a lumen device.
 *
 * raw_channels (driverinit): how many of the device's raw queue pairs the
 * driver offers as raw-frame channels, 0 (none) to what the device and
 * the MSI-X vectors allow.  It takes effect at the next devlink reload,
 * which tears every raw channel down anyway.
 */

#include <net/devlink.h>

#include "lumen.h"
#include "lumen_raw.h"

enum lumen_devlink_param_id {
	LUMEN_DEVLINK_PARAM_ID_BASE = DEVLINK_PARAM_GENERIC_ID_MAX,
	LUMEN_DEVLINK_PARAM_ID_RAW_CHANNELS,
};

static int lumen_param_raw_channels_validate(struct devlink *devlink, u32 id,
					     union devlink_param_value val,
					     struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);

	if (val.vu32 > ld->max_raw) {
		NL_SET_ERR_MSG_MOD(extack,
				   "raw_channels exceeds the raw queue pairs of the device (see lumen-raw info)");
		return -EINVAL;
	}
	return 0;
}

static const struct devlink_param lumen_devlink_params[] = {
	DEVLINK_PARAM_DRIVER(LUMEN_DEVLINK_PARAM_ID_RAW_CHANNELS,
			     "raw_channels", DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_DRIVERINIT),
			     NULL, NULL, lumen_param_raw_channels_validate),
};

/**
 * lumen_params_register - register the devlink parameters
 * @ld: the device, its raw queue pairs counted
 *
 * Return: 0 or an errno.
 */
int lumen_params_register(struct lumen_dev *ld)
{
	struct devlink *devlink = lumen_to_devlink(ld);
	union devlink_param_value val;
	int err;

	err = devlink_params_register(devlink, lumen_devlink_params,
				      ARRAY_SIZE(lumen_devlink_params));
	if (err)
		return err;
	val.vu32 = ld->max_raw;
	devlink_param_driverinit_value_set(devlink,
					   LUMEN_DEVLINK_PARAM_ID_RAW_CHANNELS,
					   val);
	return 0;
}

/**
 * lumen_params_unregister - undo lumen_params_register()
 * @ld: the device
 */
void lumen_params_unregister(struct lumen_dev *ld)
{
	devlink_params_unregister(lumen_to_devlink(ld), lumen_devlink_params,
				  ARRAY_SIZE(lumen_devlink_params));
}

/**
 * lumen_params_apply - put the driverinit parameters into effect
 * @ld: the device, in a reload with its raw channels torn down
 */
void lumen_params_apply(struct lumen_dev *ld)
{
	union devlink_param_value val;

	if (devlink_param_driverinit_value_get(lumen_to_devlink(ld),
					       LUMEN_DEVLINK_PARAM_ID_RAW_CHANNELS,
					       &val))
		return;
	lumen_raw_set_channels(ld, val.vu32);
}
