// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <asm/unaligned.h>
#include <linux/rtnetlink.h>
#include <linux/vmalloc.h>
#include <net/devlink.h>

#include "lumen_netdev.h"

/* devlink health: the "tx" reporter (a hung TX engine or a TX timeout,
 * recovered by restarting the queues) and the "fw" reporter (a fatal
 * firmware error, recovered by resetting the device while the netdev
 * stays registered), and the "registers" region, a snapshot of BAR0.
 * The "link" reporter is lumen_link_health.c's.
 */

#define LUMEN_HEALTH_GRACE_MS	1000

/* What a TX report is about: a port's queue pair, or -1 for the
 * watchdog.
 */
struct lumen_tx_report {
	u8 port;
	int qp;
};

static int lumen_tx_recover(struct devlink_health_reporter *reporter,
			    void *priv_ctx, struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_health_reporter_priv(reporter);
	struct lumen_tx_report *rep = priv_ctx;
	int err = 0;

	/* the port reported, or every port (devlink health recover) */
	rtnl_lock();
	err = lumen_netdevs_restart(ld, rep ? rep->port : -1);
	rtnl_unlock();
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "cannot restart the queues");
	return err;
}

static int lumen_fmsg_tx_qp(struct devlink_fmsg *fmsg, struct lumen_qp *qp)
{
	struct lumen_dev *ld = qp->ln->ld;
	int err;

	err = devlink_fmsg_obj_nest_start(fmsg);
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "queue_pair", qp->idx);
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "head", qp->tx.head);
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "tail", qp->tx.tail);
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "device_head",
					       lumen_rd32(ld, LUMEN_QP(qp->hw, LUMEN_TXQ_HEAD)));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "device_ctrl",
					       lumen_rd32(ld, LUMEN_QP(qp->hw, LUMEN_TXQ_CTRL)));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "queue_error",
					       lumen_rd32(ld, LUMEN_QP(qp->hw, LUMEN_QP_ERR)));
	err = err ?: devlink_fmsg_u8_pair_put(fmsg, "hung_periods", qp->tx.hung);
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "stopped",
						netif_tx_queue_stopped(qp->tx.txq));
	return err ?: devlink_fmsg_obj_nest_end(fmsg);
}

/* Every queue pair of a port in use, or only @only (>= 0). */
static int lumen_fmsg_tx_port(struct lumen_port *lp, struct devlink_fmsg *fmsg,
			      int only)
{
	struct lumen_net *ln;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	if (!lp->netdev)
		return devlink_fmsg_string_pair_put(fmsg, "netdev", "none");
	ln = netdev_priv(lp->netdev);
	err = devlink_fmsg_u64_pair_put(fmsg, "restarts", ln->tx_restarts);
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "running", ln->queues_up);
	if (err || !ln->queues_up)
		return err;
	err = devlink_fmsg_arr_pair_nest_start(fmsg, "queue_pairs");
	for (i = 0; !err && i < ln->num_qp; i++)
		if (only < 0 || only == i)
			err = lumen_fmsg_tx_qp(fmsg, ln->qp[i]);
	return err ?: devlink_fmsg_arr_pair_nest_end(fmsg);
}

/* Unsplit, the port's queues; split, a "ports" array of them, or the
 * one port a report is about.
 */
static int lumen_fmsg_tx(struct lumen_dev *ld, struct devlink_fmsg *fmsg,
			 const struct lumen_tx_report *rep)
{
	unsigned int k;
	int err;

	if (ld->num_ports == 1)
		return lumen_fmsg_tx_port(&ld->ports[0], fmsg, rep ? rep->qp : -1);
	if (rep && rep->port < ld->num_ports) {
		err = devlink_fmsg_u32_pair_put(fmsg, "port", rep->port);
		return err ?: lumen_fmsg_tx_port(&ld->ports[rep->port], fmsg,
						 rep->qp);
	}
	err = devlink_fmsg_arr_pair_nest_start(fmsg, "ports");
	for (k = 0; !err && k < ld->num_ports; k++) {
		err = devlink_fmsg_obj_nest_start(fmsg);
		err = err ?: devlink_fmsg_u32_pair_put(fmsg, "port", k);
		err = err ?: lumen_fmsg_tx_port(&ld->ports[k], fmsg, -1);
		err = err ?: devlink_fmsg_obj_nest_end(fmsg);
	}
	return err ?: devlink_fmsg_arr_pair_nest_end(fmsg);
}

static int lumen_tx_diagnose(struct devlink_health_reporter *reporter,
			     struct devlink_fmsg *fmsg,
			     struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_health_reporter_priv(reporter);
	int err;

	rtnl_lock();
	err = lumen_fmsg_tx(ld, fmsg, NULL);
	rtnl_unlock();
	return err;
}

/* Called from devlink_health_report() (the restart task, no locks held)
 * or from devlink health dump, with the devlink instance locked.
 */
static int lumen_tx_dump(struct devlink_health_reporter *reporter,
			 struct devlink_fmsg *fmsg, void *priv_ctx,
			 struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_health_reporter_priv(reporter);
	struct lumen_tx_report *rep = priv_ctx;
	int err;

	rtnl_lock();
	err = lumen_fmsg_tx(ld, fmsg, rep);
	rtnl_unlock();
	return err;
}

static const struct devlink_health_reporter_ops lumen_tx_reporter_ops = {
	.name = "tx",
	.recover = lumen_tx_recover,
	.diagnose = lumen_tx_diagnose,
	.dump = lumen_tx_dump,
};

/* What lumen_health_tx_report() leaves for the work item: the port in
 * bits 23:16, the queue pair in 15:0, LUMEN_TX_REPORT_TIMEOUT for none.
 */
#define LUMEN_TX_REPORT_PORT	GENMASK(23, 16)
#define LUMEN_TX_REPORT_QP	GENMASK(15, 0)
#define LUMEN_TX_REPORT_TIMEOUT	LUMEN_TX_REPORT_QP

/* The report itself, in a work item of the device's: devlink takes the
 * instance lock to recover, and a port split holds that lock while it
 * destroys netdevs, so a netdev's own work item could not report.
 */
static void lumen_tx_report_work(struct work_struct *work)
{
	struct lumen_dev *ld = container_of(work, struct lumen_dev,
					    tx_report_work);
	u32 what = atomic_read(&ld->tx_report);
	struct lumen_tx_report rep = {
		.port = FIELD_GET(LUMEN_TX_REPORT_PORT, what),
		.qp = FIELD_GET(LUMEN_TX_REPORT_QP, what),
	};

	if (rep.qp == LUMEN_TX_REPORT_TIMEOUT)
		rep.qp = -1;
	if (test_bit(LUMEN_F_NO_REPORTS, &ld->flags))
		return;
	devlink_health_report(ld->tx_reporter,
			      rep.qp < 0 ? "TX queue timed out" : "TX engine hung",
			      &rep);
}

/**
 * lumen_health_tx_report - report a TX queue that stopped moving
 * @ld: the device
 * @port: the port whose queue it is
 * @qp: the queue pair whose engine hung, or -1 for a TX timeout
 *
 * devlink then dumps the state and, unless the operator turned
 * auto-recovery off or the last recovery was within the grace period,
 * recovers: restarts the queues.  The report is made by a work item;
 * of two before it runs, the later one is made.  Any context.
 */
void lumen_health_tx_report(struct lumen_dev *ld, u8 port, int qp)
{
	u32 what = FIELD_PREP(LUMEN_TX_REPORT_PORT, port) |
		   FIELD_PREP(LUMEN_TX_REPORT_QP,
			      qp < 0 ? LUMEN_TX_REPORT_TIMEOUT : qp);

	if (test_bit(LUMEN_F_NO_REPORTS, &ld->flags))
		return;
	atomic_set(&ld->tx_report, what);
	schedule_work(&ld->tx_report_work);
}

static int lumen_fw_recover(struct devlink_health_reporter *reporter,
			    void *priv_ctx, struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_health_reporter_priv(reporter);

	if (lumen_gone(ld)) {
		NL_SET_ERR_MSG_MOD(extack, "device is gone");
		return -ENODEV;
	}
	lumen_reset_prepare(ld);
	return lumen_reset_done(ld, extack);
}

static int lumen_fmsg_fw(struct lumen_dev *ld, struct devlink_fmsg *fmsg)
{
	u32 st;
	int err;

	if (!lumen_regs_readable(ld)) {
		err = devlink_fmsg_string_pair_put(fmsg, "status",
						   lumen_gone(ld) ? "gone" : "resetting");
		return err ?: devlink_fmsg_u64_pair_put(fmsg, "fatal_errors",
							atomic_read(&ld->fatal_errors));
	}
	st = lumen_rd32(ld, LUMEN_CTRL_STATUS);
	err = devlink_fmsg_u32_pair_put(fmsg, "status", st);
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "ready",
						st & LUMEN_CTRL_STATUS_READY);
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "fatal",
						st & LUMEN_CTRL_STATUS_FATAL);
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "fw_version",
					       lumen_rd32(ld, LUMEN_CTRL_FW_VER));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "intr_cause",
					       lumen_rd32(ld, LUMEN_INTR_CAUSE));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "intr_enable",
					       lumen_rd32(ld, LUMEN_INTR_ENABLE));
	return err ?: devlink_fmsg_u64_pair_put(fmsg, "fatal_errors",
						atomic_read(&ld->fatal_errors));
}

static int lumen_fw_diagnose(struct devlink_health_reporter *reporter,
			     struct devlink_fmsg *fmsg,
			     struct netlink_ext_ack *extack)
{
	return lumen_fmsg_fw(devlink_health_reporter_priv(reporter), fmsg);
}

static int lumen_fw_dump(struct devlink_health_reporter *reporter,
			 struct devlink_fmsg *fmsg, void *priv_ctx,
			 struct netlink_ext_ack *extack)
{
	return lumen_fmsg_fw(devlink_health_reporter_priv(reporter), fmsg);
}

static const struct devlink_health_reporter_ops lumen_fw_reporter_ops = {
	.name = "fw",
	.recover = lumen_fw_recover,
	.diagnose = lumen_fw_diagnose,
	.dump = lumen_fw_dump,
};

static void lumen_fatal_work(struct work_struct *work)
{
	struct lumen_dev *ld = container_of(work, struct lumen_dev, fatal_work);

	if (!test_bit(LUMEN_F_NO_REPORTS, &ld->flags))
		devlink_health_report(ld->fw_reporter,
				      "device reported a fatal firmware error", NULL);
}

/**
 * lumen_health_stop - no more health reports: the device goes away
 * @ld: the device, its devlink instance still registered
 *
 * devlink warns of a report for an instance no longer registered: remove
 * calls this before devlink_unregister().  Reports being made finish
 * first; later ones are dropped.
 */
void lumen_health_stop(struct lumen_dev *ld)
{
	set_bit(LUMEN_F_NO_REPORTS, &ld->flags);
	cancel_work_sync(&ld->fatal_work);
	cancel_work_sync(&ld->tx_report_work);
	lumen_link_health_stop(ld);
}

/**
 * lumen_health_fatal - the device raised its FATAL cause
 * @ld: the device
 *
 * From the misc interrupt: the report, and the recovery, run in a work
 * item.
 */
void lumen_health_fatal(struct lumen_dev *ld)
{
	atomic_inc(&ld->fatal_errors);
	schedule_work(&ld->fatal_work);
}

/* The register blocks a dump covers; the rest of it reads 0. */
static const struct {
	u32 start;
	u32 end;
} lumen_regs_blocks[] = {
	{ LUMEN_CTRL_BASE, LUMEN_CTRL_END },
	{ LUMEN_INTR_BASE, LUMEN_INTR_END },
	{ LUMEN_LANE_BASE, LUMEN_LANE_END },
	{ LUMEN_RSS_BASE, LUMEN_RSS_END },
	{ LUMEN_STAT_BASE, LUMEN_STAT(LUMEN_STAT_CNT) },
};

static void lumen_regs_read(struct lumen_dev *ld, u8 *data, u32 start,
			    u32 end)
{
	u32 off;

	for (off = start; off < end; off += 4)
		put_unaligned_le32(lumen_rd32(ld, off), data + off);
}

/**
 * lumen_regs_dump - read the register blocks into a dump
 * @ld: the device, its registers readable (lumen_regs_readable())
 * @buf: LUMEN_REGS_DUMP_LEN bytes, zeroed: each register at its offset,
 *	little endian
 *
 * Reads CTRL, INTR, the ports' PORT blocks, RSS, STAT and the queue pairs and raw queue
 * pairs the driver may use.  Registers without side effects on read
 * only; the STAT counters are the device's, since its last reset.
 */
void lumen_regs_dump(struct lumen_dev *ld, u8 *buf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lumen_regs_blocks); i++)
		lumen_regs_read(ld, buf, lumen_regs_blocks[i].start,
				lumen_regs_blocks[i].end);
	for (i = 0; i < ld->num_ports; i++)
		lumen_regs_read(ld, buf, LUMEN_PORT_REG(i, LUMEN_PORT_BASE),
				LUMEN_PORT_REG(i, LUMEN_PORT_END));
	for (i = 0; i < ld->max_qp; i++)
		lumen_regs_read(ld, buf, LUMEN_QP(i, 0), LUMEN_QP(i, LUMEN_QP_END));
	for (i = 0; i < ld->max_raw; i++)
		lumen_regs_read(ld, buf, LUMEN_RAW_QP(i, 0),
				LUMEN_RAW_QP(i, LUMEN_RAW_QP_END));
}

static int lumen_region_snapshot(struct devlink *devlink,
				 const struct devlink_region_ops *ops,
				 struct netlink_ext_ack *extack, u8 **data)
{
	struct lumen_dev *ld = devlink_priv(devlink);
	u8 *buf;

	if (!lumen_regs_readable(ld)) {
		NL_SET_ERR_MSG_MOD(extack, "device registers cannot be read now");
		return -EBUSY;
	}
	buf = vzalloc(LUMEN_REGS_DUMP_LEN);
	if (!buf)
		return -ENOMEM;
	lumen_regs_dump(ld, buf);
	*data = buf;
	return 0;
}

static const struct devlink_region_ops lumen_region_ops = {
	.name = "registers",
	.destructor = vfree,
	.snapshot = lumen_region_snapshot,
};

/**
 * lumen_health_create - create the health reporters and the region
 * @ld: the device, its devlink instance allocated, not yet registered
 *
 * Return: 0 or an errno, with nothing created.
 */
int lumen_health_create(struct lumen_dev *ld)
{
	struct devlink *devlink = lumen_to_devlink(ld);
	int err;

	INIT_WORK(&ld->fatal_work, lumen_fatal_work);
	INIT_WORK(&ld->tx_report_work, lumen_tx_report_work);
	ld->tx_reporter = devlink_health_reporter_create(devlink, &lumen_tx_reporter_ops,
							 LUMEN_HEALTH_GRACE_MS, ld);
	if (IS_ERR(ld->tx_reporter))
		return PTR_ERR(ld->tx_reporter);
	ld->fw_reporter = devlink_health_reporter_create(devlink, &lumen_fw_reporter_ops,
							 LUMEN_HEALTH_GRACE_MS, ld);
	if (IS_ERR(ld->fw_reporter)) {
		err = PTR_ERR(ld->fw_reporter);
		goto err_tx;
	}
	err = lumen_link_health_create(ld);
	if (err)
		goto err_fw;
	ld->region = devlink_region_create(devlink, &lumen_region_ops, 4,
					   LUMEN_REGS_DUMP_LEN);
	if (IS_ERR(ld->region)) {
		err = PTR_ERR(ld->region);
		goto err_link;
	}
	return 0;

err_link:
	lumen_link_health_destroy(ld);
err_fw:
	devlink_health_reporter_destroy(ld->fw_reporter);
err_tx:
	devlink_health_reporter_destroy(ld->tx_reporter);
	return err;
}

/**
 * lumen_health_destroy - undo lumen_health_create()
 * @ld: the device; its misc interrupt is off, so no report can start
 */
void lumen_health_destroy(struct lumen_dev *ld)
{
	cancel_work_sync(&ld->fatal_work);
	/* the netdevs, whose service tasks report, are gone */
	cancel_work_sync(&ld->tx_report_work);
	devlink_region_destroy(ld->region);
	lumen_link_health_destroy(ld);
	devlink_health_reporter_destroy(ld->fw_reporter);
	devlink_health_reporter_destroy(ld->tx_reporter);
}
