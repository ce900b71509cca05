// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

/* devlink parameters of a lumen device.
 *
 * raw_channels (driverinit): how many of the device's raw queue pairs the
 * driver offers as raw-frame channels, 0 (none) to what the device and
 * the MSI-X vectors allow.  It takes effect at the next devlink reload,
 * which tears every raw channel down anyway.
 *
 * link_training (runtime): the lanes equalize by link training (true,
 * the default), or from preset coefficients: a quicker bring-up, for
 * 25G NRZ and 50G PAM4 lanes only (faster lanes need training, and
 * neither this nor `ethtool -s` lets the two meet).  A change retrains
 * the link.
 *
 * fec_ber_limit (runtime): the pre-FEC bit error ratio, in errors per
 * 10^12 bits, at which the port gives the link up: 0 (the default) for
 * when the FEC mode can no longer correct, else earlier, for fabrics that
 * would rather reroute than run on a marginal link.
 *
 * Runtime values are the device's, for every port (of a split too), and
 * like the ports' ethtool settings survive down/up, reloads and device
 * resets; unlike those, a port split too.
 */

#include <linux/rtnetlink.h>
#include <net/devlink.h>

#include "lumen.h"
#include "lumen_netdev.h"
#include "lumen_raw.h"

enum lumen_devlink_param_id {
	LUMEN_DEVLINK_PARAM_ID_BASE = DEVLINK_PARAM_GENERIC_ID_MAX,
	LUMEN_DEVLINK_PARAM_ID_RAW_CHANNELS,
	LUMEN_DEVLINK_PARAM_ID_LINK_TRAINING,
	LUMEN_DEVLINK_PARAM_ID_FEC_BER_LIMIT,
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

/* Program what changed into every port that is running. */
static void lumen_param_ports_apply(struct lumen_dev *ld, u32 id)
{
	unsigned int k;

	ASSERT_RTNL();
	if (!lumen_regs_readable(ld))
		return;
	for (k = 0; k < ld->num_ports; k++) {
		struct lumen_net *ln = lumen_port_net(ld, k);

		if (!ln || !ln->queues_up)
			continue;	/* port enable programs it */
		if (id == LUMEN_DEVLINK_PARAM_ID_LINK_TRAINING)
			lumen_lanes_apply(ln);
		else
			lumen_fec_apply(ln);
	}
}

/* A port runs lanes that need link training; under RTNL. */
static bool lumen_param_training_needed(struct lumen_dev *ld)
{
	unsigned int k;

	for (k = 0; k < ld->num_ports; k++) {
		struct lumen_net *ln = lumen_port_net(ld, k);

		if (ln && lumen_lanes_need_training(READ_ONCE(ln->lane_rate)))
			return true;
	}
	return false;
}

static int lumen_param_link_training_get(struct devlink *devlink, u32 id,
					 struct devlink_param_gset_ctx *ctx)
{
	struct lumen_dev *ld = devlink_priv(devlink);

	ctx->val.vbool = READ_ONCE(ld->link_training);
	return 0;
}

static int lumen_param_link_training_set(struct devlink *devlink, u32 id,
					 struct devlink_param_gset_ctx *ctx)
{
	struct lumen_dev *ld = devlink_priv(devlink);
	int err = 0;

	rtnl_lock();
	/* validated, but ethtool -s may have moved the lanes since */
	if (!ctx->val.vbool && lumen_param_training_needed(ld)) {
		err = -EINVAL;
	} else if (ctx->val.vbool != ld->link_training) {
		WRITE_ONCE(ld->link_training, ctx->val.vbool);
		lumen_param_ports_apply(ld, id);
	}
	rtnl_unlock();
	return err;
}

static int lumen_param_link_training_validate(struct devlink *devlink, u32 id,
					      union devlink_param_value val,
					      struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);
	bool needed;

	if (val.vbool)
		return 0;
	rtnl_lock();
	needed = lumen_param_training_needed(ld);
	rtnl_unlock();
	if (needed) {
		NL_SET_ERR_MSG_MOD(extack,
				   "100G and 200G lanes need link training: move the port to 25G or 50G lanes first (ethtool -s)");
		return -EINVAL;
	}
	return 0;
}

static int lumen_param_fec_ber_limit_get(struct devlink *devlink, u32 id,
					 struct devlink_param_gset_ctx *ctx)
{
	struct lumen_dev *ld = devlink_priv(devlink);

	ctx->val.vu32 = READ_ONCE(ld->ber_limit);
	return 0;
}

static int lumen_param_fec_ber_limit_set(struct devlink *devlink, u32 id,
					 struct devlink_param_gset_ctx *ctx)
{
	struct lumen_dev *ld = devlink_priv(devlink);

	rtnl_lock();
	if (ctx->val.vu32 != ld->ber_limit) {
		WRITE_ONCE(ld->ber_limit, ctx->val.vu32);
		lumen_param_ports_apply(ld, id);
	}
	rtnl_unlock();
	return 0;
}

static int lumen_param_fec_ber_limit_validate(struct devlink *devlink, u32 id,
					      union devlink_param_value val,
					      struct netlink_ext_ack *extack)
{
	if (val.vu32 > LUMEN_FEC_LIMIT_RS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "fec_ber_limit is in errors per 10^12 bits, at most 240000000 (2.4e-4, where RS-FEC gives up); 0 for the FEC's own limit");
		return -EINVAL;
	}
	return 0;
}

static const struct devlink_param lumen_devlink_params[] = {
	DEVLINK_PARAM_DRIVER(LUMEN_DEVLINK_PARAM_ID_RAW_CHANNELS,
			     "raw_channels", DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_DRIVERINIT),
			     NULL, NULL, lumen_param_raw_channels_validate),
	DEVLINK_PARAM_DRIVER(LUMEN_DEVLINK_PARAM_ID_LINK_TRAINING,
			     "link_training", DEVLINK_PARAM_TYPE_BOOL,
			     BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     lumen_param_link_training_get,
			     lumen_param_link_training_set,
			     lumen_param_link_training_validate),
	DEVLINK_PARAM_DRIVER(LUMEN_DEVLINK_PARAM_ID_FEC_BER_LIMIT,
			     "fec_ber_limit", DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     lumen_param_fec_ber_limit_get,
			     lumen_param_fec_ber_limit_set,
			     lumen_param_fec_ber_limit_validate),
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
