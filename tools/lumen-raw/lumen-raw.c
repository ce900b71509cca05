// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-raw: send, receive, ping and measure raw frames on lumen ports,
 * with liblumen.
 *
 *   lumen-raw info DEV
 *   lumen-raw send DEV --chan N [--flow F] [--count C] [--size S]
 *                      [--data HEX | --pattern] [--rw] [--gap US] [--verbose]
 *   lumen-raw recv DEV --chan N [--count C] [--timeout MS] [--hex] [--rw]
 *                      [--ready FILE]
 *   lumen-raw pingpong DEV --chan N [--peer-chan M] [--count C] [--size S]
 *                      [--timeout MS]
 *   lumen-raw pingpong DEV --reflect --chan N [--peer-chan M] [--count C]
 *                      [--timeout MS] [--ready FILE]
 *   lumen-raw bench DEV --chan N [--size S] [--secs T]
 *                      [--mode tx|rx | --peer DEV2] [--ready FILE]
 *                      [--rate PPS]
 *
 * Every command but info takes --entries N, the size of its channel's
 * rings (a power of two, 64 to 4096; 256 by default).
 *
 * DEV is a /dev/lumen/ path, a netdev name or a PCI address.  A frame
 * sent on channel N arrives on channel N of the other port.  Raw frames
 * have no flow control: --gap paces a sender US microseconds a frame, and
 * bench's --rate to PPS frames a second, for a receiver that cannot keep
 * up.  Exit
 * status: 0 success, 1 failure, 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "liblumen.h"

#define BATCH		64
#define PING_MIN	8	/* a ping carries its sequence number */
#define DRAIN_MS	5000	/* how long send waits for its completions */

struct opts {
	const char *dev;
	const char *peer;
	const char *ready;
	unsigned char *data;
	unsigned long data_len;
	long chan;
	long peer_chan;
	unsigned long flow;
	unsigned long count;
	unsigned long size;
	unsigned long secs;
	unsigned long gap_us;
	unsigned long rate;	/* bench: frames/s a sender may queue, 0 any */
	unsigned long entries;	/* ring entries of each kind, 0 the default */
	long timeout_ms;
	int count_set;
	int hex;
	int rw;
	int verbose;
	int reflect;
	int mode;		/* bench: 't'x, 'r'x or 0 (both with --peer) */
};

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("lumen-raw: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
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

/* FNV-1a, 32 bits: the checksum that send --verbose and recv print. */
static unsigned int fnv1a(const unsigned char *p, size_t len)
{
	unsigned int h = 2166136261u;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* The default payload: byte i of frame k is (k + i) & 0xff. */
static void pattern(unsigned char *p, size_t len, unsigned long k)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(k + i);
}

static int parse_hex(const char *hex, unsigned char **out, unsigned long *len)
{
	size_t n = strlen(hex) / 2, i;
	unsigned char *buf;

	if (!n || strlen(hex) % 2)
		return -1;
	buf = malloc(n);
	if (!buf)
		return -1;
	for (i = 0; i < n; i++) {
		char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		char *end;

		buf[i] = strtoul(byte, &end, 16);
		if (*end) {
			free(buf);
			return -1;
		}
	}
	*out = buf;
	*len = n;
	return 0;
}

static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || end == s || *end || *v > max || *s == '-' ? -1 : 0;
}

static int ready(const struct opts *o)
{
	int fd;

	if (!o->ready)
		return 0;
	fd = open(o->ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("%s: %s", o->ready, strerror(errno));
	close(fd);
	return 0;
}

/* open_chan - open DEV and create channel @chan on it */
static int open_chan(const char *dev, long chan, uint32_t flags,
		     uint32_t rx_buffers, uint32_t entries,
		     struct lumen_port **portp, struct lumen_chan **chp)
{
	struct lumen_chan_config cfg = {
		.chan = chan, .flags = flags, .rx_buffers = rx_buffers,
		.tx_entries = entries, .rx_entries = entries,
	};
	int err;

	err = lumen_port_open(dev, portp);
	if (err)
		return fail("%s: %s", dev, strerror(-err));
	err = lumen_chan_create(*portp, &cfg, chp);
	if (err) {
		fail("%s: channel %ld: %s%s", dev, chan, strerror(-err),
		     err == -EPERM ? " (needs CAP_NET_RAW or CAP_NET_ADMIN)" :
		     err == -EBUSY ? " (id taken, or no hardware channel free)" : "");
		lumen_port_close(*portp);
		return 1;
	}
	return 0;
}

static void close_chan(struct lumen_port *port, struct lumen_chan *ch)
{
	lumen_chan_close(ch);
	lumen_port_close(port);
}

/* wait_ready - lumen_wait(), failing with a message on error or timeout */
static int wait_ready(struct lumen_chan *ch, short events, long timeout_ms,
		      const char *what)
{
	int n = lumen_wait(ch, events, timeout_ms);

	if (n < 0)
		return fail("waiting for %s: %s", what, strerror(-n));
	if (!n)
		return fail("no %s after %ld ms", what, timeout_ms);
	return 0;
}

/* drain_tx - wait until the kernel has completed every frame we queued */
static int drain_tx(struct lumen_chan *ch, unsigned long sent, int rw)
{
	struct lumen_raw_stats st;
	double end = now_s() + DRAIN_MS / 1e3;
	int err;

	for (;;) {
		err = lumen_chan_stats(ch, &st);
		if (err)
			return fail("stats: %s", strerror(-err));
		lumen_complete(ch);
		if (rw ? st.tx_frames + st.tx_errors + st.tx_invalid >= sent :
			 !lumen_tx_pending(ch))
			break;
		if (now_s() > end)
			return fail("%lu frames still not sent after %d ms",
				    rw ? sent - st.tx_frames : lumen_tx_pending(ch),
				    DRAIN_MS);
		usleep(1000);
	}
	if (st.tx_errors || st.tx_invalid)
		return fail("%llu of %lu frames not sent (link down?), %llu refused",
			    (unsigned long long)st.tx_errors, sent,
			    (unsigned long long)st.tx_invalid);
	fprintf(stderr, "lumen-raw: sent %llu frames, %llu bytes\n",
		(unsigned long long)st.tx_frames, (unsigned long long)st.tx_bytes);
	return 0;
}

static int cmd_info(const struct opts *o)
{
	struct lumen_raw_info in;
	struct lumen_port *port;
	int err;

	err = lumen_port_open(o->dev, &port);
	if (err)
		return fail("%s: %s", o->dev, strerror(-err));
	err = lumen_port_info(port, &in);
	if (err) {
		lumen_port_close(port);
		return fail("%s: info: %s", o->dev, strerror(-err));
	}
	printf("device: %s\nabi_version: %u\nchannels: %u\nchannels_free: %u\n"
	       "ifindex: %u\nmax_len: %u\nring: %u..%u\nframe_size: %u..%u\n"
	       "frames_max: %u\nlink: %s\n",
	       lumen_port_path(port), in.abi_version, in.channels,
	       in.channels_free, in.ifindex, in.max_len, in.ring_min,
	       in.ring_max, in.frame_size_min, in.frame_size_max,
	       in.frames_max, in.link_up ? "up" : "down");
	lumen_port_close(port);
	return 0;
}

static int cmd_send(const struct opts *o)
{
	unsigned long len = o->data ? o->data_len : o->size, k;
	struct lumen_port *port;
	struct lumen_chan *ch;
	unsigned char *buf;
	int err, rc = 0;

	buf = malloc(len);
	if (!buf)
		return fail("out of memory");
	if (open_chan(o->dev, o->chan, o->rw ? LUMEN_RAW_CREATE_RW : 0,
		      LUMEN_RX_BUFFERS_NONE, o->entries, &port, &ch)) {
		free(buf);
		return 1;
	}
	for (k = 0; k < o->count; k++) {
		if (o->data)
			memcpy(buf, o->data, len);
		else
			pattern(buf, len, k);
		while ((err = lumen_send(ch, buf, len, o->flow)) == -EAGAIN) {
			rc = wait_ready(ch, POLLOUT, o->timeout_ms, "room on TX");
			if (rc)
				goto out;
		}
		if (err) {
			rc = fail("frame %lu: %s", k, strerror(-err));
			goto out;
		}
		if (o->verbose)
			printf("len=%lu flow=%lu csum=%08x\n", len, o->flow,
			       fnv1a(buf, len));
		if (o->gap_us)
			usleep(o->gap_us);
	}
	rc = drain_tx(ch, o->count, o->rw);
out:
	close_chan(port, ch);
	free(buf);
	return rc;
}

static void print_frame(const struct opts *o, const struct lumen_frame *f)
{
	const unsigned char *p = f->data;
	uint32_t i;

	printf("len=%u flow=%u tstamp=", f->len, f->flow);
	if (f->flags & LUMEN_RAW_DESC_TSTAMP)
		printf("%llu", (unsigned long long)f->tstamp);
	else
		printf("-");
	if (!p) {
		printf(" addr=%llu outside the frame area\n",
		       (unsigned long long)f->addr);
	} else if (o->hex) {
		printf(" data=");
		for (i = 0; i < f->len; i++)
			printf("%02x", p[i]);
		printf("\n");
	} else {
		printf(" csum=%08x\n", fnv1a(p, f->len));
	}
}

static int cmd_recv(const struct opts *o)
{
	struct lumen_frame f[BATCH];
	struct lumen_raw_info info;
	struct lumen_port *port;
	struct lumen_chan *ch;
	unsigned long got = 0;
	unsigned char *buf = NULL;
	int n, i, rc;

	if (open_chan(o->dev, o->chan, o->rw ? LUMEN_RAW_CREATE_RW : 0, 0,
		      o->entries, &port, &ch))
		return 1;
	rc = lumen_port_info(port, &info);
	if (rc) {
		rc = fail("%s: info: %s", o->dev, strerror(-rc));
		goto out;
	}
	buf = malloc(info.max_len ?: 65536);
	rc = buf ? ready(o) : fail("out of memory");
	while (!rc && (!o->count || got < o->count)) {
		if (o->rw) {
			n = lumen_recv(ch, buf, info.max_len ?: 65536, &f[0]);
			n = n >= 0 ? 1 : n;
		} else {
			n = BATCH;
			if (o->count && o->count - got < BATCH)
				n = o->count - got;
			n = lumen_recv_batch(ch, f, n);
		}
		if (n == 0 || n == -EAGAIN) {
			n = lumen_wait(ch, POLLIN, o->timeout_ms);
			if (n < 0)
				rc = fail("receiving: %s", strerror(-n));
			else if (!n && o->count)
				rc = fail("timed out after %lu of %lu frames",
					  got, o->count);
			else if (!n)
				break;
			continue;
		}
		if (n < 0) {
			rc = fail("receiving: %s", strerror(-n));
			break;
		}
		for (i = 0; i < n; i++)
			print_frame(o, &f[i]);
		got += n;
		if (!o->rw)
			lumen_recv_release(ch, f, n);
	}
	fflush(stdout);
out:
	free(buf);
	close_chan(port, ch);
	return rc;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* histogram - min/median/p99/max and power-of-two buckets, in us */
static void histogram(unsigned long long *rtt, unsigned long n)
{
	unsigned long i, b, lo = 40, nb = 0, bucket[40] = { 0 }, top = 0;

	qsort(rtt, n, sizeof(*rtt), cmp_ull);
	printf("rtt us: min %.1f median %.1f p99 %.1f max %.1f\n",
	       rtt[0] / 1e3, rtt[n / 2] / 1e3, rtt[(n * 99) / 100] / 1e3,
	       rtt[n - 1] / 1e3);
	for (i = 0; i < n; i++) {
		unsigned long long us = rtt[i] / 1000;

		for (b = 0; us > 1 && b < 39; us >>= 1)
			b++;
		bucket[b]++;
		lo = b < lo ? b : lo;
		nb = b + 1 > nb ? b + 1 : nb;
		top = bucket[b] > top ? bucket[b] : top;
	}
	for (b = lo; b < nb; b++) {
		int bar = (int)(bucket[b] * 50 / top);

		printf("%8lu .. %8lu us: %8lu %.*s\n", b ? 1UL << b : 0,
		       2UL << b, bucket[b], bar,
		       "##################################################");
	}
}

static int reflect(const struct opts *o, struct lumen_chan *rx,
		   struct lumen_chan *tx)
{
	struct lumen_frame f[BATCH];
	unsigned long done = 0;
	int n, i, err;

	while (!o->count || done < o->count) {
		n = lumen_recv_batch(rx, f, BATCH);
		if (n < 0)
			return fail("receiving: %s", strerror(-n));
		if (!n) {
			n = lumen_wait(rx, POLLIN, o->timeout_ms);
			if (n < 0)
				return fail("receiving: %s", strerror(-n));
			if (!n)
				break;
			continue;
		}
		for (i = 0; i < n; i++) {
			while ((err = lumen_send(tx, f[i].data, f[i].len,
						 f[i].flow)) == -EAGAIN) {
				if (wait_ready(tx, POLLOUT, o->timeout_ms, "room on TX"))
					return 1;
			}
			if (err)
				return fail("reflecting: %s", strerror(-err));
		}
		lumen_recv_release(rx, f, n);
		done += n;
	}
	fprintf(stderr, "lumen-raw: reflected %lu frames\n", done);
	if (o->count && done < o->count)
		return fail("timed out after %lu of %lu frames", done, o->count);
	return 0;
}

/* ping - send @count pings on @tx, take each answer from @rx */
static int ping(const struct opts *o, struct lumen_chan *rx,
		struct lumen_chan *tx)
{
	unsigned long long *rtt, t0, t1, seq, deadline;
	unsigned long k, ok = 0, lost = 0, late = 0;
	unsigned long len = o->size < PING_MIN ? PING_MIN : o->size;
	unsigned char *buf;
	struct lumen_frame f;
	int err, n, rc = 0;

	rtt = calloc(o->count ?: 1, sizeof(*rtt));
	buf = malloc(len);
	if (!rtt || !buf) {
		free(rtt);
		free(buf);
		return fail("out of memory");
	}
	for (k = 0; k < o->count && !rc; k++) {
		pattern(buf, len, k);
		seq = k;
		memcpy(buf, &seq, sizeof(seq));
		t0 = now_ns();
		while ((err = lumen_send(tx, buf, len, o->flow)) == -EAGAIN) {
			rc = wait_ready(tx, POLLOUT, o->timeout_ms, "room on TX");
			if (rc)
				break;
		}
		if (!rc && err)
			rc = fail("ping %lu: %s", k, strerror(-err));
		deadline = t0 + o->timeout_ms * 1000000ULL;
		while (!rc) {
			n = lumen_recv_batch(rx, &f, 1);
			if (n == 1) {
				seq = ~0ULL;
				if (f.data && f.len >= sizeof(seq))
					memcpy(&seq, f.data, sizeof(seq));
				lumen_recv_release(rx, &f, 1);
				if (f.len == len && seq == k) {
					rtt[ok++] = now_ns() - t0;
					break;
				}
				late++;
				continue;
			}
			t1 = now_ns();
			if (t1 >= deadline) {
				lost++;
				break;
			}
			n = lumen_wait(rx, POLLIN, (deadline - t1) / 1000000 + 1);
			if (n < 0)
				rc = fail("waiting for the answer: %s", strerror(-n));
		}
	}
	if (!rc) {
		printf("pingpong: %lu frames of %lu bytes, %lu answered, %lu lost, %lu late\n",
		       o->count, len, ok, lost, late);
		if (ok)
			histogram(rtt, ok);
		if (lost)
			rc = fail("%lu of %lu pings lost", lost, o->count);
	}
	free(rtt);
	free(buf);
	return rc;
}

static int cmd_pingpong(const struct opts *o)
{
	struct lumen_port *port, *port2 = NULL;
	struct lumen_chan *ch, *ch2 = NULL;
	long peer = o->peer_chan < 0 ? o->chan : o->peer_chan;
	int rc;

	/* Receive on --chan when reflecting, send on it when pinging; the
	 * other way round on --peer-chan.  One channel does both when the
	 * two ids are the same.
	 */
	if (open_chan(o->dev, o->chan, 0,
		      o->reflect || peer == o->chan ? 0 : LUMEN_RX_BUFFERS_NONE,
		      o->entries, &port, &ch))
		return 1;
	if (peer != o->chan &&
	    open_chan(o->dev, peer, 0, o->reflect ? LUMEN_RX_BUFFERS_NONE : 0,
		      o->entries, &port2, &ch2)) {
		close_chan(port, ch);
		return 1;
	}
	if (o->reflect)
		rc = ready(o) ?: reflect(o, ch, ch2 ?: ch);
	else
		rc = ping(o, ch2 ?: ch, ch);
	if (ch2)
		close_chan(port2, ch2);
	close_chan(port, ch);
	return rc;
}

struct bench_side {
	struct lumen_port *port;
	struct lumen_chan *ch;
	unsigned long long frames;
	unsigned long long bytes;
	double first;
	double last;
};

/* bench_tx - queue at most one batch of @max; the number queued */
static int bench_tx(struct bench_side *s, unsigned long size, int max)
{
	struct lumen_raw_desc d[BATCH];
	uint64_t addr;
	int n = 0, q;

	while (n < max && n < BATCH && !lumen_buf_alloc(s->ch, &addr)) {
		memset(&d[n], 0, sizeof(d[n]));
		d[n].addr = addr;
		d[n].len = size;
		d[n++].flow = 1;
	}
	q = n ? lumen_send_batch(s->ch, d, n) : 0;
	if (q < 0)
		return q;
	while (n > q)
		lumen_buf_free(s->ch, d[--n].addr);
	s->frames += q;
	s->bytes += (unsigned long long)q * size;
	return q;
}

/* bench_rx - take and give back what waits; the number received */
static int bench_rx(struct bench_side *s)
{
	struct lumen_frame f[BATCH];
	int n, i;

	n = lumen_recv_batch(s->ch, f, BATCH);
	if (n <= 0)
		return n;
	for (i = 0; i < n; i++)
		s->bytes += f[i].len;
	s->frames += n;
	s->last = now_s();
	if (s->frames == (unsigned long long)n)
		s->first = s->last;
	lumen_recv_release(s->ch, f, n);
	return n;
}

/* bench_allowed - how many frames --rate lets the sender queue now */
static int bench_allowed(const struct opts *o, const struct bench_side *s,
			 double elapsed)
{
	double due;

	if (!o->rate)
		return BATCH;
	due = o->rate * elapsed - s->frames;
	return due < 1 ? 0 : due > BATCH ? BATCH : (int)due;
}

static void bench_report(const char *what, const struct bench_side *s,
			 double secs)
{
	struct lumen_raw_stats st = { 0 };

	lumen_chan_stats(s->ch, &st);
	if (secs <= 0)
		secs = 1.0 / 1000000000;
	printf("%s: %llu frames, %llu bytes in %.2f s: %.0f frames/s, %.3f Gbit/s",
	       what, s->frames, s->bytes, secs, s->frames / secs,
	       s->bytes * 8 / secs / 1e9);
	if (!strcmp(what, "rx"))
		printf(" (dropped %llu)", (unsigned long long)st.rx_dropped);
	else
		printf(" (not sent %llu)", (unsigned long long)st.tx_errors);
	printf("\n");
}

static int cmd_bench(const struct opts *o)
{
	struct bench_side tx = { 0 }, rx = { 0 };
	int do_tx = o->peer || o->mode == 't';
	int do_rx = o->peer || o->mode == 'r';
	const char *rxdev = o->peer ?: o->dev;
	double start, end, idle;
	uint64_t a;
	int rc = 0, n, m;

	if (do_rx && open_chan(rxdev, o->chan, 0, 0, o->entries, &rx.port,
			       &rx.ch))
		return 1;
	if (do_tx && open_chan(o->dev, o->chan, 0, LUMEN_RX_BUFFERS_NONE,
			       o->entries, &tx.port, &tx.ch)) {
		if (do_rx)
			close_chan(rx.port, rx.ch);
		return 1;
	}
	if (do_tx && o->size > lumen_chan_frame_size(tx.ch)) {
		rc = fail("--size %lu is larger than a buffer (%u)", o->size,
			  lumen_chan_frame_size(tx.ch));
		goto out;
	}
	/* Write every buffer's payload once; the loop only queues them. */
	for (a = 0; do_tx && lumen_chan_frame(tx.ch, a); a += lumen_chan_frame_size(tx.ch))
		pattern(lumen_chan_frame(tx.ch, a), o->size, a);
	rc = ready(o);
	if (!do_tx && !rc) {
		/* Receiver alone: the clock starts at the first frame. */
		n = lumen_wait(rx.ch, POLLIN, o->timeout_ms);
		if (n <= 0)
			rc = fail("no frame in %ld ms%s%s", o->timeout_ms,
				  n < 0 ? ": " : "", n < 0 ? strerror(-n) : "");
	}
	start = now_s();
	end = start + o->secs;
	idle = start;
	while (!rc) {
		double t = now_s();

		n = 0;
		m = 0;
		if (do_tx && t < end)
			n = bench_tx(&tx, o->size, bench_allowed(o, &tx, t - start));
		if (do_rx)
			m = bench_rx(&rx);
		if (n < 0 || m < 0) {
			rc = fail("%s", strerror(-(n < 0 ? n : m)));
			break;
		}
		if (n || m)
			idle = t;
		/* Past the end: wait for stragglers while frames come. */
		if (t >= end && (!do_rx || t - idle > 0.5))
			break;
		if (!n && !m) {
			struct pollfd p[2];
			int np = 0, ms = 10;

			if (do_tx)
				lumen_complete(tx.ch);
			if (do_tx && t < end && o->rate &&
			    !bench_allowed(o, &tx, t - start))
				ms = 1;		/* paced: not before the next is due */
			else if (do_tx && t < end)
				p[np++] = (struct pollfd){ lumen_chan_fd(tx.ch), POLLOUT, 0 };
			if (do_rx)
				p[np++] = (struct pollfd){ lumen_chan_fd(rx.ch), POLLIN, 0 };
			poll(p, np, ms);
		}
	}
	if (!rc && do_tx)
		bench_report("tx", &tx, (end < now_s() ? end : now_s()) - start);
	if (!rc && do_rx)
		bench_report("rx", &rx, do_tx ? end - start : rx.last - start);
	if (!rc && do_tx && do_rx && rx.frames < tx.frames)
		printf("lost: %llu frames\n", tx.frames - rx.frames);
out:
	if (do_tx)
		close_chan(tx.port, tx.ch);
	if (do_rx)
		close_chan(rx.port, rx.ch);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: lumen-raw info DEV\n"
	      "       lumen-raw send DEV --chan N [--flow F] [--count C] [--size S]\n"
	      "                      [--data HEX | --pattern] [--rw] [--gap US]\n"
	      "                      [--verbose]\n"
	      "       lumen-raw recv DEV --chan N [--count C] [--timeout MS] [--hex]\n"
	      "                      [--rw] [--ready FILE]\n"
	      "       lumen-raw pingpong DEV --chan N [--peer-chan M] [--count C]\n"
	      "                      [--size S] [--timeout MS]\n"
	      "       lumen-raw pingpong DEV --reflect --chan N [--peer-chan M]\n"
	      "                      [--count C] [--timeout MS] [--ready FILE]\n"
	      "       lumen-raw bench DEV --chan N [--size S] [--secs T]\n"
	      "                      [--mode tx|rx | --peer DEV2] [--ready FILE]\n"
	      "                      [--rate PPS]\n"
	      "DEV: a /dev/lumen/ path, a netdev name or a PCI address.\n"
	      "--entries N: ring entries of each kind (a power of two, 64 to 4096).\n"
	      "--timeout: how long to wait for the next frame (default 5000 ms).\n", f);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "chan", required_argument, NULL, 'c' },
		{ "peer-chan", required_argument, NULL, 'P' },
		{ "flow", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "data", required_argument, NULL, 'd' },
		{ "pattern", no_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hex", no_argument, NULL, 'x' },
		{ "rw", no_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "reflect", no_argument, NULL, 'r' },
		{ "secs", required_argument, NULL, 'S' },
		{ "peer", required_argument, NULL, 'D' },
		{ "mode", required_argument, NULL, 'm' },
		{ "ready", required_argument, NULL, 'R' },
		{ "gap", required_argument, NULL, 'g' },
		{ "rate", required_argument, NULL, 'a' },
		{ "entries", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = {
		.chan = -1, .peer_chan = -1, .count = 1, .size = 64, .secs = 5,
		.timeout_ms = 5000,
	};
	const char *cmd;
	unsigned long v;
	int c, rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	argv++;
	argc--;
	while ((c = getopt_long(argc, argv, "c:n:s:t:xvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'P':
			if (parse_num(optarg, LUMEN_RAW_CHAN_MAX, &v))
				return fail("bad channel id '%s' (0 to %d)", optarg,
					    LUMEN_RAW_CHAN_MAX) + 1;
			*(c == 'c' ? &o.chan : &o.peer_chan) = v;
			break;
		case 'f':
			if (parse_num(optarg, 0xffff, &o.flow))
				return fail("bad flow id '%s'", optarg) + 1;
			break;
		case 'n':
			if (parse_num(optarg, 100000000, &o.count))
				return fail("bad count '%s'", optarg) + 1;
			o.count_set = 1;
			break;
		case 's':
			if (parse_num(optarg, 1 << 20, &o.size) || !o.size)
				return fail("bad size '%s'", optarg) + 1;
			break;
		case 'd':
			free(o.data);
			if (parse_hex(optarg, &o.data, &o.data_len))
				return fail("bad hex data '%s'", optarg) + 1;
			break;
		case 'p':
			break;		/* the default */
		case 't':
			if (parse_num(optarg, 86400000, &v))
				return fail("bad timeout '%s'", optarg) + 1;
			o.timeout_ms = v;
			break;
		case 'S':
			if (parse_num(optarg, 86400, &o.secs) || !o.secs)
				return fail("bad duration '%s'", optarg) + 1;
			break;
		case 'D':
			o.peer = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "tx") && strcmp(optarg, "rx"))
				return fail("--mode is tx or rx") + 1;
			o.mode = optarg[0] == 't' ? 't' : 'r';
			break;
		case 'R':
			o.ready = optarg;
			break;
		case 'g':
			if (parse_num(optarg, 1000000, &o.gap_us))
				return fail("bad gap '%s' (0 to 1000000 us)",
					    optarg) + 1;
			break;
		case 'a':
			if (parse_num(optarg, 100000000, &o.rate) || !o.rate)
				return fail("bad rate '%s' (1 to 100000000 frames/s)",
					    optarg) + 1;
			break;
		case 'e':
			if (parse_num(optarg, LUMEN_RAW_RING_MAX, &o.entries) ||
			    o.entries < LUMEN_RAW_RING_MIN ||
			    (o.entries & (o.entries - 1)))
				return fail("bad ring size '%s' (a power of two, %d to %d)",
					    optarg, LUMEN_RAW_RING_MIN,
					    LUMEN_RAW_RING_MAX) + 1;
			break;
		case 'x':
			o.hex = 1;
			break;
		case 'w':
			o.rw = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'r':
			o.reflect = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o.dev = argv[optind];
	if (strcmp(cmd, "info") && o.chan < 0)
		return fail("%s needs --chan", cmd) + 1;
	if (!strcmp(cmd, "recv") && !o.count_set)
		o.count = 0;		/* until --timeout passes without a frame */
	if (!strcmp(cmd, "pingpong") && o.reflect && !o.count_set)
		o.count = 0;
	if (o.rate && strcmp(cmd, "bench"))
		return fail("--rate is bench's; send paces with --gap") + 1;

	if (!strcmp(cmd, "info"))
		rc = cmd_info(&o);
	else if (!strcmp(cmd, "send"))
		rc = cmd_send(&o);
	else if (!strcmp(cmd, "recv"))
		rc = cmd_recv(&o);
	else if (!strcmp(cmd, "pingpong"))
		rc = cmd_pingpong(&o);
	else if (!strcmp(cmd, "bench") && !o.peer && !o.mode)
		rc = fail("bench needs --mode tx, --mode rx or --peer DEV2") + 1;
	else if (!strcmp(cmd, "bench"))
		rc = cmd_bench(&o);
	else
		rc = fail("unknown command '%s'", cmd) + 1;
	free(o.data);
	return rc;
}
