// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "lumen_netdev.h"

static void lumen_port_addr_write(struct lumen_net *ln, const u8 *addr)
{
	lumen_port_wr32(ln, LUMEN_PORT_ADDR_LO, addr[0] | addr[1] << 8 |
			addr[2] << 16 | addr[3] << 24);
	lumen_port_wr32(ln, LUMEN_PORT_ADDR_HI, addr[4] | addr[5] << 8);
}

static u32 lumen_port_rx_mode(const struct net_device *netdev)
{
	u32 mode = 0;

	/* The device filters one unicast address; more need promiscuity. */
	if ((netdev->flags & IFF_PROMISC) || !netdev_uc_empty(netdev))
		mode |= LUMEN_PORT_CTRL_PROMISC;
	if ((netdev->flags & IFF_ALLMULTI) || !netdev_mc_empty(netdev))
		mode |= LUMEN_PORT_CTRL_ALLMULTI;
	return mode;
}

/* PORT_CTRL is changed from RTNL context and from ndo_set_rx_mode, which
 * may run without RTNL: every read-modify-write holds port_ctrl_lock.
 */
static void lumen_port_ctrl_rmw(struct lumen_net *ln, u32 clear, u32 set)
{
	u32 reg = LUMEN_PORT_REG(ln->lp->idx, LUMEN_PORT_CTRL);

	spin_lock_bh(&ln->port_ctrl_lock);
	lumen_rmw32(ln->ld, reg, clear, set);
	spin_unlock_bh(&ln->port_ctrl_lock);
}

static void lumen_set_rx_mode(struct net_device *netdev)
{
	struct lumen_net *ln = netdev_priv(netdev);

	lumen_port_ctrl_rmw(ln, LUMEN_PORT_CTRL_PROMISC | LUMEN_PORT_CTRL_ALLMULTI,
			    lumen_port_rx_mode(netdev));
}

/* MAC loopback is a feature (ethtool -K DEV loopback on): the port's
 * configuration, applied whenever the port is enabled, so that it
 * survives down/up and device resets.
 */
static u32 lumen_port_loopback_mode(netdev_features_t features)
{
	return features & NETIF_F_LOOPBACK ? LUMEN_PORT_CTRL_LOOPBACK : 0;
}

static void lumen_port_enable(struct lumen_net *ln)
{
	struct net_device *netdev = ln->netdev;

	lumen_port_wr32(ln, LUMEN_PORT_MAX_FRAME, lumen_max_frame(netdev->mtu));
	lumen_port_addr_write(ln, netdev->dev_addr);
	lumen_fec_apply(ln);
	lumen_lanes_apply(ln);
	lumen_module_power_apply(ln->ld);
	spin_lock_bh(&ln->port_ctrl_lock);
	lumen_port_wr32(ln, LUMEN_PORT_CTRL, LUMEN_PORT_CTRL_TX_EN |
			LUMEN_PORT_CTRL_RX_EN | lumen_port_rx_mode(netdev) |
			lumen_port_loopback_mode(netdev->features));
	spin_unlock_bh(&ln->port_ctrl_lock);
}

/**
 * lumen_port_loopback - turn the port's MAC loopback on or off
 * @ln: the netdev's private data
 * @on: loop TX back to RX, else TX goes to the fiber
 *
 * Only while the queues run: a port that is down, or quiesced for a
 * reset, gets its loopback from the features when it is enabled.
 * Called under RTNL.
 */
void lumen_port_loopback(struct lumen_net *ln, bool on)
{
	ASSERT_RTNL();
	if (ln->queues_up)
		lumen_port_ctrl_rmw(ln, LUMEN_PORT_CTRL_LOOPBACK,
				    on ? LUMEN_PORT_CTRL_LOOPBACK : 0);
}

/**
 * lumen_port_retrain - start link training again (link health recovery)
 * @ln: the netdev's private data
 *
 * The transmitter goes off and on: the partner hears BYE, then training
 * frames, and both ends train again.  Called under RTNL.
 *
 * Return: 0, or -ENETDOWN when the port is down or being reset.
 */
int lumen_port_retrain(struct lumen_net *ln)
{
	ASSERT_RTNL();
	if (!ln->queues_up || !lumen_regs_readable(ln->ld))
		return -ENETDOWN;
	lumen_port_ctrl_rmw(ln, LUMEN_PORT_CTRL_TX_EN, 0);
	lumen_port_ctrl_rmw(ln, 0, LUMEN_PORT_CTRL_TX_EN);
	netdev_info(ln->netdev, "link retrained\n");
	return 0;
}

static int lumen_set_features(struct net_device *netdev,
			      netdev_features_t features)
{
	netdev_features_t changed = netdev->features ^ features;

	if (changed & NETIF_F_LOOPBACK)
		lumen_port_loopback(netdev_priv(netdev),
				    features & NETIF_F_LOOPBACK);
	return 0;
}

static void lumen_port_disable(struct lumen_net *ln)
{
	spin_lock_bh(&ln->port_ctrl_lock);
	lumen_port_wr32(ln, LUMEN_PORT_CTRL, 0);
	spin_unlock_bh(&ln->port_ctrl_lock);
	lumen_module_power_apply(ln->ld);
}

static void lumen_service_task(struct work_struct *work)
{
	struct lumen_net *ln = container_of(to_delayed_work(work),
					    struct lumen_net, service_task);

	/* Whether devlink health then restarts the queues is the
	 * operator's choice: keep watching either way.
	 */
	if (lumen_qps_check_progress(ln, &ln->hung_qp))
		lumen_health_tx_report(ln->ld, ln->lp->idx, READ_ONCE(ln->hung_qp));
	/* the device raises no interrupt when only the down reason changes */
	if (!READ_ONCE(ln->link_up))
		schedule_work(&ln->ld->link_work);
	schedule_delayed_work(&ln->service_task, HZ);
}

/* A TX queue timed out (or, from the service task, a TX engine hung):
 * tell devlink health, whose "tx" reporter restarts the port's queues
 * unless the operator said otherwise (lumen_netdevs_restart()).
 */
static void lumen_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct lumen_net *ln = netdev_priv(netdev);

	netdev_err(netdev, "TX queue %u timed out\n", txqueue);
	lumen_health_tx_report(ln->ld, ln->lp->idx, -1);
}

/* Allocate and start the queues with the current configuration. */
static int lumen_queues_up(struct lumen_net *ln)
{
	struct net_device *netdev = ln->netdev;
	int err;

	err = netif_set_real_num_tx_queues(netdev, ln->num_qp);
	if (err)
		return err;
	err = netif_set_real_num_rx_queues(netdev, ln->num_qp);
	if (err)
		return err;

	err = lumen_rings_alloc(ln);
	if (err)
		return err;
	err = lumen_qps_start(ln);
	if (err)
		goto err_free_rings;

	netif_tx_start_all_queues(netdev);
	lumen_rss_write(ln);
	lumen_port_enable(ln);
	ln->queues_up = true;
	lumen_link_update(ln->ld);
	schedule_delayed_work(&ln->service_task, HZ);
	return 0;

err_free_rings:
	lumen_rings_free(ln);
	return err;
}

static void lumen_queues_down(struct lumen_net *ln)
{
	struct net_device *netdev = ln->netdev;

	if (!ln->queues_up)
		return;
	cancel_delayed_work_sync(&ln->service_task);
	lumen_port_disable(ln);
	netif_carrier_off(netdev);
	WRITE_ONCE(ln->link_up, false);
	ln->queues_up = false;
	/* a new start for the link history and its failure reports */
	ln->link_reason = LUMEN_DOWN_ADMIN;
	lumen_link_history_add(ln->ld, ln->lp->idx, 0, LUMEN_DOWN_ADMIN);
	lumen_qps_stop(ln);
	lumen_rings_free(ln);
}

static int lumen_open(struct net_device *netdev)
{
	struct lumen_net *ln = netdev_priv(netdev);

	if (lumen_gone(ln->ld))
		return -ENODEV;
	return lumen_queues_up(ln);
}

static int lumen_stop(struct net_device *netdev)
{
	lumen_queues_down(netdev_priv(netdev));
	return 0;
}

/**
 * lumen_reconfigure - change the number of queue pairs or ring sizes
 * @ln: the netdev's private data
 * @num_qp: queue pairs to use, 1 to the device's maximum
 * @tx_size: TX ring entries, a power of two within the device's bounds
 * @rx_size: RX ring entries, likewise
 *
 * A netdev that is down only records the new values.  One that is up
 * restarts its queues with them, which pauses traffic for as long as the
 * rings take to allocate.  If they cannot be allocated the old
 * configuration is restored and started again, so that a failed change
 * leaves the port as it was.  Called under RTNL.
 *
 * Return: 0 or the errno of the failed change.
 */
int lumen_reconfigure(struct lumen_net *ln, u16 num_qp, u32 tx_size,
		      u32 rx_size)
{
	u32 old_tx = ln->tx_ring_size, old_rx = ln->rx_ring_size;
	struct net_device *netdev = ln->netdev;
	u16 old_qp = ln->num_qp;
	int err, err2;

	ASSERT_RTNL();
	if (netif_running(netdev) && lumen_gone(ln->ld))
		return -ENODEV;

	lumen_queues_down(ln);
	ln->num_qp = num_qp;
	ln->tx_ring_size = tx_size;
	ln->rx_ring_size = rx_size;
	lumen_rss_spread(ln);
	if (!netif_running(netdev))
		return 0;

	err = lumen_queues_up(ln);
	if (!err)
		return 0;

	ln->num_qp = old_qp;
	ln->tx_ring_size = old_tx;
	ln->rx_ring_size = old_rx;
	lumen_rss_spread(ln);
	err2 = lumen_queues_up(ln);
	if (err2)
		netdev_err(netdev, "cannot restart the queues (%d); set the port down and up\n",
			   err2);
	return err;
}

static int lumen_set_mac_address(struct net_device *netdev, void *p)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct sockaddr *addr = p;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	eth_hw_addr_set(netdev, addr->sa_data);
	if (netif_running(netdev))
		lumen_port_addr_write(ln, netdev->dev_addr);
	return 0;
}

static int lumen_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct lumen_net *ln = netdev_priv(netdev);

	netdev->mtu = new_mtu;
	if (netif_running(netdev))
		lumen_port_wr32(ln, LUMEN_PORT_MAX_FRAME, lumen_max_frame(new_mtu));
	return 0;
}

static void lumen_get_stats64(struct net_device *netdev,
			      struct rtnl_link_stats64 *stats)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;
	struct lumen_ring_stats s;
	unsigned int i;

	for (i = 0; i < ln->lp->max_qp; i++) {
		struct lumen_qp *qp = ln->qp[i];

		lumen_ring_stats_read(&qp->tx.stats, &s);
		stats->tx_packets += s.packets;
		stats->tx_bytes += s.bytes;
		stats->tx_dropped += s.dropped;
		stats->tx_errors += s.errors;

		lumen_ring_stats_read(&qp->rx.stats, &s);
		stats->rx_packets += s.packets;
		stats->rx_bytes += s.bytes;
		stats->rx_dropped += s.dropped;
		stats->rx_errors += s.bad_cqe;
		stats->rx_missed_errors += s.alloc_fail;
	}

	if (lumen_gone(ld))
		return;
	stats->rx_dropped += lumen_net_stat(ln, LUMEN_STAT_RX_DROP_DISABLED);
	/* the device had no buffer: the host did not keep up */
	stats->rx_missed_errors += lumen_net_stat(ln, LUMEN_STAT_RX_DROP_NOBUF);
	stats->rx_length_errors = lumen_net_stat(ln, LUMEN_STAT_RX_ERR_LEN);
	stats->rx_errors += stats->rx_length_errors;
	stats->multicast = lumen_net_stat(ln, LUMEN_STAT_RX_MCAST);
}

/* The port's devlink port: devlink's compat paths (ethtool -f, the
 * physical port name) find the device through it.
 */
static struct devlink_port *lumen_get_devlink_port(struct net_device *netdev)
{
	struct lumen_net *ln = netdev_priv(netdev);

	return &ln->lp->dl_port;
}

static const struct net_device_ops lumen_netdev_ops = {
	.ndo_open		= lumen_open,
	.ndo_stop		= lumen_stop,
	.ndo_start_xmit		= lumen_xmit,
	.ndo_features_check	= lumen_features_check,
	.ndo_set_features	= lumen_set_features,
	.ndo_set_rx_mode	= lumen_set_rx_mode,
	.ndo_set_mac_address	= lumen_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= lumen_change_mtu,
	.ndo_get_stats64	= lumen_get_stats64,
	.ndo_tx_timeout		= lumen_tx_timeout,
	.ndo_get_devlink_port	= lumen_get_devlink_port,
};

/**
 * lumen_netdevs_quiesce - stop the ports for a device reset
 * @ld: the device
 *
 * Detaches every netdev, so that neither the stack nor ethtool reaches
 * it, and stops its queues if it is up.  Called under RTNL.
 */
void lumen_netdevs_quiesce(struct lumen_dev *ld)
{
	unsigned int k;

	ASSERT_RTNL();
	for (k = 0; k < ld->num_ports; k++) {
		struct net_device *netdev = ld->ports[k].netdev;

		if (!netdev)
			continue;
		netif_device_detach(netdev);
		lumen_queues_down(netdev_priv(netdev));
	}
}

/**
 * lumen_netdevs_restore - restart the ports after a device reset
 * @ld: the device, reset, split as before and with its slow-path
 *	interrupt armed
 *
 * Starts the queues of every netdev that is up again, then attaches it.
 * Called under RTNL.
 *
 * Return: 0, or the first errno, with that netdev left detached.
 */
int lumen_netdevs_restore(struct lumen_dev *ld)
{
	unsigned int k;
	int ret = 0;

	ASSERT_RTNL();
	for (k = 0; k < ld->num_ports; k++) {
		struct net_device *netdev = ld->ports[k].netdev;
		int err;

		if (!netdev)
			continue;
		if (netif_running(netdev)) {
			err = lumen_queues_up(netdev_priv(netdev));
			if (err) {
				ret = ret ?: err;
				continue;
			}
		}
		netif_device_attach(netdev);
	}
	return ret;
}

/**
 * lumen_netdevs_restart - restart the queues of ports that are up
 * @ld: the device
 * @port: only this port, or every port for -1
 *
 * The recovery of the "tx" health reporter: stops every queue pair and
 * starts it again with the same configuration, which resets the
 * device's queue engines.  Nothing to do for a port that is down.
 * Called under RTNL.
 *
 * Return: 0 or the first errno of a restart.
 */
int lumen_netdevs_restart(struct lumen_dev *ld, int port)
{
	unsigned int k;
	int ret = 0;

	ASSERT_RTNL();
	for (k = 0; k < ld->num_ports; k++) {
		struct lumen_net *ln = lumen_port_net(ld, k);
		int err;

		if (!ln || !ln->queues_up || (port >= 0 && port != k))
			continue;
		if (lumen_gone(ld))
			return -ENODEV;
		ln->tx_restarts++;
		err = lumen_reconfigure(ln, ln->num_qp, ln->tx_ring_size,
					ln->rx_ring_size);
		ret = ret ?: err;
	}
	return ret;
}

/**
 * lumen_netdevs_running - is any port's netdev up?
 * @ld: the device
 *
 * Called under RTNL, or under the reset lock, which keeps a port split
 * (and so the netdevs) from changing.
 *
 * Return: true if one is.
 */
bool lumen_netdevs_running(struct lumen_dev *ld)
{
	unsigned int k;

	for (k = 0; k < ld->num_ports; k++)
		if (ld->ports[k].netdev && netif_running(ld->ports[k].netdev))
			return true;
	return false;
}

static void lumen_netdev_init(struct lumen_net *ln)
{
	struct net_device *netdev = ln->netdev;
	struct lumen_port *lp = ln->lp;

	ln->num_qp = min_t(u16, lp->max_qp, netif_get_num_default_rss_queues());
	ln->tx_ring_size = LUMEN_DEFAULT_RING;
	ln->rx_ring_size = LUMEN_DEFAULT_RING;
	INIT_DELAYED_WORK(&ln->service_task, lumen_service_task);
	spin_lock_init(&ln->port_ctrl_lock);
	ln->adaptive_rx = true;
	ln->fec = ETHTOOL_FEC_AUTO;
	lumen_lanes_init(ln);
	lumen_rss_init(ln);

	netdev->netdev_ops = &lumen_netdev_ops;
	lumen_set_ethtool_ops(netdev);
	netdev->watchdog_timeo = 5 * HZ;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = LUMEN_MAX_MTU;
	netif_set_tso_max_size(netdev, LUMEN_TSO_MAX_LEN);
	netdev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			      NETIF_F_RXHASH | NETIF_F_TSO | NETIF_F_TSO6;
	netdev->features = netdev->hw_features | NETIF_F_HIGHDMA;
	netdev->vlan_features = netdev->features;
	/* MAC loopback: off unless the operator asks for it */
	netdev->hw_features |= NETIF_F_LOOPBACK;
	netdev->priv_flags |= IFF_UNICAST_FLT;
	/* port k of a split answers to the factory address + k */
	eth_hw_addr_gen(netdev, ln->ld->mac, lp->idx);
	netif_carrier_off(netdev);
}

/* Create and register the netdev of one port. */
static int lumen_netdev_create(struct lumen_port *lp)
{
	struct net_device *netdev;
	struct lumen_net *ln;
	int err;

	netdev = alloc_etherdev_mq(sizeof(*ln), lp->max_qp);
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &lp->ld->pdev->dev);
	ln = netdev_priv(netdev);
	ln->ld = lp->ld;
	ln->lp = lp;
	ln->netdev = netdev;
	lumen_netdev_init(ln);

	err = lumen_qps_alloc(ln);
	if (err)
		goto err_free_netdev;

	/* Set before registering: the netdev may be opened at once. */
	rtnl_lock();
	lp->netdev = netdev;
	rtnl_unlock();
	err = register_netdev(netdev);
	if (err)
		goto err_free_qps;
	devlink_port_type_eth_set(&lp->dl_port, netdev);
	return 0;

err_free_qps:
	rtnl_lock();
	lp->netdev = NULL;
	rtnl_unlock();
	lumen_qps_free(ln);
err_free_netdev:
	free_netdev(netdev);
	return err;
}

/* Unregister and free the netdev of one port. */
static void lumen_netdev_destroy(struct lumen_port *lp)
{
	struct net_device *netdev = lp->netdev;
	struct lumen_net *ln;

	if (!netdev)
		return;
	ln = netdev_priv(netdev);
	devlink_port_type_clear(&lp->dl_port);
	unregister_netdev(netdev);
	/* The link and gone work items use the netdevs under RTNL. */
	rtnl_lock();
	lp->netdev = NULL;
	rtnl_unlock();
	lumen_qps_free(ln);
	free_netdev(netdev);
}

/**
 * lumen_netdevs_create - create and register a netdev for every port
 * @ld: the device, reset, split and with its interrupts set up
 *
 * Return: 0 or an errno, with nothing left registered or allocated.
 */
int lumen_netdevs_create(struct lumen_dev *ld)
{
	unsigned int k;
	int err;

	for (k = 0; k < ld->num_ports; k++) {
		err = lumen_netdev_create(&ld->ports[k]);
		if (err)
			goto err_destroy;
	}
	return 0;

err_destroy:
	while (k--)
		lumen_netdev_destroy(&ld->ports[k]);
	return err;
}

/**
 * lumen_netdevs_destroy - unregister and free every port's netdev
 * @ld: the device
 */
void lumen_netdevs_destroy(struct lumen_dev *ld)
{
	unsigned int k = ld->num_ports;

	while (k--)
		lumen_netdev_destroy(&ld->ports[k]);
}
