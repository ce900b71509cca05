// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/pci.h>
#include <net/devlink.h>

#include "lumen.h"

static void lumen_fw_ver_str(char *buf, size_t size, u32 ver)
{
	snprintf(buf, size, "%lu.%lu.%lu",
		 FIELD_GET(LUMEN_FW_VER_MAJOR, ver),
		 FIELD_GET(LUMEN_FW_VER_MINOR, ver),
		 FIELD_GET(LUMEN_FW_VER_BUILD, ver));
}

/* "fw": the running image, and the stored bank's while it holds one. */
static int lumen_fw_ver_put(struct lumen_dev *ld, struct devlink_info_req *req)
{
	u32 stored = lumen_fw_stored_version(ld);
	char buf[32];
	int err;

	lumen_fw_ver_str(buf, sizeof(buf), READ_ONCE(ld->fw_ver));
	err = devlink_info_version_running_put(req,
					       DEVLINK_INFO_VERSION_GENERIC_FW,
					       buf);
	if (err || !stored)
		return err;
	lumen_fw_ver_str(buf, sizeof(buf), stored);
	return devlink_info_version_stored_put(req,
					       DEVLINK_INFO_VERSION_GENERIC_FW,
					       buf);
}

static int lumen_devlink_info_get(struct devlink *devlink,
				  struct devlink_info_req *req,
				  struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);
	char buf[32];
	int err;

	err = devlink_info_driver_name_put(req, LUMEN_DRV_NAME);
	if (err)
		return err;

	if (ld->dsn) {
		snprintf(buf, sizeof(buf), "%016llx", ld->dsn);
		err = devlink_info_serial_number_put(req, buf);
		if (err)
			return err;
	}

	snprintf(buf, sizeof(buf), "%08x", ld->board_id);
	err = devlink_info_version_fixed_put(req,
					     DEVLINK_INFO_VERSION_GENERIC_BOARD_ID,
					     buf);
	if (err)
		return err;

	snprintf(buf, sizeof(buf), "%lu.%lu",
		 FIELD_GET(LUMEN_CTRL_REV_MAJOR, ld->rev),
		 FIELD_GET(LUMEN_CTRL_REV_MINOR, ld->rev));
	err = devlink_info_version_fixed_put(req,
					     DEVLINK_INFO_VERSION_GENERIC_ASIC_REV,
					     buf);
	if (err)
		return err;

	return lumen_fw_ver_put(ld, req);
}

/* driver_reinit: the device is reset and the driver set up again around
 * it; the netdev stays registered, with its settings.  It stays in its
 * network namespace, so a reload into another one is refused.
 * fw_activate: the same, once the device was told to boot the stored
 * firmware image on that reset.
 */
static int lumen_devlink_reload_down(struct devlink *devlink, bool netns_change,
				     enum devlink_reload_action action,
				     enum devlink_reload_limit limit,
				     struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);
	int err;

	if (netns_change) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the netdev stays registered across a reload: move it with ip link set netns");
		return -EOPNOTSUPP;
	}
	if (lumen_gone(ld)) {
		NL_SET_ERR_MSG_MOD(extack, "device is gone");
		return -ENODEV;
	}
	if (action == DEVLINK_RELOAD_ACTION_FW_ACTIVATE) {
		err = lumen_fw_activate(ld, extack);
		if (err)
			return err;
	}
	lumen_reset_prepare(ld);
	return 0;
}

static int lumen_devlink_reload_up(struct devlink *devlink,
				   enum devlink_reload_action action,
				   enum devlink_reload_limit limit,
				   u32 *actions_performed,
				   struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);
	int err;

	*actions_performed = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT);
	if (action == DEVLINK_RELOAD_ACTION_FW_ACTIVATE)
		*actions_performed |= BIT(DEVLINK_RELOAD_ACTION_FW_ACTIVATE);
	lumen_params_apply(ld);
	err = lumen_reset_done(ld, extack);
	if (err || action != DEVLINK_RELOAD_ACTION_FW_ACTIVATE)
		return err;
	if (lumen_fw_boot_failed(ld)) {
		/* the driver is back, on the firmware the device kept */
		NL_SET_ERR_MSG_MOD(extack,
				   "the device could not boot the stored image: the previous firmware still runs");
		return -EIO;
	}
	return 0;
}

static bool lumen_devlink_selftest_check(struct devlink *devlink,
					 unsigned int id,
					 struct netlink_ext_ack *extack)
{
	return id == DEVLINK_ATTR_SELFTEST_ID_FLASH;
}

static enum devlink_selftest_status
lumen_devlink_selftest_run(struct devlink *devlink, unsigned int id,
			   struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);

	if (id != DEVLINK_ATTR_SELFTEST_ID_FLASH)
		return DEVLINK_SELFTEST_STATUS_SKIP;
	return lumen_fw_selftest(ld, extack);
}

static const struct devlink_ops lumen_devlink_ops = {
	.reload_actions = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT) |
			  BIT(DEVLINK_RELOAD_ACTION_FW_ACTIVATE),
	.reload_down = lumen_devlink_reload_down,
	.reload_up = lumen_devlink_reload_up,
	.info_get = lumen_devlink_info_get,
	.flash_update = lumen_fw_flash_update,
	.selftest_check = lumen_devlink_selftest_check,
	.selftest_run = lumen_devlink_selftest_run,
	.port_split = lumen_port_split,
	.port_unsplit = lumen_port_unsplit,
};

/**
 * lumen_devlink_alloc - allocate the devlink instance holding lumen_dev
 * @pdev: the PCI device
 *
 * Return: the device's private structure, or NULL.
 */
struct lumen_dev *lumen_devlink_alloc(struct pci_dev *pdev)
{
	struct devlink *devlink;
	struct lumen_dev *ld;

	devlink = devlink_alloc(&lumen_devlink_ops, sizeof(*ld), &pdev->dev);
	if (!devlink)
		return NULL;
	devlink_set_features(devlink, DEVLINK_F_RELOAD);
	ld = devlink_priv(devlink);
	ld->pdev = pdev;
	pci_set_drvdata(pdev, ld);
	return ld;
}

/**
 * lumen_devlink_free - free the devlink instance and lumen_dev with it
 * @ld: the device
 */
void lumen_devlink_free(struct lumen_dev *ld)
{
	pci_set_drvdata(ld->pdev, NULL);
	devlink_free(lumen_to_devlink(ld));
}

/**
 * lumen_ports_layout - share the lanes and queue pairs out among ports
 * @ld: the device, with no port registered
 * @num_ports: 1, 2, 4 or 8, at most ld->max_qp
 *
 * Port k gets lanes from k * 8 / @num_ports and as many queue pairs.
 * Called under RTNL once ports exist (the link work reads them).
 */
void lumen_ports_layout(struct lumen_dev *ld, unsigned int num_ports)
{
	u16 qps = ld->max_qp / num_ports;
	unsigned int k;

	memset(ld->ports, 0, sizeof(ld->ports));
	/* reports pending for the old ports are about links that are gone */
	for (k = 0; k < LUMEN_MAX_PORTS; k++)
		WRITE_ONCE(ld->link_report[k], LUMEN_DOWN_NONE);
	for (k = 0; k < num_ports; k++) {
		struct lumen_port *lp = &ld->ports[k];

		lp->ld = ld;
		lp->idx = k;
		lp->lanes = LUMEN_NUM_LANES / num_ports;
		lp->qp_first = k * qps;
		lp->max_qp = qps;
	}
	ld->num_ports = num_ports;
}

/* Register one port's devlink port, the instance lock held. */
static int lumen_devl_port_register(struct lumen_dev *ld,
				    struct lumen_port *lp)
{
	struct devlink_port_attrs attrs = {};
	int err;

	attrs.flavour = DEVLINK_PORT_FLAVOUR_PHYSICAL;
	attrs.phys.port_number = 0;
	attrs.lanes = lp->lanes;
	if (ld->num_ports == 1) {
		attrs.splittable = true;
	} else {
		attrs.split = true;
		attrs.phys.split_subport_number = lp->idx;
	}
	devlink_port_attrs_set(&lp->dl_port, &attrs);
	err = devl_port_register(lumen_to_devlink(ld), &lp->dl_port, lp->idx);
	if (!err)
		lp->dl_registered = true;
	return err;
}

/**
 * lumen_devl_ports_register - register every port with devlink
 * @ld: the device, its ports laid out; the devlink instance lock held
 *
 * Return: 0 or an errno, with none registered.
 */
int lumen_devl_ports_register(struct lumen_dev *ld)
{
	unsigned int k;
	int err;

	for (k = 0; k < ld->num_ports; k++) {
		err = lumen_devl_port_register(ld, &ld->ports[k]);
		if (err) {
			lumen_devl_ports_unregister(ld);
			return err;
		}
	}
	return 0;
}

/**
 * lumen_devl_ports_unregister - undo lumen_devl_ports_register()
 * @ld: the device; the devlink instance lock held
 */
void lumen_devl_ports_unregister(struct lumen_dev *ld)
{
	unsigned int k = ld->num_ports;

	while (k--) {
		struct lumen_port *lp = &ld->ports[k];

		if (!lp->dl_registered)
			continue;
		devl_port_unregister(&lp->dl_port);
		lp->dl_registered = false;
	}
}

/**
 * lumen_devlink_ports_register - register every port with devlink
 * @ld: the device, its ports laid out
 *
 * Return: 0 or an errno, with none registered.
 */
int lumen_devlink_ports_register(struct lumen_dev *ld)
{
	struct devlink *devlink = lumen_to_devlink(ld);
	int err;

	devl_lock(devlink);
	err = lumen_devl_ports_register(ld);
	devl_unlock(devlink);
	return err;
}

/**
 * lumen_devlink_ports_unregister - undo lumen_devlink_ports_register()
 * @ld: the device
 */
void lumen_devlink_ports_unregister(struct lumen_dev *ld)
{
	struct devlink *devlink = lumen_to_devlink(ld);

	devl_lock(devlink);
	lumen_devl_ports_unregister(ld);
	devl_unlock(devlink);
}
