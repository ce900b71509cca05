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
static int lumen_fw_err_errno(u8 code, struct netlink_ext_ack *extack)
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

/* What one mailbox command is given: the registers it reads. */
struct lumen_mbox_args {
	dma_addr_t addr;
	u32 len;
	u32 off;
};

/* Wait for the command just written; reset_lock held. */
static int lumen_mbox_wait(struct lumen_dev *ld, enum lumen_fw_cmd cmd,
			   u32 len, struct netlink_ext_ack *extack)
{
	u32 st;
	int err;

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
	if (!FIELD_GET(LUMEN_MBOX_STATUS_ERR, st))
		return 0;
	dev_err(&ld->pdev->dev, "firmware mailbox command %u failed: error %lu\n",
		cmd, FIELD_GET(LUMEN_MBOX_STATUS_ERR, st));
	return lumen_fw_err_errno(FIELD_GET(LUMEN_MBOX_STATUS_ERR, st), extack);
}

/* Run one mailbox command and wait for it.  The reset lock keeps device
 * resets (FLR, recovery) out of the transaction: between their prepare
 * and done nothing may touch the registers.
 *
 * Return: 0, -ETIMEDOUT (the command may still run: its buffer must
 * stay), -EBUSY (an earlier one still does), or another negative errno,
 * the reason in @extack.
 */
static int lumen_mbox_run(struct lumen_dev *ld, enum lumen_fw_cmd cmd,
			  const struct lumen_mbox_args *args,
			  struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&ld->fw_lock);
	mutex_lock(&ld->reset_lock);
	if (!lumen_regs_readable(ld)) {
		NL_SET_ERR_MSG_MOD(extack, "the device is gone or being reset");
		err = -ENODEV;
		goto out;
	}
	if (lumen_rd32(ld, LUMEN_MBOX_STATUS) & LUMEN_MBOX_STATUS_BUSY) {
		/* a command written now would be ignored */
		NL_SET_ERR_MSG_MOD(extack,
				   "the firmware mailbox is stuck on an earlier command; a devlink dev reload resets it");
		err = -EBUSY;
		goto out;
	}
	lumen_wr32(ld, LUMEN_MBOX_ADDR_LO, lower_32_bits(args->addr));
	lumen_wr32(ld, LUMEN_MBOX_ADDR_HI, upper_32_bits(args->addr));
	lumen_wr32(ld, LUMEN_MBOX_LEN, args->len);
	lumen_wr32(ld, LUMEN_MBOX_OFFSET, args->off);
	lumen_wr32(ld, LUMEN_MBOX_CMD, cmd);
	err = lumen_mbox_wait(ld, cmd, args->len, extack);
out:
	mutex_unlock(&ld->reset_lock);
	return err;
}

static int lumen_fw_write_chunks(struct lumen_dev *ld,
				 const struct firmware *fw, void *buf,
				 dma_addr_t dma, struct netlink_ext_ack *extack)
{
	struct devlink *devlink = lumen_to_devlink(ld);
	struct lumen_mbox_args args = { .addr = dma };
	int err;

	for (args.off = 0; args.off < fw->size; args.off += args.len) {
		args.len = min_t(size_t, fw->size - args.off, LUMEN_FW_CHUNK_MAX);
		memcpy(buf, fw->data + args.off, args.len);
		err = lumen_mbox_run(ld, LUMEN_FW_CMD_WRITE, &args, extack);
		if (err)
			return err;
		devlink_flash_update_status_notify(devlink, "Writing", "fw",
						   args.off + args.len,
						   fw->size);
	}
	return 0;
}

/* BEGIN, WRITE every chunk, COMMIT; ABORT if a chunk failed. */
static int lumen_fw_program(struct lumen_dev *ld, const struct firmware *fw,
			    void *buf, dma_addr_t dma,
			    struct netlink_ext_ack *extack)
{
	struct lumen_mbox_args args = { .len = fw->size };
	struct devlink *devlink = lumen_to_devlink(ld);
	int err;

	devlink_flash_update_status_notify(devlink, "Erasing", "fw", 0, 0);
	err = lumen_mbox_run(ld, LUMEN_FW_CMD_BEGIN, &args, extack);
	if (err)
		return err;

	err = lumen_fw_write_chunks(ld, fw, buf, dma, extack);
	if (err == -EIO || err == -EINVAL) {
		/* the device refused a chunk: drop what it staged */
		args.len = 0;
		lumen_mbox_run(ld, LUMEN_FW_CMD_ABORT, &args, NULL);
	}
	if (err)
		return err;

	devlink_flash_update_status_notify(devlink, "Verifying and programming",
					   "fw", 0, 0);
	err = lumen_mbox_run(ld, LUMEN_FW_CMD_COMMIT, &args, extack);
	if (err)
		return err;	/* the device dropped the staged image */
	devlink_flash_update_status_notify(devlink, "Flashed: runs after fw_activate",
					   "fw", 0, 0);
	return 0;
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

	buf = dma_alloc_coherent(dev, LUMEN_FW_CHUNK_MAX, &dma, GFP_KERNEL);
	if (!buf) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the image's DMA buffer");
		return -ENOMEM;
	}
	mutex_lock(&ld->fw_lock);
	err = lumen_fw_program(ld, fw, buf, dma, extack);
	if (err == -ETIMEDOUT && !ld->fw_stale_buf) {
		/* a hung WRITE may still read it: keep it until a reset */
		ld->fw_stale_buf = buf;
		ld->fw_stale_dma = dma;
		buf = NULL;
	}
	mutex_unlock(&ld->fw_lock);
	if (buf)
		dma_free_coherent(dev, LUMEN_FW_CHUNK_MAX, buf, dma);

	if (!err)
		dev_info(dev, "firmware image of %zu bytes flashed to the stored bank\n",
			 fw->size);
	return err;
}

/**
 * lumen_fw_release_stale - free the buffer of a timed-out flash
 * @ld: the device, just reset (nothing of the mailbox runs any more)
 *
 * Called with the reset lock held, or once the device is quiet for good.
 */
void lumen_fw_release_stale(struct lumen_dev *ld)
{
	if (!ld->fw_stale_buf)
		return;
	dma_free_coherent(&ld->pdev->dev, LUMEN_FW_CHUNK_MAX, ld->fw_stale_buf,
			  ld->fw_stale_dma);
	ld->fw_stale_buf = NULL;
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
	struct lumen_mbox_args args = { .len = LUMEN_FW_MAX_SIZE };
	int err;

	mutex_lock(&ld->fw_lock);
	err = lumen_mbox_run(ld, LUMEN_FW_CMD_ACTIVATE, &args, extack);
	mutex_unlock(&ld->fw_lock);
	return err;
}

/**
 * lumen_fw_boot_failed - did the last device reset fail to boot an image?
 * @ld: the device, after lumen_reset_done()
 *
 * Return: true if an activated image failed its check at boot and the
 * device kept its previous firmware.
 */
bool lumen_fw_boot_failed(struct lumen_dev *ld)
{
	u32 st;

	mutex_lock(&ld->reset_lock);
	st = lumen_regs_readable(ld) ? lumen_rd32(ld, LUMEN_MBOX_STATUS) : 0;
	mutex_unlock(&ld->reset_lock);
	return st != ~0U && (st & LUMEN_MBOX_STATUS_BOOT_ERR);
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
	u32 ver = 0;

	mutex_lock(&ld->reset_lock);
	if (lumen_regs_readable(ld))
		ver = lumen_rd32(ld, LUMEN_MBOX_STORED_VER);
	mutex_unlock(&ld->reset_lock);
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
	struct lumen_mbox_args args = { .len = LUMEN_FW_MAX_SIZE };
	int err;

	mutex_lock(&ld->fw_lock);
	err = lumen_mbox_run(ld, LUMEN_FW_CMD_SELFTEST, &args, extack);
	mutex_unlock(&ld->fw_lock);
	return err ? DEVLINK_SELFTEST_STATUS_FAIL : DEVLINK_SELFTEST_STATUS_PASS;
}
