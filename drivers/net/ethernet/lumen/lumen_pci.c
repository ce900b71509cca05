// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/etherdevice.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include "lumen.h"
#include "lumen_raw.h"

static const struct pci_device_id lumen_pci_ids[] = {
	{ PCI_DEVICE(LUMEN_PCI_VENDOR_ID, LUMEN_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, lumen_pci_ids);

/* One counter as the device has it: 0 while it resets or once it is gone. */
static u64 lumen_rd_stat_hw(struct lumen_dev *ld, enum lumen_stat stat)
{
	u8 __iomem *regs = READ_ONCE(ld->regs);
	u64 val;

	if (!regs || test_bit(LUMEN_F_RESETTING, &ld->flags))
		return 0;
	val = lo_hi_readq(regs + LUMEN_STAT(stat));
	if (unlikely(val == ~0ULL)) {
		lumen_check_gone(ld);
		return 0;
	}
	return val;
}

/**
 * lumen_rd_stat - read one 64-bit device counter
 * @ld: the device
 * @stat: which counter
 *
 * Counts from probe on, across device resets (which zero the device's
 * own counters).  While the device resets, or once it is gone, what it
 * counted since the last reset is not included.
 *
 * Return: the counter.
 */
u64 lumen_rd_stat(struct lumen_dev *ld, enum lumen_stat stat)
{
	u64 val;

	spin_lock_bh(&ld->stat_lock);
	val = ld->stat_base[stat] + lumen_rd_stat_hw(ld, stat);
	spin_unlock_bh(&ld->stat_lock);
	return val;
}

/* One MAC counter of a port as the device has it, like lumen_rd_stat_hw() */
static u64 lumen_rd_pstat_hw(struct lumen_port *lp, enum lumen_stat stat)
{
	struct lumen_dev *ld = lp->ld;
	u8 __iomem *regs;
	u64 val;

	regs = READ_ONCE(ld->regs);
	if (!regs || test_bit(LUMEN_F_RESETTING, &ld->flags))
		return 0;
	val = lo_hi_readq(regs + LUMEN_PSTAT(lp->idx, stat));
	if (unlikely(val == ~0ULL)) {
		lumen_check_gone(ld);
		return 0;
	}
	return val;
}

/**
 * lumen_rd_pstat - read one 64-bit MAC counter of a port
 * @lp: the port
 * @stat: which counter, below LUMEN_STAT_PORT_CNT
 *
 * As lumen_rd_stat(), from the port's creation on (a split or unsplit
 * starts the ports' counters at zero).
 *
 * Return: the counter.
 */
u64 lumen_rd_pstat(struct lumen_port *lp, enum lumen_stat stat)
{
	struct lumen_dev *ld = lp->ld;
	u64 val;

	if (WARN_ON_ONCE(stat >= LUMEN_STAT_PORT_CNT))
		return 0;
	spin_lock_bh(&ld->stat_lock);
	val = lp->stat_base[stat] + lumen_rd_pstat_hw(lp, stat);
	spin_unlock_bh(&ld->stat_lock);
	return val;
}

/**
 * lumen_stats_fold - keep the device counters across a reset
 * @ld: the device, about to be reset
 *
 * Adds the counters to their bases and stops reading the device, whose
 * registers may not answer while it resets, until lumen_stats_resume().
 */
void lumen_stats_fold(struct lumen_dev *ld)
{
	unsigned int i, k;

	spin_lock_bh(&ld->stat_lock);
	for (i = 0; i < LUMEN_STAT_CNT; i++)
		ld->stat_base[i] += lumen_rd_stat_hw(ld, i);
	for (k = 0; k < ld->num_ports; k++)
		for (i = 0; i < LUMEN_STAT_PORT_CNT; i++)
			ld->ports[k].stat_base[i] +=
				lumen_rd_pstat_hw(&ld->ports[k], i);
	set_bit(LUMEN_F_RESETTING, &ld->flags);
	spin_unlock_bh(&ld->stat_lock);
}

/**
 * lumen_stats_resume - read the device counters again after a reset
 * @ld: the device, out of reset with its counters zeroed
 */
void lumen_stats_resume(struct lumen_dev *ld)
{
	spin_lock_bh(&ld->stat_lock);
	clear_bit(LUMEN_F_RESETTING, &ld->flags);
	spin_unlock_bh(&ld->stat_lock);
}

/**
 * lumen_check_gone - called when a register read returned all-ones
 * @ld: the device
 *
 * A register may legitimately hold all-ones; the ID register never does.
 * If it reads all-ones too the device has left the bus: stop all register
 * access and detach the netdev, once.  Safe in any context.
 */
void lumen_check_gone(struct lumen_dev *ld)
{
	if (readl(ld->bar0 + LUMEN_CTRL_ID) != ~0U)
		return;
	if (test_and_set_bit(LUMEN_F_GONE, &ld->flags))
		return;
	WRITE_ONCE(ld->regs, NULL);
	dev_err(&ld->pdev->dev,
		"device stopped responding (register reads return all-ones), detaching\n");
	schedule_work(&ld->gone_work);
}

static void lumen_gone_work(struct work_struct *work)
{
	struct lumen_dev *ld = container_of(work, struct lumen_dev, gone_work);
	unsigned int k;

	rtnl_lock();
	for (k = 0; k < ld->num_ports; k++) {
		struct net_device *netdev = ld->ports[k].netdev;

		if (!netdev)
			continue;
		netif_carrier_off(netdev);
		netif_device_detach(netdev);
	}
	rtnl_unlock();
}

static void lumen_link_work(struct work_struct *work)
{
	struct lumen_dev *ld = container_of(work, struct lumen_dev, link_work);

	rtnl_lock();
	lumen_module_event(ld);
	lumen_link_update(ld);
	rtnl_unlock();
	lumen_link_health_work(ld);
	/* the interrupt may have been the module's: a flag was raised */
	lumen_mod_flags_read(ld);
}

/**
 * lumen_dev_reset - reset the device and wait until it is ready again
 * @ld: the device
 *
 * Everything the device had been told is forgotten: queues, interrupt
 * causes and enables, port settings and counters.  Sleeps.
 *
 * Return: 0, -ETIMEDOUT if it does not become ready, -ENODEV if gone.
 */
int lumen_dev_reset(struct lumen_dev *ld)
{
	u32 st;
	int err;

	lumen_wr32(ld, LUMEN_CTRL_CTRL, LUMEN_CTRL_CTRL_RESET);
	err = read_poll_timeout(lumen_rd32, st,
				(st & LUMEN_CTRL_STATUS_READY) || lumen_gone(ld),
				100, LUMEN_RESET_TIMEOUT_US, true, ld,
				LUMEN_CTRL_STATUS);
	if (lumen_gone(ld))
		return -ENODEV;
	if (err) {
		dev_err(&ld->pdev->dev,
			"device did not come out of reset within %u ms (status %#x)\n",
			LUMEN_RESET_TIMEOUT_US / 1000, st);
		return err;
	}
	return 0;
}

/* Refuse what this driver cannot drive, saying why. */
static int lumen_check_identity(struct lumen_dev *ld)
{
	struct device *dev = &ld->pdev->dev;
	u32 id = readl(ld->bar0 + LUMEN_CTRL_ID);

	if (id == ~0U) {
		dev_err(dev, "device reads all-ones: removed or its link is down\n");
		return -ENODEV;
	}
	if (id != LUMEN_CTRL_ID_MAGIC) {
		dev_err(dev, "unexpected ID register %#010x, not a lumen device\n",
			id);
		return -ENODEV;
	}
	ld->rev = readl(ld->bar0 + LUMEN_CTRL_REV);
	if (FIELD_GET(LUMEN_CTRL_REV_MAJOR, ld->rev) != LUMEN_REV_MAJOR_SUPPORTED) {
		dev_err(dev, "unsupported hardware revision %lu.%lu (this driver supports %u.x)\n",
			FIELD_GET(LUMEN_CTRL_REV_MAJOR, ld->rev),
			FIELD_GET(LUMEN_CTRL_REV_MINOR, ld->rev),
			LUMEN_REV_MAJOR_SUPPORTED);
		return -ENODEV;
	}
	return 0;
}

static void lumen_read_mac(struct lumen_dev *ld)
{
	u32 lo = lumen_rd32(ld, LUMEN_CTRL_MAC_LO);
	u32 hi = lumen_rd32(ld, LUMEN_CTRL_MAC_HI);

	ld->mac[0] = lo;
	ld->mac[1] = lo >> 8;
	ld->mac[2] = lo >> 16;
	ld->mac[3] = lo >> 24;
	ld->mac[4] = hi;
	ld->mac[5] = hi >> 8;
	if (!is_valid_ether_addr(ld->mac)) {
		dev_warn(&ld->pdev->dev,
			 "device reports invalid MAC %pM, using a random one\n",
			 ld->mac);
		eth_random_addr(ld->mac);
	}
}

static int lumen_read_caps(struct lumen_dev *ld)
{
	u32 cap = lumen_rd32(ld, LUMEN_CTRL_CAP);

	ld->max_qp = FIELD_GET(LUMEN_CTRL_CAP_QP, cap);
	ld->max_raw = FIELD_GET(LUMEN_CTRL_CAP_RAW, cap);
	if (!ld->max_qp || ld->max_qp > LUMEN_MAX_QP ||
	    ld->max_raw > LUMEN_MAX_RAW_QP ||
	    FIELD_GET(LUMEN_CTRL_CAP_VECTORS, cap) <
	    1 + ld->max_qp + ld->max_raw) {
		dev_err(&ld->pdev->dev, "device reports impossible capabilities %#x\n",
			cap);
		return -EIO;
	}
	ld->fw_ver = lumen_rd32(ld, LUMEN_CTRL_FW_VER);
	ld->board_id = lumen_rd32(ld, LUMEN_CTRL_BOARD_ID);
	ld->dsn = pci_get_dsn(ld->pdev);
	lumen_read_mac(ld);
	return 0;
}

static int lumen_map_bar(struct lumen_dev *ld)
{
	struct pci_dev *pdev = ld->pdev;
	int err;

	if (!(pci_resource_flags(pdev, LUMEN_BAR_REGS) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, LUMEN_BAR_REGS) < LUMEN_BAR_REGS_SIZE) {
		dev_err(&pdev->dev, "BAR%d is missing or too small\n",
			LUMEN_BAR_REGS);
		return -ENODEV;
	}
	err = pci_request_region(pdev, LUMEN_BAR_REGS, LUMEN_DRV_NAME);
	if (err)
		return err;
	ld->bar0 = pci_iomap(pdev, LUMEN_BAR_REGS, LUMEN_BAR_REGS_SIZE);
	if (!ld->bar0) {
		pci_release_region(pdev, LUMEN_BAR_REGS);
		return -ENOMEM;
	}
	ld->regs = ld->bar0;
	return 0;
}

static void lumen_unmap_bar(struct lumen_dev *ld)
{
	WRITE_ONCE(ld->regs, NULL);
	pci_iounmap(ld->pdev, ld->bar0);
	pci_release_region(ld->pdev, LUMEN_BAR_REGS);
}

static int lumen_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct lumen_dev *ld;
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return dev_err_probe(&pdev->dev, err, "cannot enable device\n");

	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		dev_err(&pdev->dev, "no usable 64-bit DMA configuration\n");
		goto err_disable;
	}

	ld = lumen_devlink_alloc(pdev);
	if (!ld) {
		err = -ENOMEM;
		goto err_disable;
	}
	INIT_WORK(&ld->link_work, lumen_link_work);
	INIT_WORK(&ld->gone_work, lumen_gone_work);
	ld->link_training = true;
	spin_lock_init(&ld->stat_lock);
	mutex_init(&ld->reset_lock);
	mutex_init(&ld->fw_lock);
	/* the link work takes it, from the first interrupt to irq_fini */
	mutex_init(&ld->cmis_lock);

	err = lumen_map_bar(ld);
	if (err)
		goto err_free_devlink;
	err = lumen_check_identity(ld);
	if (err)
		goto err_unmap;

	pci_set_master(pdev);
	err = lumen_dev_reset(ld);
	if (err)
		goto err_clear_master;
	err = lumen_read_caps(ld);
	if (err)
		goto err_reset;

	/* Before the interrupt, whose FATAL cause reports to it. */
	err = lumen_health_create(ld);
	if (err)
		goto err_reset;
	err = lumen_irq_init(ld);
	if (err)
		goto err_health;
	err = lumen_module_init(ld);
	if (err)
		goto err_irq;
	lumen_ports_layout(ld, 1);
	lumen_ports_hw_apply(ld);
	err = lumen_devlink_ports_register(ld);
	if (err)
		goto err_module;
	err = lumen_netdevs_create(ld);
	if (err)
		goto err_port;
	err = lumen_raw_init(ld);
	if (err)
		goto err_netdev;
	err = lumen_params_register(ld);
	if (err)
		goto err_raw;

	devlink_register(lumen_to_devlink(ld));
	dev_info(&pdev->dev, "lumen rev %lu.%lu, firmware %lu.%lu.%lu, %u queue pairs, %u raw, MAC %pM\n",
		 FIELD_GET(LUMEN_CTRL_REV_MAJOR, ld->rev),
		 FIELD_GET(LUMEN_CTRL_REV_MINOR, ld->rev),
		 FIELD_GET(LUMEN_FW_VER_MAJOR, ld->fw_ver),
		 FIELD_GET(LUMEN_FW_VER_MINOR, ld->fw_ver),
		 FIELD_GET(LUMEN_FW_VER_BUILD, ld->fw_ver),
		 ld->max_qp, ld->max_raw, ld->mac);
	return 0;

err_raw:
	lumen_raw_fini(ld);
err_netdev:
	lumen_netdevs_destroy(ld);
err_port:
	lumen_devlink_ports_unregister(ld);
err_module:
	lumen_module_fini(ld);
err_irq:
	lumen_irq_fini(ld);
err_health:
	lumen_health_destroy(ld);
err_reset:
	/* Leave the device quiet: no DMA, no interrupts. */
	lumen_dev_reset(ld);
err_clear_master:
	pci_clear_master(pdev);
err_unmap:
	lumen_unmap_bar(ld);
	/* A read during probe may have found the device gone. */
	cancel_work_sync(&ld->gone_work);
err_free_devlink:
	mutex_destroy(&ld->cmis_lock);
	mutex_destroy(&ld->fw_lock);
	mutex_destroy(&ld->reset_lock);
	lumen_devlink_free(ld);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void lumen_remove(struct pci_dev *pdev)
{
	struct lumen_dev *ld = pci_get_drvdata(pdev);

	/* devlink health must not hear of the device once it is gone */
	lumen_health_stop(ld);
	devlink_unregister(lumen_to_devlink(ld));
	lumen_params_unregister(ld);
	/* No fatal-error report (and device reset) from here on. */
	lumen_irq_misc_disable(ld);
	cancel_work_sync(&ld->fatal_work);
	lumen_raw_fini(ld);
	lumen_netdevs_destroy(ld);
	lumen_devlink_ports_unregister(ld);
	lumen_module_fini(ld);
	lumen_irq_fini(ld);
	lumen_health_destroy(ld);
	cancel_work_sync(&ld->gone_work);
	lumen_dev_reset(ld);
	pci_clear_master(pdev);
	lumen_fw_release_stale(ld);
	lumen_unmap_bar(ld);
	mutex_destroy(&ld->cmis_lock);
	mutex_destroy(&ld->fw_lock);
	mutex_destroy(&ld->reset_lock);
	lumen_devlink_free(ld);
	pci_disable_device(pdev);
}

static void lumen_shutdown(struct pci_dev *pdev)
{
	lumen_remove(pdev);
}

/* A reset of the function from outside the driver (FLR or a bus reset,
 * through /sys/bus/pci/devices/.../reset or a hypervisor): the netdev
 * stays registered, detached, for as long as it takes.
 */
static void lumen_pci_reset_prepare(struct pci_dev *pdev)
{
	lumen_reset_prepare(pci_get_drvdata(pdev));
}

static void lumen_pci_reset_done(struct pci_dev *pdev)
{
	lumen_reset_done(pci_get_drvdata(pdev), NULL);
}

static const struct pci_error_handlers lumen_pci_err_handlers = {
	.reset_prepare	= lumen_pci_reset_prepare,
	.reset_done	= lumen_pci_reset_done,
};

static struct pci_driver lumen_pci_driver = {
	.name		= LUMEN_DRV_NAME,
	.id_table	= lumen_pci_ids,
	.probe		= lumen_probe,
	.remove		= lumen_remove,
	.shutdown	= lumen_shutdown,
	.err_handler	= &lumen_pci_err_handlers,
};
module_pci_driver(lumen_pci_driver);

MODULE_DESCRIPTION("lumen optical interconnect NIC driver");
MODULE_LICENSE("GPL");
