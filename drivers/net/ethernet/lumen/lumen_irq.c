// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The lumen authors */

#include <linux/interrupt.h>
#include <linux/pci.h>

#include "lumen.h"

/**
 * lumen_irq_vector - Linux IRQ number of one of the device's vectors
 * @ld: the device
 * @vec: MSI-X vector index
 *
 * Return: the IRQ number, or a negative errno.
 */
int lumen_irq_vector(struct lumen_dev *ld, unsigned int vec)
{
	return pci_irq_vector(ld->pdev, vec);
}

static irqreturn_t lumen_misc_irq(int irq, void *data)
{
	struct lumen_dev *ld = data;
	u32 cause;

	cause = lumen_rd32(ld, LUMEN_INTR_CAUSE);
	if (cause == ~0U || !cause)
		return IRQ_NONE;
	lumen_wr32(ld, LUMEN_INTR_CAUSE, cause);

	if (cause & (LUMEN_INTR_LINK | LUMEN_INTR_MODULE))
		schedule_work(&ld->link_work);
	if (cause & LUMEN_INTR_FATAL) {
		dev_err_ratelimited(&ld->pdev->dev, "device reports a fatal error\n");
		lumen_health_fatal(ld);
	}
	if (cause & LUMEN_INTR_QERR)
		dev_err_ratelimited(&ld->pdev->dev, "a queue stopped on an error\n");
	if (cause & LUMEN_INTR_TEST)
		complete(&ld->irq_test);
	return IRQ_HANDLED;
}

/**
 * lumen_irq_misc_enable - send the device's slow-path causes to vector 0
 * @ld: the device, its vectors allocated and vector 0 requested
 *
 * Also after a device reset, which forgets the setting.
 */
void lumen_irq_misc_enable(struct lumen_dev *ld)
{
	lumen_wr32(ld, LUMEN_INTR_MISC_VEC, LUMEN_MISC_VECTOR);
	lumen_wr32(ld, LUMEN_INTR_CAUSE, LUMEN_INTR_ALL);
	lumen_wr32(ld, LUMEN_INTR_ENABLE, LUMEN_INTR_ALL);
}

/**
 * lumen_irq_misc_disable - stop slow-path interrupts and their work
 * @ld: the device
 *
 * On return no misc interrupt handler or link work item runs.  Takes
 * RTNL (through the link work): never call it under RTNL.
 */
void lumen_irq_misc_disable(struct lumen_dev *ld)
{
	lumen_wr32(ld, LUMEN_INTR_ENABLE, 0);
	synchronize_irq(pci_irq_vector(ld->pdev, LUMEN_MISC_VECTOR));
	cancel_work_sync(&ld->link_work);
}

/**
 * lumen_irq_init - allocate MSI-X vectors and take the slow-path one
 * @ld: the device, with ld->max_qp read from the device
 *
 * Vector 0 carries slow-path causes; each queue pair gets one of its own,
 * then each raw queue pair.  With fewer vectors than that, raw queue
 * pairs are the first to do without theirs, then queue pairs.
 *
 * Return: 0 or an errno, with nothing left allocated.
 */
int lumen_irq_init(struct lumen_dev *ld)
{
	struct pci_dev *pdev = ld->pdev;
	int nvec, err;

	nvec = pci_alloc_irq_vectors(pdev, 2, 1 + ld->max_qp + ld->max_raw,
				     PCI_IRQ_MSIX);
	if (nvec < 0) {
		dev_err(&pdev->dev,
			"cannot allocate MSI-X vectors (%d): the device needs at least 2\n",
			nvec);
		return nvec;
	}
	ld->num_vectors = nvec;
	ld->max_qp = min_t(int, ld->max_qp, nvec - 1);
	ld->max_raw = nvec - 1 - ld->max_qp;
	ld->raw_vec_base = 1 + ld->max_qp;

	init_completion(&ld->irq_test);
	snprintf(ld->misc_irq_name, sizeof(ld->misc_irq_name), "lumen-%s",
		 pci_name(pdev));
	err = request_irq(pci_irq_vector(pdev, LUMEN_MISC_VECTOR), lumen_misc_irq,
			  0, ld->misc_irq_name, ld);
	if (err)
		goto err_free_vectors;

	lumen_irq_misc_enable(ld);
	return 0;

err_free_vectors:
	pci_free_irq_vectors(pdev);
	return err;
}

/**
 * lumen_irq_fini - undo lumen_irq_init()
 * @ld: the device
 */
void lumen_irq_fini(struct lumen_dev *ld)
{
	lumen_irq_misc_disable(ld);
	free_irq(pci_irq_vector(ld->pdev, LUMEN_MISC_VECTOR), ld);
	pci_free_irq_vectors(ld->pdev);
}
