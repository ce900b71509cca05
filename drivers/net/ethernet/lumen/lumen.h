/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The lumen authors */

#ifndef _LUMEN_H_
#define _LUMEN_H_

#include <linux/bitfield.h>
#include <linux/completion.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/ratelimit.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/devlink.h>

#include "lumen_hw.h"

struct lumen_dev;
struct lumen_raw_port;

/**
 * struct lumen_port - one port of the device: all 8 lanes, or a share of
 *	them once split
 * @ld: the device
 * @dl_port: its devlink port
 * @netdev: its netdev, NULL until registered
 * @idx: port number, 0 to lumen_dev::num_ports - 1
 * @lanes: the lanes it owns, from lane @idx * @lanes
 * @qp_first: the first of its queue pairs
 * @max_qp: how many it has
 * @stat_base: its MAC counters as they stood before the last reset
 * @dl_registered: @dl_port is registered
 */
struct lumen_port {
	struct lumen_dev *ld;
	struct devlink_port dl_port;
	struct net_device *netdev;
	u8 idx;
	u8 lanes;
	u16 qp_first;
	u16 max_qp;
	u64 stat_base[LUMEN_STAT_PORT_CNT];
	bool dl_registered;
};

/* One entry of the link history ("link" health reporter dump). */
struct lumen_link_event {
	u64 time_ns;		/* boot time */
	u8 port;		/* which port */
	u32 status;		/* PORT_STATUS */
	u32 reason;		/* PORT_DOWN_REASON, or NONE while up */
};

#define LUMEN_LINK_HIST		32

#define LUMEN_DRV_NAME		"lumen"

/* The module's flag bytes, and the flags the driver counts in them:
 * four levels of temperature, Vcc, TX power, TX bias and RX power, and
 * RX LOS.
 */
#define LUMEN_MOD_FLAG_BYTES	(1 + LUMEN_MOD_P11_FLAGS_END - \
				 LUMEN_MOD_P11_TX_PWR_FLAGS)
#define LUMEN_MOD_NUM_FLAGS	(5 * 4 + 1)

/**
 * struct lumen_dev - one lumen PCI function
 * @pdev: the PCI device
 * @bar0: mapping of BAR0, owned by probe/remove
 * @regs: what register accessors use: BAR0, or NULL once the device is gone
 * @ports: the ports, the first @num_ports of them in use
 * @num_ports: 1, or the ports of a split (CTRL_PORTS); changed under RTNL
 *	and @reset_lock
 * @flags: LUMEN_F_* bits
 * @rev: hardware revision register
 * @fw_ver: running firmware version register
 * @board_id: board identifier
 * @dsn: PCIe device serial number
 * @max_qp: queue pairs the device and our vectors allow
 * @max_raw: raw queue pairs the device and our vectors allow
 * @raw_vec_base: MSI-X vector of raw queue pair 0
 * @num_vectors: MSI-X vectors allocated
 * @mac: factory MAC address
 * @stat_lock: serialises device counter reads with a reset
 * @stat_base: device counters as they stood before the last reset, which
 *	zeroes them; what lumen_rd_stat() adds to the device's values
 * @misc_irq_name: name of the slow-path interrupt
 * @reset_lock: one device reset at a time (reload, PCI reset, fw recovery)
 * @tx_reporter: devlink health reporter "tx"
 * @fw_reporter: devlink health reporter "fw"
 * @link_reporter: devlink health reporter "link"
 * @link_hist_lock: protects @link_hist and @link_hist_n
 * @link_hist: the last LUMEN_LINK_HIST link changes, a ring
 * @link_hist_n: link changes recorded since probe
 * @link_report: per port, a training failure to report, or NONE
 * @link_report_work: reports them to @link_reporter
 * @region: devlink region "registers"
 * @fatal_work: reports a fatal firmware error to @fw_reporter
 * @tx_report_work: reports a TX hang or timeout to @tx_reporter
 * @tx_report: what it reports (lumen_health_tx_report())
 * @fatal_errors: fatal firmware errors the device reported
 * @link_work: handles link changes outside of interrupt context
 * @gone_work: detaches the netdev after a surprise removal
 * @raw: the raw-frame device of the port
 * @raw_channels: raw channels running on it
 * @irq_test: completed by the misc interrupt on LUMEN_INTR_TEST, for the
 *	interrupt self-test
 * @cmis_lock: one command on the module's management bus at a time
 * @mod_policy: the module power mode policy, ETHTOOL_MODULE_POWER_MODE_*
 * @mod_present: a module was plugged in when last looked, for the log
 * @hwmon: the module's temperature sensor
 * @mod_watch: reads the module's latched flags once a second
 * @mod_flags_seen: the flag bytes as last read, to see flags rise and fall
 *	(lower byte 9, then page 11h from LUMEN_MOD_P11_TX_PWR_FLAGS)
 * @mod_flag_events: how often each module flag rose, for ethtool -S
 * @mod_flags_rs: bounds the module flags' log lines, per device
 * @fw_lock: one firmware mailbox command at a time
 * @fw_stale_buf: DMA buffer of a flash whose WRITE timed out: the device
 *	may still read it, so it is freed only after the next reset
 * @fw_stale_dma: its DMA address
 * @link_training: lanes equalize by link training, else from presets
 *	(devlink param link_training), on every port
 * @ber_limit: pre-FEC BER (per 10^12 bits) at which a port gives the
 *	link up, 0 for the FEC mode's own limit (devlink param fec_ber_limit)
 *
 * Lives in the devlink instance's private area.
 */
struct lumen_dev {
	struct pci_dev *pdev;
	u8 __iomem *bar0;
	u8 __iomem *regs;
	struct lumen_port ports[LUMEN_MAX_PORTS];
	unsigned int num_ports;
	unsigned long flags;

	u32 rev;
	u32 fw_ver;
	u32 board_id;
	u64 dsn;
	u16 max_qp;
	u16 max_raw;
	u16 raw_vec_base;
	u16 num_vectors;
	u8 mac[ETH_ALEN];

	spinlock_t stat_lock;		/* protects stat_base, RESETTING */
	u64 stat_base[LUMEN_STAT_CNT];

	char misc_irq_name[32];
	struct mutex reset_lock;		/* see above */
	struct devlink_health_reporter *tx_reporter;
	struct devlink_health_reporter *fw_reporter;
	struct devlink_health_reporter *link_reporter;
	spinlock_t link_hist_lock;		/* see above */
	struct lumen_link_event link_hist[LUMEN_LINK_HIST];
	u64 link_hist_n;
	u32 link_report[LUMEN_MAX_PORTS];
	struct work_struct link_report_work;
	struct devlink_region *region;
	struct work_struct fatal_work;
	struct work_struct tx_report_work;
	atomic_t tx_report;
	atomic_t fatal_errors;
	struct work_struct link_work;
	struct work_struct gone_work;
	struct lumen_raw_port *raw;
	atomic_t raw_channels;
	struct completion irq_test;
	struct mutex cmis_lock;			/* see above */
	u8 mod_policy;
	bool mod_present;
	struct device *hwmon;
	struct delayed_work mod_watch;
	u8 mod_flags_seen[LUMEN_MOD_FLAG_BYTES];
	u64 mod_flag_events[LUMEN_MOD_NUM_FLAGS];
	struct ratelimit_state mod_flags_rs;
	struct mutex fw_lock;			/* see above */
	void *fw_stale_buf;
	dma_addr_t fw_stale_dma;
	bool link_training;
	u32 ber_limit;
};

/* lumen_dev::flags */
#define LUMEN_F_GONE		0	/* reads all-ones: stop touching it */
#define LUMEN_F_RESETTING	1	/* between reset prepare and done */
#define LUMEN_F_NO_REPORTS	2	/* being removed: no health reports */

static inline bool lumen_gone(const struct lumen_dev *ld)
{
	return test_bit(LUMEN_F_GONE, &ld->flags);
}

void lumen_check_gone(struct lumen_dev *ld);

/* lumen_module.c */
int lumen_module_init(struct lumen_dev *ld);
void lumen_module_fini(struct lumen_dev *ld);
void lumen_module_power_apply(struct lumen_dev *ld);
void lumen_module_event(struct lumen_dev *ld);
int lumen_cmis_read(struct lumen_dev *ld, u8 page, u8 bank, u32 offset,
		    u32 len, u8 *buf);

/* lumen_mod_flags.c */
void lumen_mod_flags_note(struct lumen_dev *ld, u8 page, u8 bank,
			  u32 offset, u32 len, const u8 *buf);
void lumen_mod_flags_read(struct lumen_dev *ld);
void lumen_mod_flags_forget(struct lumen_dev *ld);
void lumen_mod_flags_start(struct lumen_dev *ld);
void lumen_mod_flags_stop(struct lumen_dev *ld);
void lumen_mod_flags_strings(u8 **data);
void lumen_mod_flags_stats(struct lumen_dev *ld, u64 **data);

/* Registers answer: the device is there and not between reset prepare
 * and done (while it resets they may not).
 */
static inline bool lumen_regs_readable(const struct lumen_dev *ld)
{
	return !lumen_gone(ld) && !test_bit(LUMEN_F_RESETTING, &ld->flags);
}

/* Register access: reads of all-ones mean the device is gone. */
static inline u32 lumen_rd32(struct lumen_dev *ld, u32 reg)
{
	u8 __iomem *regs = READ_ONCE(ld->regs);
	u32 val;

	if (!regs)
		return ~0U;
	val = readl(regs + reg);
	if (unlikely(val == ~0U))
		lumen_check_gone(ld);
	return val;
}

static inline void lumen_wr32(struct lumen_dev *ld, u32 reg, u32 val)
{
	u8 __iomem *regs = READ_ONCE(ld->regs);

	if (regs)
		writel(val, regs + reg);
}

static inline void lumen_rmw32(struct lumen_dev *ld, u32 reg, u32 clear,
			       u32 set)
{
	lumen_wr32(ld, reg, (lumen_rd32(ld, reg) & ~clear) | set);
}

u64 lumen_rd_stat(struct lumen_dev *ld, enum lumen_stat stat);
u64 lumen_rd_pstat(struct lumen_port *lp, enum lumen_stat stat);

/* The netdev of port 0, which raw frames run on; NULL while there is none. */
static inline struct net_device *lumen_port0_netdev(struct lumen_dev *ld)
{
	return ld->ports[0].netdev;
}

static inline struct devlink *lumen_to_devlink(struct lumen_dev *ld)
{
	return priv_to_devlink(ld);
}

/* lumen_pci.c */
int lumen_dev_reset(struct lumen_dev *ld);
void lumen_stats_fold(struct lumen_dev *ld);
void lumen_stats_resume(struct lumen_dev *ld);

/* lumen_link.c */
const char *lumen_down_reason_str(u32 reason);
void lumen_link_update(struct lumen_dev *ld);

/* lumen_link_health.c */
int lumen_link_health_create(struct lumen_dev *ld);
void lumen_link_health_destroy(struct lumen_dev *ld);
void lumen_link_history_add(struct lumen_dev *ld, u8 port, u32 status,
			    u32 reason);
void lumen_link_health_check(struct lumen_dev *ld, u8 port, u32 reason);
void lumen_link_health_work(struct lumen_dev *ld);
void lumen_link_health_stop(struct lumen_dev *ld);

/* lumen_irq.c */
int lumen_irq_init(struct lumen_dev *ld);
void lumen_irq_fini(struct lumen_dev *ld);
void lumen_irq_misc_enable(struct lumen_dev *ld);
void lumen_irq_misc_disable(struct lumen_dev *ld);
int lumen_irq_vector(struct lumen_dev *ld, unsigned int vec);

/* lumen_devlink.c */
struct lumen_dev *lumen_devlink_alloc(struct pci_dev *pdev);
void lumen_devlink_free(struct lumen_dev *ld);
void lumen_ports_layout(struct lumen_dev *ld, unsigned int num_ports);
int lumen_devlink_ports_register(struct lumen_dev *ld);
void lumen_devlink_ports_unregister(struct lumen_dev *ld);
int lumen_devl_ports_register(struct lumen_dev *ld);
void lumen_devl_ports_unregister(struct lumen_dev *ld);

/* lumen_split.c */
int lumen_port_split(struct devlink *devlink, struct devlink_port *port,
		     unsigned int count, struct netlink_ext_ack *extack);
int lumen_port_unsplit(struct devlink *devlink, struct devlink_port *port,
		       struct netlink_ext_ack *extack);
void lumen_ports_hw_apply(struct lumen_dev *ld);

/* lumen_fw.c */
int lumen_fw_flash_update(struct devlink *devlink,
			  struct devlink_flash_update_params *params,
			  struct netlink_ext_ack *extack);
int lumen_fw_activate(struct lumen_dev *ld, struct netlink_ext_ack *extack);
bool lumen_fw_boot_failed(struct lumen_dev *ld);
void lumen_fw_release_stale(struct lumen_dev *ld);
u32 lumen_fw_stored_version(struct lumen_dev *ld);
enum devlink_selftest_status lumen_fw_selftest(struct lumen_dev *ld,
					       struct netlink_ext_ack *extack);

/* lumen_params.c */
int lumen_params_register(struct lumen_dev *ld);
void lumen_params_unregister(struct lumen_dev *ld);
void lumen_params_apply(struct lumen_dev *ld);

/* lumen_health.c */
/* Bytes of a register dump (devlink region, ethtool -d): BAR0 up to the
 * end of the raw queue pairs, with what lumen_regs_dump() does not read
 * left 0.
 */
#define LUMEN_REGS_DUMP_LEN	LUMEN_RAW_QP(LUMEN_MAX_RAW_QP, 0)
void lumen_regs_dump(struct lumen_dev *ld, u8 *buf);
int lumen_health_create(struct lumen_dev *ld);
void lumen_health_destroy(struct lumen_dev *ld);
void lumen_health_tx_report(struct lumen_dev *ld, u8 port, int qp);
void lumen_health_fatal(struct lumen_dev *ld);
void lumen_health_stop(struct lumen_dev *ld);

/* lumen_reset.c */
void lumen_reset_prepare(struct lumen_dev *ld);
int lumen_reset_done(struct lumen_dev *ld, struct netlink_ext_ack *extack);

/* lumen_netdev.c */
int lumen_netdevs_create(struct lumen_dev *ld);
void lumen_netdevs_quiesce(struct lumen_dev *ld);
int lumen_netdevs_restore(struct lumen_dev *ld);
int lumen_netdevs_restart(struct lumen_dev *ld, int port);
void lumen_netdevs_destroy(struct lumen_dev *ld);
bool lumen_netdevs_running(struct lumen_dev *ld);

/* lumen_ethtool.c */
void lumen_set_ethtool_ops(struct net_device *netdev);

#endif /* _LUMEN_H_ */
