// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/bitfield.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "lumen.h"
#include "lumen_netdev.h"

/* Why the link is down: the device's PORT_DOWN_REASON, how the driver
 * logs it, and the kernel's extended link state for it (ethtool's
 * "Link detected: no (State, Substate)").  A reason with no ext_state is
 * one the kernel has no word for; ethtool then shows none.
 */
struct lumen_down_info {
	const char *text;
	enum ethtool_link_ext_state ext_state;
	u32 ext_substate;
	bool has_ext_state;
};

static const struct lumen_down_info lumen_down_info[LUMEN_DOWN_NUM] = {
	[LUMEN_DOWN_NONE] = {
		.text = "link is up",
	},
	[LUMEN_DOWN_ADMIN] = {
		.text = "port disabled",
	},
	/* an optical port does not negotiate: its speed is forced */
	[LUMEN_DOWN_NO_PARTNER] = {
		.text = "no link partner",
		.ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG,
		.ext_substate =
			ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_PARTNER_DETECTED_FORCE_MODE,
		.has_ext_state = true,
	},
	[LUMEN_DOWN_NO_SIGNAL] = {
		.text = "loss of signal",
		.ext_state = ETHTOOL_LINK_EXT_STATE_BAD_SIGNAL_INTEGRITY,
		.ext_substate = ETHTOOL_LINK_EXT_SUBSTATE_BSI_SERDES_ALOS,
		.has_ext_state = true,
	},
	[LUMEN_DOWN_TRAINING] = {
		.text = "link training failed, no frame lock",
		.ext_state = ETHTOOL_LINK_EXT_STATE_LINK_TRAINING_FAILURE,
		.ext_substate =
			ETHTOOL_LINK_EXT_SUBSTATE_LT_KR_FRAME_LOCK_NOT_ACQUIRED,
		.has_ext_state = true,
	},
	[LUMEN_DOWN_HIGH_BER] = {
		.text = "bit error ratio beyond the limit (the FEC's, or fec_ber_limit)",
		.ext_state = ETHTOOL_LINK_EXT_STATE_BAD_SIGNAL_INTEGRITY,
		.ext_substate =
			ETHTOOL_LINK_EXT_SUBSTATE_BSI_LARGE_NUMBER_OF_PHYSICAL_ERRORS,
		.has_ext_state = true,
	},
	/* the FEC mode is set, not negotiated: an override */
	[LUMEN_DOWN_FEC_MISMATCH] = {
		.text = "the link partner runs another FEC mode",
		.ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG,
		.ext_substate =
			ETHTOOL_LINK_EXT_SUBSTATE_AN_FEC_MISMATCH_DURING_OVERRIDE,
		.has_ext_state = true,
	},
	/* lanes and rate are set, not negotiated: nothing in common */
	[LUMEN_DOWN_SPEED_MISMATCH] = {
		.text = "the link partner runs other lanes or another lane rate",
		.ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG,
		.ext_substate = ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_HCD,
		.has_ext_state = true,
	},
	[LUMEN_DOWN_NO_MODULE] = {
		.text = "no optical module plugged in",
		.ext_state = ETHTOOL_LINK_EXT_STATE_NO_CABLE,
		.has_ext_state = true,
	},
	[LUMEN_DOWN_MODULE_LOW_POWER] = {
		.text = "the optical module is not ready (low power, or powering up)",
		.ext_state = ETHTOOL_LINK_EXT_STATE_MODULE,
		.ext_substate = ETHTOOL_LINK_EXT_SUBSTATE_MODULE_CMIS_NOT_READY,
		.has_ext_state = true,
	},
	[LUMEN_DOWN_MODULE_HOT] = {
		.text = "the optical module shut down, overheated",
		.ext_state = ETHTOOL_LINK_EXT_STATE_OVERHEAT,
		.has_ext_state = true,
	},
	/* not a failure: the kernel has no state for "coming up" */
	[LUMEN_DOWN_BRINGUP] = {
		.text = "the lanes are coming up",
	},
	[LUMEN_DOWN_PARTNER_NOT_READY] = {
		.text = "the link partner does not receive this port",
		.ext_state = ETHTOOL_LINK_EXT_STATE_LINK_TRAINING_FAILURE,
		.ext_substate =
			ETHTOOL_LINK_EXT_SUBSTATE_LT_KR_LINK_PARTNER_DID_NOT_SET_RECEIVER_READY,
		.has_ext_state = true,
	},
};

/* The FEC modes ethtool can configure, and the device's for each; AUTO
 * picks RS, which the port's 50G PAM4 lanes need.
 */
static const struct {
	u32 ethtool;
	u32 hw;
} lumen_fec_modes[] = {
	{ ETHTOOL_FEC_AUTO,	LUMEN_FEC_RS },
	{ ETHTOOL_FEC_OFF,	LUMEN_FEC_OFF },
	{ ETHTOOL_FEC_RS,	LUMEN_FEC_RS },
	{ ETHTOOL_FEC_BASER,	LUMEN_FEC_BASER },
};

static u32 lumen_fec_hw_mode(u32 fec)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lumen_fec_modes); i++)
		if (lumen_fec_modes[i].ethtool == fec)
			return lumen_fec_modes[i].hw;
	return LUMEN_FEC_RS;
}

static u32 lumen_fec_from_hw(u32 mode)
{
	switch (mode) {
	case LUMEN_FEC_OFF:
		return ETHTOOL_FEC_OFF;
	case LUMEN_FEC_BASER:
		return ETHTOOL_FEC_BASER;
	case LUMEN_FEC_RS:
		return ETHTOOL_FEC_RS;
	default:
		return ETHTOOL_FEC_NONE;	/* a reserved value: untrusted */
	}
}

/**
 * lumen_fec_apply - program the configured FEC mode and BER limit
 * @ln: the netdev's private data
 *
 * Called when the port is enabled, and when either changes while it is
 * up; the device retrains the link with a new mode.
 */
void lumen_fec_apply(struct lumen_net *ln)
{
	lumen_port_wr32(ln, LUMEN_PORT_FEC,
			FIELD_PREP(LUMEN_PORT_FEC_MODE, lumen_fec_hw_mode(ln->fec)));
	lumen_port_wr32(ln, LUMEN_PORT_BER_LIMIT, READ_ONCE(ln->ld->ber_limit));
}

/**
 * lumen_get_fecparam - ethtool --show-fec
 * @netdev: the port's netdev
 * @fp: filled with the configured and the active mode
 *
 * Return: 0.
 */
int lumen_get_fecparam(struct net_device *netdev, struct ethtool_fecparam *fp)
{
	struct lumen_net *ln = netdev_priv(netdev);
	u32 mode;

	fp->fec = ln->fec;
	fp->active_fec = ETHTOOL_FEC_NONE;
	if (ln->link_up && lumen_regs_readable(ln->ld)) {
		mode = lumen_port_rd32(ln, LUMEN_PORT_FEC);
		fp->active_fec = lumen_fec_from_hw(FIELD_GET(LUMEN_PORT_FEC_MODE,
							     mode));
	}
	return 0;
}

/**
 * lumen_set_fecparam - ethtool --set-fec
 * @netdev: the port's netdev
 * @fp: the mode wanted: exactly one of auto, off, rs and baser
 *
 * Kept across down/up and device resets.  Called under RTNL.
 *
 * Return: 0, or -EINVAL for another mode or a combination (the port runs
 * one mode; LLRS is for 25G/50G Ethernet lanes it does not have).
 */
int lumen_set_fecparam(struct net_device *netdev, struct ethtool_fecparam *fp)
{
	struct lumen_net *ln = netdev_priv(netdev);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lumen_fec_modes); i++)
		if (lumen_fec_modes[i].ethtool == fp->fec)
			break;
	if (i == ARRAY_SIZE(lumen_fec_modes)) {
		netdev_err(netdev, "FEC 0x%x: give one of auto, off, rs or baser\n",
			   fp->fec);
		return -EINVAL;
	}
	ln->fec = fp->fec;
	if (ln->queues_up && lumen_regs_readable(ln->ld))
		lumen_fec_apply(ln);
	return 0;
}

/**
 * lumen_get_fec_stats - ethtool -I --show-fec
 * @netdev: the port's netdev
 * @fs: filled per lane; the core sums the lanes
 *
 * Codewords corrected and not, as the device counts them; they continue
 * across device resets.  Symbol errors are in the eth-phy group.
 */
void lumen_get_fec_stats(struct net_device *netdev,
			 struct ethtool_fec_stats *fs)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;
	unsigned int first, n;

	first = ln->lp->idx * ln->lp->lanes;
	for (n = 0; n < ln->lp->lanes; n++) {
		fs->corrected_blocks.lanes[n] =
			lumen_rd_stat(ld, LUMEN_STAT_LANE_FEC_CORR + first + n);
		fs->uncorrectable_blocks.lanes[n] =
			lumen_rd_stat(ld, LUMEN_STAT_LANE_FEC_UNCORR + first + n);
	}
}

/**
 * lumen_get_eth_phy_stats - ethtool -S --groups eth-phy
 * @netdev: the port's netdev
 * @ps: SymbolErrorDuringCarrier, the lanes' symbol errors summed
 */
void lumen_get_eth_phy_stats(struct net_device *netdev,
			     struct ethtool_eth_phy_stats *ps)
{
	struct lumen_net *ln = netdev_priv(netdev);
	unsigned int first, n;
	u64 sum = 0;

	first = ln->lp->idx * ln->lp->lanes;
	for (n = 0; n < ln->lp->lanes; n++)
		sum += lumen_rd_stat(ln->ld,
				     LUMEN_STAT_LANE_SYMBOL_ERR + first + n);
	ps->SymbolErrorDuringCarrier = sum;
}

/**
 * lumen_down_reason_str - describe a PORT_DOWN_REASON value
 * @reason: the register's value
 *
 * Return: a constant string, also for values this driver does not know.
 */
const char *lumen_down_reason_str(u32 reason)
{
	if (reason < ARRAY_SIZE(lumen_down_info))
		return lumen_down_info[reason].text;
	return "unknown reason";
}

/* One port's link; see lumen_link_update(). */
static void lumen_port_link_update(struct lumen_net *ln)
{
	struct net_device *netdev = ln->netdev;
	struct lumen_dev *ld = ln->ld;
	u32 st, reason;
	bool up;

	st = lumen_port_rd32(ln, LUMEN_PORT_STATUS);
	up = ln->queues_up && !lumen_gone(ld) && (st & LUMEN_PORT_STATUS_LINK);
	reason = up ? LUMEN_DOWN_NONE :
		 lumen_port_rd32(ln, LUMEN_PORT_DOWN_REASON);
	if (up == ln->link_up &&
	    (up ? st == ln->link_status : reason == ln->link_reason)) {
		lumen_link_health_check(ld, ln->lp->idx, reason);
		return;
	}
	ln->link_reason = reason;
	lumen_link_history_add(ld, ln->lp->idx, st, reason);
	if (!up && !ln->link_up)
		return;		/* still down, for another reason */
	if (up && ln->link_up) {
		/* retrained at another speed since the last look: it was
		 * down in between, however briefly
		 */
		netif_carrier_off(netdev);
		ln->link_down_events++;
	}
	WRITE_ONCE(ln->link_up, up);
	ln->link_status = st;

	if (up) {
		netdev_info(netdev, "link up, %lu Gb/s on %lu lanes\n",
			    FIELD_GET(LUMEN_PORT_STATUS_SPEED, st),
			    FIELD_GET(LUMEN_PORT_STATUS_LANES, st));
		netif_carrier_on(netdev);
	} else {
		netif_carrier_off(netdev);
		ln->link_down_events++;
		netdev_info(netdev, "link down, %s\n",
			    lumen_down_reason_str(reason));
	}
}

/**
 * lumen_link_update - bring the carriers in line with the device's links
 * @ld: the device
 *
 * Called from the link work item and on open, under RTNL.  For each
 * port: logs each change once, with the reason the device gives when the
 * link is down, and counts the times the link went down while the port
 * was up.  Every change, and a new reason while the link stays down,
 * goes into the link history.
 */
void lumen_link_update(struct lumen_dev *ld)
{
	struct lumen_net *ln;
	unsigned int k;

	ASSERT_RTNL();
	/* between reset prepare and done the registers may not answer */
	if (!lumen_regs_readable(ld))
		return;
	for (k = 0; k < ld->num_ports; k++) {
		ln = lumen_port_net(ld, k);
		if (ln)
			lumen_port_link_update(ln);
	}
}

/**
 * lumen_get_link_ext_state - ethtool's reason the link is down
 * @netdev: the port's netdev
 * @info: filled with the kernel's state and substate
 *
 * Return: 0, or -ENODATA while the link is up, when the device cannot
 * be asked (resetting or gone) or gives a reason with no kernel state.
 */
int lumen_get_link_ext_state(struct net_device *netdev,
			     struct ethtool_link_ext_state_info *info)
{
	struct lumen_net *ln = netdev_priv(netdev);
	const struct lumen_down_info *di;
	struct lumen_dev *ld = ln->ld;
	u32 reason;

	if (ln->link_up || !lumen_regs_readable(ld))
		return -ENODATA;
	reason = lumen_port_rd32(ln, LUMEN_PORT_DOWN_REASON);
	/* an untrusted value: a reserved reason is no reason */
	if (reason >= ARRAY_SIZE(lumen_down_info))
		return -ENODATA;
	di = &lumen_down_info[reason];
	if (!di->has_ext_state)
		return -ENODATA;
	info->link_ext_state = di->ext_state;
	/* each state's substate enum shares this u32 in a union */
	info->__link_ext_substate = di->ext_substate;
	return 0;
}
