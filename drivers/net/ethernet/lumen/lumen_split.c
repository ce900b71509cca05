// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/rtnetlink.h>
#include <net/devlink.h>

#include "lumen.h"
#include "lumen_raw.h"

/* Port split (devlink port split / unsplit), live: the 8 lanes become 2,
 * 4 or 8 ports of 4, 2 or 1 lanes, each a devlink port and a netdev of
 * its own, and back, while the driver stays bound.  The old ports'
 * netdevs go away and the new ones are created, as a breakout cable
 * replaces one link by several: their settings start from the defaults.
 * The queue pairs are shared out evenly; raw channels run on port 0 and
 * are torn down (ENETRESET) by the change.
 */

/**
 * lumen_ports_hw_apply - tell the device how the lanes form ports
 * @ld: the device, just reset or with no port running
 *
 * A reset joins the lanes into one port; this splits them again, and
 * gives each port its queue pairs, which a port sends from whether or
 * not port 0 is up.
 */
void lumen_ports_hw_apply(struct lumen_dev *ld)
{
	unsigned int k;

	lumen_wr32(ld, LUMEN_CTRL_PORTS, ld->num_ports);
	for (k = 0; k < ld->num_ports; k++) {
		struct lumen_port *lp = &ld->ports[k];

		lumen_wr32(ld, LUMEN_PORT_REG(k, LUMEN_PORT_QPS),
			   FIELD_PREP(LUMEN_PORT_QPS_FIRST, lp->qp_first) |
			   FIELD_PREP(LUMEN_PORT_QPS_COUNT, lp->max_qp));
	}
}

/* Take the ports down: netdevs, then devlink ports. */
static void lumen_ports_remove(struct lumen_dev *ld)
{
	lumen_netdevs_destroy(ld);
	lumen_devl_ports_unregister(ld);
}

/* Build @num_ports ports: the device's split, devlink ports, netdevs. */
static int lumen_ports_build(struct lumen_dev *ld, unsigned int num_ports)
{
	int err;

	rtnl_lock();
	lumen_ports_layout(ld, num_ports);
	rtnl_unlock();
	lumen_ports_hw_apply(ld);
	if (lumen_rd32(ld, LUMEN_CTRL_PORTS) != num_ports)
		return lumen_gone(ld) ? -ENODEV : -EIO;
	err = lumen_devl_ports_register(ld);
	if (err)
		return err;
	err = lumen_netdevs_create(ld);
	if (err)
		lumen_devl_ports_unregister(ld);
	return err;
}

/* Replace the ports by @num_ports others; the devlink instance locked. */
static int lumen_ports_resplit(struct lumen_dev *ld, unsigned int num_ports,
			       struct netlink_ext_ack *extack)
{
	unsigned int old = ld->num_ports;
	int err, err2;

	mutex_lock(&ld->reset_lock);
	if (!lumen_regs_readable(ld)) {
		NL_SET_ERR_MSG_MOD(extack, "the device is gone or being reset");
		err = -ENODEV;
		goto out;
	}
	lumen_raw_reset_prepare(ld);
	lumen_ports_remove(ld);
	err = lumen_ports_build(ld, num_ports);
	if (!err) {
		dev_info(&ld->pdev->dev, "lanes now form %u port%s of %u\n",
			 num_ports, num_ports > 1 ? "s" : "",
			 LUMEN_NUM_LANES / num_ports);
		lumen_raw_reset_done(ld);
		goto out;
	}

	NL_SET_ERR_MSG_MOD(extack, "cannot create the new ports: the old ones are back");
	dev_err(&ld->pdev->dev, "cannot split the lanes into %u ports (%d), back to %u\n",
		num_ports, err, old);
	err2 = lumen_ports_build(ld, old);
	if (err2) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot create the new ports, nor the old ones again: reload the driver");
		dev_err(&ld->pdev->dev, "cannot restore the ports (%d): no netdev left\n",
			err2);
		goto out;	/* raw channels stay refused */
	}
	lumen_raw_reset_done(ld);
out:
	mutex_unlock(&ld->reset_lock);
	return err;
}

/**
 * lumen_port_split - devlink port split
 * @devlink: the device's devlink instance, locked
 * @port: the port; devlink checked that it is splittable (the unsplit
 *	one) and that @count suits its lanes
 * @count: ports wanted: 2, 4 or 8
 * @extack: where to say why not
 *
 * Return: 0 or an errno.
 */
int lumen_port_split(struct devlink *devlink, struct devlink_port *port,
		     unsigned int count, struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);

	if (ld->num_ports != 1) {
		NL_SET_ERR_MSG_MOD(extack, "the lanes are split already: unsplit first");
		return -EBUSY;
	}
	if (count > ld->max_qp) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too few queue pairs for that many ports (see ethtool -l)");
		return -EINVAL;
	}
	return lumen_ports_resplit(ld, count, extack);
}

/**
 * lumen_port_unsplit - devlink port unsplit
 * @devlink: the device's devlink instance, locked
 * @port: any port of the split
 * @extack: where to say why not
 *
 * Return: 0 or an errno.
 */
int lumen_port_unsplit(struct devlink *devlink, struct devlink_port *port,
		       struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);

	if (ld->num_ports == 1) {
		NL_SET_ERR_MSG_MOD(extack, "the port is not split");
		return -EINVAL;
	}
	return lumen_ports_resplit(ld, 1, extack);
}
