// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <asm/unaligned.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "lumen_netdev.h"

/* Receive-side scaling: the device's Toeplitz hash over addresses and
 * ports picks a queue pair through a 128-entry indirection table (a
 * port of a split has its share of it, and its own key).  Entries here
 * are the netdev's queues; the device's are its queue pairs.  The
 * key and table live here, in the netdev's private data, so that they
 * survive down/up, resets and channel changes; they are written to the
 * device whenever its queues start, and at once when ethtool changes them
 * on a running port.
 */

#define LUMEN_RSS_CTRL_DEFAULT	(LUMEN_RSS_CTRL_EN | LUMEN_RSS_CTRL_IPV4 | \
				 LUMEN_RSS_CTRL_TCP4 | LUMEN_RSS_CTRL_UDP4 | \
				 LUMEN_RSS_CTRL_IPV6 | LUMEN_RSS_CTRL_TCP6 | \
				 LUMEN_RSS_CTRL_UDP6)

/**
 * lumen_rss_init - a random key and a table spread over the queue pairs
 * @ln: the netdev's private data
 */
void lumen_rss_init(struct lumen_net *ln)
{
	netdev_rss_key_fill(ln->rss_key, sizeof(ln->rss_key));
	lumen_rss_spread(ln);
}

/**
 * lumen_rss_spread - spread the table evenly over the queue pairs in use
 * @ln: the netdev's private data
 *
 * Unless the user set the table (ethtool -X), which the core keeps valid
 * by refusing channel counts that would orphan an entry.
 */
void lumen_rss_spread(struct lumen_net *ln)
{
	unsigned int i;

	if (netif_is_rxfh_configured(ln->netdev))
		return;
	for (i = 0; i < lumen_rss_indir_size(ln); i++)
		ln->rss_indir[i] = ethtool_rxfh_indir_default(i, ln->num_qp);
}

/**
 * lumen_rss_write - program the device's RSS block
 * @ln: the netdev's private data
 */
void lumen_rss_write(struct lumen_net *ln)
{
	u32 size = lumen_rss_indir_size(ln);
	struct lumen_port *lp = ln->lp;
	struct lumen_dev *ld = ln->ld;
	unsigned int i;

	for (i = 0; i < LUMEN_RSS_KEY_SIZE / 4; i++)
		lumen_wr32(ld, LUMEN_RSS_PORT_KEY(lp->idx, i),
			   get_unaligned_le32(&ln->rss_key[i * 4]));
	for (i = 0; i < size; i++)
		lumen_wr32(ld, LUMEN_RSS_INDIR(lp->idx * size + i),
			   lp->qp_first + ln->rss_indir[i]);
	lumen_wr32(ld, LUMEN_RSS_PORT_CTRL(lp->idx), LUMEN_RSS_CTRL_DEFAULT);
}
