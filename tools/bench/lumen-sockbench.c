// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-sockbench: the socket baselines of make bench's raw-frame table,
 * packet rate and round trip over AF_PACKET and UDP, printed in the same
 * formats as lumen-raw's bench and pingpong.
 *
 *   lumen-sockbench afpacket-tx IFNAME SIZE SECS [DSTMAC]
 *   lumen-sockbench afpacket-rx IFNAME SECS
 *   lumen-sockbench afpacket-pingpong client IFNAME SIZE COUNT [DSTMAC]
 *   lumen-sockbench afpacket-pingpong reflect IFNAME COUNT
 *   lumen-sockbench udp-tx DSTIP PORT SIZE SECS
 *   lumen-sockbench udp-rx PORT SECS
 *   lumen-sockbench udp-pingpong client DSTIP PORT SIZE COUNT
 *   lumen-sockbench udp-pingpong server PORT COUNT
 *
 * AF_PACKET frames carry an Ethernet header (to DSTMAC, by default the
 * broadcast address) and ethertype 0x88b6; SIZE is the payload after the
 * 14-byte header.  The sender uses a PACKET_TX_RING, the receiver a
 * TPACKET_V3 PACKET_RX_RING.  UDP moves batches with sendmmsg/recvmmsg.
 * Receivers start their clock at the first frame and stop after SECS, or
 * half a second after the last frame, and print
 *   rx: N frames, B bytes in T s: X frames/s, Y Gbit/s
 * Ping clients print "rtt us: min A median B p99 C max D".  Reflectors
 * and servers answer COUNT pings, or stop when none came for IDLE_S.
 * Exit status: 0 success, 1 failure, 2 bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ETH_P_LUMEN_BENCH	0x88b6	/* IEEE local experimental 2 */
#define BATCH			64
#define TX_FRAMES		512	/* TX ring: frames of TX_FRAME bytes */
#define TX_FRAME		16384
#define RX_BLOCK		(1024 * 1024)	/* TPACKET_V3 RX ring blocks */
#define RX_BLOCKS		16
#define RX_FRAME		16384
#define RX_BLOCK_TMO_MS		2
#define IDLE_S			0.5	/* receiver: done this long after the last */
#define FIRST_S			15.0	/* receiver: fail with no frame this long */
#define PING_TMO_MS		1000	/* a ping unanswered this long is lost */
#define REFLECT_IDLE_S		10.0
#define PING_MIN		8	/* a ping carries its sequence number */
#define MAX_SIZE		9000

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("lumen-sockbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

static int fail_errno(const char *what)
{
	return fail("%s: %s", what, strerror(errno));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int parse_num(const char *s, unsigned long min, unsigned long max,
		     unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || *v < min || *v > max)
		return fail("bad number '%s' (%lu to %lu)", s, min, max);
	return 0;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != ETH_ALEN)
		return fail("bad MAC address '%s'", s);
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = b[i];
	return 0;
}

/* The default payload: byte i is (k + i) & 0xff. */
static void pattern(unsigned char *p, size_t len, unsigned long k)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(k + i);
}

/* rx_report - the receiver's line, the same as lumen-raw bench's */
static void rx_report(unsigned long long frames, unsigned long long bytes,
		      double secs)
{
	if (secs <= 0)
		secs = 1.0 / 1000000000;
	printf("rx: %llu frames, %llu bytes in %.2f s: %.0f frames/s, %.3f Gbit/s\n",
	       frames, bytes, secs, frames / secs, bytes * 8 / secs / 1e9);
	fflush(stdout);
}

static void tx_report(unsigned long long frames, unsigned long long bytes,
		      double secs)
{
	if (secs <= 0)
		secs = 1.0 / 1000000000;
	printf("tx: %llu frames, %llu bytes in %.2f s: %.0f frames/s, %.3f Gbit/s\n",
	       frames, bytes, secs, frames / secs, bytes * 8 / secs / 1e9);
	fflush(stdout);
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* rtt_report - min/median/p99/max in us, picked the way lumen-raw does */
static int rtt_report(unsigned long long *rtt, unsigned long ok,
		      unsigned long count, unsigned long size,
		      unsigned long lost, unsigned long late)
{
	printf("pingpong: %lu frames of %lu bytes, %lu answered, %lu lost, %lu late\n",
	       count, size, ok, lost, late);
	if (!ok)
		return fail("no ping answered");
	qsort(rtt, ok, sizeof(*rtt), cmp_ull);
	printf("rtt us: min %.1f median %.1f p99 %.1f max %.1f\n",
	       rtt[0] / 1e3, rtt[ok / 2] / 1e3, rtt[(ok * 99) / 100] / 1e3,
	       rtt[ok - 1] / 1e3);
	fflush(stdout);
	if (lost)
		fprintf(stderr, "lumen-sockbench: %lu of %lu pings lost\n",
			lost, count);
	return 0;
}

/* wait_in - poll @fd for input up to @ms; <0 error, 0 timeout, >0 ready */
static int wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do {
		n = poll(&p, 1, ms);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* --- AF_PACKET --- */

struct pkt_sock {
	int fd;
	int ifindex;
	unsigned char mac[ETH_ALEN];
};

/* pkt_open - a SOCK_RAW packet socket bound to @ifname and our ethertype */
static int pkt_open(const char *ifname, struct pkt_sock *ps)
{
	struct sockaddr_ll sll = { 0 };
	struct ifreq ifr = { 0 };
	int one = 1;

	ps->ifindex = if_nametoindex(ifname);
	if (!ps->ifindex)
		return fail("%s: %s", ifname, strerror(errno));
	ps->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_LUMEN_BENCH));
	if (ps->fd < 0)
		return fail_errno("AF_PACKET socket (needs CAP_NET_RAW)");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(ps->fd, SIOCGIFHWADDR, &ifr)) {
		close(ps->fd);
		return fail("%s: hardware address: %s", ifname, strerror(errno));
	}
	memcpy(ps->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	/* Our own frames, looped back to taps, are not answers. */
	if (setsockopt(ps->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)))
		fprintf(stderr, "lumen-sockbench: PACKET_IGNORE_OUTGOING: %s\n",
			strerror(errno));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_LUMEN_BENCH);
	sll.sll_ifindex = ps->ifindex;
	if (bind(ps->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(ps->fd);
		return fail_errno("binding the AF_PACKET socket");
	}
	return 0;
}

static void eth_header(unsigned char *p, const unsigned char *dst,
		       const unsigned char *src)
{
	struct ethhdr *eh = (struct ethhdr *)p;

	memcpy(eh->h_dest, dst, ETH_ALEN);
	memcpy(eh->h_source, src, ETH_ALEN);
	eh->h_proto = htons(ETH_P_LUMEN_BENCH);
}

/*
 * afpacket_tx - SECS of frames through a TPACKET_V2 TX ring: fill every
 * free slot, flush with one send(), poll for room when the ring is full.
 */
static int afpacket_tx(const char *ifname, unsigned long size,
		       unsigned long secs, const unsigned char *dst)
{
	struct tpacket_req req = {
		.tp_block_size = TX_FRAME, .tp_block_nr = TX_FRAMES,
		.tp_frame_size = TX_FRAME, .tp_frame_nr = TX_FRAMES,
	};
	const size_t hdr = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
	int ver = TPACKET_V2, rc = 0;
	unsigned long long frames = 0;
	unsigned int slot = 0, i;
	struct pkt_sock ps;
	double start, end;
	unsigned char *ring;
	size_t len = ETH_HLEN + size;

	if (pkt_open(ifname, &ps))
		return 1;
	if (setsockopt(ps.fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) ||
	    setsockopt(ps.fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req))) {
		rc = fail_errno("PACKET_TX_RING");
		goto out;
	}
	ring = mmap(NULL, (size_t)TX_FRAMES * TX_FRAME, PROT_READ | PROT_WRITE,
		    MAP_SHARED, ps.fd, 0);
	if (ring == MAP_FAILED) {
		rc = fail_errno("mapping the TX ring");
		goto out;
	}
	/* Every slot's frame is written once; the loop only hands it over. */
	for (i = 0; i < TX_FRAMES; i++) {
		unsigned char *p = ring + (size_t)i * TX_FRAME + hdr;

		eth_header(p, dst, ps.mac);
		pattern(p + ETH_HLEN, size, i);
	}
	start = now_s();
	end = start + secs;
	while (now_s() < end) {
		unsigned int queued = 0;

		for (;;) {
			struct tpacket2_hdr *h = (void *)(ring + (size_t)slot * TX_FRAME);

			if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) !=
			    TP_STATUS_AVAILABLE)
				break;
			h->tp_len = len;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
					 __ATOMIC_RELEASE);
			slot = (slot + 1) % TX_FRAMES;
			if (++queued == TX_FRAMES)
				break;
		}
		if (queued) {
			frames += queued;
			if (send(ps.fd, NULL, 0, MSG_DONTWAIT) < 0 &&
			    errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
				rc = fail_errno("send on the TX ring");
				break;
			}
		} else {
			struct pollfd p = { .fd = ps.fd, .events = POLLOUT };

			/* A full ring: the flush may have stopped at ENOBUFS. */
			send(ps.fd, NULL, 0, MSG_DONTWAIT);
			poll(&p, 1, 1);
		}
	}
	/* Let the last frames go before the ring is unmapped. */
	send(ps.fd, NULL, 0, 0);
	if (!rc)
		tx_report(frames, frames * size, now_s() - start);
	munmap(ring, (size_t)TX_FRAMES * TX_FRAME);
out:
	close(ps.fd);
	return rc;
}

/* afpacket_rx - count our frames through a TPACKET_V3 RX ring */
static int afpacket_rx(const char *ifname, unsigned long secs)
{
	struct tpacket_req3 req = {
		.tp_block_size = RX_BLOCK, .tp_block_nr = RX_BLOCKS,
		.tp_frame_size = RX_FRAME,
		.tp_frame_nr = RX_BLOCK / RX_FRAME * RX_BLOCKS,
		.tp_retire_blk_tov = RX_BLOCK_TMO_MS,
	};
	unsigned long long frames = 0, bytes = 0;
	double first = 0, last = 0, t;
	int ver = TPACKET_V3, rc = 0;
	unsigned int blk = 0;
	struct pkt_sock ps;
	unsigned char *ring;

	if (pkt_open(ifname, &ps))
		return 1;
	if (setsockopt(ps.fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) ||
	    setsockopt(ps.fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req))) {
		rc = fail_errno("PACKET_RX_RING");
		goto out;
	}
	ring = mmap(NULL, (size_t)RX_BLOCK * RX_BLOCKS, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_LOCKED, ps.fd, 0);
	if (ring == MAP_FAILED)
		ring = mmap(NULL, (size_t)RX_BLOCK * RX_BLOCKS,
			    PROT_READ | PROT_WRITE, MAP_SHARED, ps.fd, 0);
	if (ring == MAP_FAILED) {
		rc = fail_errno("mapping the RX ring");
		goto out;
	}
	t = now_s();
	for (;;) {
		struct tpacket_block_desc *bd = (void *)(ring + (size_t)blk * RX_BLOCK);
		struct tpacket3_hdr *h;
		unsigned int i, n;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER)) {
			double now = now_s();

			if (!frames && now - t > FIRST_S) {
				rc = fail("%s: no frame in %.0f s", ifname, FIRST_S);
				break;
			}
			if (frames && (now - first >= secs || now - last > IDLE_S))
				break;
			if (wait_in(ps.fd, 10) < 0) {
				rc = fail_errno("poll");
				break;
			}
			continue;
		}
		n = bd->hdr.bh1.num_pkts;
		h = (void *)((unsigned char *)bd + bd->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < n; i++) {
			struct ethhdr *eh = (void *)((unsigned char *)h + h->tp_mac);

			if (eh->h_proto == htons(ETH_P_LUMEN_BENCH)) {
				frames++;
				bytes += h->tp_len - ETH_HLEN;
			}
			h = (void *)((unsigned char *)h + h->tp_next_offset);
		}
		last = now_s();
		if (frames && !first)
			first = last;
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		blk = (blk + 1) % RX_BLOCKS;
	}
	if (!rc) {
		struct tpacket_stats_v3 st = { 0 };
		socklen_t sl = sizeof(st);

		/*
		 * The clock starts with the first block, which carries the
		 * frames of up to RX_BLOCK_TMO_MS before it: small next to
		 * SECS.
		 */
		rx_report(frames, bytes, last - first);
		if (!getsockopt(ps.fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl))
			fprintf(stderr, "lumen-sockbench: ring drops %u, freezes %u\n",
				st.tp_drops, st.tp_freeze_q_cnt);
	}
	munmap(ring, (size_t)RX_BLOCK * RX_BLOCKS);
out:
	close(ps.fd);
	return rc;
}

/* afpacket_ping - COUNT pings to @dst, each answer awaited */
static int afpacket_ping(const char *ifname, unsigned long size,
			 unsigned long count, const unsigned char *dst)
{
	unsigned long k, ok = 0, lost = 0, late = 0;
	unsigned char buf[ETH_HLEN + MAX_SIZE], in[ETH_HLEN + MAX_SIZE];
	unsigned long long *rtt, t0, seq;
	struct pkt_sock ps;
	struct sockaddr_ll to = { 0 };
	int rc = 0;

	if (size < PING_MIN)
		size = PING_MIN;
	if (pkt_open(ifname, &ps))
		return 1;
	rtt = calloc(count, sizeof(*rtt));
	if (!rtt) {
		close(ps.fd);
		return fail("out of memory");
	}
	to.sll_family = AF_PACKET;
	to.sll_ifindex = ps.ifindex;
	to.sll_protocol = htons(ETH_P_LUMEN_BENCH);
	to.sll_halen = ETH_ALEN;
	memcpy(to.sll_addr, dst, ETH_ALEN);
	eth_header(buf, dst, ps.mac);
	for (k = 0; k < count && !rc; k++) {
		pattern(buf + ETH_HLEN, size, k);
		seq = k;
		memcpy(buf + ETH_HLEN, &seq, sizeof(seq));
		t0 = now_ns();
		if (sendto(ps.fd, buf, ETH_HLEN + size, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			rc = fail_errno("sending a ping");
			break;
		}
		for (;;) {
			unsigned long long t1 = now_ns(), dl = t0 + PING_TMO_MS * 1000000ULL;
			ssize_t n;

			if (t1 >= dl) {
				lost++;
				break;
			}
			n = recv(ps.fd, in, sizeof(in), MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				rc = fail_errno("receiving an answer");
				break;
			}
			if (n < 0) {
				if (wait_in(ps.fd, (dl - t1) / 1000000 + 1) < 0) {
					rc = fail_errno("poll");
					break;
				}
				continue;
			}
			seq = ~0ULL;
			if (n >= ETH_HLEN + (ssize_t)sizeof(seq))
				memcpy(&seq, in + ETH_HLEN, sizeof(seq));
			if (n == (ssize_t)(ETH_HLEN + size) && seq == k) {
				rtt[ok++] = now_ns() - t0;
				break;
			}
			late++;
		}
	}
	if (!rc)
		rc = rtt_report(rtt, ok, count, size, lost, late);
	free(rtt);
	close(ps.fd);
	return rc;
}

/* afpacket_reflect - send each frame back where it came from */
static int afpacket_reflect(const char *ifname, unsigned long count)
{
	unsigned char buf[ETH_HLEN + MAX_SIZE];
	unsigned long done = 0;
	struct pkt_sock ps;
	int rc = 0;

	if (pkt_open(ifname, &ps))
		return 1;
	while (done < count) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;
		int w;

		w = wait_in(ps.fd, (int)(REFLECT_IDLE_S * 1000));
		if (w < 0) {
			rc = fail_errno("poll");
			break;
		}
		if (!w)
			break;
		n = recvfrom(ps.fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			rc = fail_errno("receiving");
			break;
		}
		if (n < ETH_HLEN || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		/* Back to the sender: swap the addresses. */
		memcpy(buf, buf + ETH_ALEN, ETH_ALEN);
		memcpy(buf + ETH_ALEN, ps.mac, ETH_ALEN);
		from.sll_halen = ETH_ALEN;
		memcpy(from.sll_addr, buf, ETH_ALEN);
		if (sendto(ps.fd, buf, n, 0, (struct sockaddr *)&from,
			   sizeof(from)) < 0) {
			rc = fail_errno("reflecting");
			break;
		}
		done++;
	}
	fprintf(stderr, "lumen-sockbench: reflected %lu frames\n", done);
	close(ps.fd);
	if (!rc && !done)
		rc = fail("nothing to reflect in %.0f s", REFLECT_IDLE_S);
	return rc;
}

/* --- UDP --- */

static int udp_socket(const char *ip, unsigned long port, int do_bind,
		      struct sockaddr_in *sin)
{
	int fd, big = 4 << 20;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (ip && inet_pton(AF_INET, ip, &sin->sin_addr) != 1) {
		fail("bad IPv4 address '%s'", ip);
		return -1;
	}
	if (!ip)
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		fail_errno("UDP socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (do_bind ? bind(fd, (struct sockaddr *)sin, sizeof(*sin)) :
		      connect(fd, (struct sockaddr *)sin, sizeof(*sin))) {
		fail("%s port %lu: %s", do_bind ? "binding" : "connecting",
		     port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int udp_tx(const char *ip, unsigned long port, unsigned long size,
		  unsigned long secs)
{
	static unsigned char buf[MAX_SIZE];
	unsigned long long frames = 0;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sin;
	double start, end;
	int fd, i, n, rc = 0;

	fd = udp_socket(ip, port, 0, &sin);
	if (fd < 0)
		return 1;
	pattern(buf, size, 0);
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf;
		iov[i].iov_len = size;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_s();
	end = start + secs;
	while (now_s() < end) {
		n = sendmmsg(fd, msg, BATCH, 0);
		if (n > 0) {
			frames += n;
			continue;
		}
		/* A full queue or a refusal from the peer: try again. */
		if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED ||
		    errno == EINTR) {
			usleep(100);
			continue;
		}
		rc = fail_errno("sendmmsg");
		break;
	}
	if (!rc)
		tx_report(frames, frames * size, now_s() - start);
	close(fd);
	return rc;
}

static int udp_rx(unsigned long port, unsigned long secs)
{
	static unsigned char buf[BATCH][MAX_SIZE + 1];
	unsigned long long frames = 0, bytes = 0;
	double first = 0, last = 0, t0;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sin;
	int fd, i, n, rc = 0;

	fd = udp_socket(NULL, port, 1, &sin);
	if (fd < 0)
		return 1;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_s();
	for (;;) {
		double now;

		n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL);
		if (n > 0) {
			for (i = 0; i < n; i++)
				bytes += msg[i].msg_len;
			frames += n;
			last = now_s();
			if (!first)
				first = last;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR) {
			rc = fail_errno("recvmmsg");
			break;
		}
		now = now_s();
		if (!frames && now - t0 > FIRST_S) {
			rc = fail("port %lu: no datagram in %.0f s", port, FIRST_S);
			break;
		}
		if (frames && (now - first >= secs || now - last > IDLE_S))
			break;
		if (wait_in(fd, 10) < 0) {
			rc = fail_errno("poll");
			break;
		}
	}
	if (!rc)
		rx_report(frames, bytes, last - first);
	close(fd);
	return rc;
}

static int udp_ping(const char *ip, unsigned long port, unsigned long size,
		    unsigned long count)
{
	static unsigned char buf[MAX_SIZE], in[MAX_SIZE + 1];
	unsigned long k, ok = 0, lost = 0, late = 0;
	unsigned long long *rtt, t0, seq;
	struct sockaddr_in sin;
	int fd, rc = 0;

	if (size < PING_MIN)
		size = PING_MIN;
	fd = udp_socket(ip, port, 0, &sin);
	if (fd < 0)
		return 1;
	rtt = calloc(count, sizeof(*rtt));
	if (!rtt) {
		close(fd);
		return fail("out of memory");
	}
	for (k = 0; k < count && !rc; k++) {
		pattern(buf, size, k);
		seq = k;
		memcpy(buf, &seq, sizeof(seq));
		t0 = now_ns();
		if (send(fd, buf, size, 0) < 0 && errno != ECONNREFUSED) {
			rc = fail_errno("sending a ping");
			break;
		}
		for (;;) {
			unsigned long long t1 = now_ns(), dl = t0 + PING_TMO_MS * 1000000ULL;
			ssize_t n;

			if (t1 >= dl) {
				lost++;
				break;
			}
			n = recv(fd, in, sizeof(in), MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR &&
			    errno != ECONNREFUSED) {
				rc = fail_errno("receiving an answer");
				break;
			}
			if (n < 0) {
				if (wait_in(fd, (dl - t1) / 1000000 + 1) < 0) {
					rc = fail_errno("poll");
					break;
				}
				continue;
			}
			seq = ~0ULL;
			if (n >= (ssize_t)sizeof(seq))
				memcpy(&seq, in, sizeof(seq));
			if (n == (ssize_t)size && seq == k) {
				rtt[ok++] = now_ns() - t0;
				break;
			}
			late++;
		}
	}
	if (!rc)
		rc = rtt_report(rtt, ok, count, size, lost, late);
	free(rtt);
	close(fd);
	return rc;
}

static int udp_server(unsigned long port, unsigned long count)
{
	static unsigned char buf[MAX_SIZE + 1];
	unsigned long done = 0;
	struct sockaddr_in sin;
	int fd, rc = 0;

	fd = udp_socket(NULL, port, 1, &sin);
	if (fd < 0)
		return 1;
	while (done < count) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n;
		int w;

		w = wait_in(fd, (int)(REFLECT_IDLE_S * 1000));
		if (w < 0) {
			rc = fail_errno("poll");
			break;
		}
		if (!w)
			break;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			rc = fail_errno("receiving");
			break;
		}
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&from, fl) < 0) {
			rc = fail_errno("answering");
			break;
		}
		done++;
	}
	fprintf(stderr, "lumen-sockbench: answered %lu pings\n", done);
	close(fd);
	if (!rc && !done)
		rc = fail("no ping in %.0f s", REFLECT_IDLE_S);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: lumen-sockbench afpacket-tx IFNAME SIZE SECS [DSTMAC]\n"
	      "       lumen-sockbench afpacket-rx IFNAME SECS\n"
	      "       lumen-sockbench afpacket-pingpong client IFNAME SIZE COUNT [DSTMAC]\n"
	      "       lumen-sockbench afpacket-pingpong reflect IFNAME COUNT\n"
	      "       lumen-sockbench udp-tx DSTIP PORT SIZE SECS\n"
	      "       lumen-sockbench udp-rx PORT SECS\n"
	      "       lumen-sockbench udp-pingpong client DSTIP PORT SIZE COUNT\n"
	      "       lumen-sockbench udp-pingpong server PORT COUNT\n"
	      "SIZE: payload bytes (AF_PACKET: after the 14-byte Ethernet header),\n"
	      "1 to 9000; DSTMAC: default ff:ff:ff:ff:ff:ff.\n", f);
}

int main(int argc, char **argv)
{
	unsigned char dst[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned long size, secs, port, count;
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *sub = argc > 2 ? argv[2] : "";

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "afpacket-tx") && (argc == 5 || argc == 6)) {
		if (parse_num(argv[3], 1, MAX_SIZE, &size) ||
		    parse_num(argv[4], 1, 3600, &secs) ||
		    (argc == 6 && parse_mac(argv[5], dst)))
			return 2;
		return afpacket_tx(argv[2], size, secs, dst);
	}
	if (!strcmp(cmd, "afpacket-rx") && argc == 4) {
		if (parse_num(argv[3], 1, 3600, &secs))
			return 2;
		return afpacket_rx(argv[2], secs);
	}
	if (!strcmp(cmd, "afpacket-pingpong") && !strcmp(sub, "client") &&
	    (argc == 6 || argc == 7)) {
		if (parse_num(argv[4], 1, MAX_SIZE, &size) ||
		    parse_num(argv[5], 1, 10000000, &count) ||
		    (argc == 7 && parse_mac(argv[6], dst)))
			return 2;
		return afpacket_ping(argv[3], size, count, dst);
	}
	if (!strcmp(cmd, "afpacket-pingpong") && !strcmp(sub, "reflect") &&
	    argc == 5) {
		if (parse_num(argv[4], 1, 10000000, &count))
			return 2;
		return afpacket_reflect(argv[3], count);
	}
	if (!strcmp(cmd, "udp-tx") && argc == 6) {
		if (parse_num(argv[3], 1, 65535, &port) ||
		    parse_num(argv[4], 1, MAX_SIZE, &size) ||
		    parse_num(argv[5], 1, 3600, &secs))
			return 2;
		return udp_tx(argv[2], port, size, secs);
	}
	if (!strcmp(cmd, "udp-rx") && argc == 4) {
		if (parse_num(argv[2], 1, 65535, &port) ||
		    parse_num(argv[3], 1, 3600, &secs))
			return 2;
		return udp_rx(port, secs);
	}
	if (!strcmp(cmd, "udp-pingpong") && !strcmp(sub, "client") && argc == 7) {
		if (parse_num(argv[4], 1, 65535, &port) ||
		    parse_num(argv[5], 1, MAX_SIZE, &size) ||
		    parse_num(argv[6], 1, 10000000, &count))
			return 2;
		return udp_ping(argv[3], port, size, count);
	}
	if (!strcmp(cmd, "udp-pingpong") && !strcmp(sub, "server") && argc == 5) {
		if (parse_num(argv[3], 1, 65535, &port) ||
		    parse_num(argv[4], 1, 10000000, &count))
			return 2;
		return udp_server(port, count);
	}
	usage(stderr);
	return 2;
}
