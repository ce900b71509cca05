/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The lumen authors */

#ifndef _LUMEN_NETDEV_H_
#define _LUMEN_NETDEV_H_

#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>

#include "lumen.h"
#include "lumen_txrx.h"

#define LUMEN_MAX_MTU		9600

/* Longest frame the port takes for an MTU: room for one VLAN tag. */
static inline u32 lumen_max_frame(unsigned int mtu)
{
	return mtu + VLAN_ETH_HLEN;
}

/**
 * struct lumen_net - a lumen port's netdev private data
 * @ld: the device
 * @lp: the port the netdev is
 * @netdev: the netdev
 * @qp: queue pairs, allocated for the netdev's lifetime so that their
 *	counters survive down/up; rings are allocated only while open
 * @num_qp: queue pairs in use
 * @tx_ring_size: TX descriptors per ring
 * @rx_ring_size: RX buffers per ring
 * @rx_usecs: interrupt moderation: microseconds from the first entry
 * @rx_frames: interrupt moderation: entries that fire at once
 * @adaptive_rx: moderation chosen by DIM instead of the two above
 * @rss_key: RSS hash key
 * @rss_indir: RSS indirection table: a queue pair per entry, the first
 *	lumen_rss_indir_size() in use
 * @link_up: the link state last reported, so that changes log once
 * @link_status: PORT_STATUS when the link was last seen up: its speed
 * @link_reason: PORT_DOWN_REASON when the link was last seen down
 * @link_reason_since: jiffies when the link or its down reason last changed
 * @link_reported: a training failure since then was reported
 * @port_ctrl_lock: serialises read-modify-writes of PORT_CTRL
 * @queues_up: rings allocated and queue pairs started; false while the
 *	netdev is down, or up after a reconfiguration that could not even
 *	restore the old configuration
 * @service_task: once a second while open: queue progress
 * @hung_qp: the queue pair the service task found hung
 * @tx_restarts: queue restarts done by that reporter's recovery
 * @link_down_events: times the link went down while the port was up
 * @fec: the FEC mode configured, one ETHTOOL_FEC_* bit
 * @lanes: the lanes the port runs on: 1, 2, 4 or 8
 * @lane_rate: their rate, LUMEN_LANE_RATE_*
 */
struct lumen_net {
	struct lumen_dev *ld;
	struct lumen_port *lp;
	struct net_device *netdev;
	struct lumen_qp *qp[LUMEN_MAX_QP];
	u16 num_qp;
	u32 tx_ring_size;
	u32 rx_ring_size;
	u16 rx_usecs;
	u16 rx_frames;
	bool adaptive_rx;
	u8 rss_key[LUMEN_RSS_KEY_SIZE];
	u32 rss_indir[LUMEN_RSS_INDIR_SIZE];
	bool link_up;
	u32 link_status;
	u32 link_reason;
	unsigned long link_reason_since;
	bool link_reported;
	spinlock_t port_ctrl_lock;		/* see above */
	bool queues_up;
	struct delayed_work service_task;
	int hung_qp;
	u64 tx_restarts;
	u64 link_down_events;
	u32 fec;
	u32 lanes;
	u32 lane_rate;
};

/* The private data of port @k's netdev, NULL while it has none */
static inline struct lumen_net *lumen_port_net(struct lumen_dev *ld,
					       unsigned int k)
{
	struct net_device *netdev = ld->ports[k].netdev;

	return netdev ? netdev_priv(netdev) : NULL;
}

/* The netdev's own PORT registers */
static inline u32 lumen_port_rd32(struct lumen_net *ln, u32 reg)
{
	return lumen_rd32(ln->ld, LUMEN_PORT_REG(ln->lp->idx, reg));
}

static inline void lumen_port_wr32(struct lumen_net *ln, u32 reg, u32 val)
{
	lumen_wr32(ln->ld, LUMEN_PORT_REG(ln->lp->idx, reg), val);
}

/* Register @reg of lane @n of the netdev's port (its own numbering) */
static inline u32 lumen_port_lane_reg(struct lumen_net *ln, unsigned int n,
				      u32 reg)
{
	return LUMEN_LANE(ln->lp->idx * ln->lp->lanes + n, reg);
}

/* A MAC counter of the netdev's port */
static inline u64 lumen_net_stat(struct lumen_net *ln, enum lumen_stat stat)
{
	return lumen_rd_pstat(ln->lp, stat);
}

/* lumen_rss.c */
/* Entries of the port's share of the indirection table. */
static inline u32 lumen_rss_indir_size(const struct lumen_net *ln)
{
	return LUMEN_RSS_INDIR_SIZE * ln->lp->lanes / LUMEN_NUM_LANES;
}

void lumen_rss_init(struct lumen_net *ln);
void lumen_rss_spread(struct lumen_net *ln);
void lumen_rss_write(struct lumen_net *ln);

int lumen_reconfigure(struct lumen_net *ln, u16 num_qp, u32 tx_size,
		      u32 rx_size);
void lumen_port_loopback(struct lumen_net *ln, bool on);
int lumen_port_retrain(struct lumen_net *ln);

/* lumen_selftest.c */
int lumen_self_test_count(void);
void lumen_self_test_strings(u8 *data);
void lumen_self_test(struct net_device *netdev, struct ethtool_test *eth_test,
		     u64 *data);

/* lumen_lanes.c */
void lumen_lanes_init(struct lumen_net *ln);
void lumen_lanes_apply(struct lumen_net *ln);
bool lumen_lanes_need_training(u32 rate);
int lumen_get_link_ksettings(struct net_device *netdev,
			     struct ethtool_link_ksettings *cmd);
int lumen_set_link_ksettings(struct net_device *netdev,
			     const struct ethtool_link_ksettings *cmd);

/* lumen_module.c */
int lumen_get_module_eeprom_by_page(struct net_device *netdev,
				    const struct ethtool_module_eeprom *req,
				    struct netlink_ext_ack *extack);
int lumen_get_module_power_mode(struct net_device *netdev,
				struct ethtool_module_power_mode_params *params,
				struct netlink_ext_ack *extack);
int lumen_set_module_power_mode(struct net_device *netdev,
				const struct ethtool_module_power_mode_params *params,
				struct netlink_ext_ack *extack);

/* lumen_link.c */
int lumen_get_link_ext_state(struct net_device *netdev,
			     struct ethtool_link_ext_state_info *info);
void lumen_fec_apply(struct lumen_net *ln);
int lumen_get_fecparam(struct net_device *netdev, struct ethtool_fecparam *fp);
int lumen_set_fecparam(struct net_device *netdev, struct ethtool_fecparam *fp);
void lumen_get_fec_stats(struct net_device *netdev,
			 struct ethtool_fec_stats *fs);
void lumen_get_eth_phy_stats(struct net_device *netdev,
			     struct ethtool_eth_phy_stats *ps);

#endif /* _LUMEN_NETDEV_H_ */
