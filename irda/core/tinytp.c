/* tinytp.c - TinyTP flow control and SAR (see tinytp.h). */
#include <string.h>
#include "tinytp.h"

/* ------------------------------------------------------------------ codec */

int ttp_connect_pdu_encode(uint8_t *out, size_t cap, uint8_t credit, bool has_max_sdu,
                           uint32_t max_sdu, const uint8_t *ud, size_t len)
{
    if (credit > TTP_CREDIT_MASK)
        return IRDA_ERR_RANGE;
    size_t need = 1 + (has_max_sdu ? 1 + 2 + 4 : 0) + len;
    if (cap < need)
        return IRDA_ERR_NOSPACE;
    size_t o = 0;
    out[o++] = (uint8_t)((has_max_sdu ? TTP_P_BIT : 0) | credit);
    if (has_max_sdu) {
        /* PV as short as the value allows: 1, 2 or 4 bytes, big-endian */
        unsigned pl = max_sdu <= 0xFF ? 1 : max_sdu <= 0xFFFF ? 2 : 4;
        out[o++] = (uint8_t)(2 + pl);
        out[o++] = TTP_PI_MAX_SDU;
        out[o++] = (uint8_t)pl;
        for (unsigned i = pl; i-- > 0;)
            out[o++] = (uint8_t)(max_sdu >> (8 * i));
    }
    if (len)
        memcpy(out + o, ud, len);
    return (int)(o + len);
}

int ttp_connect_pdu_decode(const uint8_t *b, size_t len, struct ttp_params *p,
                           const uint8_t **ud, size_t *ud_len)
{
    memset(p, 0, sizeof *p);
    if (len < 1)
        return IRDA_ERR_SHORT;
    p->credit = b[0] & TTP_CREDIT_MASK;
    size_t i = 1;
    if (b[0] & TTP_P_BIT) {
        if (len < 2)
            return IRDA_ERR_SHORT;
        size_t plen = b[1];
        i = 2;
        if (len - i < plen)
            return IRDA_ERR_SHORT;
        size_t end = i + plen;
        while (i < end) {
            if (end - i < 2)
                return IRDA_ERR_SHORT;
            uint8_t pi = b[i], pl = b[i + 1];
            i += 2;
            if (end - i < pl)
                return IRDA_ERR_SHORT;
            if (pi == TTP_PI_MAX_SDU) {
                if (pl < 1 || pl > 4 || p->has_max_sdu)
                    return IRDA_ERR_FORMAT;
                uint32_t v = 0;
                for (unsigned k = 0; k < pl; k++)
                    v = v << 8 | b[i + k];
                p->has_max_sdu = true;
                p->max_sdu = v;
            }
            i += pl;                           /* unknown parameters are skipped */
        }
    }
    *ud = b + i;
    *ud_len = len - i;
    return IRDA_OK;
}

/* ------------------------------------------------------------------ FIFO */

static void ring_put(struct ttp *t, size_t at, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t->txbuf[(at + i) % TTP_TXBUF] = p[i];
}

static void ring_get(const struct ttp *t, size_t at, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = t->txbuf[(at + i) % TTP_TXBUF];
}

size_t ttp_max_pdu_data(const struct ttp *t)
{
    size_t m = t->lsap ? irlmp_max_sdu(t->lsap) : 62;
    return m - TTP_HDR_LEN;
}

size_t ttp_max_sdu(const struct ttp *t)
{
    size_t pdu = ttp_max_pdu_data(t);
    if (!t->tx_sar)
        return pdu;
    size_t segs = TTP_TXBUF / (pdu + 3);
    size_t cap = segs * pdu;
    return t->tx_max_sdu && t->tx_max_sdu < cap ? t->tx_max_sdu : cap;
}

size_t ttp_tx_queued(const struct ttp *t)
{
    return t->tx_used;
}

bool ttp_tx_room(const struct ttp *t, size_t len)
{
    size_t pdu = ttp_max_pdu_data(t);
    size_t segs = len ? (len + pdu - 1) / pdu : 1;
    return TTP_TXBUF - t->tx_used >= len + 3 * segs;
}

/* ------------------------------------------------------------------ flow */

static unsigned give_credit(struct ttp *t)
{
    unsigned c = t->avail_credit > TTP_CREDIT_MASK ? TTP_CREDIT_MASK : t->avail_credit;
    return c;
}

/* User bytes in one PDU the peer sends us (its frames are within our data size). */
static size_t rx_pdu_data(const struct ttp *t)
{
    size_t n = t->lmp && t->lmp->lap ? t->lmp->lap->neg.rx_data_size : 0;
    if (n <= IRLMP_HDR_LEN + TTP_HDR_LEN)
        n = IRLAP_MAX_DATA;                    /* not negotiated: the largest possible */
    return n - IRLMP_HDR_LEN - TTP_HDR_LEN;
}

/* The credit the peer may hold (given or still to give). With a byte budget
 * (ttp_set_rx_space) every PDU outstanding may bring a full PDU of data, and
 * the segments held in reassembly still need room above: they are counted
 * against the budget until the SDU is delivered. */
static unsigned window_now(const struct ttp *t)
{
    if (!t->rx_space_set)
        return t->rx_window;
    size_t space = t->rx_space > t->rx_len ? t->rx_space - t->rx_len : 0;
    size_t w = space / rx_pdu_data(t);
    return w > TTP_CREDIT_MASK ? TTP_CREDIT_MASK : (unsigned)w;
}

static void refill_credit(struct ttp *t)
{
    unsigned w = window_now(t);
    unsigned have = t->remote_credit + t->avail_credit;
    if (w > have)
        t->avail_credit += w - have;
    else if (have > w)                          /* less room now: take back what is not given */
        t->avail_credit -= have - w < t->avail_credit ? have - w : t->avail_credit;
}

/* Sends queued PDUs while there is credit and IrLMP takes them. */
static void pump(struct ttp *t)
{
    if (t->state != TTP_OPEN && t->state != TTP_CLOSING)
        return;
    refill_credit(t);
    while (t->tx_used && t->send_credit) {
        uint8_t hdr[3];
        ring_get(t, t->tx_head, hdr, 3);
        size_t n = (size_t)hdr[0] << 8 | hdr[1];
        uint8_t pdu[IRLAP_MAX_DATA];
        unsigned c = give_credit(t);
        pdu[0] = (uint8_t)((hdr[2] ? TTP_M_BIT : 0) | c);
        ring_get(t, t->tx_head + 3, pdu + 1, n);
        if (irlmp_data_request(t->lsap, pdu, n + 1) != IRDA_OK)
            return;                            /* IrLAP queue full: tx_ready resumes */
        t->tx_head = (t->tx_head + 3 + n) % TTP_TXBUF;
        t->tx_used -= 3 + n;
        if (t->tx_used == 0)
            t->tail_single = false;             /* the tail record has gone */
        t->send_credit--;
        t->avail_credit -= c;
        t->remote_credit += c;
        t->tx_pdus++;
    }
    /* a credit-only PDU when the peer runs low */
    if (t->avail_credit && (t->remote_credit == 0 || t->remote_credit * 2 <= t->rx_window)) {
        unsigned c = give_credit(t);
        uint8_t pdu = (uint8_t)c;
        if (irlmp_data_request(t->lsap, &pdu, 1) == IRDA_OK) {
            t->avail_credit -= c;
            t->remote_credit += c;
            t->credit_pdus++;
        }
    }
    if (t->state == TTP_CLOSING && t->tx_used == 0) {
        struct irlmp_lsap *l = t->lsap;
        t->state = TTP_CLOSED;
        t->lsap = NULL;
        irlmp_disconnect_request(l, NULL, 0);
    }
}

/* pump() after the peer gave `credit`: if that let queued PDUs go, the user
 * has room again and is told so (tx_ready). Otherwise a writer that found the
 * queue full waiting for credit, with IrLAP's queue never full, would wait
 * for good: only IrLMP's tx_ready reported room before. */
static void pump_credit(struct ttp *t, unsigned credit)
{
    size_t before = t->tx_used;
    pump(t);
    if (credit && t->tx_used < before && t->state == TTP_OPEN && t->ops.tx_ready)
        t->ops.tx_ready(t->ops.ctx, t);
}

/* ------------------------------------------------------------------ LSAP callbacks */

static void close_with(struct ttp *t, enum irlmp_reason r, const uint8_t *ud, size_t len)
{
    bool tell = t->state != TTP_CLOSED;
    t->state = TTP_CLOSED;
    t->lsap = NULL;
    t->tx_used = 0;
    if (tell && t->ops.disconnect_ind)
        t->ops.disconnect_ind(t->ops.ctx, t, r, ud, len);
}

static void l_connect_ind(void *ctx, struct irlmp_lsap *lis, struct irlmp_lsap *conn,
                          const uint8_t *ud, size_t len)
{
    struct ttp *t = ctx;
    (void)lis;
    struct ttp_params p;
    const uint8_t *u;
    size_t ul;
    if (ttp_connect_pdu_decode(ud, len, &p, &u, &ul) < 0 || !t->ops.connect_ind) {
        irlmp_disconnect_request(conn, NULL, 0);
        return;
    }
    t->ops.connect_ind(t->ops.ctx, t, conn, &p, u, ul);
}

static void apply_peer(struct ttp *t, const struct ttp_params *p)
{
    t->send_credit = p->credit;
    t->tx_sar = p->has_max_sdu && p->max_sdu != 0;
    t->tx_max_sdu = t->tx_sar ? p->max_sdu : 0;
}

static void l_connect_cnf(void *ctx, struct irlmp_lsap *l, const uint8_t *ud, size_t len)
{
    struct ttp *t = ctx;
    (void)l;
    struct ttp_params p;
    const uint8_t *u;
    size_t ul;
    if (ttp_connect_pdu_decode(ud, len, &p, &u, &ul) < 0) {
        t->protocol_errors++;
        struct irlmp_lsap *ls = t->lsap;
        t->lsap = NULL;
        irlmp_disconnect_request(ls, NULL, 0);
        close_with(t, IRLMP_R_UNSPECIFIED, NULL, 0);
        return;
    }
    apply_peer(t, &p);
    t->state = TTP_OPEN;
    if (t->ops.connect_cnf)
        t->ops.connect_cnf(t->ops.ctx, t, u, ul);
    pump(t);
}

static void l_data_ind(void *ctx, struct irlmp_lsap *l, const uint8_t *d, size_t len)
{
    struct ttp *t = ctx;
    (void)l;
    if (t->state != TTP_OPEN && t->state != TTP_CLOSING) {
        t->protocol_errors++;                   /* not ours to judge any more */
        return;
    }
    if (len < 1) {
        ttp_violation(t, TTP_V_EMPTY_PDU);
        return;
    }
    unsigned credit = d[0] & TTP_CREDIT_MASK;
    if (credit > TTP_SEND_CREDIT_MAX - t->send_credit) {
        ttp_violation(t, TTP_V_CREDIT_OVERFLOW);
        return;
    }
    t->send_credit += credit;
    bool more = (d[0] & TTP_M_BIT) != 0;
    if (len == 1 && !more) {
        pump_credit(t, credit);                 /* credit only */
        return;
    }
    /* a data PDU: it must have been paid for and fit what was negotiated,
     * or the receive side's promise (nothing sent within credit is ever
     * cut) cannot hold */
    size_t n = len - 1;
    if (!t->remote_credit) {
        ttp_violation(t, TTP_V_NO_CREDIT);
        return;
    }
    if (n > rx_pdu_data(t)) {
        ttp_violation(t, TTP_V_PDU_TOO_LONG);
        return;
    }
    if (more && t->rx_max_sdu == 0) {
        ttp_violation(t, TTP_V_UNOFFERED_SAR);
        return;
    }
    size_t limit = t->rx_max_sdu ? t->rx_max_sdu : ttp_max_pdu_data(t);
    if (limit > TTP_MAX_RX_SDU)
        limit = TTP_MAX_RX_SDU;
    if (t->rx_len + n > limit) {
        ttp_violation(t, TTP_V_SDU_TOO_LONG);
        return;
    }
    t->rx_pdus++;
    t->remote_credit--;
    memcpy(t->rxbuf + t->rx_len, d + 1, n);
    t->rx_len += n;
    if (!more) {
        size_t sdu = t->rx_len;
        t->rx_len = 0;                          /* delivered: no longer held here */
        if (t->ops.data_ind)
            t->ops.data_ind(t->ops.ctx, t, t->rxbuf, sdu);
    }
    if (t->state == TTP_OPEN || t->state == TTP_CLOSING)
        pump_credit(t, credit);                 /* (the layer above may have ended it) */
}

static void l_disconnect_ind(void *ctx, struct irlmp_lsap *l, enum irlmp_reason r,
                             const uint8_t *ud, size_t len)
{
    struct ttp *t = ctx;
    (void)l;
    close_with(t, r, ud, len);
}

static void l_tx_ready(void *ctx, struct irlmp_lsap *l)
{
    struct ttp *t = ctx;
    (void)l;
    pump(t);
    if (t->state == TTP_OPEN && t->ops.tx_ready)
        t->ops.tx_ready(t->ops.ctx, t);
}

static struct irlmp_lsap_ops lsap_ops(struct ttp *t)
{
    struct irlmp_lsap_ops o = { t, l_connect_ind, l_connect_cnf, l_data_ind, l_disconnect_ind,
                                l_tx_ready, NULL, NULL };
    return o;
}

/* ------------------------------------------------------------------ public */

static void ttp_reset(struct ttp *t, struct irlmp *lmp, const struct ttp_ops *ops,
                      uint32_t rx_max_sdu, uint8_t credit)
{
    void *user = t->user;
    memset(t, 0, offsetof(struct ttp, txbuf));
    t->rx_len = 0;
    t->violation = TTP_V_NONE;
    t->rx_pdus = t->tx_pdus = t->credit_pdus = t->protocol_errors = 0;
    t->user = user;
    t->lmp = lmp;
    if (ops)
        t->ops = *ops;
    t->rx_max_sdu = rx_max_sdu > TTP_MAX_RX_SDU ? TTP_MAX_RX_SDU : rx_max_sdu;
    t->initial_credit = credit > TTP_CREDIT_MASK ? TTP_CREDIT_MASK : credit;
    t->rx_window = t->initial_credit;
    t->remote_credit = t->initial_credit;
}

int ttp_open(struct ttp *t, struct irlmp *lmp, int slsap, const struct ttp_ops *ops,
             uint32_t rx_max_sdu, uint8_t initial_credit)
{
    ttp_reset(t, lmp, ops, rx_max_sdu, initial_credit);
    struct irlmp_lsap_ops o = lsap_ops(t);
    t->lsap = irlmp_open(lmp, slsap, &o);
    return t->lsap ? IRDA_OK : IRDA_ERR_INUSE;
}

int ttp_listen(struct ttp *t)
{
    if (!t->lsap)
        return IRDA_ERR_STATE;
    int rc = irlmp_listen(t->lsap);
    if (rc == IRDA_OK)
        t->state = TTP_LISTEN;
    return rc;
}

static int connect_ud(struct ttp *t, uint8_t *out, size_t cap, const uint8_t *ud, size_t len)
{
    return ttp_connect_pdu_encode(out, cap, t->initial_credit, t->rx_max_sdu != 0,
                                  t->rx_max_sdu, ud, len);
}

int ttp_connect(struct ttp *t, uint32_t daddr, uint8_t dlsap, const uint8_t *ud, size_t len)
{
    if (!t->lsap || t->state != TTP_CLOSED)
        return IRDA_ERR_STATE;
    uint8_t buf[64];
    int n = connect_ud(t, buf, sizeof buf, ud, len);
    if (n < 0)
        return n;
    int rc = irlmp_connect_request(t->lsap, daddr, dlsap, buf, (size_t)n);
    if (rc == IRDA_OK)
        t->state = TTP_CONNECTING;
    return rc;
}

int ttp_accept(struct ttp *t, struct irlmp_lsap *conn, const struct ttp_ops *ops,
               uint32_t rx_max_sdu, uint8_t initial_credit, const struct ttp_params *peer,
               const uint8_t *ud, size_t len)
{
    ttp_reset(t, conn->lmp, ops, rx_max_sdu, initial_credit);
    uint8_t buf[64];
    int n = connect_ud(t, buf, sizeof buf, ud, len);
    if (n < 0)
        return n;
    t->lsap = conn;
    conn->ops = lsap_ops(t);
    apply_peer(t, peer);
    int rc = irlmp_connect_response(conn, buf, (size_t)n);
    if (rc < 0) {
        t->lsap = NULL;
        return rc;
    }
    t->state = TTP_OPEN;
    pump(t);
    return IRDA_OK;
}

int ttp_send(struct ttp *t, const uint8_t *sdu, size_t len)
{
    if (t->state != TTP_OPEN)
        return IRDA_ERR_STATE;
    if (len > ttp_max_sdu(t))
        return IRDA_ERR_RANGE;
    if (!ttp_tx_room(t, len))
        return IRDA_ERR_AGAIN;
    size_t pdu = ttp_max_pdu_data(t);
    size_t off = 0;
    t->tail_single = len <= pdu;
    t->tail_at = (t->tx_head + t->tx_used) % TTP_TXBUF;
    do {
        size_t n = len - off < pdu ? len - off : pdu;
        bool more = off + n < len;
        uint8_t hdr[3] = { (uint8_t)(n >> 8), (uint8_t)n, more };
        size_t tail = (t->tx_head + t->tx_used) % TTP_TXBUF;
        ring_put(t, tail, hdr, 3);
        ring_put(t, tail + 3, sdu + off, n);
        t->tx_used += 3 + n;
        off += n;
    } while (off < len);
    pump(t);
    return IRDA_OK;
}

size_t ttp_append(struct ttp *t, const uint8_t *data, size_t len)
{
    if (t->state != TTP_OPEN || !t->tail_single || t->tx_used == 0)
        return 0;
    uint8_t hdr[3];
    ring_get(t, t->tail_at, hdr, 3);
    size_t cur = (size_t)hdr[0] << 8 | hdr[1];
    size_t limit = ttp_max_pdu_data(t);
    size_t sdu = ttp_max_sdu(t);
    if (sdu < limit)
        limit = sdu;
    if (cur >= limit)
        return 0;
    size_t n = len < limit - cur ? len : limit - cur;
    if (n > TTP_TXBUF - t->tx_used)
        n = TTP_TXBUF - t->tx_used;
    ring_put(t, (t->tx_head + t->tx_used) % TTP_TXBUF, data, n);   /* the tail's data ends there */
    cur += n;
    hdr[0] = (uint8_t)(cur >> 8);
    hdr[1] = (uint8_t)cur;
    ring_put(t, t->tail_at, hdr, 2);
    t->tx_used += n;
    return n;
}

int ttp_disconnect(struct ttp *t, bool graceful, const uint8_t *ud, size_t len)
{
    if (t->state == TTP_CLOSED)
        return IRDA_ERR_STATE;
    if (graceful && t->state == TTP_OPEN && t->tx_used) {
        t->state = TTP_CLOSING;                /* pump() disconnects when drained */
        pump(t);
        return IRDA_OK;
    }
    struct irlmp_lsap *l = t->lsap;
    t->state = TTP_CLOSED;
    t->lsap = NULL;
    t->tx_used = 0;
    if (l)
        irlmp_disconnect_request(l, ud, len);
    return IRDA_OK;
}

int ttp_abort(struct ttp *t)
{
    struct irlmp_lsap *l = t->lsap;
    if (t->state == TTP_CLOSED)
        return IRDA_ERR_STATE;
    t->state = TTP_CLOSED;
    t->lsap = NULL;
    t->tx_used = 0;
    if (l)
        irlmp_abort_request(l, IRLMP_R_UNSPECIFIED);
    return IRDA_OK;
}

const char *ttp_violation_text(enum ttp_violation v)
{
    switch (v) {
    case TTP_V_NONE:            return "no violation";
    case TTP_V_NO_CREDIT:       return "TinyTP violation: data PDU without credit";
    case TTP_V_EMPTY_PDU:       return "TinyTP violation: PDU without header";
    case TTP_V_PDU_TOO_LONG:    return "TinyTP violation: PDU beyond the data size";
    case TTP_V_UNOFFERED_SAR:   return "TinyTP violation: segments without SAR";
    case TTP_V_SDU_TOO_LONG:    return "TinyTP violation: SDU beyond MaxSduSize";
    case TTP_V_CREDIT_OVERFLOW: return "TinyTP violation: credit beyond any buffer";
    case TTP_V_RX_OVERFLOW:     return "TinyTP violation: data beyond the window";
    case TTP_V_UPPER_FRAME:     return "IrCOMM: control length or parameter beyond the frame";
    }
    return "TinyTP violation";
}

void ttp_violation(struct ttp *t, enum ttp_violation v)
{
    struct irlmp_lsap *l = t->lsap;
    if (t->state == TTP_CLOSED || t->state == TTP_LISTEN)
        return;
    t->protocol_errors++;
    t->violation = v;
    t->lsap = NULL;
    t->rx_len = 0;
    if (l) {
        /* the peer is told why, in words a capture shows */
        const char *why = ttp_violation_text(v);
        irlmp_disconnect_with(l, IRLMP_R_UNSPECIFIED, (const uint8_t *)why, strlen(why));
    }
    close_with(t, IRLMP_R_LOCAL_VIOLATION, NULL, 0);
}

void ttp_set_rx_window(struct ttp *t, unsigned credits)
{
    t->rx_window = credits > 255 ? 255 : credits;
    if (t->state == TTP_OPEN || t->state == TTP_CLOSING)
        pump(t);
}

void ttp_set_rx_space(struct ttp *t, size_t bytes)
{
    t->rx_space_set = true;
    t->rx_space = bytes;
    if (t->state == TTP_OPEN || t->state == TTP_CLOSING)
        pump(t);
}
