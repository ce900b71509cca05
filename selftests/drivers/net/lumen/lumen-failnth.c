// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-failnth: make the N-th fault injection point (kmalloc, page
 * allocation, ...: Documentation/fault-injection) that one operation
 * reaches in the kernel fail, and report what happened.
 *
 *   lumen-failnth N bind BDF      bind lumen to a PCI device (probe)
 *   lumen-failnth N up IFNAME     set an interface up (ndo_open)
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
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

static int op_bind(const char *bdf)
{
	return write_str("/sys/bus/pci/drivers/lumen/bind", bdf);
}

static int op_up(const char *ifname)
{
	struct ifreq ifr;
	int fd, err = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		err = errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			err = errno;
	}
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	char buf[32];
	int fd, err;
	ssize_t n;

	if (argc != 4) {
		fprintf(stderr, "usage: lumen-failnth N bind BDF | N up IFNAME\n");
		return 2;
	}
	if (strcmp(argv[2], "bind") && strcmp(argv[2], "up")) {
		fprintf(stderr, "lumen-failnth: unknown operation '%s'\n", argv[2]);
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

	err = strcmp(argv[2], "bind") ? op_up(argv[3]) : op_bind(argv[3]);

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
