// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-rawfuzz: bounded random calls on a port's raw-frame device.
 *
 *   lumen-rawfuzz DEVPATH CALLS SEED [unpriv]
 *
 * Opens DEVPATH and makes CALLS random calls: ioctls (known commands
 * with random arguments, unknown commands), channel creation with
 * arguments that are mostly valid and often not, mmap and munmap of
 * random offsets and sizes, read and write of random sizes, poll, and
 * random stores into mapped rings and descriptors, which the kernel must
 * treat as the untrusted data they are.  Every result is checked against
 * what the ABI allows for that call; "unpriv" drops every capability
 * and the uid first, so that channel creation must fail with EPERM.
 *
 * Prints one line per unexpected result and a summary; exits 1 if there
 * was one, 2 on a usage or setup error.  A kernel crash or report is
 * what the harness looks for in the guest's log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/lumen.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct fuzz {
	const char *path;
	int fd;
	int created;
	int rw;
	int unpriv;
	struct lumen_raw_create c;
	void *rings;
	void *frames;
	unsigned long bad;
	unsigned long calls;
};

static uint64_t rnd64(void)
{
	return ((uint64_t)random() << 33) ^ ((uint64_t)random() << 11) ^ random();
}

/* Mostly small or boundary values, sometimes anything. */
static uint32_t rnd_u32(void)
{
	static const uint32_t edge[] = {
		0, 1, 2, 63, 64, 65, 128, 2047, 2048, 4096, 4097, 8192,
		16384, 16385, 0x7fffffff, 0x80000000, 0xffffffff,
	};

	switch (random() % 3) {
	case 0:
		return edge[random() % (sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return 1u << (random() % 32);
	default:
		return (uint32_t)rnd64();
	}
}

static void bad(struct fuzz *f, const char *what, int err)
{
	printf("unexpected: %s: %s\n", what, err ? strerror(err) : "success");
	f->bad++;
}

/* The result ERR (0 or an errno) of WHAT: with MUST_FAIL, 0 is wrong
 * too; an errno must be one of the list, which -1 ends.
 */
static void expect(struct fuzz *f, const char *what, int err, int must_fail,
		   ...)
{
	__builtin_va_list ap;
	int e;

	if (!err) {
		if (must_fail)
			bad(f, what, 0);
		return;
	}
	__builtin_va_start(ap, must_fail);
	while ((e = __builtin_va_arg(ap, int)) != -1 && e != err)
		;
	__builtin_va_end(ap);
	if (e == -1)
		bad(f, what, err);
}

static int sys_err(long ret)
{
	return ret < 0 ? errno : 0;
}

static void unmap_all(struct fuzz *f)
{
	if (f->rings)
		munmap(f->rings, f->c.rings_size);
	if (f->frames)
		munmap(f->frames, f->c.frames_size);
	f->rings = NULL;
	f->frames = NULL;
}

static void reopen(struct fuzz *f)
{
	unmap_all(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0) {
		perror(f->path);
		exit(2);
	}
	f->created = 0;
}

static int valid_create(const struct lumen_raw_create *c)
{
	int pow2 = !(c->tx_entries & (c->tx_entries - 1)) &&
		   !(c->rx_entries & (c->rx_entries - 1)) &&
		   !(c->frame_size & (c->frame_size - 1));

	return pow2 && !(c->flags & ~LUMEN_RAW_CREATE_RW) && !c->rsvd0 &&
	       !c->rsvd[0] && !c->rsvd[1] && !c->rsvd[2] && !c->rsvd[3] &&
	       c->chan <= LUMEN_RAW_CHAN_MAX &&
	       c->tx_entries >= 64 && c->tx_entries <= 4096 &&
	       c->rx_entries >= 64 && c->rx_entries <= 4096 &&
	       c->frame_size >= 2048 && c->frame_size <= 4096 &&
	       c->frames && c->frames <= LUMEN_RAW_FRAMES_MAX &&
	       (!(c->flags & LUMEN_RAW_CREATE_RW) ||
		c->frames >= c->tx_entries + c->rx_entries);
}

static void op_create(struct fuzz *f)
{
	struct lumen_raw_create c = {
		.chan = random() % 8 ? random() % 16 : (uint16_t)random(),
		.tx_entries = 64u << (random() % 3),
		.rx_entries = 64u << (random() % 3),
		.frame_size = 2048u << (random() % 2),
		.frames = 256,
		.flags = random() % 3 ? 0 : LUMEN_RAW_CREATE_RW,
	};
	int err, valid;

	/* now and then one field goes wrong */
	switch (random() % 8) {
	case 0: c.tx_entries = rnd_u32(); break;
	case 1: c.rx_entries = rnd_u32(); break;
	case 2: c.frame_size = rnd_u32(); break;
	case 3: c.frames = rnd_u32(); break;
	case 4: c.flags = rnd_u32(); break;
	case 5: c.rsvd[random() % 4] = rnd64(); break;
	default: break;
	}
	valid = valid_create(&c);
	err = sys_err(ioctl(f->fd, LUMEN_RAW_IOC_CREATE, &c));
	if (!valid)
		expect(f, "create (invalid)", err, 1, EINVAL, -1);
	else if (f->created)
		expect(f, "create (second)", err, 1, EBUSY, -1);
	else if (f->unpriv)
		expect(f, "create (unprivileged)", err, 1, EPERM, -1);
	else
		expect(f, "create", err, 0, EBUSY, EADDRINUSE, ENOMEM, -1);
	if (!err && !f->created) {
		f->created = 1;
		f->rw = c.flags & LUMEN_RAW_CREATE_RW;
		f->c = c;
	}
}

static void op_mmap(struct fuzz *f)
{
	static const unsigned long long offs[] = {
		LUMEN_RAW_MMAP_RINGS, LUMEN_RAW_MMAP_FRAMES, 4096, 0x100001000ULL,
	};
	unsigned long long off = offs[random() % 4];
	size_t size;
	void *p;
	int err, can_map;

	if (random() % 2 && f->created)
		size = off == LUMEN_RAW_MMAP_FRAMES ? f->c.frames_size : f->c.rings_size;
	else
		size = (random() % 64 + 1) * 4096;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 random() % 8 ? MAP_SHARED : MAP_PRIVATE, f->fd, off);
	err = p == MAP_FAILED ? errno : 0;
	can_map = f->created && !f->rw;
	expect(f, "mmap", err, !can_map, EINVAL, ENOMEM,
	       f->rw ? EBUSY : EINVAL, -1);
	if (err)
		return;
	if (!can_map) {
		munmap(p, size);
		return;
	}
	if (off == LUMEN_RAW_MMAP_RINGS && !f->rings)
		f->rings = p;
	else if (off == LUMEN_RAW_MMAP_FRAMES && !f->frames)
		f->frames = p;
	else
		munmap(p, size);
}

/* Random stores into the shared rings: the kernel must survive them. */
static void op_scribble(struct fuzz *f)
{
	const struct lumen_raw_ring_offsets *r[] = {
		&f->c.tx, &f->c.comp, &f->c.fill, &f->c.rx,
	};
	const struct lumen_raw_ring_offsets *o = r[random() % 4];
	uint8_t *base = f->rings;
	int n;

	if (!base)
		return;
	switch (random() % 4) {
	case 0:
		*(uint32_t *)(base + o->producer) = rnd_u32();
		break;
	case 1:
		*(uint32_t *)(base + o->consumer) = rnd_u32();
		break;
	default:
		for (n = 0; n < 16; n++) {
			struct lumen_raw_desc *d = (void *)(base + o->desc);
			uint32_t i = random() % 64;

			if (o == &f->c.comp || o == &f->c.fill)
				((uint64_t *)(base + o->desc))[i] = rnd64() % 2 ?
					rnd64() : (uint64_t)(random() % 256) * 2048;
			else
				d[i] = (struct lumen_raw_desc){
					.addr = random() % 2 ? rnd64() :
						(uint64_t)(random() % 300) * 1024,
					.len = rnd_u32() % 9000,
					.flow = random(),
				};
		}
		/* and say so */
		*(uint32_t *)(base + o->producer) += random() % 80;
		break;
	}
	expect(f, "kick", sys_err(ioctl(f->fd, LUMEN_RAW_IOC_KICK)), 0, -1);
}

static void op_rw(struct fuzz *f)
{
	static char buf[10000];
	size_t len = random() % 3 ? (size_t)(random() % 4200) :
		     rnd_u32() % sizeof(buf);
	int err;

	if (random() % 2) {
		memset(buf, random(), len);
		err = sys_err(write(f->fd, buf, len));
		if (!f->created)
			expect(f, "write (no channel)", err, 1, ENOTCONN, -1);
		else if (!f->rw)
			expect(f, "write (ring mode)", err, 1, EINVAL, -1);
		else
			expect(f, "write", err, !len || len > 4096, EMSGSIZE,
			       EAGAIN, -1);
	} else {
		err = sys_err(read(f->fd, buf, len));
		if (!f->created)
			expect(f, "read (no channel)", err, 1, ENOTCONN, -1);
		else if (!f->rw)
			expect(f, "read (ring mode)", err, 1, EINVAL, -1);
		else
			expect(f, "read", err, 0, EMSGSIZE, EAGAIN, -1);
	}
}

static void op_ioctl(struct fuzz *f)
{
	struct lumen_raw_stats s;
	struct lumen_raw_info info;
	unsigned long cmd;
	char junk[256];
	int err;

	switch (random() % 4) {
	case 0:
		err = sys_err(ioctl(f->fd, LUMEN_RAW_IOC_INFO, &info));
		expect(f, "info", err, 0, -1);
		break;
	case 1:
		err = sys_err(ioctl(f->fd, LUMEN_RAW_IOC_STATS, &s));
		expect(f, "stats", err, !f->created,
		       f->created ? -1 : ENOTCONN, -1);
		break;
	case 2:
		/* bad user pointers */
		cmd = random() % 2 ? LUMEN_RAW_IOC_INFO : LUMEN_RAW_IOC_CREATE;
		err = sys_err(ioctl(f->fd, cmd, (void *)(uintptr_t)(rnd64() | 1)));
		expect(f, "ioctl bad pointer", err, 1, EFAULT, EBUSY, -1);
		break;
	default:
		cmd = _IOC(random() % 4, random() % 2 ? LUMEN_RAW_IOC_MAGIC : random() % 256,
			   random() % 16, random() % 256);
		if (cmd == LUMEN_RAW_IOC_INFO || cmd == LUMEN_RAW_IOC_CREATE ||
		    cmd == LUMEN_RAW_IOC_KICK || cmd == LUMEN_RAW_IOC_STATS)
			break;
		err = sys_err(ioctl(f->fd, cmd, junk));
		expect(f, "unknown ioctl", err, 1, ENOTTY, -1);
		break;
	}
}

static void op_poll(struct fuzz *f)
{
	struct pollfd p = { .fd = f->fd, .events = POLLIN | POLLOUT };

	if (poll(&p, 1, 0) < 0)
		bad(f, "poll", errno);
}

static void drop_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ||
	    syscall(SYS_capset, &h, d)) {
		perror("dropping privileges");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct fuzz f = { .fd = -1 };
	unsigned long calls;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: lumen-rawfuzz DEVPATH CALLS SEED [unpriv]\n");
		return 2;
	}
	f.path = argv[1];
	calls = strtoul(argv[2], NULL, 0);
	srandom(strtoul(argv[3], NULL, 0));
	f.unpriv = argc == 5 && !strcmp(argv[4], "unpriv");
	reopen(&f);		/* opened while privileged, as a service would */
	if (f.unpriv)
		drop_privileges();

	for (f.calls = 0; f.calls < calls; f.calls++) {
		switch (random() % 16) {
		case 0:
			/* a new file needs the privilege to open one */
			if (!f.unpriv)
				reopen(&f);
			break;
		case 1: case 2:
			op_create(&f);
			break;
		case 3: case 4:
			op_mmap(&f);
			break;
		case 5: case 6: case 7: case 8:
			op_scribble(&f);
			break;
		case 9: case 10: case 11:
			op_rw(&f);
			break;
		case 12: case 13:
			op_ioctl(&f);
			break;
		default:
			op_poll(&f);
			break;
		}
	}
	unmap_all(&f);
	close(f.fd);
	printf("%lu calls, %lu unexpected\n", f.calls, f.bad);
	return f.bad ? 1 : 0;
}
