// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "lumen_netdev.h"

/* ethtool -t: the register, interrupt and loopback tests are offline
 * (they take the port off its traffic for a moment, or the misc
 * interrupt's self-test cause); the link test runs either way.  Each
 * result is 0 for a pass (or a test not run) and, for a failure, the
 * errno of the test's return value, positive.
 */

enum lumen_test {
	LUMEN_TEST_REG,
	LUMEN_TEST_IRQ,
	LUMEN_TEST_LINK,
	LUMEN_TEST_LOOPBACK,
	LUMEN_TEST_CNT
};

static const char lumen_test_names[LUMEN_TEST_CNT][ETH_GSTRING_LEN] = {
	[LUMEN_TEST_REG]	= "register test (offline)",
	[LUMEN_TEST_IRQ]	= "interrupt test (offline)",
	[LUMEN_TEST_LINK]	= "link test (online)",
	[LUMEN_TEST_LOOPBACK]	= "loopback test (offline)",
};

#define LUMEN_TEST_IRQ_MS	100

/* Loopback test frames: to and from the port's own address, with the
 * second IEEE local experimental ethertype (the first one is raw
 * frames'), a byte pattern and their index.
 */
#define LUMEN_LB_ETHERTYPE	0x88b6
#define LUMEN_LB_FRAMES		16
#define LUMEN_LB_PAYLOAD	114	/* a 128-byte frame */
#define LUMEN_LB_TIMEOUT_MS	500

struct lumen_lb_test {
	struct packet_type pt;
	struct completion done;
	atomic_t received;
	u8 addr[ETH_ALEN];
};

/**
 * lumen_self_test_count - how many tests ethtool -t runs
 *
 * Return: the size of the ETH_SS_TEST string set.
 */
int lumen_self_test_count(void)
{
	return LUMEN_TEST_CNT;
}

/**
 * lumen_self_test_strings - the names of the tests
 * @data: LUMEN_TEST_CNT * ETH_GSTRING_LEN bytes
 */
void lumen_self_test_strings(u8 *data)
{
	memcpy(data, lumen_test_names, sizeof(lumen_test_names));
}

/* Patterns CTRL_SCRATCH must hold; never all-ones, which means "gone". */
static const u32 lumen_test_patterns[] = {
	0x00000000, 0x5a5a5a5a, 0xa5a5a5a5, 0x0000ffff, 0xffff0000,
	0x12345678, 0xfffffffe,
};

static int lumen_test_regs(struct lumen_dev *ld)
{
	u32 saved, val;
	unsigned int i;
	int err = 0;

	if (lumen_rd32(ld, LUMEN_CTRL_ID) != LUMEN_CTRL_ID_MAGIC)
		return -ENODEV;
	saved = lumen_rd32(ld, LUMEN_CTRL_SCRATCH);
	for (i = 0; i < ARRAY_SIZE(lumen_test_patterns); i++) {
		lumen_wr32(ld, LUMEN_CTRL_SCRATCH, lumen_test_patterns[i]);
		val = lumen_rd32(ld, LUMEN_CTRL_SCRATCH);
		if (val != lumen_test_patterns[i]) {
			dev_err(&ld->pdev->dev, "register test: scratch wrote 0x%08x, read 0x%08x\n",
				lumen_test_patterns[i], val);
			err = -EIO;
			break;
		}
	}
	lumen_wr32(ld, LUMEN_CTRL_SCRATCH, saved);
	return err;
}

static int lumen_test_irq(struct lumen_dev *ld)
{
	reinit_completion(&ld->irq_test);
	lumen_wr32(ld, LUMEN_INTR_SET, LUMEN_INTR_TEST);
	if (!wait_for_completion_timeout(&ld->irq_test,
					 msecs_to_jiffies(LUMEN_TEST_IRQ_MS))) {
		dev_err(&ld->pdev->dev, "interrupt test: no misc interrupt in %u ms\n",
			LUMEN_TEST_IRQ_MS);
		return -ETIMEDOUT;
	}
	return 0;
}

static int lumen_test_link(struct lumen_net *ln)
{
	u32 st;

	if (!netif_running(ln->netdev))
		return -ENETDOWN;
	st = lumen_port_rd32(ln, LUMEN_PORT_STATUS);
	if (st == ~0U)
		return -ENODEV;
	if (!(st & LUMEN_PORT_STATUS_LINK) || !netif_carrier_ok(ln->netdev))
		return -ENOLINK;
	return 0;
}

static void lumen_lb_fill(u8 *payload, unsigned int idx)
{
	unsigned int i;

	for (i = 0; i < LUMEN_LB_PAYLOAD; i++)
		payload[i] = (u8)(i + idx);
}

static int lumen_lb_rcv(struct sk_buff *skb, struct net_device *dev,
			struct packet_type *pt, struct net_device *orig_dev)
{
	struct lumen_lb_test *lb = container_of(pt, struct lumen_lb_test, pt);
	u8 got[LUMEN_LB_PAYLOAD], want[LUMEN_LB_PAYLOAD];

	/* At a packet handler skb->data is past the Ethernet header. */
	if (!ether_addr_equal(eth_hdr(skb)->h_source, lb->addr) ||
	    skb_copy_bits(skb, 0, got, sizeof(got)))
		goto out;
	lumen_lb_fill(want, got[0]);
	if (got[0] < LUMEN_LB_FRAMES && !memcmp(got, want, sizeof(got)) &&
	    atomic_inc_return(&lb->received) == LUMEN_LB_FRAMES)
		complete(&lb->done);
out:
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static int lumen_lb_send(struct net_device *netdev, unsigned int idx)
{
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = alloc_skb(LL_RESERVED_SPACE(netdev) + ETH_HLEN +
			LUMEN_LB_PAYLOAD, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, LL_RESERVED_SPACE(netdev));
	skb_reset_mac_header(skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, netdev->dev_addr);
	ether_addr_copy(eth->h_source, netdev->dev_addr);
	eth->h_proto = htons(LUMEN_LB_ETHERTYPE);
	lumen_lb_fill(skb_put(skb, LUMEN_LB_PAYLOAD), idx);
	skb->dev = netdev;
	skb->protocol = htons(LUMEN_LB_ETHERTYPE);
	/* A drop on the way shows as a missing frame. */
	dev_queue_xmit(skb);
	return 0;
}

/* Frames through the normal datapath (qdisc, a queue pair, the MAC) with
 * the port in MAC loopback, back through NAPI to a packet handler.  The
 * port's loopback goes back to what the features say.
 */
static int lumen_test_loopback(struct lumen_net *ln)
{
	struct net_device *netdev = ln->netdev;
	struct lumen_lb_test lb = {};
	unsigned int i;
	int err = 0;

	if (!netif_running(netdev) || !ln->queues_up)
		return -ENETDOWN;
	if (!netif_carrier_ok(netdev))
		return -ENOLINK;

	init_completion(&lb.done);
	ether_addr_copy(lb.addr, netdev->dev_addr);
	lb.pt.type = htons(LUMEN_LB_ETHERTYPE);
	lb.pt.dev = netdev;
	lb.pt.func = lumen_lb_rcv;
	dev_add_pack(&lb.pt);

	lumen_port_loopback(ln, true);
	for (i = 0; i < LUMEN_LB_FRAMES && !err; i++)
		err = lumen_lb_send(netdev, i);
	if (!err && !wait_for_completion_timeout(&lb.done,
						 msecs_to_jiffies(LUMEN_LB_TIMEOUT_MS)))
		err = -ETIMEDOUT;
	lumen_port_loopback(ln, netdev->features & NETIF_F_LOOPBACK);

	/* Waits for handlers that still run. */
	dev_remove_pack(&lb.pt);
	if (err)
		netdev_err(netdev, "loopback test: %d of %u frames came back\n",
			   atomic_read(&lb.received), LUMEN_LB_FRAMES);
	return err;
}

/**
 * lumen_self_test - ethtool -t
 * @netdev: the netdev
 * @eth_test: the request; ETH_TEST_FL_FAILED set on a failure
 * @data: a result per test, LUMEN_TEST_CNT of them
 *
 * The link test always runs; the offline tests only when asked for.
 * The link and loopback tests need the port up, and fail with ENETDOWN
 * when it is down.  An offline test leaves the port as it found it.
 * Called under RTNL, with the netdev attached.
 */
void lumen_self_test(struct net_device *netdev, struct ethtool_test *eth_test,
		     u64 *data)
{
	struct lumen_net *ln = netdev_priv(netdev);
	struct lumen_dev *ld = ln->ld;
	unsigned int i;

	ASSERT_RTNL();
	memset(data, 0, LUMEN_TEST_CNT * sizeof(*data));
	if (!lumen_regs_readable(ld)) {
		for (i = 0; i < LUMEN_TEST_CNT; i++)
			data[i] = ENODEV;
		eth_test->flags |= ETH_TEST_FL_FAILED;
		return;
	}

	data[LUMEN_TEST_LINK] = -lumen_test_link(ln);
	if (eth_test->flags & ETH_TEST_FL_OFFLINE) {
		data[LUMEN_TEST_REG] = -lumen_test_regs(ld);
		data[LUMEN_TEST_IRQ] = -lumen_test_irq(ld);
		data[LUMEN_TEST_LOOPBACK] = -lumen_test_loopback(ln);
	}
	for (i = 0; i < LUMEN_TEST_CNT; i++)
		if (data[i])
			eth_test->flags |= ETH_TEST_FL_FAILED;
}
