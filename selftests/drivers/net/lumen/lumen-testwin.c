// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-testwin: reach a lumen device's test-only fault window (BAR4) and,
 * while no driver holds it, its register BAR (BAR0), from a selftest.
 *
 *   lumen-testwin BDF get REG          read a fault-window register
 *   lumen-testwin BDF set REG VALUE    write a fault-window register
 *   lumen-testwin BDF pulse REG VALUE  write it, then at once put back
 *                                      what it held (a brief fault)
 *   lumen-testwin BDF bar0 REG         read a BAR0 register (driver unbound)
 *
 * REG is a byte offset (0x...) or a fault-window register name: id,
 * faults, rev, corrupt, mod_temp, lane_los, lane_atten, laser_age.
 * Values print as 0x%08x.  This is a test tool: the window
 * makes the device misbehave on purpose, and the driver never touches it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/types.h>

/* What lumen_hw.h expects from its includer, as the kernel defines it. */
#define BIT(n)		(1UL << (n))
#define GENMASK(h, l)	((~0UL << (l)) & (~0UL >> (63 - (h))))

#include "lumen_hw.h"

struct named_reg {
	const char *name;
	unsigned long off;
};

static const struct named_reg testwin_regs[] = {
	{ "id",		LUMEN_TEST_ID },
	{ "faults",	LUMEN_TEST_FAULTS },
	{ "rev",	LUMEN_TEST_REV },
	{ "corrupt",	LUMEN_TEST_CORRUPT },
	{ "mod_temp",	LUMEN_TEST_MOD_TEMP },
	{ "lane_los",	LUMEN_TEST_LANE_LOS },
	{ "lane_atten",	LUMEN_TEST_LANE_ATTEN },
	{ "laser_age",	LUMEN_TEST_LASER_AGE },
};

static void usage(void)
{
	fprintf(stderr,
		"usage: lumen-testwin BDF get REG\n"
		"       lumen-testwin BDF set REG VALUE\n"
		"       lumen-testwin BDF pulse REG VALUE\n"
		"       lumen-testwin BDF bar0 REG\n");
	exit(2);
}

static unsigned long parse_reg(const char *s, size_t limit)
{
	unsigned long off;
	size_t i;
	char *end;

	for (i = 0; i < sizeof(testwin_regs) / sizeof(testwin_regs[0]); i++)
		if (!strcmp(s, testwin_regs[i].name))
			return testwin_regs[i].off;

	errno = 0;
	off = strtoul(s, &end, 0);
	if (errno || *end || off % 4 || off + 4 > limit) {
		fprintf(stderr, "lumen-testwin: bad register '%s'\n", s);
		exit(2);
	}
	return off;
}

static volatile uint32_t *map_bar(const char *bdf, int bar, size_t len)
{
	char path[256];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
		 bdf, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "lumen-testwin: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "lumen-testwin: mmap %s: %s\n", path,
			strerror(errno));
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	volatile uint32_t *win;
	unsigned long off, val;
	char *end;

	if (argc < 4)
		usage();

	if (!strcmp(argv[2], "bar0") && argc == 4) {
		off = parse_reg(argv[3], LUMEN_BAR_REGS_SIZE);
		win = map_bar(argv[1], LUMEN_BAR_REGS, LUMEN_BAR_REGS_SIZE);
		printf("0x%08x\n", win[off / 4]);
		return 0;
	}

	off = parse_reg(argv[3], LUMEN_BAR_TEST_SIZE);
	win = map_bar(argv[1], LUMEN_BAR_TEST, LUMEN_BAR_TEST_SIZE);
	if (!strcmp(argv[2], "get") && argc == 4) {
		printf("0x%08x\n", win[off / 4]);
		return 0;
	}
	if ((!strcmp(argv[2], "set") || !strcmp(argv[2], "pulse")) &&
	    argc == 5) {
		uint32_t old = win[off / 4];

		errno = 0;
		val = strtoul(argv[4], &end, 0);
		if (errno || *end || val > UINT32_MAX) {
			fprintf(stderr, "lumen-testwin: bad value '%s'\n", argv[4]);
			return 2;
		}
		win[off / 4] = val;
		if (!strcmp(argv[2], "pulse"))
			win[off / 4] = old;
		return 0;
	}
	usage();
	return 2;
}
