/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lumen optical NIC model: internal state and the interfaces between the
 * model's parts.
 *
 * Copyright (c) 2025 The lumen project authors
 *
 *   lumen.c          QOM/PCI shell: properties, BARs, MSI-X, PCIe caps,
 *                    reset, the CTRL and INTR register blocks, BAR0 dispatch
 *   lumen-queue.c    queue pairs: TX/RX/CQ rings, DMA, per-queue interrupts
 *   lumen-port.c     MAC/port: link, RX filter, netdev glue, loopback, stats
 *   lumen-split.c    port split: CTRL_PORTS, PORT_QPS, the breakout wire
 *                    header that carries ports above 0 on the one fiber
 *   lumen-burst.c    bursts: a TX run's frames in one fiber datagram
 *   lumen-rss.c      receive-side scaling: Toeplitz hash, indirection
 *   lumen-tso.c      TCP segmentation offload
 *   lumen-raw.c      raw-frame queue pairs: RAWQ_CHAN, wire header,
 *                    channel lookup (the rings are lumen-queue.c's)
 *   lumen-lane.c     lanes and lane rate, BER and FEC counters
 *   lumen-train.c    link training with the far end of the fiber
 *   lumen-cmis.c     the module's management bus (CMIS commands)
 *   lumen-module.c   the pluggable CMIS module: memory, power, monitors
 *   lumen-fw.c       the firmware banks and their mailbox
 *   lumen-testwin.c  BAR4, the test-only fault window
 *
 * The guest driver is untrusted: every index, size and address it hands
 * over is checked before use.
 */

#ifndef HW_NET_LUMEN_H
#define HW_NET_LUMEN_H

#include "hw/pci/pci.h"
#include "net/eth.h"
#include "net/net.h"
#include "qemu/queue.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "lumen-hw-shim.h"

#define TYPE_LUMEN "lumen"

/* A frame in the MAC's RX packet buffer, waiting for a posted buffer. */
typedef struct LumenRxHeld {
    QSIMPLEQ_ENTRY(LumenRxHeld) next;
    size_t size;
    uint8_t data[];
} LumenRxHeld;
OBJECT_DECLARE_SIMPLE_TYPE(LumenState, LUMEN)

/* PORT_QPS and the queue pair a port receives on when it has none. */
#define LUMEN_PORT_QPS_ALL          LUMEN_FIELD_PREP(LUMEN_PORT_QPS_COUNT, \
                                                     LUMEN_MAX_QP)
#define LUMEN_QPI_NONE              UINT_MAX

/* The module's identity; its serial number is "LU" and the port's MAC. */
#define LUMEN_MOD_VENDOR            "LUMEN OPTICS"
#define LUMEN_MOD_PN                "LMN-QDD-400G-SR8"
#define LUMEN_MOD_REV               "A1"
#define LUMEN_MOD_DATE              "26011500"

/* Upper pages the module has: 00h, 01h, 02h, 10h and 11h (bank 0). */
#define LUMEN_MOD_PAGES             5
/* latched flag bytes: lower byte 9, then page 11h's lane flags */
#define LUMEN_MOD_FLAG_BYTES        (1 + LUMEN_MOD_P11_FLAGS_END - \
                                     LUMEN_MOD_P11_TX_PWR_FLAGS)

/*
 * A burst on the fiber (lumen-burst.c): this header, then for each of
 * @count frames a big-endian 16-bit length and the frame.  The model's
 * transport, not the hardware's, so not in lumen_hw.h.
 */
#define LUMEN_BURST_DST             { 0x03, 0x4c, 0x55, 0x42, 0x52, 0x53 }
struct lumen_burst_hdr {
    uint8_t dst[ETH_ALEN];  /* LUMEN_BURST_DST */
    uint8_t src[ETH_ALEN];  /* the sender's factory MAC */
    uint16_t proto;         /* LUMEN_RAW_ETHERTYPE, big endian */
    uint16_t count;         /* frames that follow, big endian */
};
#define LUMEN_BURST_HDR_LEN         16
#define LUMEN_BURST_MAX             (60 * 1024) /* one UDP datagram */
/* the largest frame on the fiber: a breakout header and a whole frame */
#define LUMEN_FIBER_MAX_FRAME       (LUMEN_SPLIT_WIRE_HDR_LEN + \
                                     LUMEN_MAX_FRAME)

/* Defaults of the properties. */
#define LUMEN_DEFAULT_BOARD_ID      0x4c100001
#define LUMEN_DEFAULT_FW_VERSION    0x01020003  /* 1.2.3 */
#define LUMEN_SERIAL_PREFIX         0x4c55000000000000ULL  /* "LU" + MAC */

/* Register values after reset. */
#define LUMEN_DEFAULT_MAX_FRAME     1514

/* Engine limits of the model. */
#define LUMEN_TX_MAX_DESCS          32      /* descriptors per TX frame */
#define LUMEN_TX_BUDGET             256     /* frames per queue per BH run */
#define LUMEN_TX_INLINE             4       /* frames a doorbell sends itself */
#define LUMEN_RX_MAX_BUFS           64      /* buffers per RX frame */

/*
 * Queue pairs, normal and raw, share one array and one engine: internal
 * index qpi 0..LUMEN_MAX_QP-1 is queue pair qpi, LUMEN_RAW_QPI(n) is raw
 * queue pair n.  Only the first num_qp, and the first num_raw_qp raw
 * ones, exist (lumen_qp_exists()).
 */
#define LUMEN_QP_TOTAL              (LUMEN_MAX_QP + LUMEN_MAX_RAW_QP)
#define LUMEN_RAW_QPI(n)            (LUMEN_MAX_QP + (n))

/* Which of a queue pair's three rings. */
typedef enum LumenRingKind {
    LUMEN_RING_TX,
    LUMEN_RING_RX,
    LUMEN_RING_CQ,
    LUMEN_RING_KINDS
} LumenRingKind;

/*
 * One descriptor or completion ring.  head/tail follow the register
 * names: for TX and RX the driver owns tail and the device head; for the
 * CQ the driver owns head and the device tail.
 */
typedef struct LumenRing {
    uint32_t base_lo;
    uint32_t base_hi;
    uint32_t size;
    uint32_t head;
    uint32_t tail;
    uint32_t ctrl;          /* LUMEN_Q_CTRL_* */
} LumenRing;

typedef struct LumenQueuePair {
    LumenRing ring[LUMEN_RING_KINDS];
    bool cq_phase;          /* PHASE value of the next CQE written */
    bool cqe_batch;         /* CQEs written since the last batch end */
    bool irq_armed;
    uint32_t irq_vec;
    uint32_t irq_mod;
    uint32_t err;           /* QP_ERR, enum lumen_qerr */
    uint32_t raw_chan;      /* raw queue pairs: RAWQ_CHAN */
} LumenQueuePair;

/* A queue pair's moderation timer, and whose it is. */
typedef struct LumenIrqTimer {
    LumenState *s;
    unsigned qpi;
    QEMUTimer *timer;
    int64_t last_fire;      /* virtual clock of its last moderated fire */
} LumenIrqTimer;

/*
 * One port of the split: the MAC, its lanes (lumen_port_lane(), from
 * lane idx * LUMEN_NUM_LANES / num_ports on), their bring-up, link
 * training, RSS control and key, and the MAC's counters.  Port 0 is the
 * whole device unsplit.
 */
typedef struct LumenPort {
    LumenState *s;
    unsigned idx;

    /* PORT registers */
    uint32_t port_ctrl;
    uint32_t max_frame;
    uint8_t port_addr[ETH_ALEN];
    uint32_t port_led;      /* LUMEN_LED_* */
    uint32_t fec_mode;      /* LUMEN_FEC_* */
    uint32_t port_cfg;      /* PORT_CFG: lanes and lane rate */
    uint32_t ber_limit;     /* PORT_BER_LIMIT */
    uint32_t qps;           /* PORT_QPS */
    bool link_up;
    QSIMPLEQ_HEAD(, LumenRxHeld) rx_held;  /* the RX packet buffer */
    size_t rx_held_bytes;
    bool rx_kicking;        /* lumen_port_rx_kick() is running */

    /* LANE: errors counted every tick while the link is up */
    QEMUTimer *lane_timer;
    uint64_t ber_acc[LUMEN_NUM_LANES];     /* by the port's lane number */
    bool fec_lost;          /* a tick found a lane beyond the FEC */

    /* Lane bring-up: running since bringup_start while bringup_on */
    QEMUTimer *bringup_timer;
    bool bringup_on;
    int64_t bringup_start;
    uint32_t bringup_us;    /* PORT_BRINGUP_US */

    /* Link training: what the partner said last, what we said last */
    QEMUTimer *train_timer;
    bool partner_seen;
    bool partner_ready;
    uint8_t partner_fec;
    uint8_t partner_lanes;
    uint8_t partner_rate;
    int64_t partner_last_ms;
    uint8_t train_sent_flags;
    uint8_t train_sent_fec;
    uint32_t train_sent_cfg;
    bool train_lit;         /* TX_EN and the module ready: lasers on */

    /* RSS */
    uint32_t rss_ctrl;
    uint8_t rss_key[LUMEN_RSS_KEY_SIZE];

    /* STAT: the MAC's counters, below LUMEN_STAT_PORT_CNT */
    uint64_t stats[LUMEN_STAT_PORT_CNT];
    uint32_t stat_hi_latch[LUMEN_STAT_PORT_CNT];
    bool stat_latched[LUMEN_STAT_PORT_CNT];
} LumenPort;

struct LumenState {
    PCIDevice parent_obj;

    NICState *nic;
    NICConf conf;
    MemoryRegion mmio;
    MemoryRegion msix;
    MemoryRegion testwin;
    QEMUTimer *reset_timer;
    QEMUBH *tx_bh;

    /* Properties */
    uint64_t serial;
    uint32_t num_qp;
    uint32_t num_raw_qp;
    uint32_t board_id;
    uint32_t fw_version;    /* what the factory programmed */
    bool fail_reset;
    bool burst;             /* a TX run's frames share a datagram */

    /* CTRL */
    uint32_t status;
    uint32_t scratch;
    uint64_t clock_latch;   /* CLOCK_LO read latches the 64-bit value */

    /* INTR */
    uint32_t intr_cause;
    uint32_t intr_enable;
    uint32_t intr_misc_vec;

    /* PORT: the ports of the split (CTRL_PORTS), each with its lanes */
    uint32_t num_ports;
    LumenPort port[LUMEN_MAX_PORTS];

    /* CMIS: the module's management bus (lumen-cmis.c) */
    QEMUTimer *cmis_timer;
    uint32_t cmis_status;
    uint32_t cmis_ctrl;
    uint32_t cmis_cmd;
    uint8_t cmis_data[LUMEN_CMIS_MAX_LEN];

    /* The pluggable module (lumen-module.c) */
    QEMUTimer *mod_timer;
    bool mod_present;
    uint8_t mod_state;      /* CMIS ModuleState */
    int64_t mod_pwrup_ms;   /* when it began to power up */
    uint8_t mod_lower[LUMEN_CMIS_MAX_LEN];
    uint8_t mod_upper[LUMEN_MOD_PAGES][LUMEN_CMIS_MAX_LEN];
    uint32_t mod_temp_test; /* TEST_MOD_TEMP */
    uint32_t lane_atten;    /* TEST_LANE_ATTEN: dB lost, 4 bits a lane */
    uint32_t laser_age;     /* TEST_LASER_AGE: 4 bits a lane */
    /* the flag conditions last seen, which a read leaves latched */
    uint8_t mod_flags_live[LUMEN_MOD_FLAG_BYTES];

    /* Firmware (lumen-fw.c): the mailbox, the staging area, the banks */
    QEMUTimer *fw_timer;
    uint32_t mbox_addr_lo;
    uint32_t mbox_addr_hi;
    uint32_t mbox_len;
    uint32_t mbox_off;
    uint32_t mbox_status;
    uint32_t mbox_cmd;      /* the command running, or last run */
    uint8_t mbox_result;    /* LUMEN_FW_ERR_* of mbox_cmd */
    uint8_t *fw_stage;      /* the image being written, fw_stage_len */
    size_t fw_stage_len;
    uint8_t *fw_stored;     /* the stored bank, NULL when erased */
    size_t fw_stored_len;
    uint8_t fw_stored_err;  /* its check: LUMEN_FW_OK, or why not */
    uint32_t fw_stored_ver; /* its version if intact, else 0 */
    uint32_t fw_running;    /* CTRL_FW_VER: fw-version until activated */
    bool fw_pending;        /* ACTIVATE: the stored image boots next */
    bool fw_boot_err;       /* the last reset could not boot it */

    /* RSS: the indirection table; control and key are the ports' */
    uint8_t rss_indir[LUMEN_RSS_INDIR_SIZE];

    /* STAT: the device's counters (raw, lanes); the MAC's are the ports' */
    uint64_t stats[LUMEN_STAT_CNT];
    uint32_t stat_hi_latch[LUMEN_STAT_CNT];
    bool stat_latched[LUMEN_STAT_CNT];

    /* BAR4 test window */
    uint32_t test_faults;
    uint32_t test_rev;
    uint32_t test_corrupt;
    uint32_t lane_ber[LUMEN_NUM_LANES];    /* per 10^12 bits */
    uint32_t lane_los;      /* TEST_LANE_LOS: lanes without light */

    LumenQueuePair qp[LUMEN_QP_TOTAL];
    LumenIrqTimer irq_timer[LUMEN_QP_TOTAL];

    /*
     * TX frame assembly buffer, up to a TSO frame (room for padding), or
     * a raw frame's wire header and payload.
     */
    uint8_t tx_frame[LUMEN_TSO_MAX_LEN + LUMEN_MIN_FRAME];
    /* One TSO segment being sent */
    uint8_t tso_seg[LUMEN_MAX_FRAME];

    /* The burst of the TX run in progress (lumen-burst.c) */
    unsigned burst_depth;   /* lumen_burst_begin() not yet ended */
    bool burst_flushing;    /* on its way out: later frames go bare */
    unsigned burst_count;
    size_t burst_len;       /* bytes of burst_buf, header included */
    uint8_t burst_buf[LUMEN_BURST_MAX];
};

/* Device-wide state checks */
static inline bool lumen_is_dead(LumenState *s)
{
    return s->test_faults & LUMEN_FAULT_DEAD;
}

static inline bool lumen_is_ready(LumenState *s)
{
    return (s->status & LUMEN_CTRL_STATUS_READY) && !lumen_is_dead(s);
}

static inline bool lumen_qp_is_raw(unsigned qpi)
{
    return qpi >= LUMEN_MAX_QP;
}

/* Is internal queue pair @qpi one of the configured ones? */
static inline bool lumen_qp_exists(LumenState *s, unsigned qpi)
{
    if (lumen_qp_is_raw(qpi)) {
        return qpi - LUMEN_MAX_QP < s->num_raw_qp;
    }
    return qpi < s->num_qp;
}

/* The device clock of CTRL_CLOCK, ns; raw completions carry bits 31:0. */
static inline uint64_t lumen_clock_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* Register layout of a MAC address: byte 0 in bits 7:0 of the LO word. */
static inline uint32_t lumen_mac_lo(const uint8_t *mac)
{
    return ldl_le_p(mac);
}

static inline uint32_t lumen_mac_hi(const uint8_t *mac)
{
    return lduw_le_p(mac + 4);
}

/* lumen.c */
void lumen_intr_raise(LumenState *s, uint32_t causes);
void lumen_msix_notify(LumenState *s, uint32_t vector);
void lumen_state_changed(LumenState *s);

/* lumen-queue.c */
bool lumen_qp_read(LumenState *s, unsigned qpi, hwaddr reg, uint32_t *val);
bool lumen_qp_write(LumenState *s, unsigned qpi, hwaddr reg, uint32_t val);
void lumen_queues_reset(LumenState *s);
void lumen_tx_kick(LumenState *s);
void lumen_tx_bh(void *opaque);

typedef enum LumenRxResult {
    LUMEN_RX_DONE,          /* written to host memory, CQEs posted */
    LUMEN_RX_WAIT,          /* not enough buffers or CQ slots yet */
    LUMEN_RX_NO_ROOM,       /* can never fit: ring too small or fragmented */
    LUMEN_RX_FAILED,        /* a DMA failed; the queue stopped */
} LumenRxResult;

/*
 * What the CQEs of a received frame carry besides length and buffer id.
 * A normal frame: the RSS hash and LUMEN_CQE_HASH* in its last CQE (with
 * CSUM_COMPLETE).  A raw frame (flags LUMEN_CQE_RAW): hash (the clock)
 * and the flow id as csum in every CQE, RAW on every CQE.
 */
typedef struct LumenRxMeta {
    uint32_t hash;
    uint32_t flags;
    uint16_t flow;
} LumenRxMeta;

bool lumen_rx_qp_enabled(LumenState *s, unsigned qpi);
bool lumen_rx_qp_has_room(LumenState *s, unsigned qpi);
LumenRxResult lumen_rx_deliver(LumenState *s, unsigned qpi,
                               const uint8_t *buf, size_t size,
                               const LumenRxMeta *rm);
void lumen_irq_batch_end(LumenState *s);
void lumen_irq_timers_init(LumenState *s);
void lumen_irq_timers_free(LumenState *s);
uint32_t lumen_csum_add(uint32_t sum, const uint8_t *buf, size_t len);
uint16_t lumen_csum_fold(uint32_t sum);

/* lumen-port.c */
bool lumen_port_read(LumenState *s, hwaddr addr, uint32_t *val);
bool lumen_port_write(LumenState *s, hwaddr addr, uint32_t val);
void lumen_port_realize(LumenState *s);
void lumen_port_unrealize(LumenState *s);
void lumen_port_go_dark(LumenPort *p);
void lumen_fiber_rx(LumenState *s, const uint8_t *buf, size_t size);
void lumen_port_reset(LumenPort *p);
void lumen_port_update_link(LumenPort *p);
void lumen_ports_update_link(LumenState *s);
void lumen_ports_tx_update(LumenState *s);
uint32_t lumen_port_status(LumenPort *p);
bool lumen_port_has_signal(LumenPort *p);
bool lumen_port_receives_partner(LumenPort *p);
void lumen_port_rx_kick(LumenPort *p);
void lumen_ports_rx_kick(LumenState *s);
void lumen_port_receive(LumenPort *p, const uint8_t *buf, size_t size);
void lumen_port_transmit(LumenPort *p, uint8_t *frame, size_t len);
void lumen_port_send(LumenPort *p, uint8_t *frame, size_t len);
bool lumen_stat_read(LumenState *s, hwaddr addr, unsigned size,
                     uint64_t *val);
bool lumen_stat_block(hwaddr addr);
void lumen_stat_add(LumenPort *p, enum lumen_stat n, uint64_t delta);
void lumen_port_stats_reset(LumenPort *p);
void lumen_stats_reset(LumenState *s);

/* lumen-split.c */
static inline bool lumen_port_exists(LumenPort *p)
{
    return p->idx < p->s->num_ports;
}

void lumen_split_write(LumenState *s, uint32_t val);
void lumen_split_reset(LumenState *s);
unsigned lumen_split_width(LumenState *s);
void lumen_port_qp_range(LumenPort *p, unsigned *first, unsigned *end);
void lumen_port_qps_write(LumenPort *p, uint32_t val);
void lumen_port_qps_reset(LumenPort *p);
LumenPort *lumen_qp_port(LumenState *s, unsigned qpi);
void lumen_split_send(LumenPort *p, const uint8_t *frame, size_t len);
bool lumen_split_match(const uint8_t *buf, size_t size);
LumenPort *lumen_split_rx_port(LumenState *s, const uint8_t **buf,
                               size_t *size);

/* lumen-burst.c */
void lumen_burst_begin(LumenState *s);
void lumen_burst_end(LumenState *s);
void lumen_burst_send(LumenState *s, const struct iovec *iov, int iovcnt);
void lumen_burst_reset(LumenState *s);
bool lumen_burst_match(const uint8_t *buf, size_t size);
void lumen_burst_receive(LumenState *s, const uint8_t *buf, size_t size);

/* Where a TSO frame's headers are, once lumen_tso_prepare() found them. */
typedef struct LumenTso {
    size_t l3;              /* IP header */
    size_t l4;              /* TCP header */
    size_t hdr;             /* payload: all headers end here */
    uint16_t mss;
    bool v6;
} LumenTso;

/* lumen.c */
void lumen_fw_fatal(LumenState *s);

/* lumen-tso.c */
uint32_t lumen_tso_prepare(LumenPort *p, const uint8_t *frame, size_t total,
                           uint16_t csum_start, uint16_t mss, LumenTso *t);
void lumen_tso_send(LumenPort *p, const uint8_t *frame, size_t total,
                    const LumenTso *t);

/* lumen-rss.c */
void lumen_rss_port_reset(LumenPort *p);
void lumen_rss_reset(LumenState *s);
bool lumen_rss_read(LumenState *s, hwaddr addr, uint32_t *val);
bool lumen_rss_write(LumenState *s, hwaddr addr, uint32_t val);
unsigned lumen_rss_select(LumenPort *p, const uint8_t *buf, size_t size,
                          uint32_t *hash, uint32_t *flags);

/* lumen-raw.c */
bool lumen_raw_read(LumenState *s, unsigned n, hwaddr reg, uint32_t *val);
bool lumen_raw_write(LumenState *s, unsigned n, hwaddr reg, uint32_t val);
uint32_t lumen_raw_tx_check(uint16_t flags, uint32_t total);
void lumen_raw_transmit(LumenState *s, unsigned qpi, uint16_t flow,
                        uint32_t len);
bool lumen_raw_match(const uint8_t *buf, size_t size);
void lumen_raw_receive(LumenState *s, const uint8_t *buf, size_t size);

/* lumen-lane.c */
void lumen_lane_realize(LumenPort *p);
void lumen_lane_unrealize(LumenPort *p);
void lumen_lane_reset(LumenPort *p);
bool lumen_lane_read(LumenState *s, hwaddr addr, uint32_t *val);
bool lumen_lane_write(LumenState *s, hwaddr addr, uint32_t val);
bool lumen_fec_write(LumenPort *p, uint32_t val);
bool lumen_lane_blocks_link(LumenPort *p);
void lumen_lane_link_changed(LumenPort *p);
void lumen_lane_set_ber(LumenState *s, unsigned n, uint32_t ber);
uint32_t lumen_lane_get_ber(LumenState *s, unsigned n);
unsigned lumen_lane_first(LumenPort *p);
unsigned lumen_lane_active(LumenPort *p);
unsigned lumen_lane_rate(LumenPort *p);
LumenPort *lumen_lane_port(LumenState *s, unsigned n);
bool lumen_lane_in_use(LumenState *s, unsigned n);
unsigned lumen_lanes_in_use(LumenState *s);
bool lumen_lane_lit(LumenState *s, unsigned n);
bool lumen_lane_bringup_done(LumenPort *p);
void lumen_lane_bringup_stop(LumenPort *p);
bool lumen_lane_los(LumenPort *p);
bool lumen_lane_eq_fails(LumenPort *p);
void lumen_lane_ber_limit_write(LumenPort *p, uint32_t val);
unsigned lumen_lane_port_gbps(LumenPort *p);
bool lumen_lane_cfg_write(LumenPort *p, uint32_t val);
uint32_t lumen_lane_default_cfg(LumenPort *p);

/* lumen-train.c */
void lumen_train_realize(LumenPort *p);
void lumen_train_unrealize(LumenPort *p);
void lumen_train_reset(LumenPort *p);
void lumen_train_tx_update(LumenPort *p);
void lumen_train_state_changed(LumenPort *p);
bool lumen_train_match(const uint8_t *buf, size_t size);
void lumen_train_receive(LumenPort *p, const uint8_t *buf, size_t size);
bool lumen_train_partner_seen(LumenPort *p);
bool lumen_train_fec_agrees(LumenPort *p);
bool lumen_train_speed_agrees(LumenPort *p);
bool lumen_train_partner_ready(LumenPort *p);

/* lumen-cmis.c */
void lumen_cmis_realize(LumenState *s);
void lumen_cmis_unrealize(LumenState *s);
void lumen_cmis_reset(LumenState *s);
bool lumen_cmis_read(LumenState *s, hwaddr addr, uint32_t *val);
bool lumen_cmis_write(LumenState *s, hwaddr addr, uint32_t val);

/* lumen-module.c */
void lumen_module_realize(LumenState *s);
void lumen_module_unrealize(LumenState *s);
void lumen_module_update(LumenState *s);
bool lumen_module_present(LumenState *s);
bool lumen_module_ready(LumenState *s);
uint32_t lumen_module_blocker(LumenState *s);
bool lumen_module_read(LumenState *s, unsigned page, unsigned bank,
                       unsigned off, uint8_t *buf, unsigned len);
bool lumen_module_write(LumenState *s, unsigned page, unsigned bank,
                        unsigned off, const uint8_t *buf, unsigned len);

/* lumen-fw.c */
void lumen_fw_realize(LumenState *s);
void lumen_fw_unrealize(LumenState *s);
void lumen_fw_reset(LumenState *s);
bool lumen_fw_read(LumenState *s, hwaddr addr, uint32_t *val);
bool lumen_fw_write(LumenState *s, hwaddr addr, uint32_t val);
void lumen_fw_rot(LumenState *s);

/* lumen-testwin.c */
void lumen_testwin_init(LumenState *s);
void lumen_testwin_class_init(ObjectClass *klass);
void lumen_testwin_corrupt_cqe(LumenState *s, uint32_t flags, uint16_t *len,
                               uint16_t *id);

#endif /* HW_NET_LUMEN_H */
