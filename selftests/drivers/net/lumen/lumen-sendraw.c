// SPDX-License-Identifier: GPL-2.0
/*
 * lumen-sendraw: send one raw Ethernet frame, given in hex, on an
 * interface through AF_PACKET, COUNT times.
 *
 *   lumen-sendraw IFNAME HEX [COUNT]
 *
 * HEX is the whole frame from the destination address on, without FCS,
 * e.g. a PAUSE frame: 0180c2000001 <source> 8808 0001 ffff.  For frames
 * the stack will not build, such as MAC control frames.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_hex(const char *hex, unsigned char *buf, size_t max)
{
	size_t n = 0;

	while (hex[0] && hex[1]) {
		char byte[3] = { hex[0], hex[1], 0 };
		char *end;

		if (n == max)
			return -1;
		buf[n++] = strtoul(byte, &end, 16);
		if (*end)
			return -1;
		hex += 2;
	}
	return *hex ? -1 : (int)n;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned char frame[ETH_FRAME_LEN];
	int fd, len, count, i;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: lumen-sendraw IFNAME HEX [COUNT]\n");
		return 2;
	}
	len = parse_hex(argv[2], frame, sizeof(frame));
	if (len < ETH_HLEN) {
		fprintf(stderr, "lumen-sendraw: bad frame '%s'\n", argv[2]);
		return 2;
	}
	count = argc == 4 ? atoi(argv[3]) : 1;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, frame, ETH_ALEN);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "lumen-sendraw: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("lumen-sendraw: socket");
		return 2;
	}
	for (i = 0; i < count; i++) {
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll,
			   sizeof(sll)) != len) {
			perror("lumen-sendraw: sendto");
			return 1;
		}
	}
	close(fd);
	return 0;
}
