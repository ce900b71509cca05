// SPDX-License-Identifier: GPL-2.0
/*
 * The raw-frame user ABI (include/uapi/linux/lumen.h), checked through
 * raw system calls on the guest's two lumen ports, which are wired back
 * to back: INFO, every CREATE and mmap() rejection with its errno, the
 * ioctls before CREATE and after close, privileges, the ring protocol
 * (a round trip through TX, FILL, RX and COMP), read/write mode, channel
 * isolation, refused TX and FILL entries, and the channel counters.
 *
 * Port 0 and port 1 are the first two /dev/lumen/ nodes in PCI order.
 * main() loads the module (and unloads it at the end if it loaded it),
 * sets both netdevs up and waits for the link, then runs the tests.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/lumen.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * kselftest_harness.h (6.1) is not -Wextra clean: its SIGALRM handler has
 * an unused parameter, and EXPECT_*() compare typeof() copies of both
 * sides, so EXPECT_EQ(8, a_u32) is a signed/unsigned comparison.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define DEV_DIR		"/dev/lumen"
#define NPORTS		2
#define WAIT_MS		5000	/* for frames to arrive, counters to settle */
#define QUIET_MS	300	/* how long "nothing arrives" is watched */
#define ENTRIES		64
#define FRAMES		128	/* ENTRIES * 2: enough for read/write mode */
#define NOBODY		65534

/*
 * The errno of two refusals (include/uapi/linux/lumen.h):
 * ERR_ID_TAKEN   CREATE of an id that another descriptor of the port has
 * ERR_NO_CHANNEL KICK, STATS, read() and write() on a descriptor with no
 *                channel (yet); mmap() fails with EINVAL, as mmap does
 */
#define ERR_ID_TAKEN	EADDRINUSE
#define ERR_NO_CHANNEL	ENOTCONN

struct port {
	char dev[300];
	char ifname[IF_NAMESIZE];
};

static struct port ports[NPORTS];
static int module_loaded_here;
static pid_t main_pid;

/* Time */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	usleep(ms * 1000);
}

/* Ports and channels */

static int dev_open(int port, int flags)
{
	return open(ports[port].dev, O_RDWR | O_CLOEXEC | flags);
}

static int info_of(int fd, struct lumen_raw_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, LUMEN_RAW_IOC_INFO, info);
}

static uint32_t pow2_at_least(uint32_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* good_create - a CREATE request the port must accept */
static void good_create(struct lumen_raw_create *c,
			const struct lumen_raw_info *info, uint16_t chan,
			uint32_t flags)
{
	uint32_t fs = pow2_at_least(info->max_len);

	if (fs < info->frame_size_min)
		fs = info->frame_size_min;
	if (fs > info->frame_size_max)
		fs = info->frame_size_max;
	memset(c, 0, sizeof(*c));
	c->flags = flags;
	c->chan = chan;
	c->tx_entries = ENTRIES;
	c->rx_entries = ENTRIES;
	c->frame_size = fs;
	c->frames = FRAMES;
}

/* create_errno - CREATE on a fresh descriptor of @port: 0 or the errno */
static int create_errno(int port, const struct lumen_raw_create *req)
{
	struct lumen_raw_create c = *req;
	int fd, err = 0;

	fd = dev_open(port, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, LUMEN_RAW_IOC_CREATE, &c))
		err = errno;
	close(fd);
	return err;
}

struct ring {
	uint32_t *prod;
	uint32_t *cons;
	uint32_t *flags;
	void *desc;
	uint32_t mask;
};

struct chan {
	int fd;
	struct lumen_raw_create c;
	uint8_t *rings;
	uint8_t *frames;
	struct ring tx, comp, fill, rx;
	uint32_t max_len;
};

static void ring_init(struct chan *ch, struct ring *r,
		      const struct lumen_raw_ring_offsets *o, uint32_t entries)
{
	r->prod = (uint32_t *)(ch->rings + o->producer);
	r->cons = (uint32_t *)(ch->rings + o->consumer);
	r->flags = (uint32_t *)(ch->rings + o->flags);
	r->desc = ch->rings + o->desc;
	r->mask = entries - 1;
}

/*
 * chan_open_fill - channel @id on @port, mapped unless read/write, with
 * @nfill receive buffers (from the upper half of the frame area) posted
 * to FILL.  Returns 0 or an errno.
 */
static int chan_open_fill(struct chan *ch, int port, uint16_t id,
			  uint32_t flags, uint32_t nfill)
{
	struct lumen_raw_info info;
	uint32_t i;
	int err;

	memset(ch, 0, sizeof(*ch));
	ch->fd = dev_open(port, O_NONBLOCK);
	if (ch->fd < 0)
		return errno;
	if (info_of(ch->fd, &info))
		goto fail;
	ch->max_len = info.max_len;
	good_create(&ch->c, &info, id, flags);
	if (ioctl(ch->fd, LUMEN_RAW_IOC_CREATE, &ch->c))
		goto fail;
	if (flags & LUMEN_RAW_CREATE_RW)
		return 0;
	ch->rings = mmap(NULL, ch->c.rings_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, ch->fd, LUMEN_RAW_MMAP_RINGS);
	if (ch->rings == MAP_FAILED)
		goto fail;
	ch->frames = mmap(NULL, ch->c.frames_size, PROT_READ | PROT_WRITE,
			  MAP_SHARED, ch->fd, LUMEN_RAW_MMAP_FRAMES);
	if (ch->frames == MAP_FAILED)
		goto fail;
	ring_init(ch, &ch->tx, &ch->c.tx, ch->c.tx_entries);
	ring_init(ch, &ch->comp, &ch->c.comp, ch->c.tx_entries);
	ring_init(ch, &ch->fill, &ch->c.fill, ch->c.rx_entries);
	ring_init(ch, &ch->rx, &ch->c.rx, ch->c.rx_entries);
	for (i = 0; i < nfill; i++)
		((uint64_t *)ch->fill.desc)[i] =
			(uint64_t)(FRAMES / 2 + i) * ch->c.frame_size;
	__atomic_store_n(ch->fill.prod, nfill, __ATOMIC_RELEASE);
	if (ioctl(ch->fd, LUMEN_RAW_IOC_KICK))
		goto fail;
	return 0;
fail:
	err = errno;
	close(ch->fd);
	ch->fd = -1;
	return err;
}

/* chan_open - the same, FILL full (ENTRIES buffers) */
static int chan_open(struct chan *ch, int port, uint16_t id, uint32_t flags)
{
	return chan_open_fill(ch, port, id, flags, ENTRIES);
}

static void chan_close(struct chan *ch)
{
	if (ch->frames && ch->frames != MAP_FAILED)
		munmap(ch->frames, ch->c.frames_size);
	if (ch->rings && ch->rings != MAP_FAILED)
		munmap(ch->rings, ch->c.rings_size);
	if (ch->fd >= 0)
		close(ch->fd);
	memset(ch, 0, sizeof(*ch));
	ch->fd = -1;
}

/* buf - the address of TX buffer @i (the lower half of the area) */
static uint64_t buf(const struct chan *ch, uint32_t i)
{
	return (uint64_t)i * ch->c.frame_size;
}

/* kick_if_asked - after publishing on @r: KICK if the kernel sleeps */
static int kick_if_asked(struct chan *ch, struct ring *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(r->flags, __ATOMIC_RELAXED) & LUMEN_RAW_RING_NEED_WAKEUP)
		return ioctl(ch->fd, LUMEN_RAW_IOC_KICK);
	return 0;
}

/* tx_put - queue @n descriptors and publish them; 0 or -1 */
static int tx_put(struct chan *ch, const struct lumen_raw_desc *d, uint32_t n)
{
	uint32_t p = *ch->tx.prod, i;

	if (p + n - __atomic_load_n(ch->tx.cons, __ATOMIC_ACQUIRE) > ch->c.tx_entries) {
		errno = ENOSPC;
		return -1;
	}
	for (i = 0; i < n; i++)
		((struct lumen_raw_desc *)ch->tx.desc)[(p + i) & ch->tx.mask] = d[i];
	__atomic_store_n(ch->tx.prod, p + n, __ATOMIC_RELEASE);
	return kick_if_asked(ch, &ch->tx);
}

/* send_one - copy a payload into TX buffer @i and queue it */
static int send_one(struct chan *ch, uint32_t i, const void *p, uint32_t len,
		    uint16_t flow)
{
	struct lumen_raw_desc d = { .addr = buf(ch, i), .len = len, .flow = flow };

	memcpy(ch->frames + d.addr, p, len);
	return tx_put(ch, &d, 1);
}

/* fill_put - give a buffer back to FILL */
static int fill_put(struct chan *ch, uint64_t addr)
{
	uint32_t p = *ch->fill.prod;

	((uint64_t *)ch->fill.desc)[p & ch->fill.mask] =
		addr & ~(uint64_t)(ch->c.frame_size - 1);
	__atomic_store_n(ch->fill.prod, p + 1, __ATOMIC_RELEASE);
	return kick_if_asked(ch, &ch->fill);
}

/*
 * rx_get - the next RX entry, waiting up to @ms with poll(); 1, 0 on
 * timeout or -1 on error.  Its buffer is the process's until rx_put().
 */
static int rx_get(struct chan *ch, struct lumen_raw_desc *d, int ms)
{
	long long end = now_ms() + ms;
	struct pollfd pfd = { .fd = ch->fd, .events = POLLIN };
	uint32_t c = *ch->rx.cons;

	while (__atomic_load_n(ch->rx.prod, __ATOMIC_ACQUIRE) == c) {
		long long left = end - now_ms();

		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, left) < 0)
			return -1;
		if (pfd.revents & POLLERR)
			return -1;
	}
	*d = ((struct lumen_raw_desc *)ch->rx.desc)[c & ch->rx.mask];
	__atomic_store_n(ch->rx.cons, c + 1, __ATOMIC_RELEASE);
	return 1;
}

/* rx_put - give a received frame's buffer back to FILL */
static int rx_put(struct chan *ch, const struct lumen_raw_desc *d)
{
	return fill_put(ch, d->addr);
}

/* comp_get - the next COMP entry within @ms; 1, or 0 on timeout */
static int comp_get(struct chan *ch, uint64_t *addr, int ms)
{
	long long end = now_ms() + ms;
	uint32_t c = *ch->comp.cons;

	while (__atomic_load_n(ch->comp.prod, __ATOMIC_ACQUIRE) == c) {
		if (now_ms() >= end)
			return 0;
		sleep_ms(1);
	}
	*addr = ((uint64_t *)ch->comp.desc)[c & ch->comp.mask];
	__atomic_store_n(ch->comp.cons, c + 1, __ATOMIC_RELEASE);
	return 1;
}

static int stats_of(int fd, struct lumen_raw_stats *st)
{
	memset(st, 0xa5, sizeof(*st));
	return ioctl(fd, LUMEN_RAW_IOC_STATS, st);
}

/* wait_stat - poll a counter until it reaches @want (counters may lag
 * the rings a little); its last value.
 */
static uint64_t wait_stat(int fd, size_t field, uint64_t want)
{
	long long end = now_ms() + WAIT_MS;
	struct lumen_raw_stats st;
	uint64_t v;

	for (;;) {
		if (stats_of(fd, &st))
			return UINT64_MAX;
		v = *(uint64_t *)((uint8_t *)&st + field);
		if (v >= want || now_ms() >= end)
			return v;
		sleep_ms(10);
	}
}

#define STAT(fd, name, want) \
	wait_stat(fd, offsetof(struct lumen_raw_stats, name), want)

static uint8_t pat(uint32_t frame, uint32_t i)
{
	return (uint8_t)(frame * 7 + i * 13 + 5);
}

static void fill_pattern(uint8_t *p, uint32_t len, uint32_t frame)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = pat(frame, i);
}

static int check_pattern(const uint8_t *p, uint32_t len, uint32_t frame)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pat(frame, i))
			return 0;
	return 1;
}

static int channels_free(int port)
{
	struct lumen_raw_info info;
	int fd = dev_open(port, 0), n = -1;

	if (fd >= 0 && !info_of(fd, &info))
		n = info.channels_free;
	if (fd >= 0)
		close(fd);
	return n;
}

/* wait_channels_free - channels_free reaches @want (a closed descriptor
 * is released on the way back to user space, but be lenient)
 */
static int wait_channels_free(int port, int want)
{
	long long end = now_ms() + WAIT_MS;
	int n;

	while ((n = channels_free(port)) != want && now_ms() < end)
		sleep_ms(10);
	return n;
}

/* Capabilities */

static int cap_set(uint64_t caps)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ .effective = (uint32_t)caps, .permitted = (uint32_t)caps },
		{ .effective = caps >> 32, .permitted = caps >> 32 },
	};

	return syscall(SYS_capset, &h, d);
}

static uint64_t cap_effective(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return UINT64_MAX;
	return d[0].effective | (uint64_t)d[1].effective << 32;
}

/* drop_all_privileges - no capability in any set, uid and gid nobody */
static int drop_all_privileges(void)
{
	int cap;

	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	cap_set(0);
	return cap_effective() ? -1 : 0;
}

/*
 * create_in_child - in a child that keeps only @caps (all capabilities
 * gone and uid nobody when @caps is 0), CREATE on a descriptor opened
 * before; the errno (0: created), or 255 when the set-up failed.
 */
static int create_in_child(int port, uint64_t caps, uint16_t chan)
{
	struct lumen_raw_info info;
	struct lumen_raw_create c;
	int fd, status;
	pid_t pid;

	fd = dev_open(port, 0);
	if (fd < 0 || info_of(fd, &info))
		return 255;
	good_create(&c, &info, chan, 0);
	pid = fork();
	if (pid < 0)
		return 255;
	if (!pid) {
		if (caps ? cap_set(caps) || cap_effective() != caps :
			   drop_all_privileges())
			_exit(255);
		/* INFO needs no privilege */
		if (info_of(fd, &info))
			_exit(254);
		_exit(ioctl(fd, LUMEN_RAW_IOC_CREATE, &c) ? errno : 0);
	}
	close(fd);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 255;
	return WEXITSTATUS(status);
}

/* Fixture: both ports' INFO, no channel. */

FIXTURE(raw)
{
	int fd[NPORTS];
	struct lumen_raw_info info[NPORTS];
};

FIXTURE_SETUP(raw)
{
	int p;

	for (p = 0; p < NPORTS; p++) {
		self->fd[p] = dev_open(p, 0);
		ASSERT_LE(0, self->fd[p]) TH_LOG("%s: %s", ports[p].dev, strerror(errno));
		ASSERT_EQ(0, info_of(self->fd[p], &self->info[p]))
			TH_LOG("INFO: %s", strerror(errno));
	}
}

FIXTURE_TEARDOWN(raw)
{
	int p;

	for (p = 0; p < NPORTS; p++)
		if (self->fd[p] >= 0)
			close(self->fd[p]);
}

/* The CREATE rejection @req on port 0 fails with @err. */
#define CREATE_FAILS(req, err, what) do {				\
	int __e = create_errno(0, &(req));				\
	EXPECT_EQ(err, __e) TH_LOG("%s: got %d (%s)", what, __e,	\
				   __e ? strerror(__e) : "created");	\
} while (0)

/* The call @expr returns -1 (or MAP_FAILED) with @err. */
#define FAILS_WITH(expr, err, what) do {				\
	long __r = (long)(expr);					\
	int __e = errno;						\
	EXPECT_EQ(-1, __r) TH_LOG("%s: succeeded", what);		\
	if (__r == -1)							\
		EXPECT_EQ(err, __e) TH_LOG("%s: %s", what, strerror(__e)); \
} while (0)

TEST_F(raw, info_sane)
{
	char name[IF_NAMESIZE];
	int p;

	for (p = 0; p < NPORTS; p++) {
		struct lumen_raw_info *in = &self->info[p];
		static const __u32 zero[5];

		TH_LOG("port %d: %s (%s), max_len %u, frame_size %u..%u, link %s", p,
		       ports[p].dev, ports[p].ifname, in->max_len, in->frame_size_min,
		       in->frame_size_max, in->link_up ? "up" : "down");

		EXPECT_EQ(LUMEN_RAW_ABI_VERSION, in->abi_version);
		EXPECT_EQ(1, in->abi_version);
		EXPECT_EQ(8, in->channels);
		EXPECT_EQ(8, in->channels_free);
		EXPECT_EQ(LUMEN_RAW_RING_MIN, in->ring_min);
		EXPECT_EQ(LUMEN_RAW_RING_MAX, in->ring_max);
		EXPECT_EQ(LUMEN_RAW_FRAMES_MAX, in->frames_max);
		EXPECT_LT(0, in->max_len);
		EXPECT_LE(in->max_len, 65535);	/* the wire header's len */
		EXPECT_LT(0, in->frame_size_min);
		EXPECT_EQ(0, in->frame_size_min & (in->frame_size_min - 1));
		EXPECT_EQ(0, in->frame_size_max & (in->frame_size_max - 1));
		EXPECT_LE(in->frame_size_min, in->frame_size_max);
		/* A buffer can hold the longest payload. */
		EXPECT_LE(in->max_len, in->frame_size_max);
		EXPECT_EQ(1, in->link_up);
		EXPECT_EQ(0, memcmp(in->rsvd, zero, sizeof(zero)));
		ASSERT_TRUE(if_indextoname(in->ifindex, name) != NULL)
			TH_LOG("ifindex %u: %s", in->ifindex, strerror(errno));
		EXPECT_STREQ(ports[p].ifname, name);
	}
}

TEST_F(raw, info_counts_free_channels)
{
	struct chan a, b;

	ASSERT_EQ(0, chan_open(&a, 0, 10, 0));
	EXPECT_EQ(7, channels_free(0));
	EXPECT_EQ(8, channels_free(1));
	ASSERT_EQ(0, chan_open(&b, 0, 11, LUMEN_RAW_CREATE_RW));
	EXPECT_EQ(6, channels_free(0));
	chan_close(&a);
	EXPECT_EQ(7, wait_channels_free(0, 7));
	chan_close(&b);
	EXPECT_EQ(8, wait_channels_free(0, 8));
}

TEST_F(raw, create_bad_ring_sizes)
{
	static const __u32 bad[] = { 0, 1, 32, 63, 65, 100, 3000, 8192,
				     LUMEN_RAW_RING_MAX + 1, 0x80000000u };
	struct lumen_raw_create c;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		good_create(&c, &self->info[0], 20, 0);
		c.tx_entries = bad[i];
		snprintf(what, sizeof(what), "tx_entries %u", bad[i]);
		CREATE_FAILS(c, EINVAL, what);
		good_create(&c, &self->info[0], 20, 0);
		c.rx_entries = bad[i];
		snprintf(what, sizeof(what), "rx_entries %u", bad[i]);
		CREATE_FAILS(c, EINVAL, what);
	}
	/* the limits themselves are fine */
	good_create(&c, &self->info[0], 20, 0);
	c.tx_entries = LUMEN_RAW_RING_MIN;
	c.rx_entries = LUMEN_RAW_RING_MAX;
	c.frames = 1;
	EXPECT_EQ(0, create_errno(0, &c));
	c.tx_entries = LUMEN_RAW_RING_MAX;
	c.rx_entries = LUMEN_RAW_RING_MIN;
	EXPECT_EQ(0, create_errno(0, &c));
}

TEST_F(raw, create_bad_frame_size)
{
	const struct lumen_raw_info *in = &self->info[0];
	__u32 bad[] = { 0, 1, in->frame_size_min / 2, in->frame_size_min + 1,
			in->frame_size_min * 3, in->frame_size_max * 2,
			in->frame_size_max + 1, 0x80000000u, 0xffffffffu };
	struct lumen_raw_create c;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (bad[i] >= in->frame_size_min && bad[i] <= in->frame_size_max &&
		    !(bad[i] & (bad[i] - 1)))
			continue;	/* a valid size after all */
		good_create(&c, in, 20, 0);
		c.frame_size = bad[i];
		snprintf(what, sizeof(what), "frame_size %u", bad[i]);
		CREATE_FAILS(c, EINVAL, what);
	}
	good_create(&c, in, 20, 0);
	c.frame_size = in->frame_size_min;
	EXPECT_EQ(0, create_errno(0, &c));
	c.frame_size = in->frame_size_max;
	EXPECT_EQ(0, create_errno(0, &c));
}

TEST_F(raw, create_bad_frames)
{
	struct lumen_raw_create c;

	good_create(&c, &self->info[0], 20, 0);
	c.frames = 0;
	CREATE_FAILS(c, EINVAL, "frames 0");
	c.frames = LUMEN_RAW_FRAMES_MAX + 1;
	CREATE_FAILS(c, EINVAL, "frames max + 1");
	c.frames = 0xffffffffu;
	CREATE_FAILS(c, EINVAL, "frames 2^32 - 1");
	good_create(&c, &self->info[0], 20, LUMEN_RAW_CREATE_RW);
	c.frames = c.tx_entries + c.rx_entries - 1;
	CREATE_FAILS(c, EINVAL, "read/write, frames < tx_entries + rx_entries");
	/* ring mode: one buffer is enough */
	good_create(&c, &self->info[0], 20, 0);
	c.frames = 1;
	EXPECT_EQ(0, create_errno(0, &c));
	good_create(&c, &self->info[0], 20, LUMEN_RAW_CREATE_RW);
	c.frames = c.tx_entries + c.rx_entries;
	EXPECT_EQ(0, create_errno(0, &c));
}

TEST_F(raw, create_reserved_nonzero)
{
	struct lumen_raw_create c;
	char what[32];
	size_t i;

	good_create(&c, &self->info[0], 20, 0);
	c.rsvd0 = 1;
	CREATE_FAILS(c, EINVAL, "rsvd0");
	for (i = 0; i < ARRAY_SIZE(c.rsvd); i++) {
		good_create(&c, &self->info[0], 20, 0);
		c.rsvd[i] = 1ULL << 63;
		snprintf(what, sizeof(what), "rsvd[%zu]", i);
		CREATE_FAILS(c, EINVAL, what);
	}
}

TEST_F(raw, create_unknown_flags)
{
	struct lumen_raw_create c;
	char what[32];
	int bit;

	for (bit = 1; bit < 32; bit++) {
		good_create(&c, &self->info[0], 20, 0);
		c.flags = 1U << bit;
		snprintf(what, sizeof(what), "flags bit %d", bit);
		CREATE_FAILS(c, EINVAL, what);
	}
	good_create(&c, &self->info[0], 20, LUMEN_RAW_CREATE_RW | (1U << 31));
	CREATE_FAILS(c, EINVAL, "read/write with bit 31");
}

TEST_F(raw, create_bad_chan)
{
	struct lumen_raw_create c;

	good_create(&c, &self->info[0], LUMEN_RAW_CHAN_MAX + 1, 0);
	CREATE_FAILS(c, EINVAL, "chan 4096");
	good_create(&c, &self->info[0], 0xffff, 0);
	CREATE_FAILS(c, EINVAL, "chan 65535");
	good_create(&c, &self->info[0], 0, 0);
	EXPECT_EQ(0, create_errno(0, &c));
	good_create(&c, &self->info[0], LUMEN_RAW_CHAN_MAX, 0);
	EXPECT_EQ(0, create_errno(0, &c));
}

/* A rejected CREATE leaves the descriptor as it was: a good one works. */
TEST_F(raw, create_after_rejection)
{
	struct lumen_raw_create c;

	good_create(&c, &self->info[0], 20, 0);
	c.tx_entries = 100;
	FAILS_WITH(ioctl(self->fd[0], LUMEN_RAW_IOC_CREATE, &c), EINVAL, "bad create");
	FAILS_WITH(ioctl(self->fd[0], LUMEN_RAW_IOC_STATS, &(struct lumen_raw_stats){}),
		   ERR_NO_CHANNEL, "STATS after a rejected CREATE");
	good_create(&c, &self->info[0], 20, 0);
	EXPECT_EQ(0, ioctl(self->fd[0], LUMEN_RAW_IOC_CREATE, &c))
		TH_LOG("%s", strerror(errno));
	/* the kernel's answer */
	EXPECT_LT(0, c.rings_size);
	EXPECT_LE((uint64_t)c.frames * c.frame_size, c.frames_size);
	EXPECT_EQ(0, c.rings_size % getpagesize());
	EXPECT_EQ(0, c.frames_size % getpagesize());
	EXPECT_EQ(0, c.rsvd0);
}

TEST_F(raw, create_twice_on_one_fd)
{
	struct lumen_raw_create c;

	good_create(&c, &self->info[0], 21, 0);
	ASSERT_EQ(0, ioctl(self->fd[0], LUMEN_RAW_IOC_CREATE, &c));
	good_create(&c, &self->info[0], 22, 0);
	FAILS_WITH(ioctl(self->fd[0], LUMEN_RAW_IOC_CREATE, &c), EBUSY,
		   "second CREATE, another id");
	good_create(&c, &self->info[0], 21, 0);
	FAILS_WITH(ioctl(self->fd[0], LUMEN_RAW_IOC_CREATE, &c), EBUSY,
		   "second CREATE, the same id");
	EXPECT_EQ(7, channels_free(0));
}

TEST_F(raw, create_same_id_twice_on_a_port)
{
	struct lumen_raw_create c;
	struct chan a, b;

	ASSERT_EQ(0, chan_open(&a, 0, 30, 0));
	good_create(&c, &self->info[0], 30, 0);
	CREATE_FAILS(c, ERR_ID_TAKEN, "id 30 again, ring mode");
	good_create(&c, &self->info[0], 30, LUMEN_RAW_CREATE_RW);
	CREATE_FAILS(c, ERR_ID_TAKEN, "id 30 again, read/write mode");
	/* the same id on the other port is another channel */
	ASSERT_EQ(0, chan_open(&b, 1, 30, 0));
	chan_close(&a);
	EXPECT_EQ(8, wait_channels_free(0, 8));
	EXPECT_EQ(0, chan_open(&a, 0, 30, 0));
	chan_close(&a);
	chan_close(&b);
}

TEST_F(raw, create_all_channels)
{
	struct lumen_raw_create c;
	int fd[9], i;

	for (i = 0; i < 8; i++) {
		fd[i] = dev_open(0, 0);
		ASSERT_LE(0, fd[i]);
		good_create(&c, &self->info[0], 40 + i, i % 2 ? LUMEN_RAW_CREATE_RW : 0);
		c.frame_size = self->info[0].frame_size_min;
		ASSERT_EQ(0, ioctl(fd[i], LUMEN_RAW_IOC_CREATE, &c))
			TH_LOG("channel %d: %s", i, strerror(errno));
	}
	EXPECT_EQ(0, channels_free(0));
	EXPECT_EQ(8, channels_free(1));
	good_create(&c, &self->info[0], 48, 0);
	c.frame_size = self->info[0].frame_size_min;
	CREATE_FAILS(c, EBUSY, "a ninth channel");
	close(fd[3]);
	EXPECT_EQ(1, wait_channels_free(0, 1));
	fd[8] = dev_open(0, 0);
	ASSERT_LE(0, fd[8]);
	EXPECT_EQ(0, ioctl(fd[8], LUMEN_RAW_IOC_CREATE, &c)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < 9; i++)
		if (i != 3)
			close(fd[i]);
	EXPECT_EQ(8, wait_channels_free(0, 8));
}

TEST_F(raw, create_unprivileged)
{
	int err = create_in_child(0, 0, 50);

	ASSERT_NE(255, err) TH_LOG("could not drop privileges");
	ASSERT_NE(254, err) TH_LOG("INFO failed without privileges");
	EXPECT_EQ(EPERM, err) TH_LOG("%s", err ? strerror(err) : "created");
	EXPECT_EQ(8, wait_channels_free(0, 8));
}

TEST_F(raw, create_with_cap_net_raw_or_admin)
{
	int err;

	err = create_in_child(0, 1ULL << CAP_NET_RAW, 51);
	EXPECT_EQ(0, err) TH_LOG("CAP_NET_RAW only: %s", strerror(err));
	err = create_in_child(0, 1ULL << CAP_NET_ADMIN, 52);
	EXPECT_EQ(0, err) TH_LOG("CAP_NET_ADMIN only: %s", strerror(err));
	err = create_in_child(0, 1ULL << CAP_SYS_ADMIN, 53);
	EXPECT_EQ(EPERM, err) TH_LOG("CAP_SYS_ADMIN only: %s", strerror(err));
}

TEST_F(raw, calls_before_create)
{
	struct pollfd pfd = { .fd = self->fd[0], .events = POLLIN | POLLOUT };
	struct lumen_raw_stats st;
	char b[64] = { 1 };

	FAILS_WITH(ioctl(self->fd[0], LUMEN_RAW_IOC_KICK), ERR_NO_CHANNEL, "KICK");
	FAILS_WITH(ioctl(self->fd[0], LUMEN_RAW_IOC_STATS, &st), ERR_NO_CHANNEL, "STATS");
	FAILS_WITH(read(self->fd[0], b, sizeof(b)), ERR_NO_CHANNEL, "read");
	FAILS_WITH(write(self->fd[0], b, sizeof(b)), ERR_NO_CHANNEL, "write");
	/* no channel to wait for: EPOLLERR at once */
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLERR);
	FAILS_WITH(ioctl(self->fd[0], _IO(LUMEN_RAW_IOC_MAGIC, 99)), ENOTTY,
		   "an unknown ioctl");
	FAILS_WITH(ioctl(self->fd[0], _IOR(LUMEN_RAW_IOC_MAGIC, 1, __u32)), ENOTTY,
		   "INFO with a wrong size");
}

TEST_F(raw, ioctls_after_create)
{
	struct lumen_raw_stats st;
	struct lumen_raw_info in;
	struct chan a;
	size_t i;

	ASSERT_EQ(0, chan_open(&a, 0, 55, 0));
	EXPECT_EQ(0, ioctl(a.fd, LUMEN_RAW_IOC_KICK)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stats_of(a.fd, &st)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, st.tx_frames);
	EXPECT_EQ(0, st.rx_frames);
	EXPECT_EQ(0, st.tx_invalid);
	EXPECT_EQ(0, st.fill_invalid);
	for (i = 0; i < ARRAY_SIZE(st.rsvd); i++)
		EXPECT_EQ(0, st.rsvd[i]) TH_LOG("rsvd[%zu]", i);
	EXPECT_EQ(0, info_of(a.fd, &in));
	EXPECT_EQ(7, in.channels_free);
	/* read() and write() are for read/write mode only */
	FAILS_WITH(read(a.fd, st.rsvd, sizeof(st.rsvd)), EINVAL, "read in ring mode");
	FAILS_WITH(write(a.fd, st.rsvd, sizeof(st.rsvd)), EINVAL, "write in ring mode");
	chan_close(&a);
}

TEST_F(raw, mmap_before_create)
{
	long pg = getpagesize();

	FAILS_WITH(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			self->fd[0], LUMEN_RAW_MMAP_RINGS), EINVAL, "rings");
	FAILS_WITH(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			self->fd[0], LUMEN_RAW_MMAP_FRAMES), EINVAL, "frames");
}

TEST_F(raw, mmap_bad_size_or_offset)
{
	long pg = getpagesize();
	struct lumen_raw_create c;
	int fd = self->fd[0];
	void *r1, *r2;

	good_create(&c, &self->info[0], 60, 0);
	ASSERT_EQ(0, ioctl(fd, LUMEN_RAW_IOC_CREATE, &c));
#define MAP(len, off) mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off)
	FAILS_WITH(MAP(c.rings_size + pg, LUMEN_RAW_MMAP_RINGS), EINVAL, "rings + a page");
	if (c.rings_size > (__u64)pg)
		FAILS_WITH(MAP(c.rings_size - pg, LUMEN_RAW_MMAP_RINGS), EINVAL,
			   "rings - a page");
	FAILS_WITH(MAP(c.frames_size + pg, LUMEN_RAW_MMAP_FRAMES), EINVAL, "frames + a page");
	FAILS_WITH(MAP(c.frames_size - pg, LUMEN_RAW_MMAP_FRAMES), EINVAL, "frames - a page");
	FAILS_WITH(MAP(c.rings_size, LUMEN_RAW_MMAP_FRAMES), EINVAL, "frames, rings' size");
	FAILS_WITH(MAP(pg, pg), EINVAL, "offset a page");
	FAILS_WITH(MAP(c.frames_size - pg, LUMEN_RAW_MMAP_FRAMES + pg), EINVAL,
		   "the frames' tail");
	FAILS_WITH(MAP(c.rings_size, LUMEN_RAW_MMAP_FRAMES * 2), EINVAL, "offset 8 GiB");
	FAILS_WITH(MAP(c.rings_size, LUMEN_RAW_MMAP_FRAMES - pg), EINVAL,
		   "offset 4 GiB - a page");
	FAILS_WITH(MAP(c.rings_size, 1), EINVAL, "unaligned offset");
	FAILS_WITH(MAP(c.rings_size, LUMEN_RAW_MMAP_FRAMES + 8), EINVAL,
		   "unaligned frames offset");
	/* private mappings would not share the kernel's pages */
	FAILS_WITH(mmap(NULL, c.rings_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
			LUMEN_RAW_MMAP_RINGS), EINVAL, "MAP_PRIVATE rings");
	FAILS_WITH(mmap(NULL, c.frames_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
			LUMEN_RAW_MMAP_FRAMES), EINVAL, "MAP_PRIVATE frames");
#undef MAP
	/* and the right ones work, twice */
	r1 = mmap(NULL, c.rings_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	r2 = mmap(NULL, c.rings_size, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_TRUE(r1 != MAP_FAILED);
	EXPECT_TRUE(r2 != MAP_FAILED);
	if (r1 != MAP_FAILED)
		munmap(r1, c.rings_size);
	if (r2 != MAP_FAILED)
		munmap(r2, c.rings_size);
}

TEST_F(raw, mmap_read_write_mode)
{
	struct lumen_raw_create c;
	int fd = self->fd[0];

	good_create(&c, &self->info[0], 61, LUMEN_RAW_CREATE_RW);
	ASSERT_EQ(0, ioctl(fd, LUMEN_RAW_IOC_CREATE, &c));
	FAILS_WITH(mmap(NULL, c.rings_size ?: (__u64)getpagesize(), PROT_READ | PROT_WRITE,
			MAP_SHARED, fd, LUMEN_RAW_MMAP_RINGS), EBUSY, "rings");
	FAILS_WITH(mmap(NULL, c.frames_size ?: (__u64)getpagesize(), PROT_READ | PROT_WRITE,
			MAP_SHARED, fd, LUMEN_RAW_MMAP_FRAMES), EBUSY, "frames");
}

TEST_F(raw, use_after_close)
{
	volatile uint8_t *frames;
	volatile uint32_t *prod;
	struct lumen_raw_info in;
	struct chan a;
	int fd;

	ASSERT_EQ(0, chan_open(&a, 0, 62, 0));
	fd = a.fd;
	frames = a.frames;
	prod = a.fill.prod;
	frames[0] = 0x5a;
	ASSERT_EQ(0, close(fd));
	a.fd = -1;
	FAILS_WITH(ioctl(fd, LUMEN_RAW_IOC_INFO, &in), EBADF, "INFO");
	FAILS_WITH(ioctl(fd, LUMEN_RAW_IOC_KICK), EBADF, "KICK");
	FAILS_WITH(ioctl(fd, LUMEN_RAW_IOC_STATS, &(struct lumen_raw_stats){}), EBADF,
		   "STATS");
	/* The mappings outlive the descriptor and stay readable. */
	EXPECT_EQ(ENTRIES, *prod);
	EXPECT_EQ(0x5a, frames[0]);
	frames[a.c.frames_size - 1] = 1;
	EXPECT_EQ(1, frames[a.c.frames_size - 1]);
	chan_close(&a);		/* unmaps: now the channel goes */
	EXPECT_EQ(8, wait_channels_free(0, 8));
}

TEST_F(raw, round_trip)
{
	uint64_t addr, bytes = 0, seen = 0, prev = 0;
	struct lumen_raw_desc d[48], r;
	struct pollfd pfd;
	struct chan a, b;
	struct lumen_raw_stats st;
	uint32_t i, n = ARRAY_SIZE(d);

	ASSERT_EQ(0, chan_open(&a, 0, 100, 0));
	ASSERT_EQ(0, chan_open(&b, 1, 100, 0));
	pfd = (struct pollfd){ .fd = a.fd, .events = POLLIN | POLLOUT };
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);

	for (i = 0; i < n; i++) {
		uint32_t len = i == 0 ? 1 : i == 1 ? a.max_len : 1 + (i * 97) % a.max_len;
		/* payloads may start anywhere in their buffer */
		uint32_t off = len <= a.c.frame_size / 2 && i % 3 == 2 ? 40 * i : 0;

		if (off + len > a.c.frame_size)
			off = 0;
		d[i] = (struct lumen_raw_desc){
			.addr = buf(&a, i) + off, .len = len, .flow = 1000 + i,
		};
		fill_pattern(a.frames + d[i].addr, len, i);
		bytes += len;
	}
	ASSERT_EQ(0, tx_put(&a, d, n)) TH_LOG("%s", strerror(errno));

	for (i = 0; i < n; i++) {
		ASSERT_EQ(1, rx_get(&b, &r, WAIT_MS)) TH_LOG("frame %u of %u", i, n);
		EXPECT_EQ(d[i].len, r.len) TH_LOG("frame %u", i);
		EXPECT_EQ(d[i].flow, r.flow) TH_LOG("frame %u", i);
		EXPECT_TRUE(r.flags & LUMEN_RAW_DESC_TSTAMP) TH_LOG("frame %u", i);
		EXPECT_LE(prev, r.tstamp) TH_LOG("frame %u", i);
		prev = r.tstamp;
		ASSERT_LT(0, r.len);
		ASSERT_LT(r.addr + r.len - 1, (uint64_t)FRAMES * b.c.frame_size);
		/* in one buffer, one the process gave to FILL */
		EXPECT_EQ(r.addr / b.c.frame_size, (r.addr + r.len - 1) / b.c.frame_size);
		EXPECT_LE((uint64_t)FRAMES / 2 * b.c.frame_size, r.addr);
		EXPECT_TRUE(check_pattern(b.frames + r.addr, r.len, i)) TH_LOG("frame %u", i);
		ASSERT_EQ(0, rx_put(&b, &r));
	}
	/* nothing more, and B saw no frame of its own come back */
	EXPECT_EQ(0, rx_get(&b, &r, QUIET_MS));
	EXPECT_EQ(0, rx_get(&a, &r, 0));

	/* every buffer comes back on COMP, once */
	for (i = 0; i < n; i++) {
		uint32_t k;

		ASSERT_EQ(1, comp_get(&a, &addr, WAIT_MS)) TH_LOG("completion %u", i);
		for (k = 0; k < n && d[k].addr != addr; k++)
			;
		ASSERT_LT(k, n) TH_LOG("COMP addr %llu not sent", (unsigned long long)addr);
		EXPECT_FALSE(seen & (1ULL << k));
		seen |= 1ULL << k;
	}

	EXPECT_EQ(n, STAT(a.fd, tx_frames, n));
	EXPECT_EQ(bytes, STAT(a.fd, tx_bytes, bytes));
	EXPECT_EQ(n, STAT(b.fd, rx_frames, n));
	EXPECT_EQ(bytes, STAT(b.fd, rx_bytes, bytes));
	ASSERT_EQ(0, stats_of(a.fd, &st));
	EXPECT_EQ(0, st.rx_frames);
	EXPECT_EQ(0, st.tx_invalid);
	EXPECT_EQ(0, st.tx_errors);
	ASSERT_EQ(0, stats_of(b.fd, &st));
	EXPECT_EQ(0, st.tx_frames);
	EXPECT_EQ(0, st.rx_dropped);
	EXPECT_EQ(0, st.fill_invalid);
	chan_close(&a);
	chan_close(&b);
}

TEST_F(raw, round_trip_read_write)
{
	uint8_t out[LUMEN_RAW_FRAMES_MAX], in[LUMEN_RAW_FRAMES_MAX];
	uint32_t i, n = 40, len, bytes = 0;
	struct pollfd pfd;
	struct chan a, b;
	ssize_t got;

	ASSERT_EQ(0, chan_open(&a, 0, 101, LUMEN_RAW_CREATE_RW));
	ASSERT_EQ(0, chan_open(&b, 1, 101, LUMEN_RAW_CREATE_RW));
	ASSERT_LE(a.max_len, sizeof(out));
	FAILS_WITH(read(b.fd, in, sizeof(in)), EAGAIN, "read with nothing queued");

	for (i = 0; i < n; i++) {
		len = i == 0 ? 1 : i == 1 ? a.max_len : 1 + (i * 131) % a.max_len;
		fill_pattern(out, len, i);
		pfd = (struct pollfd){ .fd = a.fd, .events = POLLOUT };
		ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS));
		ASSERT_EQ((ssize_t)len, write(a.fd, out, len))
			TH_LOG("frame %u: %s", i, strerror(errno));
		bytes += len;
	}
	for (i = 0; i < n; i++) {
		len = i == 0 ? 1 : i == 1 ? a.max_len : 1 + (i * 131) % a.max_len;
		pfd = (struct pollfd){ .fd = b.fd, .events = POLLIN };
		ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS)) TH_LOG("frame %u of %u", i, n);
		EXPECT_EQ(POLLIN, pfd.revents);
		if (len > 1) {
			/* too small a buffer: EMSGSIZE, and the frame stays */
			FAILS_WITH(read(b.fd, in, len - 1), EMSGSIZE, "short read");
		}
		got = read(b.fd, in, sizeof(in));
		ASSERT_EQ((ssize_t)len, got) TH_LOG("frame %u: %s", i, strerror(errno));
		EXPECT_TRUE(check_pattern(in, len, i)) TH_LOG("frame %u", i);
	}
	FAILS_WITH(read(b.fd, in, sizeof(in)), EAGAIN, "read after the last frame");
	EXPECT_EQ(n, STAT(a.fd, tx_frames, n));
	EXPECT_EQ(bytes, STAT(a.fd, tx_bytes, bytes));
	EXPECT_EQ(n, STAT(b.fd, rx_frames, n));
	EXPECT_EQ(bytes, STAT(b.fd, rx_bytes, bytes));
	chan_close(&a);
	chan_close(&b);
}

/* A ring-mode sender and a read/write receiver share the fiber format:
 * the flow id is lost to read(), the payload is not.
 */
TEST_F(raw, ring_to_read_write)
{
	uint8_t p[64], in[256];
	struct pollfd pfd;
	struct chan a, b;

	ASSERT_EQ(0, chan_open(&a, 0, 102, 0));
	ASSERT_EQ(0, chan_open(&b, 1, 102, LUMEN_RAW_CREATE_RW));
	fill_pattern(p, sizeof(p), 9);
	ASSERT_EQ(0, send_one(&a, 0, p, sizeof(p), 77));
	pfd = (struct pollfd){ .fd = b.fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS));
	ASSERT_EQ((ssize_t)sizeof(p), read(b.fd, in, sizeof(in)));
	EXPECT_EQ(0, memcmp(p, in, sizeof(p)));
	chan_close(&a);
	chan_close(&b);
}

TEST_F(raw, isolation_by_channel_id)
{
	struct lumen_raw_desc r;
	struct chan a, b, c;
	uint8_t p[100];
	uint64_t addr;
	int i;

	ASSERT_EQ(0, chan_open(&a, 0, 200, 0));
	ASSERT_EQ(0, chan_open(&b, 1, 201, 0));
	ASSERT_EQ(0, chan_open(&c, 1, 202, LUMEN_RAW_CREATE_RW));
	for (i = 0; i < 4; i++) {
		fill_pattern(p, sizeof(p), i);
		ASSERT_EQ(0, send_one(&a, i, p, sizeof(p), i));
	}
	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, comp_get(&a, &addr, WAIT_MS));
	EXPECT_EQ(4, STAT(a.fd, tx_frames, 4));
	EXPECT_EQ(0, rx_get(&b, &r, QUIET_MS));
	FAILS_WITH(read(c.fd, p, sizeof(p)), EAGAIN, "read on channel 202");
	EXPECT_EQ(0, STAT(b.fd, rx_frames, 0));
	EXPECT_EQ(0, STAT(c.fd, rx_frames, 0));
	/* and nothing came back to the sender's port */
	EXPECT_EQ(0, rx_get(&a, &r, 0));
	chan_close(&a);
	chan_close(&b);
	chan_close(&c);
}

/* child_receiver - in a child: channel @id on port 1, then exactly
 * @count frames whose flow and first byte say @id, then silence.
 */
static int child_receiver(uint16_t id, int count, int ready_fd)
{
	struct lumen_raw_desc r;
	struct chan ch;
	int i;

	if (chan_open(&ch, 1, id, 0))
		return 10;
	if (write(ready_fd, "r", 1) != 1)
		return 11;
	for (i = 0; i < count; i++) {
		if (rx_get(&ch, &r, WAIT_MS) != 1)
			return 12;
		if (r.flow != id || r.len != 64 || ch.frames[r.addr] != (uint8_t)id ||
		    ch.frames[r.addr + 1] != i)
			return 13;
		if (rx_put(&ch, &r))
			return 15;
	}
	if (rx_get(&ch, &r, QUIET_MS) != 0)
		return 14;
	chan_close(&ch);
	return 0;
}

TEST_F(raw, processes_see_only_their_channel)
{
	static const uint16_t ids[2] = { 300, 301 };
	const int count = 20;
	struct chan tx[2];
	int pipefd[2], status, i, k;
	uint8_t p[64] = { 0 };
	pid_t pid[2];
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		ASSERT_LE(0, pid[k]);
		if (!pid[k]) {
			close(pipefd[0]);
			_exit(child_receiver(ids[k], count, pipefd[1]));
		}
	}
	close(pipefd[1]);
	for (k = 0; k < 2; k++)
		ASSERT_EQ(1, read(pipefd[0], &c, 1)) TH_LOG("a child did not start");
	close(pipefd[0]);
	for (k = 0; k < 2; k++)
		ASSERT_EQ(0, chan_open(&tx[k], 0, ids[k], 0));
	for (i = 0; i < count; i++) {
		for (k = 0; k < 2; k++) {
			p[0] = (uint8_t)ids[k];
			p[1] = i;
			ASSERT_EQ(0, send_one(&tx[k], i, p, sizeof(p), ids[k]));
		}
	}
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(pid[k], waitpid(pid[k], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status))
			TH_LOG("receiver of channel %u failed at step %d", ids[k],
			       WEXITSTATUS(status));
	}
	for (k = 0; k < 2; k++)
		chan_close(&tx[k]);
}

TEST_F(raw, bad_tx_entries_refused)
{
	struct lumen_raw_desc d[6], r;
	uint64_t area, addr, fs;
	struct chan a, b;
	uint32_t i, k, n = 0, bad, seen = 0;

	ASSERT_EQ(0, chan_open(&a, 0, 500, 0));
	ASSERT_EQ(0, chan_open(&b, 1, 500, 0));
	fs = a.c.frame_size;
	area = FRAMES * fs;
	d[n++] = (struct lumen_raw_desc){ .addr = area, .len = 10, .flow = 1 };
	d[n++] = (struct lumen_raw_desc){ .addr = area + 4 * fs, .len = 1, .flow = 2 };
	d[n++] = (struct lumen_raw_desc){ .addr = buf(&a, 1), .len = 0, .flow = 3 };
	d[n++] = (struct lumen_raw_desc){ .addr = buf(&a, 2) + fs - 10, .len = 20, .flow = 4 };
	if (fs > a.max_len)	/* longer than the port sends, in one buffer */
		d[n++] = (struct lumen_raw_desc){ .addr = buf(&a, 3), .len = a.max_len + 1,
						  .flow = 5 };
	bad = n;
	/* and a good one after them: the channel goes on */
	d[n++] = (struct lumen_raw_desc){ .addr = buf(&a, 4), .len = 32, .flow = 6 };
	fill_pattern(a.frames + buf(&a, 4), 32, 6);
	ASSERT_EQ(0, tx_put(&a, d, n));

	for (i = 0; i < n; i++) {
		ASSERT_EQ(1, comp_get(&a, &addr, WAIT_MS)) TH_LOG("completion %u of %u", i, n);
		for (k = 0; k < n && d[k].addr != addr; k++)
			;
		EXPECT_LT(k, n) TH_LOG("COMP addr %llu", (unsigned long long)addr);
		if (k < n) {
			EXPECT_FALSE(seen & (1U << k));
			seen |= 1U << k;
		}
	}
	ASSERT_EQ(1, rx_get(&b, &r, WAIT_MS));
	EXPECT_EQ(6, r.flow);
	EXPECT_EQ(32, r.len);
	EXPECT_TRUE(check_pattern(b.frames + r.addr, 32, 6));
	EXPECT_EQ(0, rx_get(&b, &r, QUIET_MS));
	EXPECT_EQ(bad, STAT(a.fd, tx_invalid, bad));
	EXPECT_EQ(1, STAT(a.fd, tx_frames, 1));
	EXPECT_EQ(32, STAT(a.fd, tx_bytes, 32));
	EXPECT_EQ(0, STAT(a.fd, tx_errors, 0));
	EXPECT_EQ(1, STAT(b.fd, rx_frames, 1));
	chan_close(&a);
	chan_close(&b);
}

TEST_F(raw, bad_fill_entries_refused)
{
	struct lumen_raw_desc r;
	struct chan a, b;
	uint8_t p[48];
	uint64_t area;

	ASSERT_EQ(0, chan_open(&a, 0, 501, 0));
	ASSERT_EQ(0, chan_open_fill(&b, 1, 501, 0, 0));
	area = FRAMES * (uint64_t)b.c.frame_size;
	/* Two bad FILL entries, then a good buffer: the frame lands there. */
	ASSERT_EQ(0, fill_put(&b, area));
	ASSERT_EQ(0, fill_put(&b, area + 16 * (uint64_t)b.c.frame_size));
	ASSERT_EQ(0, fill_put(&b, (uint64_t)FRAMES / 2 * b.c.frame_size));
	fill_pattern(p, sizeof(p), 2);
	ASSERT_EQ(0, send_one(&a, 0, p, sizeof(p), 2));
	ASSERT_EQ(1, rx_get(&b, &r, WAIT_MS));
	EXPECT_EQ(2, r.flow);
	EXPECT_EQ((uint64_t)FRAMES / 2 * b.c.frame_size, r.addr);
	EXPECT_TRUE(check_pattern(b.frames + r.addr, sizeof(p), 2));
	EXPECT_EQ(2, STAT(b.fd, fill_invalid, 2));
	EXPECT_EQ(1, STAT(b.fd, rx_frames, 1));
	EXPECT_EQ(0, STAT(b.fd, rx_dropped, 0));
	chan_close(&a);
	chan_close(&b);
}

/* Set-up of the guest around the tests */

static int dev_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* find_ports - the first two /dev/lumen/ nodes and their netdevs */
static int find_ports(void)
{
	struct dirent **names;
	char path[300];
	struct dirent *e;
	DIR *dir;
	int n, i;

	n = scandir(DEV_DIR, &names, dev_filter, alphasort);
	if (n < NPORTS) {
		for (i = 0; i < n; i++)
			free(names[i]);
		if (n >= 0)
			free(names);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (i < NPORTS)
			snprintf(ports[i].dev, sizeof(ports[i].dev), DEV_DIR "/%s",
				 names[i]->d_name);
		free(names[i]);
	}
	free(names);
	for (i = 0; i < NPORTS; i++) {
		snprintf(path, sizeof(path), "/sys/class/misc/lumen-%s/device/net",
			 strrchr(ports[i].dev, '/') + 1);
		dir = opendir(path);
		if (!dir)
			return -1;
		while ((e = readdir(dir)))
			if (e->d_name[0] != '.' && strlen(e->d_name) < IF_NAMESIZE)
				strcpy(ports[i].ifname, e->d_name);
		closedir(dir);
		if (!ports[i].ifname[0])
			return -1;
	}
	return 0;
}

static int link_set_up(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int s, err = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		err = -1;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(s, SIOCSIFFLAGS, &ifr))
		err = -1;
	close(s);
	return err;
}

static int link_up(int port)
{
	struct lumen_raw_info info;
	int fd = dev_open(port, 0), up = 0;

	if (fd >= 0 && !info_of(fd, &info))
		up = info.link_up;
	if (fd >= 0)
		close(fd);
	return up;
}

static void unload_module(void)
{
	if (getpid() != main_pid || !module_loaded_here)
		return;
	fflush(stdout);
	if (system("rmmod lumen"))
		fprintf(stderr, "# rmmod lumen failed\n");
}

static void set_up_guest(void)
{
	char ipv6[128];
	long long end;
	FILE *f;
	int p;

	main_pid = getpid();
	if (access("/sys/module/lumen", F_OK)) {
		if (system("modprobe lumen"))
			ksft_exit_fail_msg("modprobe lumen failed\n");
		module_loaded_here = 1;
		atexit(unload_module);
	}
	end = now_ms() + 10000;
	while (find_ports() && now_ms() < end)
		sleep_ms(100);
	if (find_ports())
		ksft_exit_fail_msg("no two lumen ports with a netdev in " DEV_DIR "/\n");
	for (p = 0; p < NPORTS; p++) {
		/* Quiet ports: no IPv6 autoconfiguration on the fiber. */
		snprintf(ipv6, sizeof(ipv6), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
			 ports[p].ifname);
		f = fopen(ipv6, "w");
		if (f) {
			fputs("1\n", f);
			fclose(f);
		}
		if (link_set_up(ports[p].ifname))
			ksft_exit_fail_msg("%s: cannot set it up: %s\n",
					   ports[p].ifname, strerror(errno));
	}
	/* The tests that need the link say so if it does not come up. */
	end = now_ms() + 15000;
	while (!(link_up(0) && link_up(1)) && now_ms() < end)
		sleep_ms(100);
}

int main(int argc, char **argv)
{
	set_up_guest();
	return test_harness_run(argc, argv);
}
