// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-failnth: make the N-th fault injection point (kmalloc, page
 * allocation, ...: Documentation/fault-injection) that one operation
 * reaches in the kernel fail, and report what happened.
 *
 *   lumen-failnth N bind BDF              bind lumen to a PCI device (probe)
 *   lumen-failnth N up IFNAME             set an interface up (ndo_open)
 *   lumen-failnth N rings IFNAME TX RX    set ring sizes (ethtool -G)
 *   lumen-failnth N channels IFNAME C     set combined channels (ethtool -L)
 *   lumen-failnth N rawchan DEVPATH       open a raw device, create a
 *                                         channel, map it, close it
 *
 * Prints "err=E left=L": E is the operation's errno (0: it succeeded), L
 * the points still to go when it returned (0: the fault was injected; more
 * than 0: the operation reached fewer than N points, so every point has
 * been tried once N goes past it).  Exits 0 when it could tell, 2 when not.
 *
 * /proc/thread-self/fail-nth belongs to the task and fork clears it, so
 * the operation is done here, by the same task, with plain system calls.
 * Needs CONFIG_FAULT_INJECTION.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/lumen.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAIL_NTH "/proc/thread-self/fail-nth"

static int write_str(const char *path, const char *s)
{
	ssize_t len = strlen(s);
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, s, len) != len)
		err = errno;
	close(fd);
	return err;
}

/* An ioctl on IFNAME through a datagram socket. */
static int if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	strcpy(ifr->ifr_name, ifname);
	if (ioctl(fd, req, ifr) < 0)
		err = errno;
	close(fd);
	return err;
}

static int op_bind(char **arg)
{
	return write_str("/sys/bus/pci/drivers/lumen/bind", arg[0]);
}

static int op_up(char **arg)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	err = if_ioctl(arg[0], SIOCGIFFLAGS, &ifr);
	if (err)
		return err;
	ifr.ifr_flags |= IFF_UP;
	return if_ioctl(arg[0], SIOCSIFFLAGS, &ifr);
}

static int op_rings(char **arg)
{
	struct ethtool_ringparam ring = { .cmd = ETHTOOL_SRINGPARAM };
	struct ifreq ifr;

	ring.tx_pending = strtoul(arg[1], NULL, 0);
	ring.rx_pending = strtoul(arg[2], NULL, 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)&ring;
	return if_ioctl(arg[0], SIOCETHTOOL, &ifr);
}

static int op_channels(char **arg)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_SCHANNELS };
	struct ifreq ifr;

	ch.combined_count = strtoul(arg[1], NULL, 0);
	ch.other_count = 1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)&ch;
	return if_ioctl(arg[0], SIOCETHTOOL, &ifr);
}

/* A mapping of AREA at OFF of SIZE bytes, unmapped again: 0 or errno. */
static int map_unmap(int fd, unsigned long long off, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, size);
	return 0;
}

static int op_rawchan(char **arg)
{
	struct lumen_raw_create c = {
		.chan = 77, .tx_entries = 64, .rx_entries = 64,
		.frame_size = 2048, .frames = 128,
	};
	int fd, err = 0;

	fd = open(arg[0], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (ioctl(fd, LUMEN_RAW_IOC_CREATE, &c) < 0)
		err = errno;
	if (!err)
		err = map_unmap(fd, LUMEN_RAW_MMAP_RINGS, c.rings_size);
	if (!err)
		err = map_unmap(fd, LUMEN_RAW_MMAP_FRAMES, c.frames_size);
	close(fd);
	return err;
}

static const struct op {
	const char *name;
	int nargs;
	int (*run)(char **arg);
} ops[] = {
	{ "bind", 1, op_bind },
	{ "up", 1, op_up },
	{ "rings", 3, op_rings },
	{ "channels", 2, op_channels },
	{ "rawchan", 1, op_rawchan },
};

static const struct op *find_op(int argc, char **argv)
{
	unsigned int i;

	if (argc < 3)
		return NULL;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(argv[2], ops[i].name) && argc == 3 + ops[i].nargs)
			return &ops[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct op *op = find_op(argc, argv);
	char buf[32];
	int fd, err;
	ssize_t n;

	if (!op) {
		fprintf(stderr, "usage: lumen-failnth N bind BDF | N up IFNAME |\n"
			"       N rings IFNAME TX RX | N channels IFNAME COMBINED |\n"
			"       N rawchan DEVPATH\n");
		return 2;
	}

	/* Opened first, so that reading it back reaches no new points. */
	fd = open(FAIL_NTH, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "lumen-failnth: %s: %s\n", FAIL_NTH, strerror(errno));
		return 2;
	}
	if (write(fd, argv[1], strlen(argv[1])) < 0) {
		fprintf(stderr, "lumen-failnth: bad count '%s': %s\n", argv[1],
			strerror(errno));
		return 2;
	}

	err = op->run(argv + 3);

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		fprintf(stderr, "lumen-failnth: reading back: %s\n", strerror(errno));
		return 2;
	}
	buf[n] = '\0';
	/* Stop counting before anything else happens in this task. */
	if (pwrite(fd, "0", 1, 0) < 0)
		return 2;
	printf("err=%d left=%ld\n", err, strtol(buf, NULL, 10));
	return 0;
}
