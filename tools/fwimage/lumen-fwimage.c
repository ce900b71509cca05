// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-fwimage: build and inspect lumen firmware images, the files
 * `devlink dev flash` writes to the device's stored bank.
 *
 *   lumen-fwimage create -o FILE -V MAJOR.MINOR.BUILD [options]
 *       -i FILE     payload from this file (else -s bytes of filler)
 *       -s BYTES    filler payload size (default 131072)
 *       -n NAME     build name in the header (default "lumen-fwimage")
 *       -D ID       PCI device id (default the lumen's, for tests)
 *   lumen-fwimage show FILE
 *       print the header and check it as the device will; exit 1 if the
 *       device would refuse the image
 *
 * The format is struct lumen_fw_hdr (drivers/net/ethernet/lumen/
 * lumen_hw.h) followed by the payload; docs/lumen.rst describes it.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

/* What lumen_hw.h expects from its includer, as the kernel defines it. */
#define BIT(n)		(1UL << (n))
#define GENMASK(h, l)	((~0ULL << (l)) & (~0ULL >> (63 - (h))))

#include "lumen_hw.h"

_Static_assert(sizeof(struct lumen_fw_hdr) == LUMEN_FW_HDR_LEN,
	       "lumen_fw_hdr layout");

#define DEFAULT_PAYLOAD	(128 * 1024)

/* CRC-32 of IEEE 802.3, reflected, as zlib's crc32(0, buf, len). */
static uint32_t crc32_ieee(const uint8_t *buf, size_t len)
{
	uint32_t crc = ~0U;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= buf[i];
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

static uint32_t hdr_crc(const struct lumen_fw_hdr *h)
{
	return crc32_ieee((const uint8_t *)h,
			  offsetof(struct lumen_fw_hdr, hdr_crc));
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: lumen-fwimage create -o FILE -V MAJOR.MINOR.BUILD [-i PAYLOAD | -s BYTES]\n"
		"                            [-n NAME] [-D DEVICE_ID]\n"
		"       lumen-fwimage show FILE\n");
	exit(2);
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "lumen-fwimage: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int parse_ulong(const char *s, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static int parse_version(const char *s, uint32_t *ver)
{
	unsigned int major, minor, build;
	char end;

	if (sscanf(s, "%u.%u.%u%c", &major, &minor, &build, &end) != 3 ||
	    major > 0xff || minor > 0xff || build > 0xffff)
		return -1;
	*ver = major << 24 | minor << 16 | build;
	return 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	size_t cap = 0, n;
	FILE *f = fopen(path, "rb");

	if (!f)
		die(path);
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				die("realloc");
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (ferror(f))
		die(path);
	fclose(f);
	return buf;
}

/* A filler payload that differs from one version to the next. */
static uint8_t *filler(size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len ? len : 1);
	uint32_t x = seed | 1;
	size_t i;

	if (!buf)
		die("malloc");
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x;
	}
	return buf;
}

static int cmd_create(int argc, char **argv)
{
	const char *out = NULL, *in = NULL, *name = "lumen-fwimage";
	unsigned long plen = DEFAULT_PAYLOAD;
	unsigned long devid = LUMEN_PCI_DEVICE_ID;
	struct lumen_fw_hdr h;
	uint32_t ver = 0;
	bool have_ver = false;
	uint8_t *payload = NULL;
	const char *sde;
	size_t flen;
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "o:V:i:s:n:D:")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'V':
			if (parse_version(optarg, &ver))
				usage();
			have_ver = true;
			break;
		case 'i':
			in = optarg;
			break;
		case 's':
			if (parse_ulong(optarg, &plen))
				usage();
			break;
		case 'n':
			name = optarg;
			break;
		case 'D':
			if (parse_ulong(optarg, &devid))
				usage();
			break;
		default:
			usage();
		}
	}
	if (!out || !have_ver || optind != argc || devid > 0xffff ||
	    strlen(name) >= sizeof(h.name))
		usage();

	if (in) {
		payload = read_file(in, &flen);
		plen = flen;
	}
	if (plen > LUMEN_FW_MAX_SIZE - LUMEN_FW_HDR_LEN) {
		fprintf(stderr, "lumen-fwimage: payload of %lu bytes does not fit the %u-byte bank\n",
			plen, LUMEN_FW_MAX_SIZE);
		return 1;
	}
	if (!in)
		payload = filler(plen, ver);

	memset(&h, 0, sizeof(h));
	h.magic = htole32(LUMEN_FW_MAGIC);
	h.hdr_version = htole16(LUMEN_FW_HDR_VERSION);
	h.hdr_len = htole16(LUMEN_FW_HDR_LEN);
	h.vendor_id = htole16(LUMEN_PCI_VENDOR_ID);
	h.device_id = htole16(devid);
	h.version = htole32(ver);
	h.payload_len = htole32(plen);
	h.payload_crc = htole32(crc32_ieee(payload, plen));
	sde = getenv("SOURCE_DATE_EPOCH");
	h.build_time = htole64(sde ? strtoull(sde, NULL, 10) :
			       (uint64_t)time(NULL));
	strncpy(h.name, name, sizeof(h.name) - 1);
	h.hdr_crc = htole32(hdr_crc(&h));

	f = fopen(out, "wb");
	if (!f)
		die(out);
	if (fwrite(&h, sizeof(h), 1, f) != 1 ||
	    (plen && fwrite(payload, plen, 1, f) != 1) || fclose(f))
		die(out);
	free(payload);
	return 0;
}

/* The device's checks, in the device's order; NULL if it would take it. */
static const char *check(const uint8_t *img, size_t len,
			 const struct lumen_fw_hdr *h)
{
	if (len < LUMEN_FW_HDR_LEN)
		return "truncated: smaller than the header";
	if (le32toh(h->magic) != LUMEN_FW_MAGIC)
		return "not a lumen firmware image (bad magic)";
	if (le16toh(h->hdr_version) != LUMEN_FW_HDR_VERSION ||
	    le16toh(h->hdr_len) != LUMEN_FW_HDR_LEN ||
	    le32toh(h->hdr_crc) != hdr_crc(h))
		return "header is corrupt";
	if (le16toh(h->vendor_id) != LUMEN_PCI_VENDOR_ID ||
	    le16toh(h->device_id) != LUMEN_PCI_DEVICE_ID)
		return "built for another device";
	if ((uint64_t)le32toh(h->payload_len) + LUMEN_FW_HDR_LEN != len)
		return "size differs from the header's";
	if (le32toh(h->payload_crc) !=
	    crc32_ieee(img + LUMEN_FW_HDR_LEN, len - LUMEN_FW_HDR_LEN))
		return "payload CRC mismatch";
	return NULL;
}

static int cmd_show(int argc, char **argv)
{
	struct lumen_fw_hdr h;
	const char *verdict;
	uint32_t ver;
	uint8_t *img;
	size_t len;

	if (argc != 2)
		usage();
	img = read_file(argv[1], &len);
	memset(&h, 0, sizeof(h));
	memcpy(&h, img, len < sizeof(h) ? len : sizeof(h));
	ver = le32toh(h.version);
	printf("file:        %s (%zu bytes)\n", argv[1], len);
	printf("magic:       0x%08x\n", le32toh(h.magic));
	printf("device:      %04x:%04x\n", le16toh(h.vendor_id),
	       le16toh(h.device_id));
	printf("version:     %u.%u.%u\n", ver >> 24, (ver >> 16) & 0xff,
	       ver & 0xffff);
	printf("payload:     %u bytes, crc32 0x%08x\n",
	       le32toh(h.payload_len), le32toh(h.payload_crc));
	printf("name:        %.*s\n", (int)sizeof(h.name), h.name);
	printf("build time:  %llu\n", (unsigned long long)le64toh(h.build_time));
	verdict = check(img, len, &h);
	printf("check:       %s\n", verdict ? verdict : "ok");
	free(img);
	return verdict ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "create"))
		return cmd_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	usage();
}
