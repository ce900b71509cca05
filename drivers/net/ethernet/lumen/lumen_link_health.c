// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/rtnetlink.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <net/devlink.h>

#include "lumen_netdev.h"

/* devlink health reporter "link": link training failures.  The driver
 * keeps a history of the links' states and down reasons; a training
 * failure of a port (no frame lock, a FEC or speed mismatch, a bit
 * error ratio beyond the FEC) that lasts is reported.
 * Diagnose shows the link and each lane now, dump the history.  Recover
 * retrains: the transmitter of each port that is down goes off and on, so that both ends
 * start training again.  A failure that persists recurs within the
 * grace period, and devlink leaves the reporter in "error" instead of
 * retraining again: retraining cannot fix a configuration mismatch.
 */

#define LUMEN_LINK_GRACE_MS	60000
#define LUMEN_LINK_REPORT_AFTER	(2 * HZ)

static bool lumen_reason_is_training(u32 reason)
{
	/* a partner that does not hear this port is the partner's failure,
	 * which it reports itself; retraining here would only disturb it
	 */
	switch (reason) {
	case LUMEN_DOWN_TRAINING:
	case LUMEN_DOWN_FEC_MISMATCH:
	case LUMEN_DOWN_SPEED_MISMATCH:
	case LUMEN_DOWN_HIGH_BER:
		return true;
	default:
		return false;
	}
}

/**
 * lumen_link_history_add - record a link state or down reason
 * @ld: the device
 * @port: of which port
 * @status: PORT_STATUS
 * @reason: PORT_DOWN_REASON, LUMEN_DOWN_NONE while up
 *
 * Called under RTNL by lumen_link_update() on every change.
 */
void lumen_link_history_add(struct lumen_dev *ld, u8 port, u32 status,
			    u32 reason)
{
	struct lumen_net *ln = lumen_port_net(ld, port);
	struct lumen_link_event *ev;

	spin_lock_bh(&ld->link_hist_lock);
	ev = &ld->link_hist[ld->link_hist_n % LUMEN_LINK_HIST];
	ev->time_ns = ktime_get_boottime_ns();
	ev->port = port;
	ev->status = status;
	ev->reason = reason;
	ld->link_hist_n++;
	spin_unlock_bh(&ld->link_hist_lock);
	if (ln) {
		ln->link_reason_since = jiffies;
		ln->link_reported = false;
	}
	/* a report not yet made is about a state that is gone */
	WRITE_ONCE(ld->link_report[port], LUMEN_DOWN_NONE);
}

/**
 * lumen_link_health_check - is a training failure to be reported?
 * @ld: the device
 * @port: of which port
 * @reason: PORT_DOWN_REASON now, LUMEN_DOWN_NONE while up
 *
 * Called under RTNL by lumen_link_update() on every look at the link:
 * on link interrupts, and once a second while the link is down.  One end
 * set to new lanes or FEC before the other shows a mismatch for a
 * moment, so a failure counts once it held for LUMEN_LINK_REPORT_AFTER;
 * it is then reported once (lumen_link_health_work()), until the reason
 * changes or a retrain did not help.
 */
void lumen_link_health_check(struct lumen_dev *ld, u8 port, u32 reason)
{
	struct lumen_net *ln = lumen_port_net(ld, port);

	if (!ln || !lumen_reason_is_training(reason) || ln->link_reported ||
	    time_before(jiffies, ln->link_reason_since + LUMEN_LINK_REPORT_AFTER))
		return;
	ln->link_reported = true;
	WRITE_ONCE(ld->link_report[port], reason);
}

/* Report a training failure.  A work item of its own: devlink takes the
 * instance lock to recover, and a reload holds that lock while it waits
 * for the link work (lumen_irq_misc_disable()), so the link work cannot
 * report itself.
 */
static void lumen_link_report_work(struct work_struct *work)
{
	struct lumen_dev *ld = container_of(work, struct lumen_dev,
					    link_report_work);
	unsigned int k;
	u32 reason;

	for (k = 0; k < LUMEN_MAX_PORTS; k++) {
		reason = xchg(&ld->link_report[k], LUMEN_DOWN_NONE);
		if (reason != LUMEN_DOWN_NONE &&
		    !test_bit(LUMEN_F_NO_REPORTS, &ld->flags))
			devlink_health_report(ld->link_reporter,
					      lumen_down_reason_str(reason), NULL);
	}
}

/**
 * lumen_link_health_work - hand a training failure to the reporter
 * @ld: the device
 *
 * Called by the link work item once it dropped RTNL.
 */
void lumen_link_health_work(struct lumen_dev *ld)
{
	unsigned int k;

	if (test_bit(LUMEN_F_NO_REPORTS, &ld->flags))
		return;
	for (k = 0; k < LUMEN_MAX_PORTS; k++) {
		if (READ_ONCE(ld->link_report[k]) != LUMEN_DOWN_NONE) {
			schedule_work(&ld->link_report_work);
			return;
		}
	}
}

/**
 * lumen_link_health_stop - wait for a link report being made
 * @ld: the device, LUMEN_F_NO_REPORTS set (lumen_health_stop())
 */
void lumen_link_health_stop(struct lumen_dev *ld)
{
	cancel_work_sync(&ld->link_report_work);
}

/* Retrain every port whose link is down; those up again meanwhile need
 * nothing.
 */
static int lumen_link_recover(struct devlink_health_reporter *reporter,
			      void *priv_ctx, struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_health_reporter_priv(reporter);
	int err = 0, retrained = 0, down = 0;
	unsigned int k;

	rtnl_lock();
	for (k = 0; k < ld->num_ports; k++) {
		struct lumen_net *ln = lumen_port_net(ld, k);

		if (!ln || ln->link_up)
			continue;
		down++;
		err = lumen_port_retrain(ln);
		if (err)
			continue;
		retrained++;
		/* a failure that outlasts the retrain is reported again */
		ln->link_reason_since = jiffies;
		ln->link_reported = false;
	}
	rtnl_unlock();
	if (down && !retrained) {
		NL_SET_ERR_MSG_MOD(extack, "the port is down or being reset: nothing to retrain");
		return err ?: -ENETDOWN;
	}
	return 0;
}

static const char * const lumen_lane_states[] = {
	[LUMEN_LSTATE_OFF] = "off",
	[LUMEN_LSTATE_SIGNAL] = "signal_detect",
	[LUMEN_LSTATE_CDR] = "cdr_lock",
	[LUMEN_LSTATE_EQ] = "equalization",
	[LUMEN_LSTATE_LOCKED] = "locked",
};

static const char *lumen_lane_state_str(u32 status)
{
	u32 state = FIELD_GET(LUMEN_LANE_STATUS_STATE, status);

	/* an untrusted value: a reserved state is no state */
	if (state >= ARRAY_SIZE(lumen_lane_states))
		return "unknown";
	return lumen_lane_states[state];
}

static int lumen_fmsg_lane(struct devlink_fmsg *fmsg, struct lumen_dev *ld,
			   unsigned int n)
{
	u32 st = lumen_rd32(ld, LUMEN_LANE(n, LUMEN_LANE_STATUS));
	int err;

	err = devlink_fmsg_obj_nest_start(fmsg);
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "lane", n);
	err = err ?: devlink_fmsg_string_pair_put(fmsg, "state",
						  lumen_lane_state_str(st));
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "signal",
						st & LUMEN_LANE_STATUS_SIGNAL);
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "frame_lock",
						st & LUMEN_LANE_STATUS_LOCK);
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "ber_e12",
					       lumen_rd32(ld, LUMEN_LANE(n, LUMEN_LANE_BER)));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "snr_tenth_db",
					       lumen_rd32(ld, LUMEN_LANE(n, LUMEN_LANE_SNR)));
	return err ?: devlink_fmsg_obj_nest_end(fmsg);
}

static u32 lumen_lp_rd32(const struct lumen_port *lp, u32 reg)
{
	return lumen_rd32(lp->ld, LUMEN_PORT_REG(lp->idx, reg));
}

/* A port's link and lanes as the device has them now; reset lock held. */
static int lumen_fmsg_port_now(struct devlink_fmsg *fmsg, struct lumen_dev *ld,
			       const struct lumen_port *lp)
{
	u32 reason = lumen_lp_rd32(lp, LUMEN_PORT_DOWN_REASON);
	u32 fec = lumen_lp_rd32(lp, LUMEN_PORT_FEC);
	u32 st = lumen_lp_rd32(lp, LUMEN_PORT_STATUS);
	u32 cfg = lumen_lp_rd32(lp, LUMEN_PORT_CFG);
	u32 rate = FIELD_GET(LUMEN_PORT_CFG_RATE, cfg);
	unsigned int n;
	int err;

	err = devlink_fmsg_bool_pair_put(fmsg, "link", st & LUMEN_PORT_STATUS_LINK);
	err = err ?: devlink_fmsg_string_pair_put(fmsg, "reason",
						  lumen_down_reason_str(reason));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "speed_gbps",
					       FIELD_GET(LUMEN_PORT_STATUS_SPEED, st));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "lanes_configured",
					       FIELD_GET(LUMEN_PORT_CFG_LANES, cfg));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "lane_gbps",
					       LUMEN_LANE_GBPS(rate));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "fec",
					       FIELD_GET(LUMEN_PORT_FEC_MODE, fec));
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "link_training",
						!(cfg & LUMEN_PORT_CFG_PRESET));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "fec_ber_limit",
					       lumen_lp_rd32(lp, LUMEN_PORT_BER_LIMIT));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "last_bringup_us",
					       lumen_lp_rd32(lp, LUMEN_PORT_BRINGUP_US));
	err = err ?: devlink_fmsg_arr_pair_nest_start(fmsg, "lanes");
	for (n = 0; !err && n < lp->lanes; n++)
		err = lumen_fmsg_lane(fmsg, ld, lp->idx * lp->lanes + n);
	return err ?: devlink_fmsg_arr_pair_nest_end(fmsg);
}

/* Unsplit, the port's link; split, a "ports" array of them. */
static int lumen_fmsg_link_now(struct devlink_fmsg *fmsg, struct lumen_dev *ld)
{
	unsigned int k;
	int err;

	if (ld->num_ports == 1)
		return lumen_fmsg_port_now(fmsg, ld, &ld->ports[0]);
	err = devlink_fmsg_arr_pair_nest_start(fmsg, "ports");
	for (k = 0; !err && k < ld->num_ports; k++) {
		err = devlink_fmsg_obj_nest_start(fmsg);
		err = err ?: devlink_fmsg_u32_pair_put(fmsg, "port", k);
		err = err ?: lumen_fmsg_port_now(fmsg, ld, &ld->ports[k]);
		err = err ?: devlink_fmsg_obj_nest_end(fmsg);
	}
	return err ?: devlink_fmsg_arr_pair_nest_end(fmsg);
}

static int lumen_link_diagnose(struct devlink_health_reporter *reporter,
			       struct devlink_fmsg *fmsg,
			       struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_health_reporter_priv(reporter);
	int err;

	mutex_lock(&ld->reset_lock);
	if (lumen_regs_readable(ld)) {
		err = lumen_fmsg_link_now(fmsg, ld);
	} else {
		NL_SET_ERR_MSG_MOD(extack, "the device is gone or being reset");
		err = -ENODEV;
	}
	mutex_unlock(&ld->reset_lock);
	return err;
}

static int lumen_fmsg_link_event(struct devlink_fmsg *fmsg,
				 const struct lumen_link_event *ev)
{
	u32 speed = FIELD_GET(LUMEN_PORT_STATUS_SPEED, ev->status);
	int err;

	err = devlink_fmsg_obj_nest_start(fmsg);
	err = err ?: devlink_fmsg_u64_pair_put(fmsg, "time_ms",
					       div_u64(ev->time_ns, NSEC_PER_MSEC));
	err = err ?: devlink_fmsg_u8_pair_put(fmsg, "port", ev->port);
	err = err ?: devlink_fmsg_bool_pair_put(fmsg, "link",
						ev->status & LUMEN_PORT_STATUS_LINK);
	err = err ?: devlink_fmsg_string_pair_put(fmsg, "reason",
						  lumen_down_reason_str(ev->reason));
	err = err ?: devlink_fmsg_u32_pair_put(fmsg, "speed_gbps", speed);
	return err ?: devlink_fmsg_obj_nest_end(fmsg);
}

/* The history, oldest first.  No registers: it runs from the link work
 * item too, which a device reset waits for.
 */
static int lumen_link_dump(struct devlink_health_reporter *reporter,
			   struct devlink_fmsg *fmsg, void *priv_ctx,
			   struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_health_reporter_priv(reporter);
	struct lumen_link_event hist[LUMEN_LINK_HIST];
	unsigned int i, count;
	u64 total;
	int err;

	spin_lock_bh(&ld->link_hist_lock);
	total = ld->link_hist_n;
	count = min_t(u64, total, LUMEN_LINK_HIST);
	for (i = 0; i < count; i++)
		hist[i] = ld->link_hist[(total - count + i) % LUMEN_LINK_HIST];
	spin_unlock_bh(&ld->link_hist_lock);

	err = devlink_fmsg_u64_pair_put(fmsg, "events", total);
	err = err ?: devlink_fmsg_arr_pair_nest_start(fmsg, "history");
	for (i = 0; !err && i < count; i++)
		err = lumen_fmsg_link_event(fmsg, &hist[i]);
	return err ?: devlink_fmsg_arr_pair_nest_end(fmsg);
}

static const struct devlink_health_reporter_ops lumen_link_reporter_ops = {
	.name = "link",
	.recover = lumen_link_recover,
	.diagnose = lumen_link_diagnose,
	.dump = lumen_link_dump,
};

/**
 * lumen_link_health_create - create the "link" health reporter
 * @ld: the device, its devlink instance allocated
 *
 * Return: 0 or an errno.
 */
int lumen_link_health_create(struct lumen_dev *ld)
{
	spin_lock_init(&ld->link_hist_lock);
	INIT_WORK(&ld->link_report_work, lumen_link_report_work);
	ld->link_reporter =
		devlink_health_reporter_create(lumen_to_devlink(ld),
					       &lumen_link_reporter_ops,
					       LUMEN_LINK_GRACE_MS, ld);
	return PTR_ERR_OR_ZERO(ld->link_reporter);
}

/**
 * lumen_link_health_destroy - undo lumen_link_health_create()
 * @ld: the device; its link work can no longer run
 */
void lumen_link_health_destroy(struct lumen_dev *ld)
{
	cancel_work_sync(&ld->link_report_work);
	devlink_health_reporter_destroy(ld->link_reporter);
}
