/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lumen optical NIC: hardware interface.
 *
 * This is the one definition of the device's registers and descriptors.
 * The driver and the QEMU device model both compile it, so the two cannot
 * drift apart: keep it to plain constants, macros and fixed-layout structs.
 *
 * The kernel provides BIT(), GENMASK() and the __le types; the device model
 * provides them through its own shim (tools/qemu/lumen/lumen-hw-shim.h).
 *
 * docs/programming-reference.rst is the prose for everything here.
 */
#ifndef _LUMEN_HW_H_
#define _LUMEN_HW_H_

/* PCI identity: vendor 0x1234 is the one QEMU's own test devices use. */
#define LUMEN_PCI_VENDOR_ID		0x1234
#define LUMEN_PCI_DEVICE_ID		0x4c55
#define LUMEN_PCI_REVISION		0x01
#define LUMEN_PCI_SUBSYS_ID		0x0001

/* BARs */
#define LUMEN_BAR_REGS			0	/* registers, 64-bit */
#define LUMEN_BAR_REGS_SIZE		0x10000
#define LUMEN_BAR_MSIX			2	/* MSI-X table and PBA */
#define LUMEN_BAR_TEST			4	/* test-only fault window */
#define LUMEN_BAR_TEST_SIZE		0x1000

/* Limits */
#define LUMEN_MAX_QP			16	/* TX/RX queue pairs */
#define LUMEN_MAX_RAW_QP		8	/* raw-frame queue pairs */
#define LUMEN_MAX_VECTORS		(1 + LUMEN_MAX_QP + LUMEN_MAX_RAW_QP)
#define LUMEN_MISC_VECTOR		0
#define LUMEN_NUM_LANES			8
#define LUMEN_RING_MIN			64
#define LUMEN_RING_MAX			4096
#define LUMEN_CQ_MAX			(2 * LUMEN_RING_MAX)
#define LUMEN_MIN_FRAME			60	/* without FCS */
#define LUMEN_MAX_FRAME			9632	/* 9600 MTU + 14 + 18 spare */
#define LUMEN_RX_BUF_MIN		256
#define LUMEN_RX_PKTBUF_SIZE		0x40000	/* frames waiting for buffers */
#define LUMEN_TX_DESC_MAX_LEN		0xffff
#define LUMEN_TSO_MAX_LEN		0xffff	/* a TSO frame, headers included */
#define LUMEN_TSO_MIN_MSS		64

/* Register blocks in BAR0.  Every register is 32 bits wide, little endian,
 * and naturally aligned; statistics counters are 64 bits and may be read
 * with one 64-bit access or as two 32-bit halves.
 */
#define LUMEN_CTRL_BASE			0x0000
#define LUMEN_INTR_BASE			0x0100
#define LUMEN_PORT_BASE			0x0200
#define LUMEN_LANE_BASE			0x0400	/* per lane, optical-port issue */
#define LUMEN_CMIS_BASE			0x0800	/* module management */
#define LUMEN_MBOX_BASE			0x0c00	/* firmware mailbox */
#define LUMEN_QP_BASE			0x1000
#define LUMEN_RSS_BASE			0x2000
#define LUMEN_STAT_BASE			0x3000
#define LUMEN_RAW_BASE			0x4000	/* raw-frame channels */

/* CTRL: identity, reset, capabilities */
#define LUMEN_CTRL_ID			0x0000	/* RO magic */
#define   LUMEN_CTRL_ID_MAGIC		0x4c554d4e	/* "LUMN" */
#define LUMEN_CTRL_REV			0x0004	/* RO */
#define   LUMEN_CTRL_REV_MINOR		GENMASK(7, 0)
#define   LUMEN_CTRL_REV_MAJOR		GENMASK(15, 8)
#define   LUMEN_REV_MAJOR_SUPPORTED	1
#define LUMEN_CTRL_FW_VER		0x0008	/* RO running firmware */
#define   LUMEN_FW_VER_BUILD		GENMASK(15, 0)
#define   LUMEN_FW_VER_MINOR		GENMASK(23, 16)
#define   LUMEN_FW_VER_MAJOR		GENMASK(31, 24)
#define LUMEN_CTRL_CAP			0x000c	/* RO */
#define   LUMEN_CTRL_CAP_QP		GENMASK(7, 0)
#define   LUMEN_CTRL_CAP_VECTORS	GENMASK(15, 8)
#define   LUMEN_CTRL_CAP_LANES		GENMASK(19, 16)
#define   LUMEN_CTRL_CAP_RAW		GENMASK(23, 20)	/* raw queue pairs */
#define LUMEN_CTRL_CTRL			0x0010	/* RW */
#define   LUMEN_CTRL_CTRL_RESET		BIT(0)	/* self-clearing */
#define LUMEN_CTRL_STATUS		0x0014	/* RO */
#define   LUMEN_CTRL_STATUS_READY	BIT(0)
#define   LUMEN_CTRL_STATUS_FATAL	BIT(1)
#define   LUMEN_CTRL_STATUS_RESETTING	BIT(2)
#define LUMEN_CTRL_MAC_LO		0x0018	/* RO factory MAC, bytes 0-3 */
#define LUMEN_CTRL_MAC_HI		0x001c	/* RO bytes 4-5 in bits 15:0 */
#define LUMEN_CTRL_SERIAL_LO		0x0020	/* RO, same as the PCIe DSN */
#define LUMEN_CTRL_SERIAL_HI		0x0024
#define LUMEN_CTRL_BOARD_ID		0x0028	/* RO */
#define LUMEN_CTRL_SCRATCH		0x002c	/* RW, no side effects */
#define LUMEN_CTRL_CLOCK_LO		0x0030	/* RO device clock, ns */
#define LUMEN_CTRL_CLOCK_HI		0x0034
#define LUMEN_CTRL_PORTS		0x0038	/* RW, port split, below */
#define LUMEN_CTRL_END			0x003c

/* Port split (breakout).  The 8 lanes form CTRL_PORTS ports: 1 (reset),
 * 2, 4 or 8, each of 8 / CTRL_PORTS lanes; port k owns lanes
 * k * 8 / CTRL_PORTS onwards and the PORT registers at
 * LUMEN_PORT_REG(k, reg).  A write of another value is ignored.  A write
 * that changes the split resets every port (PORT registers, RSS of the
 * port, its counters, packet buffer, link training: lit ports say BYE
 * first) and gives port k the default PORT_CFG of its width: all its
 * lanes at LUMEN_PORT_CFG_DEFAULT_RATE.  Queue pairs keep running.
 */
#define LUMEN_MAX_PORTS			8

/* Reset takes this long in the model; drivers wait up to the timeout. */
#define LUMEN_RESET_TIME_US		2000
#define LUMEN_RESET_TIMEOUT_US		500000

/* INTR: slow-path ("misc") interrupt causes, all on one vector */
#define LUMEN_INTR_CAUSE		0x0100	/* RW1C */
#define LUMEN_INTR_ENABLE		0x0104	/* RW */
#define LUMEN_INTR_MISC_VEC		0x0108	/* RW MSI-X vector of misc */
#define LUMEN_INTR_SET			0x010c	/* WO, raises causes: self-test */
#define   LUMEN_INTR_LINK		BIT(0)	/* PORT_STATUS changed */
#define   LUMEN_INTR_MODULE		BIT(1)	/* module plugged/unplugged */
#define   LUMEN_INTR_MBOX		BIT(2)	/* firmware mailbox reply */
#define   LUMEN_INTR_FATAL		BIT(3)	/* CTRL_STATUS_FATAL set */
#define   LUMEN_INTR_QERR		BIT(4)	/* a queue stopped on an error */
#define   LUMEN_INTR_TEST		BIT(5)	/* only ever from INTR_SET */
#define   LUMEN_INTR_ALL		GENMASK(5, 0)
#define LUMEN_INTR_END			0x0110

/* PORT: MAC and link */
#define LUMEN_PORT_CTRL			0x0200	/* RW */
#define   LUMEN_PORT_CTRL_TX_EN		BIT(0)
#define   LUMEN_PORT_CTRL_RX_EN		BIT(1)
#define   LUMEN_PORT_CTRL_LOOPBACK	BIT(2)	/* TX looped to RX in the MAC */
#define   LUMEN_PORT_CTRL_PROMISC	BIT(3)
#define   LUMEN_PORT_CTRL_ALLMULTI	BIT(4)
#define LUMEN_PORT_STATUS		0x0204	/* RO */
#define   LUMEN_PORT_STATUS_LINK	BIT(0)
#define   LUMEN_PORT_STATUS_LANES	GENMASK(11, 8)	/* active lanes */
#define   LUMEN_PORT_STATUS_SPEED	GENMASK(31, 16)	/* Gb/s */
#define LUMEN_PORT_MAX_FRAME		0x0208	/* RW, bytes without FCS */
#define LUMEN_PORT_ADDR_LO		0x020c	/* RW unicast filter address */
#define LUMEN_PORT_ADDR_HI		0x0210
#define LUMEN_PORT_DOWN_REASON		0x0214	/* RO, LUMEN_DOWN_* */
#define LUMEN_PORT_LED			0x0218	/* RW, identify LED */
#define   LUMEN_PORT_LED_MODE		GENMASK(1, 0)	/* LUMEN_LED_* */
#define LUMEN_PORT_FEC			0x021c	/* RW, forward error correction */
#define   LUMEN_PORT_FEC_MODE		GENMASK(1, 0)	/* LUMEN_FEC_* */
#define LUMEN_PORT_CFG			0x0220	/* RW, lanes and lane rate */
#define   LUMEN_PORT_CFG_LANES		GENMASK(3, 0)	/* 1, 2, 4 or 8 */
#define   LUMEN_PORT_CFG_RATE		GENMASK(9, 8)	/* LUMEN_LANE_RATE_* */
#define   LUMEN_PORT_CFG_PRESET		BIT(12)	/* no link training, below */
#define LUMEN_PORT_BRINGUP_US		0x0224	/* RO, device time the last */
					/* lane bring-up took; 0: none yet */
#define LUMEN_PORT_BER_LIMIT		0x0228	/* RW, below; reset 0 */
#define LUMEN_PORT_QPS			0x022c	/* RW, the port's queue pairs */
#define   LUMEN_PORT_QPS_FIRST		GENMASK(7, 0)
#define   LUMEN_PORT_QPS_COUNT		GENMASK(15, 8)
#define LUMEN_PORT_END			0x0230

/* Port k's copy of a PORT register; ports at or above CTRL_PORTS read 0
 * and ignore writes.
 *
 * PORT_QPS: the queue pairs the port owns, FIRST to FIRST + COUNT - 1.
 * Frames the port receives go to them only (an RSS entry naming another
 * queue pair means FIRST; a port with none of the device's queue pairs
 * drops them as RX_DROP_DISABLED); frames a queue pair sends go out of the
 * lowest port that owns it, port 0 when none does.  Resets to all
 * LUMEN_MAX_QP for port 0, none for the others.
 */
#define LUMEN_PORT_STRIDE		0x40
#define LUMEN_PORT_REG(k, reg)		((reg) + (k) * LUMEN_PORT_STRIDE)

/* CMIS: the management interface of the pluggable module (QSFP-DD or
 * OSFP, CMIS 5.0), the two-wire bus a host reaches a module through.
 * One command reads or writes 1 to 128 bytes within one half of one
 * page (bytes 0-127 are the lower page, whatever the page; 128-255 the
 * upper half of the page and bank given): write the bytes to CMIS_DATA
 * for a write, then CMIS_CMD.  CMIS_STATUS.BUSY holds while the bus
 * transfers (LUMEN_CMIS_CMD_US plus LUMEN_CMIS_BYTE_US a byte of device
 * time), then ERR says whether it failed (no module, a page it does not
 * have, a command across the halves) and a read's bytes are in
 * CMIS_DATA.  A command written while BUSY is ignored.  INTR_MODULE is
 * raised when the module is plugged or unplugged, and when its state
 * changes.
 */
#define LUMEN_CMIS_STATUS		0x0800	/* RO */
#define   LUMEN_CMIS_STATUS_PRESENT	BIT(0)	/* a module is plugged in */
#define   LUMEN_CMIS_STATUS_BUSY	BIT(1)	/* a command is running */
#define   LUMEN_CMIS_STATUS_ERR		BIT(2)	/* the last command failed */
#define LUMEN_CMIS_CTRL			0x0804	/* RW */
#define   LUMEN_CMIS_CTRL_LPMODE	BIT(0)	/* the LPMode pin: low power */
#define LUMEN_CMIS_CMD			0x0808	/* WO, starts a command */
#define   LUMEN_CMIS_CMD_OFFSET		GENMASK(7, 0)	/* first byte, 0-255 */
#define   LUMEN_CMIS_CMD_PAGE		GENMASK(15, 8)
#define   LUMEN_CMIS_CMD_BANK		GENMASK(19, 16)
#define   LUMEN_CMIS_CMD_LEN		GENMASK(27, 20)	/* bytes, 1-128 */
#define   LUMEN_CMIS_CMD_WRITE		BIT(31)
#define LUMEN_CMIS_DATA			0x0900	/* RW, 128 bytes, little endian */
#define LUMEN_CMIS_END			0x0980

/* Bytes of the module's CMIS memory that the driver and the device use:
 * lower page (offsets 0-127, any page) and upper page 02h.
 */
#define LUMEN_MOD_L_STATE		0x03
#define   LUMEN_MOD_STATE		GENMASK(3, 1)	/* CMIS ModuleState */
#define LUMEN_MOD_L_FLAGS		0x09	/* temperature and Vcc flags */
#define   LUMEN_MOD_FLAG_TEMP_HA	BIT(0)	/* high alarm */
#define   LUMEN_MOD_FLAG_TEMP_HW	BIT(2)	/* high warning */
#define   LUMEN_MOD_FLAG_VCC_SHIFT	4	/* Vcc: the same four, above */
#define LUMEN_MOD_L_TEMP		0x0e	/* s16 big endian, 1/256 degC */
#define LUMEN_MOD_L_PWR_CTRL		0x1a
#define   LUMEN_MOD_PWR_ALLOW_HW	BIT(6)	/* the LPMode pin counts */
#define   LUMEN_MOD_PWR_REQ_SW		BIT(4)	/* low power, asked in software */
#define LUMEN_MOD_P02_TEMP_HA		0x80	/* temperature high alarm */
#define LUMEN_MOD_P02_TEMP_HW		0x84	/* temperature high warning */
/* Page 11h lane flags, a bit a lane: four bytes (high alarm, low alarm,
 * high warning, low warning) for each of TX power, TX bias and RX power,
 * and RX LOS.  Like the module's temperature and Vcc flags (lower byte
 * 9, bits: high alarm, low alarm, high warning, low warning) they are
 * latched: set when the condition is seen, cleared when the host reads
 * them (and set again at once if the condition still holds).  A flag
 * newly latched raises LUMEN_INTR_MODULE.
 */
#define LUMEN_MOD_P11_TX_PWR_FLAGS	0x8b
#define LUMEN_MOD_P11_BIAS_FLAGS	0x8f
#define LUMEN_MOD_P11_RX_LOS		0x93
#define LUMEN_MOD_P11_RX_PWR_FLAGS	0x95
#define LUMEN_MOD_P11_FLAGS_END		0x99	/* after the last flag byte */

/* CMIS ModuleState values */
enum lumen_mod_state {
	LUMEN_MOD_LOW_PWR = 1,
	LUMEN_MOD_PWR_UP = 2,
	LUMEN_MOD_READY = 3,
	LUMEN_MOD_FAULT = 5,
};

#define LUMEN_CMIS_CMD_US		100
#define LUMEN_CMIS_BYTE_US		25	/* 400 kHz two-wire bus */
#define LUMEN_CMIS_MAX_LEN		128

/* MBOX: the firmware mailbox.  The device runs one firmware image out of
 * two flash banks: "running" (CTRL_FW_VER) and "stored", the image the
 * next device reset boots once activated.  An image (struct lumen_fw_hdr
 * and its payload) is written to the stored bank in four steps:
 *
 *   BEGIN     MBOX_LEN = the image's size: erases a staging area
 *   WRITE     MBOX_ADDR/LEN/OFFSET: the device DMAs LEN bytes (at most
 *             LUMEN_FW_CHUNK_MAX) from host memory to OFFSET of the image
 *   COMMIT    the device checks the whole image (header, device, size,
 *             CRCs, no downgrade), then programs it into the stored bank
 *   ACTIVATE  the stored image runs after the next device reset
 *
 * ABORT drops the staging area; SELFTEST reads the stored bank back and
 * checks its CRCs.  A command is written to MBOX_CMD and runs while
 * MBOX_STATUS.BUSY; then DONE is set, ERR holds LUMEN_FW_ERR_* (0 for
 * success) and INTR_MBOX is raised.  What COMMIT and ACTIVATE change
 * takes effect when they are DONE.  A command written while BUSY is
 * ignored.  A device reset cancels a running command, drops the staging
 * area and clears MBOX_STATUS (neither DONE nor BUSY), but not the banks;
 * BOOT_ERR then says whether it failed to boot an activated image.
 */
#define LUMEN_MBOX_ADDR_LO		0x0c00	/* RW host DMA address */
#define LUMEN_MBOX_ADDR_HI		0x0c04
#define LUMEN_MBOX_LEN			0x0c08	/* RW bytes */
#define LUMEN_MBOX_OFFSET		0x0c0c	/* RW offset in the image */
#define LUMEN_MBOX_CMD			0x0c10	/* WO, LUMEN_FW_CMD_* */
#define LUMEN_MBOX_STATUS		0x0c14	/* RO */
#define   LUMEN_MBOX_STATUS_BUSY	BIT(0)
#define   LUMEN_MBOX_STATUS_DONE	BIT(1)
#define   LUMEN_MBOX_STATUS_PENDING	BIT(2)	/* ACTIVATE awaits a reset */
#define   LUMEN_MBOX_STATUS_BOOT_ERR	BIT(3)	/* the last reset kept the old
						 * image: the activated one
						 * failed its check
						 */
#define   LUMEN_MBOX_STATUS_ERR		GENMASK(15, 8)	/* LUMEN_FW_ERR_* */
#define LUMEN_MBOX_STORED_VER		0x0c18	/* RO, 0: no valid image */
#define LUMEN_MBOX_END			0x0c1c

enum lumen_fw_cmd {
	LUMEN_FW_CMD_BEGIN = 1,
	LUMEN_FW_CMD_WRITE = 2,
	LUMEN_FW_CMD_COMMIT = 3,
	LUMEN_FW_CMD_ACTIVATE = 4,
	LUMEN_FW_CMD_ABORT = 5,
	LUMEN_FW_CMD_SELFTEST = 6,
};

enum lumen_fw_err {
	LUMEN_FW_OK = 0,
	LUMEN_FW_ERR_CMD = 1,		/* unknown command */
	LUMEN_FW_ERR_SEQ = 2,		/* WRITE/COMMIT without BEGIN */
	LUMEN_FW_ERR_RANGE = 3,		/* size or chunk out of bounds */
	LUMEN_FW_ERR_DMA = 4,		/* the chunk could not be read */
	LUMEN_FW_ERR_MAGIC = 5,		/* not a lumen firmware image */
	LUMEN_FW_ERR_HDR = 6,		/* header version, length or CRC */
	LUMEN_FW_ERR_DEVICE = 7,	/* built for another device */
	LUMEN_FW_ERR_SIZE = 8,		/* size differs from the header's */
	LUMEN_FW_ERR_CRC = 9,		/* payload CRC mismatch */
	LUMEN_FW_ERR_DOWNGRADE = 10,	/* older than the running image */
	LUMEN_FW_ERR_FLASH = 11,	/* programming the bank failed */
	LUMEN_FW_ERR_NO_IMAGE = 12,	/* no valid image in the stored bank */
};

/* Device time of the mailbox: a command, erasing a 64 KiB sector and
 * programming or reading 1 KiB.
 */
#define LUMEN_FW_CMD_US			200
#define LUMEN_FW_ERASE_US		8000
#define LUMEN_FW_KB_US			40
#define LUMEN_FW_SECTOR			0x10000
#define LUMEN_FW_CHUNK_MAX		0x10000
#define LUMEN_FW_MAX_SIZE		0x400000	/* the bank */

/* A firmware image: this header, then payload_len bytes of payload.  All
 * fields little endian; CRCs are the CRC-32 of IEEE 802.3 (zlib's).
 */
#define LUMEN_FW_MAGIC			0x57464d4c	/* "LMFW" in the file */
#define LUMEN_FW_HDR_VERSION		1

struct lumen_fw_hdr {
	__le32 magic;		/* LUMEN_FW_MAGIC */
	__le16 hdr_version;	/* LUMEN_FW_HDR_VERSION */
	__le16 hdr_len;		/* sizeof(struct lumen_fw_hdr) */
	__le16 vendor_id;	/* LUMEN_PCI_VENDOR_ID */
	__le16 device_id;	/* LUMEN_PCI_DEVICE_ID */
	__le32 version;		/* as CTRL_FW_VER: major.minor.build */
	__le32 payload_len;
	__le32 payload_crc;	/* CRC-32 of the payload */
	__le64 build_time;	/* seconds since the epoch */
	char name[24];		/* NUL-padded build name */
	__le32 rsvd;		/* 0 */
	__le32 hdr_crc;		/* CRC-32 of the header up to here */
};

#define LUMEN_FW_HDR_LEN		64

/* Lane rates of PORT_CFG: lane rate r carries LUMEN_LANE_GBPS(r) Gb/s.
 * PORT_CFG resets to 8 lanes of 50G (400 Gb/s); a write with a lane
 * count other than 1, 2, 4 or 8 is ignored.  A change retrains the link:
 * it comes up only when the partner runs the same lanes and rate.
 */
enum lumen_lane_rate {
	LUMEN_LANE_RATE_25G = 0,	/* 25G NRZ */
	LUMEN_LANE_RATE_50G = 1,	/* 50G PAM4 */
	LUMEN_LANE_RATE_100G = 2,	/* 100G PAM4 */
	LUMEN_LANE_RATE_200G = 3,	/* 200G PAM4 */
};

#define LUMEN_LANE_GBPS(rate)		(25U << (rate))
#define LUMEN_PORT_CFG_DEFAULT_LANES	8
#define LUMEN_PORT_CFG_DEFAULT_RATE	LUMEN_LANE_RATE_50G

/* PORT_FEC modes; reset to RS, which 50G PAM4 lanes need.  A write of a
 * reserved mode is ignored.  Each mode corrects up to a pre-FEC bit error
 * ratio (LUMEN_FEC_LIMIT_*, errors per 10^12 bits); a lane at or above it
 * takes the link down (LUMEN_DOWN_HIGH_BER).
 */
enum lumen_fec_mode {
	LUMEN_FEC_OFF = 0,
	LUMEN_FEC_BASER = 1,		/* FC-FEC (Clause 74), 2112-bit blocks */
	LUMEN_FEC_RS = 2,		/* RS(544,514), 5440-bit codewords */
};

/* PORT_BER_LIMIT, nonzero and below the FEC mode's limit, is where the
 * port gives up instead: a lane at or above it takes the link down for a
 * high BER while the FEC could still correct it.
 */
#define LUMEN_FEC_LIMIT_OFF		10000U		/* 1e-8 */
#define LUMEN_FEC_LIMIT_BASER		1000000U	/* 1e-6 */
#define LUMEN_FEC_LIMIT_RS		240000000U	/* 2.4e-4 */

/* LANE: per-lane status.  Lane n owns LUMEN_LANE(n, reg). */
#define LUMEN_LANE_STRIDE		0x20
#define LUMEN_LANE(n, reg)		(LUMEN_LANE_BASE + (n) * LUMEN_LANE_STRIDE + (reg))
#define LUMEN_LANE_STATUS		0x00	/* RO */
#define   LUMEN_LANE_STATUS_SIGNAL	BIT(0)	/* light on the RX lane */
#define   LUMEN_LANE_STATUS_LOCK	BIT(1)	/* frame lock */
#define   LUMEN_LANE_STATUS_STATE	GENMASK(6, 4)	/* LUMEN_LSTATE_* */
#define LUMEN_LANE_BER			0x04	/* RO, pre-FEC bit error ratio */
					/* in errors per 10^12 bits */
#define LUMEN_LANE_SNR			0x08	/* RO, SNR at the slicer in */
					/* 0.1 dB; 0 without signal */
#define LUMEN_LANE_END			LUMEN_LANE(LUMEN_NUM_LANES, 0)

/* Bring-up of an RX lane once light and a partner are there, in device
 * time: signal detect, clock and data recovery, then equalization (link
 * training proper: long for PAM4), each lane a little after the one
 * before; then the port aligns its PCS lanes and, with FEC on, locks the
 * FEC.  Until then the link is down (LUMEN_DOWN_BRINGUP) and the port's
 * training frames do not say READY.  Anything that breaks what the port
 * receives, or a new lane, rate or FEC setting, starts it over.
 */
enum lumen_lane_state {
	LUMEN_LSTATE_OFF = 0,		/* no light, or a lane not in use */
	LUMEN_LSTATE_SIGNAL = 1,	/* detecting the signal */
	LUMEN_LSTATE_CDR = 2,		/* recovering the clock */
	LUMEN_LSTATE_EQ = 3,		/* equalizing (link training) */
	LUMEN_LSTATE_LOCKED = 4,	/* frame lock */
};

/* With PORT_CFG_PRESET a lane skips link training and equalizes from
 * preset coefficients, in LUMEN_BRINGUP_EQ_PRESET_US.  That is enough
 * for 25G NRZ and 50G PAM4 lanes; 100G and 200G PAM4 lanes need link
 * training and never gain frame lock without it (LUMEN_DOWN_TRAINING).
 */
#define LUMEN_BRINGUP_EQ_PRESET_US	2000
/* LANE_SNR: a clean lane's, less 1 dB a dB of attenuated light, and no
 * more than its bit error ratio allows: LUMEN_SNR_AT_1E12 at 1e-12, less
 * LUMEN_SNR_PER_DECADE (0.1 dB) a decade above (2.4e-4: 15.6 dB).
 */
#define LUMEN_SNR_CLEAN			240
#define LUMEN_SNR_AT_1E12		230
#define LUMEN_SNR_PER_DECADE		9
#define LUMEN_BRINGUP_SIGNAL_US		1000
#define LUMEN_BRINGUP_CDR_US		5000
#define LUMEN_BRINGUP_EQ_NRZ_US		20000	/* 25G NRZ */
#define LUMEN_BRINGUP_EQ_PAM4_US	80000	/* 50G PAM4; x1.5, x2.5 above */
#define LUMEN_BRINGUP_SKEW_US		1500	/* lane n starts n times this late */
#define LUMEN_BRINGUP_PCS_US		2000
#define LUMEN_BRINGUP_FEC_US		1000

/* What the port's LED shows, as PORT_LED sets it; reset to NORMAL.  A
 * write of a reserved mode is ignored.
 */
enum lumen_led_mode {
	LUMEN_LED_NORMAL = 0,		/* link and activity, as the port runs */
	LUMEN_LED_OFF = 1,		/* forced off */
	LUMEN_LED_ON = 2,		/* forced on */
};

/* Why the link is down, as PORT_DOWN_REASON reports it: the first of
 * these that holds, in this order.
 */
enum lumen_down_reason {
	LUMEN_DOWN_NONE = 0,		/* link is up */
	LUMEN_DOWN_ADMIN = 1,		/* port not enabled by the driver */
	LUMEN_DOWN_NO_PARTNER = 2,	/* nothing at the far end of the fiber */
	LUMEN_DOWN_NO_SIGNAL = 3,	/* loss of signal on the RX lanes */
	LUMEN_DOWN_TRAINING = 4,	/* lanes did not gain frame lock */
	LUMEN_DOWN_HIGH_BER = 5,	/* a lane's errors beyond the FEC */
	LUMEN_DOWN_FEC_MISMATCH = 6,	/* the partner runs another FEC mode */
	LUMEN_DOWN_PARTNER_NOT_READY = 7, /* the partner does not receive us */
	LUMEN_DOWN_SPEED_MISMATCH = 8,	/* the partner runs other lanes/rate */
	LUMEN_DOWN_NO_MODULE = 9,	/* no module plugged in */
	LUMEN_DOWN_MODULE_LOW_POWER = 10, /* the module is not ready */
	LUMEN_DOWN_MODULE_HOT = 11,	/* the module shut down, overheated */
	LUMEN_DOWN_BRINGUP = 12,	/* the lanes are still coming up */
	LUMEN_DOWN_NUM			/* values from here on are reserved */
};

/* QP: queue pairs.  Queue pair n owns the registers at
 * LUMEN_QP_BASE + n * LUMEN_QP_STRIDE: a TX descriptor ring, an RX buffer
 * ring and one completion queue that reports both, with one MSI-X vector.
 */
#define LUMEN_QP_STRIDE			0x100
#define LUMEN_QP(n, reg)		(LUMEN_QP_BASE + (n) * LUMEN_QP_STRIDE + (reg))
#define LUMEN_TXQ_BASE_LO		0x00
#define LUMEN_TXQ_BASE_HI		0x04
#define LUMEN_TXQ_SIZE			0x08	/* entries, power of two */
#define LUMEN_TXQ_TAIL			0x0c	/* doorbell: next free index */
#define LUMEN_TXQ_HEAD			0x10	/* RO: next index to fetch */
#define LUMEN_TXQ_CTRL			0x14
#define LUMEN_RXQ_BASE_LO		0x20
#define LUMEN_RXQ_BASE_HI		0x24
#define LUMEN_RXQ_SIZE			0x28
#define LUMEN_RXQ_TAIL			0x2c
#define LUMEN_RXQ_HEAD			0x30
#define LUMEN_RXQ_CTRL			0x34
#define LUMEN_CQ_BASE_LO		0x40
#define LUMEN_CQ_BASE_HI		0x44
#define LUMEN_CQ_SIZE			0x48
#define LUMEN_CQ_HEAD			0x4c	/* driver: next entry to read */
#define LUMEN_CQ_TAIL			0x50	/* RO: next entry to write */
#define LUMEN_CQ_CTRL			0x54
#define   LUMEN_Q_CTRL_EN		BIT(0)	/* RW, starts at index 0 */
#define   LUMEN_Q_CTRL_ACTIVE		BIT(1)	/* RO, engine running */
#define   LUMEN_Q_CTRL_ERR		BIT(2)	/* RO, stopped on an error */
#define LUMEN_QP_IRQ_VEC		0x60	/* RW MSI-X vector of the CQ */
#define LUMEN_QP_IRQ_CTRL		0x64
#define   LUMEN_QP_IRQ_ARM		BIT(0)	/* one interrupt, then disarms */
#define   LUMEN_QP_IRQ_SET_HEAD		BIT(1)	/* first CQ_HEAD = HEAD */
#define   LUMEN_QP_IRQ_HEAD		GENMASK(31, 16)
#define LUMEN_QP_IRQ_MOD		0x68	/* holdoff, see the reference */
#define   LUMEN_QP_IRQ_MOD_USECS	GENMASK(15, 0)
#define   LUMEN_QP_IRQ_MOD_FRAMES	GENMASK(31, 16)
#define LUMEN_QP_ERR			0x6c	/* RO, LUMEN_QERR_* of the stop */
#define LUMEN_QP_END			0x70

enum lumen_qerr {
	LUMEN_QERR_NONE = 0,
	LUMEN_QERR_BAD_INDEX = 1,	/* tail or head out of range */
	LUMEN_QERR_DMA = 2,		/* a DMA transfer failed */
	LUMEN_QERR_BAD_CONFIG = 3,	/* size not a power of two in range */
};

/* RAW: raw-frame queue pairs.  Raw queue pair n has the registers of a
 * queue pair, LUMEN_TXQ_BASE_LO to LUMEN_QP_ERR, at LUMEN_RAW_QP(n, reg),
 * with the same meaning, plus RAWQ_CHAN: the channel id it sends with
 * and receives.  Raw queue pairs work whatever PORT_CTRL's TX_EN and
 * RX_EN say (the raw engine sits beside the MAC's frame path); they need
 * the link.
 *
 * TX: a frame is a chain of descriptors as on a queue pair, of 1 to
 * LUMEN_RAW_MAX_LEN payload bytes in all; csum_start of its first
 * descriptor is the flow id it carries; CSUM and TSO complete with
 * ERR_DESC.  The device puts a struct lumen_raw_wire_hdr in front of the
 * payload (and pads the frame to LUMEN_MIN_FRAME).  Its TX completion
 * carries the device clock at transmission, bits 31:0, in hash.
 *
 * RX: a frame from the fiber that starts with LUMEN_RAW_WIRE_DST and
 * LUMEN_RAW_ETHERTYPE is a raw frame, never delivered to a queue pair,
 * whatever the filters say.  Its payload (the header stripped, padding
 * cut at the header's len) goes to the raw queue pair whose RAWQ_CHAN is
 * the header's channel and whose RX ring is ACTIVE; with none it is
 * counted in RAW_RX_NO_CHAN.  Its completions have RX, RAW and EOP on the
 * last one, the flow id in csum, and the device clock at reception, bits
 * 31:0, in hash.  A header whose len runs past the frame counts in
 * RAW_RX_ERR_LEN.
 */
#define LUMEN_RAW_QP(n, reg)		(LUMEN_RAW_BASE + (n) * LUMEN_QP_STRIDE + (reg))
#define LUMEN_RAWQ_CHAN			0x70	/* RW */
#define   LUMEN_RAWQ_CHAN_ID		GENMASK(11, 0)
#define LUMEN_RAW_QP_END		0x74
#define LUMEN_RAW_CHAN_MAX		4095	/* channel ids 0 to this */

/* Raw frames on the fiber: this header, then the payload. */
#define LUMEN_RAW_ETHERTYPE		0x88b5	/* IEEE local experimental */
#define LUMEN_RAW_WIRE_DST		{ 0x03, 0x4c, 0x55, 0x52, 0x41, 0x57 }

struct lumen_raw_wire_hdr {
	__u8 dst[6];		/* LUMEN_RAW_WIRE_DST */
	__u8 src[6];		/* the sender's factory MAC */
	__be16 proto;		/* LUMEN_RAW_ETHERTYPE */
	__be16 chan;		/* channel id, 0 to LUMEN_RAW_CHAN_MAX */
	__be16 flow;		/* flow id, the sender's */
	__be16 len;		/* payload bytes */
};

#define LUMEN_RAW_WIRE_HDR_LEN		20
#define LUMEN_RAW_MAX_LEN		(LUMEN_MAX_FRAME - LUMEN_RAW_WIRE_HDR_LEN)

/* Link training on the fiber.  A port whose TX is enabled sends one of
 * these every LUMEN_TRAIN_PERIOD_MS, and at once when what it says
 * changes; a port whose TX goes off sends one with BYE.  The link comes
 * up when the partner's frames arrive, agree on the FEC mode and say
 * READY: the partner receives this port well.  Frames of a partner that
 * stops without BYE are given up after LUMEN_TRAIN_TIMEOUT_MS.  They are
 * the device's own: never delivered, filtered or counted as frames.
 */
#define LUMEN_TRAIN_WIRE_DST		{ 0x03, 0x4c, 0x55, 0x4c, 0x4e, 0x4b }
#define LUMEN_TRAIN_MAGIC		0x4c54524e	/* "LTRN" */
#define LUMEN_TRAIN_VERSION		1
#define LUMEN_TRAIN_PERIOD_MS		100
#define LUMEN_TRAIN_TIMEOUT_MS		3000

struct lumen_train_wire {
	__u8 dst[6];		/* LUMEN_TRAIN_WIRE_DST */
	__u8 src[6];		/* the sender's factory MAC */
	__be16 proto;		/* LUMEN_RAW_ETHERTYPE */
	__be32 magic;		/* LUMEN_TRAIN_MAGIC */
	__u8 version;		/* LUMEN_TRAIN_VERSION */
	__u8 flags;		/* LUMEN_TRAIN_* */
	__u8 fec;		/* the sender's PORT_FEC mode */
	__u8 lanes;		/* the sender's lanes (PORT_CFG) */
	__u8 rate;		/* the sender's lane rate (PORT_CFG) */
};

#define LUMEN_TRAIN_READY		0x01	/* receives its partner well */
#define LUMEN_TRAIN_BYE			0x02	/* its TX is going off */

/* A split device's ports share the one fiber of the model; port k > 0
 * puts every frame it sends (training frames too) inside this header,
 * and the receiving device hands the inner frame to its port k.  Port 0
 * sends bare frames, so an unsplit partner sees only port 0.  A frame
 * for a port the receiver does not have is light on lanes it does not
 * use: dropped, counted nowhere.
 */
#define LUMEN_SPLIT_WIRE_DST		{ 0x03, 0x4c, 0x55, 0x53, 0x50, 0x4c }

struct lumen_split_wire_hdr {
	__u8 dst[6];		/* LUMEN_SPLIT_WIRE_DST */
	__u8 src[6];		/* the sender's factory MAC */
	__be16 proto;		/* LUMEN_RAW_ETHERTYPE */
	__u8 port;		/* the sending (and receiving) port, 1 to 7 */
	__u8 ports;		/* the sender's CTRL_PORTS */
};

#define LUMEN_SPLIT_WIRE_HDR_LEN	16

/* RSS: receive-side scaling, per port.  Port k's RSS_CTRL and RSS_KEY
 * are at LUMEN_RSS_PORT_CTRL(k) and LUMEN_RSS_PORT_KEY(k, n) (port 0's
 * also at RSS_CTRL and RSS_KEY(n)); of the indirection table it uses the
 * LUMEN_RSS_INDIR_SIZE / CTRL_PORTS entries from
 * k * LUMEN_RSS_INDIR_SIZE / CTRL_PORTS, called entries 0 onwards below.
 *
 * With RSS_CTRL_EN, the device hashes each
 * received IPv4 or IPv6 frame (after at most one VLAN tag) with the
 * Toeplitz function and RSS_KEY over the source and destination
 * addresses and, when its type is enabled and the frame is not a
 * fragment, the TCP or UDP source and destination ports, in that order.
 * Entry hash % (the number of entries the port uses: RSS_INDIR_SIZE
 * unsplit) names the queue pair.  Other frames go to the queue pair of
 * entry 0, and every frame without RSS_CTRL_EN to PORT_QPS.FIRST (0
 * unsplit).
 */
#define LUMEN_RSS_CTRL			0x2000	/* RW */
#define   LUMEN_RSS_CTRL_EN		BIT(0)
#define   LUMEN_RSS_CTRL_IPV4		BIT(1)	/* hash IPv4 addresses */
#define   LUMEN_RSS_CTRL_TCP4		BIT(2)	/* and TCP ports */
#define   LUMEN_RSS_CTRL_UDP4		BIT(3)	/* and UDP ports */
#define   LUMEN_RSS_CTRL_IPV6		BIT(4)
#define   LUMEN_RSS_CTRL_TCP6		BIT(5)
#define   LUMEN_RSS_CTRL_UDP6		BIT(6)
#define   LUMEN_RSS_CTRL_ALL		GENMASK(6, 0)
#define LUMEN_RSS_KEY_SIZE		40	/* bytes */
#define LUMEN_RSS_KEY(n)		(0x2010 + (n) * 4)	/* byte 4n in 7:0 */
#define LUMEN_RSS_INDIR_SIZE		128
#define LUMEN_RSS_INDIR(n)		(0x2100 + (n) * 4)	/* queue pair */
#define   LUMEN_RSS_INDIR_QP		GENMASK(3, 0)
#define LUMEN_RSS_PORT_CTRL(k)		(0x2300 + (k) * 4)
#define LUMEN_RSS_PORT_KEY(k, n)	(0x2400 + (k) * 0x40 + (n) * 4)
#define LUMEN_RSS_END			LUMEN_RSS_PORT_KEY(LUMEN_MAX_PORTS, 0)

/* STAT: device counters, 64 bits each, cleared by reset.  Read them with
 * one 64-bit access or low half first.
 */
#define LUMEN_STAT(n)			(LUMEN_STAT_BASE + (n) * 8)
enum lumen_stat {
	LUMEN_STAT_TX_FRAMES,		/* frames put on the fiber */
	LUMEN_STAT_TX_BYTES,
	LUMEN_STAT_RX_FRAMES,		/* frames delivered to a queue */
	LUMEN_STAT_RX_BYTES,
	LUMEN_STAT_RX_DROP_DISABLED,	/* arrived while RX was disabled */
	LUMEN_STAT_RX_DROP_FILTER,	/* not for this station */
	LUMEN_STAT_RX_ERR_LEN,		/* runt or longer than MAX_FRAME */
	LUMEN_STAT_RX_DROP_NOBUF,	/* no RX buffer or CQ space */
	LUMEN_STAT_TX_DROP_LINK,	/* sent while the link was down */
	LUMEN_STAT_TX_ERR_DESC,		/* malformed TX descriptor chain */
	LUMEN_STAT_RX_MCAST,
	LUMEN_STAT_RX_BCAST,
	LUMEN_STAT_TX_MCAST,
	LUMEN_STAT_TX_BCAST,
	LUMEN_STAT_RX_UNDERSIZE,	/* shorter than 14 bytes (of ERR_LEN) */
	LUMEN_STAT_RX_OVERSIZE,		/* longer than MAX_FRAME (of ERR_LEN) */
	LUMEN_STAT_RX_MAC_CTRL,		/* MAC control frames (0x8808), */
	LUMEN_STAT_RX_PAUSE,		/* of them PAUSE; consumed by the MAC */
	LUMEN_STAT_TX_MAC_CTRL,
	LUMEN_STAT_TX_PAUSE,
	/* Frames by size, counted with the 4-byte FCS the fiber adds: */
	LUMEN_STAT_RX_64,		/* up to 64 bytes */
	LUMEN_STAT_RX_65_127,
	LUMEN_STAT_RX_128_255,
	LUMEN_STAT_RX_256_511,
	LUMEN_STAT_RX_512_1023,
	LUMEN_STAT_RX_1024_1518,
	LUMEN_STAT_RX_1519_MAX,
	LUMEN_STAT_TX_64,
	LUMEN_STAT_TX_65_127,
	LUMEN_STAT_TX_128_255,
	LUMEN_STAT_TX_256_511,
	LUMEN_STAT_TX_512_1023,
	LUMEN_STAT_TX_1024_1518,
	LUMEN_STAT_TX_1519_MAX,
	/* Raw frames (payload bytes) count here and in no counter above: */
	LUMEN_STAT_RAW_TX_FRAMES,
	LUMEN_STAT_RAW_TX_BYTES,
	LUMEN_STAT_RAW_RX_FRAMES,	/* delivered to a raw queue pair */
	LUMEN_STAT_RAW_RX_BYTES,
	LUMEN_STAT_RAW_RX_NO_CHAN,	/* no raw queue pair has the channel */
	LUMEN_STAT_RAW_RX_NOBUF,	/* no RX buffer or CQ space */
	LUMEN_STAT_RAW_RX_ERR_LEN,	/* header len past the frame */
	/* Per lane, LUMEN_NUM_LANES each, while the link is up: */
	LUMEN_STAT_LANE_SYMBOL_ERR,	/* symbol errors on lane 0 */
	LUMEN_STAT_LANE_FEC_CORR = LUMEN_STAT_LANE_SYMBOL_ERR + LUMEN_NUM_LANES,
					/* codewords the FEC corrected */
	LUMEN_STAT_LANE_FEC_UNCORR = LUMEN_STAT_LANE_FEC_CORR + LUMEN_NUM_LANES,
					/* codewords it could not */
	LUMEN_STAT_CNT = LUMEN_STAT_LANE_FEC_UNCORR + LUMEN_NUM_LANES
};

/* Counters below LUMEN_STAT_PORT_CNT are the MAC's, one set per port:
 * port k's at LUMEN_PSTAT(k, n); LUMEN_STAT(n) is port 0's.  Raw and
 * lane counters are the device's (raw frames run on port 0).
 */
#define LUMEN_STAT_PORT_CNT		LUMEN_STAT_RAW_TX_FRAMES
#define LUMEN_PSTAT_BASE		0x5000
#define LUMEN_PSTAT_STRIDE		0x200
#define LUMEN_PSTAT(k, n)		(LUMEN_PSTAT_BASE + (k) * LUMEN_PSTAT_STRIDE + (n) * 8)
#define LUMEN_PSTAT_END			LUMEN_PSTAT(LUMEN_MAX_PORTS, 0)

#define LUMEN_ETH_P_MAC_CTRL		0x8808
#define LUMEN_MAC_CTRL_PAUSE		0x0001	/* opcode */

/* Descriptors.  All rings live in host memory reached by 64-bit DMA and
 * are little endian.  Rings are power-of-two sized; index arithmetic is
 * modulo the size and one slot always stays empty.
 */

/* TX descriptor: one buffer of a frame. */
struct lumen_tx_desc {
	__le64 addr;
	__le16 len;		/* bytes in this buffer, nonzero */
	__le16 flags;		/* LUMEN_TXD_* */
	__le16 csum_start;	/* CSUM/TSO: L4 header offset in the frame */
	__le16 csum_off_mss;	/* CSUM: offset of the checksum from start */
};				/* TSO: segment payload size */

#define LUMEN_TXD_EOP			BIT(0)	/* last buffer of the frame */
#define LUMEN_TXD_CSUM			BIT(1)	/* fill in the L4 checksum */
/* TSO: the frame is one TCP/IPv4 or TCP/IPv6 frame (one VLAN tag at most,
 * no IPv6 extension headers) of up to LUMEN_TSO_MAX_LEN bytes, csum_start
 * at its TCP header and csum_off_mss the segment payload size (at least
 * LUMEN_TSO_MIN_MSS, headers + MSS within PORT_MAX_FRAME).  The device
 * sends it as segments with the frame's headers, fixing up IP length,
 * IPv4 id (+1 a segment) and header checksum, TCP sequence number, CWR
 * (first segment only), FIN and PSH (last only) and the TCP checksum,
 * which it computes whole.  Anything else completes with ERR_DESC, or
 * ERR_LEN when a segment would not fit PORT_MAX_FRAME, and is not sent.
 */
#define LUMEN_TXD_TSO			BIT(2)

/* RX buffer descriptor: one empty buffer posted to the device. */
struct lumen_rx_desc {
	__le64 addr;
	__le16 len;		/* buffer size, >= LUMEN_RX_BUF_MIN */
	__le16 id;		/* driver cookie, echoed in the CQE */
	__le32 rsvd;
};

/* Completion entry.  The device writes the whole entry, flags last; an
 * entry is new when its PHASE bit equals the phase the driver expects,
 * which starts at 1 and flips on every wrap of the queue.
 */
struct lumen_cqe {
	__le32 hash;		/* RX: RSS hash when HASH is set */
	__le16 len;		/* RX: bytes written; TX: frame length */
	__le16 id;		/* RX: buffer id; TX: index of the EOP desc */
	__le16 csum;		/* RX: CSUM_COMPLETE value */
	__le16 rsvd;
	__le32 flags;		/* LUMEN_CQE_* */
};

#define LUMEN_CQE_EOP			BIT(0)	/* RX: last buffer of frame */
/* CSUM_COMPLETE: csum holds the 16-bit ones' complement sum (folded, not
 * inverted) of every byte of the frame after the 14-byte Ethernet header,
 * the bytes taken as big-endian (network order) 16-bit words and an odd
 * last byte padded with zero, as the Internet checksum does.  Like every
 * descriptor field the sum itself is stored little endian.
 */
#define LUMEN_CQE_CSUM_COMPLETE		BIT(1)
#define LUMEN_CQE_HASH			BIT(2)
#define LUMEN_CQE_ERR_LEN		BIT(3)	/* TX: bad length, not sent */
#define LUMEN_CQE_ERR_DESC		BIT(4)	/* TX: bad chain, not sent */
#define LUMEN_CQE_DROP_LINK		BIT(5)	/* TX: link down, not sent */
#define LUMEN_CQE_HASH_L4		BIT(6)	/* RX: the hash covers ports */
#define LUMEN_CQE_RAW			BIT(7)	/* RX: a raw frame, see RAW */
#define LUMEN_CQE_RX			BIT(30)	/* else a TX completion */
#define LUMEN_CQE_PHASE			BIT(31)

/* Test-only fault window (BAR4).  The driver never maps it; selftests in
 * the guest and QMP on the host use it to make the device misbehave.
 */
#define LUMEN_TEST_ID			0x000	/* RO */
#define   LUMEN_TEST_ID_MAGIC		0x4c545354	/* "LTST" */
#define LUMEN_TEST_FAULTS		0x004	/* RW, sticky until cleared */
#define   LUMEN_FAULT_RESET_HANG	BIT(0)	/* reset never completes */
#define   LUMEN_FAULT_DEAD		BIT(1)	/* BAR0 reads all-ones */
#define   LUMEN_FAULT_IRQ_LOST		BIT(2)	/* queue interrupts not sent */
#define   LUMEN_FAULT_TX_HANG		BIT(3)	/* TX engines fetch nothing */
#define   LUMEN_FAULT_FW_FATAL		BIT(4)	/* one-shot: firmware dies */
#define   LUMEN_FAULT_LOS		BIT(5)	/* no light on any RX lane */
#define   LUMEN_FAULT_TRAINING		BIT(6)	/* lanes never gain frame lock */
#define   LUMEN_FAULT_NO_PARTNER	BIT(7)	/* the far end is gone */
#define   LUMEN_FAULT_NO_MODULE		BIT(8)	/* the module is pulled out */
#define   LUMEN_FAULT_MBOX_HANG		BIT(9)	/* mailbox WRITEs never end */
#define   LUMEN_FAULT_FLASH_FAIL	BIT(10)	/* programming a bank fails */
#define   LUMEN_FAULT_FLASH_ROT		BIT(11)	/* one-shot: a stored bit flips */
#define   LUMEN_FAULT_BOOT_FAIL		BIT(12)	/* an activated image fails to boot */
#define   LUMEN_FAULT_MOD_STUCK		BIT(13)	/* the module never ends PwrUp */
#define LUMEN_TEST_REV			0x008	/* RW, nonzero overrides REV */
#define LUMEN_TEST_CORRUPT		0x00c	/* RW, corrupt completions */
#define   LUMEN_CORRUPT_COUNT		GENMASK(15, 0)	/* how many are left */
#define   LUMEN_CORRUPT_KIND		GENMASK(19, 16)	/* LUMEN_CORRUPT_* */
/* RW, lane n's pre-FEC bit error ratio in errors per 10^12 bits */
#define LUMEN_TEST_LANE_BER(n)		(0x040 + (n) * 4)
/* RW, bit n: no light on RX lane n (loss of signal on that lane only) */
#define LUMEN_TEST_LANE_LOS		0x014
/* RW, 4 bits a lane (lane n at bits 4n+3:4n): dB of attenuation on the
 * light lane n receives (a dirty connector, a bent fiber); at
 * LUMEN_ATTEN_DARK_DB the light is below the receiver's sensitivity and
 * the lane loses its signal.
 */
#define LUMEN_TEST_LANE_ATTEN		0x018
#define   LUMEN_ATTEN_DARK_DB		15
/* RW, 4 bits a lane like LANE_ATTEN: how far lane n's laser has aged;
 * each step costs 1 dB of its output power and 1 mA more bias current.
 */
#define LUMEN_TEST_LASER_AGE		0x01c
#define LUMEN_TEST_LANE_NIBBLE(v, n)	(((v) >> (4 * (n))) & 0xf)
/* RW, the module's temperature, forced while OVERRIDE is set */
#define LUMEN_TEST_MOD_TEMP		0x010
#define   LUMEN_MOD_TEMP_VALUE		GENMASK(15, 0)	/* s16, 1/256 degC */
#define   LUMEN_MOD_TEMP_OVERRIDE	BIT(31)
#define LUMEN_TEST_END			LUMEN_TEST_LANE_BER(LUMEN_NUM_LANES)

/* What TEST_CORRUPT does to each of the next COUNT completions it fits. */
enum lumen_corrupt_kind {
	LUMEN_CORRUPT_NONE = 0,
	LUMEN_CORRUPT_RX_LEN = 1,	/* RX: length beyond the buffer */
	LUMEN_CORRUPT_RX_ID = 2,	/* RX: id of another buffer */
	LUMEN_CORRUPT_RX_ZERO = 3,	/* RX: length 0 */
	LUMEN_CORRUPT_TX_ID = 4,	/* TX: id of a slot not outstanding */
};

#endif /* _LUMEN_HW_H_ */
