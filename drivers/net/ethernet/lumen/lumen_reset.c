// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "lumen.h"
#include "lumen_raw.h"

/* Resetting the device while the driver stays bound: for a PCI function
 * reset (FLR or bus reset) and for devlink reload.  The netdev stays
 * registered throughout, with its name, addresses and ethtool settings;
 * it is detached while the device resets, so that nothing reaches it.
 */

/**
 * lumen_reset_prepare - quiesce the driver before the device is reset
 * @ld: the device
 *
 * Tears raw channels down, stops the slow-path interrupt, the port's
 * queues, counter reads and the module's management bus (hwmon reads
 * wait for the reset).
 * Nothing touches the device registers until lumen_reset_done(), which
 * the same task must call: the reset lock is held in between.  Must not
 * be called under RTNL.
 */
void lumen_reset_prepare(struct lumen_dev *ld)
{
	mutex_lock(&ld->reset_lock);
	lumen_raw_reset_prepare(ld);
	lumen_irq_misc_disable(ld);
	rtnl_lock();
	lumen_netdevs_quiesce(ld);
	rtnl_unlock();
	/* The service task may have queued it before quiesce stopped it;
	 * nothing queues it now.  Not under cmis_lock: it takes RTNL, and
	 * ethtool -m takes cmis_lock under RTNL.
	 */
	flush_work(&ld->link_work);
	mutex_lock(&ld->cmis_lock);
	lumen_stats_fold(ld);
}

/* A reset boots the stored firmware once fw_activate asked for it. */
static void lumen_fw_version_refresh(struct lumen_dev *ld)
{
	u32 ver = lumen_rd32(ld, LUMEN_CTRL_FW_VER);

	if (ver == ld->fw_ver || ver == ~0U)
		return;
	dev_info(&ld->pdev->dev, "firmware %lu.%lu.%lu running, was %lu.%lu.%lu\n",
		 FIELD_GET(LUMEN_FW_VER_MAJOR, ver),
		 FIELD_GET(LUMEN_FW_VER_MINOR, ver),
		 FIELD_GET(LUMEN_FW_VER_BUILD, ver),
		 FIELD_GET(LUMEN_FW_VER_MAJOR, ld->fw_ver),
		 FIELD_GET(LUMEN_FW_VER_MINOR, ld->fw_ver),
		 FIELD_GET(LUMEN_FW_VER_BUILD, ld->fw_ver));
	WRITE_ONCE(ld->fw_ver, ver);
}

/**
 * lumen_reset_done - bring the driver back once the device was reset
 * @ld: the device, quiesced by lumen_reset_prepare()
 * @extack: where to say why it failed, or NULL
 *
 * Resets the device once more, to the state probe left it in whatever
 * reset it went through, re-arms the slow-path interrupt and restarts
 * the port as it was.  Must not be called under RTNL.
 *
 * Return: 0, or an errno with the netdev left detached; a later
 * successful reset (devlink reload) attaches it again.
 */
int lumen_reset_done(struct lumen_dev *ld, struct netlink_ext_ack *extack)
{
	int err;

	err = lumen_dev_reset(ld);
	mutex_unlock(&ld->cmis_lock);
	if (err) {
		if (err == -ENODEV)
			NL_SET_ERR_MSG_MOD(extack, "device is gone");
		else
			NL_SET_ERR_MSG_MOD(extack, "device did not come out of reset");
		goto out;
	}
	lumen_fw_version_refresh(ld);
	lumen_fw_release_stale(ld);
	lumen_stats_resume(ld);
	/* the reset joined the lanes into one port again */
	lumen_ports_hw_apply(ld);
	lumen_irq_misc_enable(ld);
	lumen_module_power_apply(ld);
	lumen_raw_reset_done(ld);

	rtnl_lock();
	err = lumen_netdevs_restore(ld);
	rtnl_unlock();
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot restart the port's queues");
		dev_err(&ld->pdev->dev, "cannot restart the port after a reset (%d)\n",
			err);
	}
out:
	mutex_unlock(&ld->reset_lock);
	return err;
}
