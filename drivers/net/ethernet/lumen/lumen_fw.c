// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/dma-mapping.h>
#include <linux/firmware.h>
#include <linux/iopoll.h>
#include <linux/sizes.h>
#include <net/devlink.h>

#include "lumen.h"

/* The firmware mailbox (MBOX block): flashing an image into the stored
 * bank, activating it and checking it.  The device checks every image
 * itself (header, device, size, CRCs, version) before it programs a
 * byte; the driver only refuses what it cannot hand over, and turns the
 * device's verdict into a message for the user.
 */

/* What a device error means, to the user and as an errno. */
static int lumen_fw_err(u8 code, struct netlink_ext_ack *extack)
{
	switch (code) {
	case LUMEN_FW_ERR_MAGIC:
		NL_SET_ERR_MSG_MOD(extack, "not a lumen firmware image (bad magic)");
		return -EINVAL;
	case LUMEN_FW_ERR_HDR:
		NL_SET_ERR_MSG_MOD(extack, "the firmware image's header is corrupt");
		return -EINVAL;
	case LUMEN_FW_ERR_DEVICE:
		NL_SET_ERR_MSG_MOD(extack, "the firmware image is for another device");
		return -EINVAL;
	case LUMEN_FW_ERR_SIZE:
		NL_SET_ERR_MSG_MOD(extack,
				   "the firmware image is truncated: its size differs from its header's");
		return -EINVAL;
	case LUMEN_FW_ERR_CRC:
		NL_SET_ERR_MSG_MOD(extack,
				   "the firmware image is corrupt: payload CRC mismatch");
		return -EINVAL;
	case LUMEN_FW_ERR_DOWNGRADE:
		NL_SET_ERR_MSG_MOD(extack,
				   "the firmware image is older than the running firmware: downgrade refused");
		return -EPERM;
	case LUMEN_FW_ERR_FLASH:
		NL_SET_ERR_MSG_MOD(extack,
				   "programming the flash failed: the stored bank is empty, the running firmware is unaffected");
		return -EIO;
	case LUMEN_FW_ERR_NO_IMAGE:
		NL_SET_ERR_MSG_MOD(extack, "no intact firmware image in the stored bank");
		return -ENOENT;
	case LUMEN_FW_ERR_SEQ:
		NL_SET_ERR_MSG_MOD(extack,
				   "the device lost the image being written (was it reset?)");
		return -EIO;
	case LUMEN_FW_ERR_DMA:
		NL_SET_ERR_MSG_MOD(extack,
				   "the device could not read the image from host memory");
		return -EIO;
	default:
		/* CMD, RANGE: what the driver asked was wrong; or unknown */
		NL_SET_ERR_MSG_MOD(extack, "the device refused a firmware mailbox command");
		return -EIO;
	}
}

/* A command on @len bytes takes at most this long in the device, with
 * room for an emulated device on a loaded host.
 */
static unsigned long lumen_fw_timeout_us(u32 len)
{
	u32 sectors = DIV_ROUND_UP(len, LUMEN_FW_SECTOR);
	u32 kb = DIV_ROUND_UP(len, SZ_1K);

	return 2 * USEC_PER_SEC +
	       4 * (LUMEN_FW_CMD_US + sectors * LUMEN_FW_ERASE_US +
		    2 * kb * LUMEN_FW_KB_US);
}

/* Run one mailbox command on an image (or bank) of @len bytes.  Returns
 * 0 or a negative errno, with the reason in @extack.
 */
static int lumen_fw_cmd(struct lumen_dev *ld, u32 cmd, u32 len,
			struct netlink_ext_ack *extack)
{
	u32 st;
	u8 code;
	int err;

	lockdep_assert_held(&ld->fw_lock);
	if (!lumen_regs_readable(ld)) {
		NL_SET_ERR_MSG_MOD(extack, "the device is gone or being reset");
		return -ENODEV;
	}
	lumen_wr32(ld, LUMEN_MBOX_CMD, cmd);
	err = read_poll_timeout(lumen_rd32, st,
				!(st & LUMEN_MBOX_STATUS_BUSY) || lumen_gone(ld),
				1000, lumen_fw_timeout_us(len), false, ld,
				LUMEN_MBOX_STATUS);
	if (lumen_gone(ld)) {
		NL_SET_ERR_MSG_MOD(extack, "the device is gone");
		return -ENODEV;
	}
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "the firmware mailbox does not answer");
		dev_err(&ld->pdev->dev, "firmware mailbox command %u timed out\n",
			cmd);
		return err;
	}
	if (!(st & LUMEN_MBOX_STATUS_DONE)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a device reset interrupted the firmware mailbox");
		return -EIO;
	}
	code = FIELD_GET(LUMEN_MBOX_STATUS_ERR, st);
	if (!code)
		return 0;
	dev_err(&ld->pdev->dev, "firmware mailbox command %u failed: error %u\n",
		cmd, code);
	return lumen_fw_err(code, extack);
}

static int lumen_fw_write_chunks(struct lumen_dev *ld,
				 const struct firmware *fw, void *buf,
				 dma_addr_t dma, struct netlink_ext_ack *extack)
{
	struct devlink *devlink = lumen_to_devlink(ld);
	size_t off, n;
	int err;

	lumen_wr32(ld, LUMEN_MBOX_ADDR_LO, lower_32_bits(dma));
	lumen_wr32(ld, LUMEN_MBOX_ADDR_HI, upper_32_bits(dma));
	for (off = 0; off < fw->size; off += n) {
		n = min_t(size_t, fw->size - off, LUMEN_FW_CHUNK_MAX);
		memcpy(buf, fw->data + off, n);
		lumen_wr32(ld, LUMEN_MBOX_OFFSET, off);
		lumen_wr32(ld, LUMEN_MBOX_LEN, n);
		err = lumen_fw_cmd(ld, LUMEN_FW_CMD_WRITE, n, extack);
		if (err)
			return err;
		devlink_flash_update_status_notify(devlink, "Writing", "fw",
						   off + n, fw->size);
	}
	return 0;
}

/* BEGIN, WRITE every chunk, COMMIT; ABORT if anything failed after BEGIN. */
static int lumen_fw_program(struct lumen_dev *ld, const struct firmware *fw,
			    void *buf, dma_addr_t dma,
			    struct netlink_ext_ack *extack)
{
	struct devlink *devlink = lumen_to_devlink(ld);
	int err;

	devlink_flash_update_status_notify(devlink, "Erasing", "fw", 0, 0);
	lumen_wr32(ld, LUMEN_MBOX_LEN, fw->size);
	err = lumen_fw_cmd(ld, LUMEN_FW_CMD_BEGIN, fw->size, extack);
	if (err)
		return err;

	err = lumen_fw_write_chunks(ld, fw, buf, dma, extack);
	if (err)
		goto abort;

	devlink_flash_update_status_notify(devlink, "Verifying and programming",
					   "fw", 0, 0);
	err = lumen_fw_cmd(ld, LUMEN_FW_CMD_COMMIT, fw->size, extack);
	if (err)
		return err;	/* the device dropped the staged image */
	devlink_flash_update_status_notify(devlink, "Flashed: runs after fw_activate",
					   "fw", 0, 0);
	return 0;

abort:
	/* best effort: a gone or hung mailbox forgets it on the next reset */
	lumen_fw_cmd(ld, LUMEN_FW_CMD_ABORT, 0, NULL);
	return err;
}

/**
 * lumen_fw_flash_update - devlink flash: write an image to the stored bank
 * @devlink: the device's devlink instance
 * @params: the image (request_firmware() loaded it) and options
 * @extack: where to say why it failed
 *
 * The running firmware is not touched; the image runs after
 * devlink dev reload action fw_activate.
 *
 * Return: 0 or a negative errno.
 */
int lumen_fw_flash_update(struct devlink *devlink,
			  struct devlink_flash_update_params *params,
			  struct netlink_ext_ack *extack)
{
	struct lumen_dev *ld = devlink_priv(devlink);
	const struct firmware *fw = params->fw;
	struct device *dev = &ld->pdev->dev;
	dma_addr_t dma;
	void *buf;
	int err;

	if (fw->size < LUMEN_FW_HDR_LEN) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the firmware image is truncated: smaller than its header");
		return -EINVAL;
	}
	if (fw->size > LUMEN_FW_MAX_SIZE) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the firmware image is larger than the flash bank");
		return -EFBIG;
	}

	/* The device only reads it; a hung command never writes to it. */
	buf = dma_alloc_coherent(dev, LUMEN_FW_CHUNK_MAX, &dma, GFP_KERNEL);
	if (!buf) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the image's DMA buffer");
		return -ENOMEM;
	}
	mutex_lock(&ld->fw_lock);
	err = lumen_fw_program(ld, fw, buf, dma, extack);
	mutex_unlock(&ld->fw_lock);
	dma_free_coherent(dev, LUMEN_FW_CHUNK_MAX, buf, dma);

	if (!err)
		dev_info(dev, "firmware image of %zu bytes flashed to the stored bank\n",
			 fw->size);
	return err;
}

/**
 * lumen_fw_activate - have the next device reset boot the stored image
 * @ld: the device
 * @extack: where to say why it cannot
 *
 * Return: 0, or a negative errno when the stored bank holds no intact
 * image (nothing changes then).
 */
int lumen_fw_activate(struct lumen_dev *ld, struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&ld->fw_lock);
	err = lumen_fw_cmd(ld, LUMEN_FW_CMD_ACTIVATE, LUMEN_FW_MAX_SIZE, extack);
	if (!err)
		ld->fw_activating = lumen_rd32(ld, LUMEN_MBOX_STORED_VER);
	mutex_unlock(&ld->fw_lock);
	return err;
}

/**
 * lumen_fw_stored_version - the version of the image in the stored bank
 * @ld: the device
 *
 * Return: the version, as CTRL_FW_VER has it, or 0 when the bank holds
 * no intact image or the device cannot be asked.
 */
u32 lumen_fw_stored_version(struct lumen_dev *ld)
{
	u32 ver;

	if (!lumen_regs_readable(ld))
		return 0;
	ver = lumen_rd32(ld, LUMEN_MBOX_STORED_VER);
	return ver == ~0U ? 0 : ver;
}

/**
 * lumen_fw_selftest - devlink selftest "flash": check the stored bank
 * @ld: the device
 * @extack: where to say what failed
 *
 * Return: DEVLINK_SELFTEST_STATUS_PASS or _FAIL.
 */
enum devlink_selftest_status lumen_fw_selftest(struct lumen_dev *ld,
					       struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&ld->fw_lock);
	err = lumen_fw_cmd(ld, LUMEN_FW_CMD_SELFTEST, LUMEN_FW_MAX_SIZE, extack);
	mutex_unlock(&ld->fw_lock);
	return err ? DEVLINK_SELFTEST_STATUS_FAIL : DEVLINK_SELFTEST_STATUS_PASS;
}
