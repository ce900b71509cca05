// SPDX-License-Identifier: GPL-2.0
/*
 * lumen: the port's lanes and speed, as ethtool's link settings show and
 * set them.
 *
 * Copyright (c) 2026 The lumen project authors
 *
 * The port runs on 1, 2, 4 or 8 lanes at one lane rate (25G NRZ, 50G,
 * 100G or 200G PAM4): 25 Gb/s to 1.6 Tb/s.  It does not negotiate:
 * `ethtool -s DEV speed S lanes N autoneg off` sets both (PORT_CFG), and
 * the link comes up only when the far end runs the same.  A setting the
 * kernel has a link mode for reports it; the others (8 lanes of 25G,
 * 800G, 1.6T) report their speed and lanes only.
 */

#include <linux/bitfield.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "lumen.h"
#include "lumen_netdev.h"

/* The kernel's link mode for each lanes and rate that has one. */
static const struct {
	u8 lanes;
	u8 rate;
	u8 mode;
} lumen_lane_modes[] = {
	{ 1, LUMEN_LANE_RATE_25G,  ETHTOOL_LINK_MODE_25000baseSR_Full_BIT },
	{ 2, LUMEN_LANE_RATE_25G,  ETHTOOL_LINK_MODE_50000baseSR2_Full_BIT },
	{ 4, LUMEN_LANE_RATE_25G,  ETHTOOL_LINK_MODE_100000baseSR4_Full_BIT },
	{ 1, LUMEN_LANE_RATE_50G,  ETHTOOL_LINK_MODE_50000baseSR_Full_BIT },
	{ 2, LUMEN_LANE_RATE_50G,  ETHTOOL_LINK_MODE_100000baseSR2_Full_BIT },
	{ 4, LUMEN_LANE_RATE_50G,  ETHTOOL_LINK_MODE_200000baseSR4_Full_BIT },
	{ 8, LUMEN_LANE_RATE_50G,  ETHTOOL_LINK_MODE_400000baseSR8_Full_BIT },
	{ 1, LUMEN_LANE_RATE_100G, ETHTOOL_LINK_MODE_100000baseSR_Full_BIT },
	{ 2, LUMEN_LANE_RATE_100G, ETHTOOL_LINK_MODE_200000baseSR2_Full_BIT },
	{ 4, LUMEN_LANE_RATE_100G, ETHTOOL_LINK_MODE_400000baseSR4_Full_BIT },
};

/* Mb/s of one lane at @rate. */
static u32 lumen_lane_mbps(u32 rate)
{
	return LUMEN_LANE_GBPS(rate) * 1000;
}

/* The lane rate that makes @speed (Mb/s) on @lanes lanes; false if none
 * does.
 */
static bool lumen_lane_rate_for(u32 speed, u32 lanes, u32 *rate)
{
	u32 r;

	if (lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8)
		return false;
	for (r = LUMEN_LANE_RATE_25G; r <= LUMEN_LANE_RATE_200G; r++) {
		if (lumen_lane_mbps(r) * lanes == speed) {
			*rate = r;
			return true;
		}
	}
	return false;
}

/**
 * lumen_lanes_init - the port's lanes and rate after probe
 * @ln: the netdev's private data
 *
 * The device's reset values; kept from then on across down/up and
 * device resets, like the FEC mode.
 */
void lumen_lanes_init(struct lumen_net *ln)
{
	/* all its lanes, as the device resets PORT_CFG (and splits it) */
	ln->lanes = ln->lp->lanes;
	ln->lane_rate = LUMEN_PORT_CFG_DEFAULT_RATE;
}

/**
 * lumen_lanes_need_training - lanes at @rate come up only with link training
 * @rate: a lane rate, LUMEN_LANE_RATE_*
 *
 * Return: true for 100G and 200G PAM4 lanes, which preset equalization
 * does not bring up.
 */
bool lumen_lanes_need_training(u32 rate)
{
	return rate >= LUMEN_LANE_RATE_100G;
}

/**
 * lumen_lanes_apply - program the configured lanes and rate
 * @ln: the netdev's private data
 *
 * Called when the port is enabled, and when the setting changes while it
 * is up; the device retrains the link.
 */
void lumen_lanes_apply(struct lumen_net *ln)
{
	lumen_port_wr32(ln, LUMEN_PORT_CFG,
			FIELD_PREP(LUMEN_PORT_CFG_LANES, ln->lanes) |
			FIELD_PREP(LUMEN_PORT_CFG_RATE, ln->lane_rate) |
			(READ_ONCE(ln->ld->link_training) ? 0 : LUMEN_PORT_CFG_PRESET));
}

static void lumen_lanes_link_modes(struct lumen_net *ln,
				   struct ethtool_link_ksettings *cmd)
{
	unsigned int i;

	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	for (i = 0; i < ARRAY_SIZE(lumen_lane_modes); i++) {
		if (lumen_lane_modes[i].lanes > ln->lp->lanes)
			continue;	/* lanes of another port of the split */
		__set_bit(lumen_lane_modes[i].mode, cmd->link_modes.supported);
		if (lumen_lane_modes[i].lanes == ln->lanes &&
		    lumen_lane_modes[i].rate == ln->lane_rate)
			__set_bit(lumen_lane_modes[i].mode,
				  cmd->link_modes.advertising);
	}
	ethtool_link_ksettings_add_link_mode(cmd, supported, FIBRE);
	ethtool_link_ksettings_add_link_mode(cmd, supported, FEC_NONE);
	ethtool_link_ksettings_add_link_mode(cmd, supported, FEC_BASER);
	ethtool_link_ksettings_add_link_mode(cmd, supported, FEC_RS);
	ethtool_link_ksettings_add_link_mode(cmd, advertising, FIBRE);
}

/**
 * lumen_get_link_ksettings - ethtool DEV: speed, lanes and link modes
 * @netdev: the port's netdev
 * @cmd: filled in
 *
 * Speed and lanes are the device's while the link is up (PORT_STATUS),
 * unknown while it is down; the advertised mode is the one configured.
 *
 * Return: 0.
 */
int lumen_get_link_ksettings(struct net_device *netdev,
			     struct ethtool_link_ksettings *cmd)
{
	struct lumen_net *ln = netdev_priv(netdev);
	u32 st, speed, lanes, rate;

	lumen_lanes_link_modes(ln, cmd);
	cmd->base.port = PORT_FIBRE;
	cmd->base.autoneg = AUTONEG_DISABLE;

	st = netif_running(netdev) ? lumen_port_rd32(ln, LUMEN_PORT_STATUS) : 0;
	speed = FIELD_GET(LUMEN_PORT_STATUS_SPEED, st) * 1000;
	lanes = FIELD_GET(LUMEN_PORT_STATUS_LANES, st);
	/* the device's word is checked: only a speed its lanes can run */
	if (ln->link_up && st != ~0U && (st & LUMEN_PORT_STATUS_LINK) &&
	    lumen_lane_rate_for(speed, lanes, &rate)) {
		cmd->base.speed = speed;
		cmd->lanes = lanes;
		cmd->base.duplex = DUPLEX_FULL;
	} else {
		cmd->base.speed = SPEED_UNKNOWN;
		cmd->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

/* The lanes and rate for a request: @speed (SPEED_UNKNOWN keeps the
 * configured speed) on @lanes (0 keeps the configured lanes if they make
 * the speed, else the most lanes that do).
 */
static bool lumen_lanes_pick(struct lumen_net *ln, u32 speed, u32 lanes,
			     u32 *out_lanes, u32 *rate)
{
	u32 n;

	if (speed == SPEED_UNKNOWN)
		speed = lumen_lane_mbps(ln->lane_rate) * ln->lanes;
	if (lanes) {
		*out_lanes = lanes;
		return lanes <= ln->lp->lanes &&
		       lumen_lane_rate_for(speed, lanes, rate);
	}
	if (lumen_lane_rate_for(speed, ln->lanes, rate)) {
		*out_lanes = ln->lanes;
		return true;
	}
	for (n = ln->lp->lanes; n; n /= 2) {
		if (lumen_lane_rate_for(speed, n, rate)) {
			*out_lanes = n;
			return true;
		}
	}
	return false;
}

/**
 * lumen_set_link_ksettings - ethtool -s DEV speed S lanes N autoneg off
 * @netdev: the port's netdev
 * @cmd: what the kernel made of the request
 *
 * Speed alone keeps the lanes if they can run it (their rate changes);
 * lanes alone keep the speed.  Kept across down/up and device resets.
 * Called under RTNL.  The kernel passes no extack here: a refusal is
 * explained in the log.
 *
 * Return: 0, or -EINVAL for autoneg, half duplex, or a speed that no
 * lane rate makes on those lanes.
 */
int lumen_set_link_ksettings(struct net_device *netdev,
			     const struct ethtool_link_ksettings *cmd)
{
	struct lumen_net *ln = netdev_priv(netdev);
	u32 lanes, rate;

	if (cmd->base.autoneg == AUTONEG_ENABLE) {
		netdev_err(netdev, "autoneg: the port does not negotiate; set speed and lanes with autoneg off\n");
		return -EINVAL;
	}
	if (cmd->base.duplex == DUPLEX_HALF) {
		netdev_err(netdev, "half duplex: the port runs full duplex only\n");
		return -EINVAL;
	}
	if (!lumen_lanes_pick(ln, cmd->base.speed, cmd->lanes, &lanes, &rate)) {
		netdev_err(netdev, "speed %u Mb/s on %u lanes: give 1, 2, 4 or 8 lanes (at most the port's %u) of 25000, 50000, 100000 or 200000 Mb/s each\n",
			   cmd->base.speed, cmd->lanes, ln->lp->lanes);
		return -EINVAL;
	}
	if (!READ_ONCE(ln->ld->link_training) &&
	    lumen_lanes_need_training(rate)) {
		netdev_err(netdev, "%u Gb/s lanes need link training: set the devlink param link_training true first\n",
			   LUMEN_LANE_GBPS(rate));
		return -EINVAL;
	}
	if (lanes == ln->lanes && rate == ln->lane_rate)
		return 0;
	ln->lanes = lanes;
	ln->lane_rate = rate;
	if (ln->queues_up && lumen_regs_readable(ln->ld))
		lumen_lanes_apply(ln);
	return 0;
}
