// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "lumen_netdev.h"
#include "lumen_raw.h"

struct lumen_stat_desc {
	char name[ETH_GSTRING_LEN];
	enum lumen_stat stat;
};

/* Device counters, in the order ethtool -S shows them. */
static const struct lumen_stat_desc lumen_dev_stats[] = {
	{ "mac_tx_frames",		LUMEN_STAT_TX_FRAMES },
	{ "mac_tx_bytes",		LUMEN_STAT_TX_BYTES },
	{ "mac_rx_frames",		LUMEN_STAT_RX_FRAMES },
	{ "mac_rx_bytes",		LUMEN_STAT_RX_BYTES },
	{ "mac_rx_drop_disabled",	LUMEN_STAT_RX_DROP_DISABLED },
	{ "mac_rx_drop_filter",		LUMEN_STAT_RX_DROP_FILTER },
	{ "mac_rx_err_len",		LUMEN_STAT_RX_ERR_LEN },
	{ "mac_rx_drop_nobuf",		LUMEN_STAT_RX_DROP_NOBUF },
	{ "mac_tx_drop_link",		LUMEN_STAT_TX_DROP_LINK },
	{ "mac_tx_err_desc",		LUMEN_STAT_TX_ERR_DESC },
	{ "mac_rx_multicast",		LUMEN_STAT_RX_MCAST },
	{ "mac_rx_broadcast",		LUMEN_STAT_RX_BCAST },
	{ "mac_tx_multicast",		LUMEN_STAT_TX_MCAST },
	{ "mac_tx_broadcast",		LUMEN_STAT_TX_BCAST },
	{ "raw_tx_frames",		LUMEN_STAT_RAW_TX_FRAMES },
	{ "raw_tx_bytes",		LUMEN_STAT_RAW_TX_BYTES },
	{ "raw_rx_frames",		LUMEN_STAT_RAW_RX_FRAMES },
	{ "raw_rx_bytes",		LUMEN_STAT_RAW_RX_BYTES },
	{ "raw_rx_no_channel",		LUMEN_STAT_RAW_RX_NO_CHAN },
	{ "raw_rx_no_buffer",		LUMEN_STAT_RAW_RX_NOBUF },
	{ "raw_rx_err_len",		LUMEN_STAT_RAW_RX_ERR_LEN },
};

/* Per-queue software counters: name suffix and field. */
static const char * const lumen_txq_stats[] = {
	"packets", "bytes", "dropped", "errors", "bad_cqe", "busy",
	"lost_cqe",
};

static const char * const lumen_rxq_stats[] = {
	"packets", "bytes", "dropped", "bad_cqe", "alloc_fail",
	"csum_complete",
};

static const char * const lumen_cq_stats[] = {
	"missed_irq",
};

static void lumen_get_drvinfo(struct net_device *netdev,
			      struct ethtool_drvinfo *info)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;
	u32 fw_ver;

	/* a device reset may boot other firmware meanwhile */
	fw_ver = READ_ONCE(ld->fw_ver);
	strscpy(info->driver, LUMEN_DRV_NAME, sizeof(info->driver));
	snprintf(info->fw_version, sizeof(info->fw_version), "%lu.%lu.%lu",
		 FIELD_GET(LUMEN_FW_VER_MAJOR, fw_ver),
		 FIELD_GET(LUMEN_FW_VER_MINOR, fw_ver),
		 FIELD_GET(LUMEN_FW_VER_BUILD, fw_ver));
	strscpy(info->bus_info, pci_name(ld->pdev), sizeof(info->bus_info));
}

static void lumen_get_ringparam(struct net_device *netdev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct lumen_net *ln = netdev_priv(netdev);

	ring->rx_max_pending = LUMEN_RING_MAX;
	ring->tx_max_pending = LUMEN_RING_MAX;
	ring->rx_pending = ln->rx_ring_size;
	ring->tx_pending = ln->tx_ring_size;
}

static int lumen_set_ringparam(struct net_device *netdev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	struct lumen_net *ln = netdev_priv(netdev);

	/* The core has checked the maxima and that mini/jumbo are 0. */
	if (ring->tx_pending < LUMEN_RING_MIN ||
	    ring->rx_pending < LUMEN_RING_MIN) {
		NL_SET_ERR_MSG_MOD(extack, "ring sizes start at "
				   __stringify(LUMEN_RING_MIN) " entries");
		return -EINVAL;
	}
	if (!is_power_of_2(ring->tx_pending) ||
	    !is_power_of_2(ring->rx_pending)) {
		NL_SET_ERR_MSG_MOD(extack, "ring sizes must be powers of two");
		return -EINVAL;
	}
	if (ring->tx_pending == ln->tx_ring_size &&
	    ring->rx_pending == ln->rx_ring_size)
		return 0;
	return lumen_reconfigure(ln, ln->num_qp, ring->tx_pending,
				 ring->rx_pending);
}

static void lumen_get_channels(struct net_device *netdev,
			       struct ethtool_channels *ch)
{
	struct lumen_net *ln = netdev_priv(netdev);

	ch->max_combined = ln->lp->max_qp;
	ch->combined_count = ln->num_qp;
	ch->max_other = 1;
	ch->other_count = 1;
}

static int lumen_get_coalesce(struct net_device *netdev,
			      struct ethtool_coalesce *ec,
			      struct kernel_ethtool_coalesce *kec,
			      struct netlink_ext_ack *extack)
{
	struct lumen_net *ln = netdev_priv(netdev);

	ec->rx_coalesce_usecs = ln->rx_usecs;
	ec->rx_max_coalesced_frames = ln->rx_frames;
	ec->use_adaptive_rx_coalesce = ln->adaptive_rx;
	return 0;
}

/* One completion queue serves TX and RX, hence rx-* only. */
static int lumen_set_coalesce(struct net_device *netdev,
			      struct ethtool_coalesce *ec,
			      struct kernel_ethtool_coalesce *kec,
			      struct netlink_ext_ack *extack)
{
	struct lumen_net *ln = netdev_priv(netdev);

	if (ec->rx_coalesce_usecs > U16_MAX ||
	    ec->rx_max_coalesced_frames > U16_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "rx-usecs and rx-frames go up to 65535");
		return -ERANGE;
	}
	ln->rx_usecs = ec->rx_coalesce_usecs;
	ln->rx_frames = ec->rx_max_coalesced_frames;
	WRITE_ONCE(ln->adaptive_rx, !!ec->use_adaptive_rx_coalesce);
	if (ln->queues_up)
		lumen_qps_moderate(ln);
	return 0;
}

static int lumen_set_channels(struct net_device *netdev,
			      struct ethtool_channels *ch)
{
	struct lumen_net *ln = netdev_priv(netdev);

	/* The core has checked the maxima; the misc vector is not optional.
	 * This operation takes no extack, hence the log line.
	 */
	if (!ch->combined_count || ch->rx_count || ch->tx_count ||
	    ch->other_count != 1) {
		if (net_ratelimit())
			netdev_info(netdev, "channels: 1 to %u combined, and the 1 other\n",
				    ln->lp->max_qp);
		return -EINVAL;
	}
	if (ch->combined_count == ln->num_qp)
		return 0;
	return lumen_reconfigure(ln, ch->combined_count, ln->tx_ring_size,
				 ln->rx_ring_size);
}

static u32 lumen_get_rxfh_key_size(struct net_device *netdev)
{
	return LUMEN_RSS_KEY_SIZE;
}

static u32 lumen_get_rxfh_indir_size(struct net_device *netdev)
{
	return lumen_rss_indir_size(netdev_priv(netdev));
}

static int lumen_get_rxfh(struct net_device *netdev, u32 *indir, u8 *key,
			  u8 *hfunc)
{
	struct lumen_net *ln = netdev_priv(netdev);

	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (key)
		memcpy(key, ln->rss_key, sizeof(ln->rss_key));
	if (indir)
		memcpy(indir, ln->rss_indir,
		       lumen_rss_indir_size(ln) * sizeof(*indir));
	return 0;
}

/* The core has checked every entry against ETHTOOL_GRXRINGS. */
static int lumen_set_rxfh(struct net_device *netdev, const u32 *indir,
			  const u8 *key, const u8 hfunc)
{
	struct lumen_net *ln = netdev_priv(netdev);

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP) {
		netdev_info(netdev, "RSS hashes with Toeplitz only\n");
		return -EOPNOTSUPP;
	}
	if (key)
		memcpy(ln->rss_key, key, sizeof(ln->rss_key));
	if (indir)
		memcpy(ln->rss_indir, indir,
		       lumen_rss_indir_size(ln) * sizeof(*indir));
	if (ln->queues_up)
		lumen_rss_write(ln);
	return 0;
}

/* What the device hashes for each flow type (ethtool -n DEV rx-flow-hash). */
static int lumen_rss_flow_fields(struct ethtool_rxnfc *cmd)
{
	cmd->data = 0;
	switch (cmd->flow_type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
		cmd->data |= RXH_L4_B_0_1 | RXH_L4_B_2_3;
		fallthrough;
	case IPV4_FLOW:
	case IPV6_FLOW:
	case SCTP_V4_FLOW:
	case SCTP_V6_FLOW:
	case AH_ESP_V4_FLOW:
	case AH_ESP_V6_FLOW:
		cmd->data |= RXH_IP_SRC | RXH_IP_DST;
		return 0;
	default:
		return -EINVAL;
	}
}

static int lumen_get_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *cmd,
			   u32 *rule_locs)
{
	struct lumen_net *ln = netdev_priv(netdev);

	switch (cmd->cmd) {
	case ETHTOOL_GRXRINGS:
		cmd->data = ln->num_qp;
		return 0;
	case ETHTOOL_GRXFH:
		return lumen_rss_flow_fields(cmd);
	default:
		return -EOPNOTSUPP;
	}
}

/* The IEEE 802.3 and RMON groups (ethtool -S DEV --groups ...), from the
 * device's counters.  Frames that never reach the fiber or a queue (bad
 * descriptors, filtered) are not "OK" frames and are left out.
 */
static void lumen_get_eth_mac_stats(struct net_device *netdev,
				    struct ethtool_eth_mac_stats *mac)
{
	struct lumen_net *ln = netdev_priv(netdev);

	mac->FramesTransmittedOK = lumen_net_stat(ln, LUMEN_STAT_TX_FRAMES);
	mac->OctetsTransmittedOK = lumen_net_stat(ln, LUMEN_STAT_TX_BYTES);
	mac->MulticastFramesXmittedOK = lumen_net_stat(ln, LUMEN_STAT_TX_MCAST);
	mac->BroadcastFramesXmittedOK = lumen_net_stat(ln, LUMEN_STAT_TX_BCAST);
	mac->FramesReceivedOK = lumen_net_stat(ln, LUMEN_STAT_RX_FRAMES);
	mac->OctetsReceivedOK = lumen_net_stat(ln, LUMEN_STAT_RX_BYTES);
	mac->MulticastFramesReceivedOK = lumen_net_stat(ln, LUMEN_STAT_RX_MCAST);
	mac->BroadcastFramesReceivedOK = lumen_net_stat(ln, LUMEN_STAT_RX_BCAST);
	mac->FramesLostDueToIntMACRcvError =
		lumen_net_stat(ln, LUMEN_STAT_RX_DROP_NOBUF);
	mac->FrameTooLongErrors = lumen_net_stat(ln, LUMEN_STAT_RX_OVERSIZE);
}

static void lumen_get_eth_ctrl_stats(struct net_device *netdev,
				     struct ethtool_eth_ctrl_stats *ctrl)
{
	struct lumen_net *ln = netdev_priv(netdev);

	ctrl->MACControlFramesTransmitted =
		lumen_net_stat(ln, LUMEN_STAT_TX_MAC_CTRL);
	ctrl->MACControlFramesReceived =
		lumen_net_stat(ln, LUMEN_STAT_RX_MAC_CTRL);
}

static void lumen_get_pause_stats(struct net_device *netdev,
				  struct ethtool_pause_stats *pause)
{
	struct lumen_net *ln = netdev_priv(netdev);

	pause->tx_pause_frames = lumen_net_stat(ln, LUMEN_STAT_TX_PAUSE);
	pause->rx_pause_frames = lumen_net_stat(ln, LUMEN_STAT_RX_PAUSE);
}

/* The device counts PAUSE frames but neither sends nor obeys them. */
static void lumen_get_pauseparam(struct net_device *netdev,
				 struct ethtool_pauseparam *pause)
{
	pause->autoneg = 0;
	pause->rx_pause = 0;
	pause->tx_pause = 0;
}

/* Bucket bounds with the FCS, as the device counts (LUMEN_STAT_RX_64...). */
static const struct ethtool_rmon_hist_range lumen_rmon_ranges[] = {
	{    0,   64 },
	{   65,  127 },
	{  128,  255 },
	{  256,  511 },
	{  512, 1023 },
	{ 1024, 1518 },
	{ 1519, LUMEN_MAX_FRAME + 4 },
	{}
};

static void lumen_get_rmon_stats(struct net_device *netdev,
				 struct ethtool_rmon_stats *rmon,
				 const struct ethtool_rmon_hist_range **ranges)
{
	struct lumen_net *ln = netdev_priv(netdev);
	unsigned int i;

	rmon->undersize_pkts = lumen_net_stat(ln, LUMEN_STAT_RX_UNDERSIZE);
	rmon->oversize_pkts = lumen_net_stat(ln, LUMEN_STAT_RX_OVERSIZE);
	for (i = 0; i < ARRAY_SIZE(lumen_rmon_ranges) - 1; i++) {
		rmon->hist[i] = lumen_net_stat(ln, LUMEN_STAT_RX_64 + i);
		rmon->hist_tx[i] = lumen_net_stat(ln, LUMEN_STAT_TX_64 + i);
	}
	*ranges = lumen_rmon_ranges;
}

static int lumen_get_sset_count(struct net_device *netdev, int sset)
{
	struct lumen_net *ln = netdev_priv(netdev);

	switch (sset) {
	case ETH_SS_STATS:
		return ARRAY_SIZE(lumen_dev_stats) + 3 + 2 * ln->lp->lanes +
		       LUMEN_MOD_NUM_FLAGS +
		       ln->lp->max_qp * (ARRAY_SIZE(lumen_txq_stats) +
					 ARRAY_SIZE(lumen_rxq_stats) +
					 ARRAY_SIZE(lumen_cq_stats));
	case ETH_SS_TEST:
		return lumen_self_test_count();
	default:
		return -EOPNOTSUPP;
	}
}

static void lumen_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	struct lumen_net *ln = netdev_priv(netdev);
	unsigned int i, j;

	if (sset == ETH_SS_TEST) {
		lumen_self_test_strings(data);
		return;
	}
	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(lumen_dev_stats); i++)
		ethtool_sprintf(&data, "%s", lumen_dev_stats[i].name);
	ethtool_sprintf(&data, "tx_restarts");
	ethtool_sprintf(&data, "link_down_events");
	for (i = 0; i < ln->lp->lanes; i++)
		ethtool_sprintf(&data, "lane%u_ber_e12", i);
	for (i = 0; i < ln->lp->lanes; i++)
		ethtool_sprintf(&data, "lane%u_snr_tenth_db", i);
	ethtool_sprintf(&data, "raw_channels_open");
	lumen_mod_flags_strings(&data);
	for (i = 0; i < ln->lp->max_qp; i++) {
		for (j = 0; j < ARRAY_SIZE(lumen_txq_stats); j++)
			ethtool_sprintf(&data, "tx%u_%s", i, lumen_txq_stats[j]);
		for (j = 0; j < ARRAY_SIZE(lumen_rxq_stats); j++)
			ethtool_sprintf(&data, "rx%u_%s", i, lumen_rxq_stats[j]);
		for (j = 0; j < ARRAY_SIZE(lumen_cq_stats); j++)
			ethtool_sprintf(&data, "cq%u_%s", i, lumen_cq_stats[j]);
	}
}

static void lumen_get_ethtool_stats(struct net_device *netdev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;
	struct lumen_ring_stats s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lumen_dev_stats); i++)
		*data++ = lumen_dev_stats[i].stat < LUMEN_STAT_PORT_CNT ?
			  lumen_net_stat(ln, lumen_dev_stats[i].stat) :
			  lumen_rd_stat(ld, lumen_dev_stats[i].stat);
	*data++ = ln->tx_restarts;
	*data++ = ln->link_down_events;
	for (i = 0; i < ln->lp->lanes; i++)
		*data++ = lumen_regs_readable(ld) ?
			  lumen_rd32(ld, lumen_port_lane_reg(ln, i, LUMEN_LANE_BER)) : 0;
	for (i = 0; i < ln->lp->lanes; i++)
		*data++ = lumen_regs_readable(ld) ?
			  lumen_rd32(ld, lumen_port_lane_reg(ln, i, LUMEN_LANE_SNR)) : 0;
	*data++ = lumen_raw_open_channels(ld);
	lumen_mod_flags_stats(ld, &data);

	for (i = 0; i < ln->lp->max_qp; i++) {
		lumen_ring_stats_read(&ln->qp[i]->tx.stats, &s);
		*data++ = s.packets;
		*data++ = s.bytes;
		*data++ = s.dropped;
		*data++ = s.errors;
		*data++ = s.bad_cqe;
		*data++ = s.busy;
		*data++ = s.lost_cqe;

		lumen_ring_stats_read(&ln->qp[i]->rx.stats, &s);
		*data++ = s.packets;
		*data++ = s.bytes;
		*data++ = s.dropped;
		*data++ = s.bad_cqe;
		*data++ = s.alloc_fail;
		*data++ = s.csum_complete;

		lumen_ring_stats_read(&ln->qp[i]->cq.stats, &s);
		*data++ = s.missed_irq;
	}
}

static int lumen_get_regs_len(struct net_device *netdev)
{
	return LUMEN_REGS_DUMP_LEN;
}

/* ethtool -d: the blocks of the devlink "registers" region; the version
 * is the hardware revision.  All zeroes when the registers cannot be read.
 */
static void lumen_get_regs(struct net_device *netdev,
			   struct ethtool_regs *regs, void *p)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;

	regs->version = ld->rev;
	memset(p, 0, LUMEN_REGS_DUMP_LEN);
	if (lumen_regs_readable(ld))
		lumen_regs_dump(ld, p);
}

/* ethtool -p: blink the port's LED at this many cycles a second. */
#define LUMEN_ID_BLINK_HZ	2

static int lumen_set_phys_id(struct net_device *netdev,
			     enum ethtool_phys_id_state state)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;
	u32 mode;

	switch (state) {
	case ETHTOOL_ID_ACTIVE:
		return lumen_regs_readable(ld) ? LUMEN_ID_BLINK_HZ : -EBUSY;
	case ETHTOOL_ID_ON:
		mode = LUMEN_LED_ON;
		break;
	case ETHTOOL_ID_OFF:
		mode = LUMEN_LED_OFF;
		break;
	default:
		mode = LUMEN_LED_NORMAL;
		break;
	}
	/* RTNL is dropped between blinks: a reset may have started, and
	 * leaves the LED NORMAL.
	 */
	if (lumen_regs_readable(ld))
		lumen_port_wr32(ln, LUMEN_PORT_LED,
				FIELD_PREP(LUMEN_PORT_LED_MODE, mode));
	return 0;
}

static const struct ethtool_ops lumen_ethtool_ops = {
	.cap_link_lanes_supported	= true,
	.supported_coalesce_params	= ETHTOOL_COALESCE_RX_USECS |
					  ETHTOOL_COALESCE_RX_MAX_FRAMES |
					  ETHTOOL_COALESCE_USE_ADAPTIVE_RX,
	.get_drvinfo			= lumen_get_drvinfo,
	.get_link			= ethtool_op_get_link,
	.get_link_ksettings		= lumen_get_link_ksettings,
	.set_link_ksettings		= lumen_set_link_ksettings,
	.get_module_eeprom_by_page	= lumen_get_module_eeprom_by_page,
	.get_module_power_mode		= lumen_get_module_power_mode,
	.set_module_power_mode		= lumen_set_module_power_mode,
	.get_link_ext_state		= lumen_get_link_ext_state,
	.get_fecparam			= lumen_get_fecparam,
	.set_fecparam			= lumen_set_fecparam,
	.get_fec_stats			= lumen_get_fec_stats,
	.get_eth_phy_stats		= lumen_get_eth_phy_stats,
	.get_coalesce			= lumen_get_coalesce,
	.set_coalesce			= lumen_set_coalesce,
	.get_ringparam			= lumen_get_ringparam,
	.set_ringparam			= lumen_set_ringparam,
	.get_channels			= lumen_get_channels,
	.set_channels			= lumen_set_channels,
	.get_rxfh_key_size		= lumen_get_rxfh_key_size,
	.get_rxfh_indir_size		= lumen_get_rxfh_indir_size,
	.get_rxfh			= lumen_get_rxfh,
	.set_rxfh			= lumen_set_rxfh,
	.get_rxnfc			= lumen_get_rxnfc,
	.get_sset_count			= lumen_get_sset_count,
	.get_strings			= lumen_get_strings,
	.get_ethtool_stats		= lumen_get_ethtool_stats,
	.get_eth_mac_stats		= lumen_get_eth_mac_stats,
	.get_eth_ctrl_stats		= lumen_get_eth_ctrl_stats,
	.get_rmon_stats			= lumen_get_rmon_stats,
	.get_pause_stats		= lumen_get_pause_stats,
	.get_pauseparam			= lumen_get_pauseparam,
	.get_regs_len			= lumen_get_regs_len,
	.get_regs			= lumen_get_regs,
	.set_phys_id			= lumen_set_phys_id,
	.self_test			= lumen_self_test,
};

/**
 * lumen_set_ethtool_ops - attach lumen's ethtool operations to a netdev
 * @netdev: the netdev
 */
void lumen_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &lumen_ethtool_ops;
}
