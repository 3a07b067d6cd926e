/* irlap_frame.c - IrLAP frame, XID and parameter codecs (see irlap_frame.h). */
#include <string.h>
#include "irlap_frame.h"

static const char *const kind_names[IRLAP_K_COUNT] = {
    "I", "RR", "RNR", "REJ", "SREJ", "SNRM", "DISC", "UI", "XID-cmd", "TEST",
    "UA", "FRMR", "DM", "RD", "RNRM", "XID-rsp",
};

const char *irlap_kind_name(enum irlap_kind k)
{
    return (unsigned)k < IRLAP_K_COUNT ? kind_names[k] : "?";
}

/* U-frame table: control value, kind as command, kind as response (-1 = invalid). */
static const struct { uint8_t c; int as_cmd, as_rsp; } u_frames[] = {
    { IRLAP_C_SNRM,    IRLAP_K_SNRM,    IRLAP_K_RNRM },
    { IRLAP_C_DISC,    IRLAP_K_DISC,    IRLAP_K_RD },
    { IRLAP_C_UI,      IRLAP_K_UI,      IRLAP_K_UI },
    { IRLAP_C_XID_CMD, IRLAP_K_XID_CMD, -1 },
    { IRLAP_C_XID_RSP, -1,              IRLAP_K_XID_RSP },
    { IRLAP_C_TEST,    IRLAP_K_TEST,    IRLAP_K_TEST },
    { IRLAP_C_UA,      -1,              IRLAP_K_UA },
    { IRLAP_C_FRMR,    -1,              IRLAP_K_FRMR },
    { IRLAP_C_DM,      -1,              IRLAP_K_DM },
};

static const uint8_t s_ctl[4] = { IRLAP_C_RR, IRLAP_C_RNR, IRLAP_C_REJ, IRLAP_C_SREJ };

int irlap_frame_decode(const uint8_t *buf, size_t len, struct irlap_frame *f)
{
    if (len < 2)
        return IRDA_ERR_SHORT;
    if (len > IRLAP_MAX_FRAME)
        return IRDA_ERR_RANGE;
    memset(f, 0, sizeof *f);
    f->caddr = buf[0] >> 1;
    f->cmd = (buf[0] & IRLAP_CR_BIT) != 0;
    f->control = buf[1];
    f->pf = (buf[1] & IRLAP_PF_BIT) != 0;
    f->info = buf + 2;
    f->info_len = len - 2;
    uint8_t c = buf[1];
    if ((c & 0x01) == 0) {                  /* I frame */
        f->kind = IRLAP_K_I;
        f->ns = (c >> 1) & 7;
        f->nr = (c >> 5) & 7;
        return IRDA_OK;
    }
    if ((c & 0x03) == 0x01) {               /* S frame */
        f->kind = (enum irlap_kind)(IRLAP_K_RR + ((c >> 2) & 3));
        f->nr = (c >> 5) & 7;
        if (f->info_len)                    /* S frames carry no information */
            return IRDA_ERR_FORMAT;
        return IRDA_OK;
    }
    uint8_t u = c & (uint8_t)~IRLAP_PF_BIT;  /* U frame */
    for (size_t i = 0; i < sizeof u_frames / sizeof u_frames[0]; i++) {
        if (u_frames[i].c != u)
            continue;
        int k = f->cmd ? u_frames[i].as_cmd : u_frames[i].as_rsp;
        if (k < 0)
            return IRDA_ERR_FORMAT;         /* wrong direction */
        f->kind = (enum irlap_kind)k;
        switch (f->kind) {
        case IRLAP_K_DISC: case IRLAP_K_RD: case IRLAP_K_DM: case IRLAP_K_RNRM:
            return f->info_len ? IRDA_ERR_FORMAT : IRDA_OK;
        case IRLAP_K_FRMR:
            return f->info_len == 3 ? IRDA_OK : IRDA_ERR_FORMAT;
        case IRLAP_K_XID_CMD: case IRLAP_K_XID_RSP:
            return f->info_len >= IRLAP_XID_HDR_LEN ? IRDA_OK : IRDA_ERR_SHORT;
        default:
            return IRDA_OK;
        }
    }
    return IRDA_ERR_FORMAT;
}

int irlap_frame_encode(uint8_t *out, size_t cap, uint8_t caddr, bool cmd,
                       enum irlap_kind kind, bool pf, uint8_t ns, uint8_t nr,
                       const uint8_t *info, size_t info_len)
{
    if (caddr > 0x7F || ns > 7 || nr > 7 || info_len > IRLAP_MAX_DATA)
        return IRDA_ERR_RANGE;
    if (cap < 2 + info_len)
        return IRDA_ERR_NOSPACE;
    uint8_t c;
    switch (kind) {
    case IRLAP_K_I:
        c = (uint8_t)(nr << 5 | ns << 1);
        break;
    case IRLAP_K_RR: case IRLAP_K_RNR: case IRLAP_K_REJ: case IRLAP_K_SREJ:
        if (info_len)
            return IRDA_ERR_FORMAT;
        c = (uint8_t)(s_ctl[kind - IRLAP_K_RR] | nr << 5);
        break;
    case IRLAP_K_SNRM: case IRLAP_K_RNRM: c = IRLAP_C_SNRM; break;
    case IRLAP_K_DISC: case IRLAP_K_RD:   c = IRLAP_C_DISC; break;
    case IRLAP_K_UI:      c = IRLAP_C_UI; break;
    case IRLAP_K_XID_CMD: c = IRLAP_C_XID_CMD; break;
    case IRLAP_K_XID_RSP: c = IRLAP_C_XID_RSP; break;
    case IRLAP_K_TEST:    c = IRLAP_C_TEST; break;
    case IRLAP_K_UA:      c = IRLAP_C_UA; break;
    case IRLAP_K_FRMR:    c = IRLAP_C_FRMR; break;
    case IRLAP_K_DM:      c = IRLAP_C_DM; break;
    default:
        return IRDA_ERR_RANGE;
    }
    if (pf)
        c |= IRLAP_PF_BIT;
    out[0] = (uint8_t)(caddr << 1 | (cmd ? IRLAP_CR_BIT : 0));
    out[1] = c;
    if (info_len)
        memcpy(out + 2, info, info_len);
    return (int)(2 + info_len);
}

/* ---- XID ---- */
static const uint8_t slot_counts[4] = { 1, 6, 8, 16 };

int irlap_slots_to_code(unsigned nslots)
{
    for (int i = 0; i < 4; i++)
        if (slot_counts[i] == nslots)
            return i;
    return IRDA_ERR_RANGE;
}

int irlap_xid_decode(const uint8_t *p, size_t len, bool cmd, struct irlap_xid *x)
{
    if (len < IRLAP_XID_HDR_LEN)
        return IRDA_ERR_SHORT;
    if (p[0] != IRLAP_XID_FI)
        return IRDA_ERR_FORMAT;
    memset(x, 0, sizeof *x);
    x->saddr = irda_get_le32(p + 1);
    x->daddr = irda_get_le32(p + 5);
    x->nslots = slot_counts[p[9] & 3];
    x->new_addr = (p[9] & IRLAP_XID_NEWADDR) != 0;
    x->slot = p[10];
    x->version = p[11];
    x->info = p + IRLAP_XID_HDR_LEN;
    x->info_len = len - IRLAP_XID_HDR_LEN;
    if (x->info_len > IRLAP_DISCINFO_MAX)
        return IRDA_ERR_RANGE;
    if (x->slot != IRLAP_XID_SLOT_FINAL && x->slot >= x->nslots)
        return IRDA_ERR_RANGE;
    if (!cmd && x->slot == IRLAP_XID_SLOT_FINAL)
        return IRDA_ERR_FORMAT;             /* responses answer a real slot */
    return IRDA_OK;
}

int irlap_xid_encode(uint8_t *out, size_t cap, const struct irlap_xid *x)
{
    int code = irlap_slots_to_code(x->nslots);
    if (code < 0)
        return code;
    if (x->info_len > IRLAP_DISCINFO_MAX)
        return IRDA_ERR_RANGE;
    if (x->slot != IRLAP_XID_SLOT_FINAL && x->slot >= x->nslots)
        return IRDA_ERR_RANGE;
    if (cap < IRLAP_XID_HDR_LEN + x->info_len)
        return IRDA_ERR_NOSPACE;
    out[0] = IRLAP_XID_FI;
    irda_put_le32(out + 1, x->saddr);
    irda_put_le32(out + 5, x->daddr);
    out[9] = (uint8_t)(code | (x->new_addr ? IRLAP_XID_NEWADDR : 0));
    out[10] = x->slot;
    out[11] = x->version;
    if (x->info_len)
        memcpy(out + IRLAP_XID_HDR_LEN, x->info, x->info_len);
    return (int)(IRLAP_XID_HDR_LEN + x->info_len);
}

int irda_devinfo_decode(const uint8_t *p, size_t len, struct irda_device_info *d)
{
    uint32_t daddr = d->daddr;
    memset(d, 0, sizeof *d);
    d->daddr = daddr;
    if (len > IRLAP_DISCINFO_MAX)
        return IRDA_ERR_RANGE;
    size_t i = 0;
    while (i < len) {                        /* hint bytes */
        if (d->nhints >= IRDA_HINTS_MAX)
            return IRDA_ERR_FORMAT;
        d->hints[d->nhints++] = p[i];
        if (!(p[i++] & 0x80))
            break;
        if (i == len)
            return IRDA_ERR_SHORT;           /* extension bit promised another */
    }
    if (i == len)
        return IRDA_OK;                      /* hints only */
    d->charset = p[i++];
    size_t n = len - i;
    if (n > IRDA_NICK_MAX)
        return IRDA_ERR_RANGE;
    memcpy(d->nick, p + i, n);
    d->nick[n] = 0;
    d->nick_len = (uint8_t)n;
    return IRDA_OK;
}

int irda_devinfo_encode(const struct irda_device_info *d, uint8_t *out, size_t cap)
{
    if (d->nhints == 0 || d->nhints > IRDA_HINTS_MAX || d->nick_len > IRDA_NICK_MAX)
        return IRDA_ERR_RANGE;
    size_t n = d->nhints + 1u + d->nick_len;
    if (n > IRLAP_DISCINFO_MAX)
        return IRDA_ERR_RANGE;
    if (cap < n)
        return IRDA_ERR_NOSPACE;
    for (unsigned i = 0; i < d->nhints; i++) {
        bool last = i + 1 == d->nhints;
        out[i] = (uint8_t)(last ? d->hints[i] & 0x7F : d->hints[i] | 0x80);
    }
    out[d->nhints] = d->charset;
    memcpy(out + d->nhints + 1, d->nick, d->nick_len);
    return (int)n;
}

/* ---- parameters ---- */
static const uint32_t baud_tab[]      = { 2400, 9600, 19200, 38400, 57600, 115200,
                                          576000, 1152000, 4000000 };
static const uint16_t max_turn_tab[]  = { 500, 250, 100, 50 };
static const uint16_t data_size_tab[] = { 64, 128, 256, 512, 1024, 2048 };
static const uint8_t  xbofs_tab[]     = { 48, 24, 12, 5, 3, 2, 1, 0 };
static const uint16_t min_turn_tab[]  = { 10000, 5000, 1000, 500, 100, 50, 10, 0 };
static const uint8_t  link_disc_tab[] = { 3, 8, 12, 16, 20, 25, 30, 40 };

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

void irlap_qos_default(struct irlap_qos *q)
{
    q->baud = 0x02;       /* 9600 bit/s */
    q->max_turn = 0x01;   /* 500 ms */
    q->data_size = 0x01;  /* 64 bytes */
    q->window = 0x01;     /* 1 frame */
    q->xbofs = 0x04;      /* 12 at 115200 bit/s */
    q->min_turn = 0x01;   /* 10 ms */
    q->link_disc = 0x01;  /* 3 s */
}

int irlap_qos_encode(const struct irlap_qos *q, uint8_t *out, size_t cap)
{
    const uint8_t one[][2] = {
        { IRLAP_PI_MAX_TURN, q->max_turn }, { IRLAP_PI_DATA_SIZE, q->data_size },
        { IRLAP_PI_WINDOW, q->window },     { IRLAP_PI_XBOFS, q->xbofs },
        { IRLAP_PI_MIN_TURN, q->min_turn }, { IRLAP_PI_LINK_DISC, q->link_disc },
    };
    size_t need = (q->baud > 0xFF ? 4 : 3) + NELEM(one) * 3;
    if (cap < need)
        return IRDA_ERR_NOSPACE;
    size_t o = 0;
    out[o++] = IRLAP_PI_BAUD;
    if (q->baud > 0xFF) {
        out[o++] = 2;
        out[o++] = (uint8_t)q->baud;          /* PV least significant byte first */
        out[o++] = (uint8_t)(q->baud >> 8);
    } else {
        out[o++] = 1;
        out[o++] = (uint8_t)q->baud;
    }
    for (size_t i = 0; i < NELEM(one); i++) {
        out[o++] = one[i][0];
        out[o++] = 1;
        out[o++] = one[i][1];
    }
    return (int)o;
}

int irlap_qos_decode(const uint8_t *p, size_t len, struct irlap_qos *q)
{
    irlap_qos_default(q);
    unsigned seen = 0;
    size_t i = 0;
    while (i < len) {
        if (len - i < 2)
            return IRDA_ERR_SHORT;
        uint8_t pi = p[i], pl = p[i + 1];
        i += 2;
        if (pl == 0)
            return IRDA_ERR_FORMAT;
        if (len - i < pl)
            return IRDA_ERR_SHORT;
        const uint8_t *pv = p + i;
        i += pl;
        uint8_t *field;
        unsigned bit;
        switch (pi) {
        case IRLAP_PI_BAUD:
            if (pl > 2)
                return IRDA_ERR_FORMAT;
            if (seen & 1)
                return IRDA_ERR_FORMAT;
            seen |= 1;
            q->baud = (uint16_t)(pv[0] | (pl == 2 ? pv[1] << 8 : 0));
            if (!q->baud)
                return IRDA_ERR_FORMAT;
            continue;
        case IRLAP_PI_MAX_TURN:  field = &q->max_turn;  bit = 2; break;
        case IRLAP_PI_DATA_SIZE: field = &q->data_size; bit = 3; break;
        case IRLAP_PI_WINDOW:    field = &q->window;    bit = 4; break;
        case IRLAP_PI_XBOFS:     field = &q->xbofs;     bit = 5; break;
        case IRLAP_PI_MIN_TURN:  field = &q->min_turn;  bit = 6; break;
        case IRLAP_PI_LINK_DISC: field = &q->link_disc; bit = 7; break;
        default:
            continue;                       /* unknown parameter: ignored */
        }
        if (pl != 1 || (seen & (1u << bit)) || pv[0] == 0)
            return IRDA_ERR_FORMAT;
        seen |= 1u << bit;
        *field = pv[0];
    }
    return IRDA_OK;
}

static int hibit(unsigned m, unsigned limit)
{
    for (int b = (int)limit - 1; b >= 0; b--)
        if (m & (1u << b))
            return b;
    return -1;
}

static int lobit(unsigned m, unsigned limit)
{
    for (unsigned b = 0; b < limit; b++)
        if (m & (1u << b))
            return (int)b;
    return -1;
}

unsigned irlap_xbofs_at(unsigned xbofs_115200, uint32_t baud)
{
    if (baud > 115200)
        return 0;
    return (unsigned)(((uint64_t)xbofs_115200 * baud + 115199) / 115200);
}

int irlap_qos_negotiate(const struct irlap_qos *l, const struct irlap_qos *r,
                        struct irlap_negotiated *n)
{
    memset(n, 0, sizeof *n);
    int b = hibit(l->baud & r->baud, NELEM(baud_tab));
    int d = hibit(l->link_disc & r->link_disc, NELEM(link_disc_tab));
    int ds = hibit(r->data_size, NELEM(data_size_tab));
    int w = hibit(r->window, 7);
    int xb = hibit(r->xbofs, NELEM(xbofs_tab));
    int mt = hibit(r->min_turn, NELEM(min_turn_tab));
    int pt = lobit(r->max_turn, NELEM(max_turn_tab));
    int lds = hibit(l->data_size, NELEM(data_size_tab));
    int lw = hibit(l->window, 7);
    if (b < 0 || d < 0)
        return IRDA_ERR_NEGOTIATE;
    if (ds < 0 || w < 0 || xb < 0 || mt < 0 || pt < 0 || lds < 0 || lw < 0)
        return IRDA_ERR_FORMAT;
    n->baud = baud_tab[b];
    n->link_disc_ms = link_disc_tab[d] * 1000u;
    n->tx_data_size = data_size_tab[ds];
    n->tx_window = (uint8_t)(w + 1);
    n->tx_xbofs = (uint16_t)irlap_xbofs_at(xbofs_tab[xb], n->baud);
    n->tx_min_turn_us = min_turn_tab[mt];
    n->peer_max_turn_ms = max_turn_tab[pt];
    n->rx_data_size = data_size_tab[lds];
    n->rx_window = (uint8_t)(lw + 1);
    return IRDA_OK;
}

int irlap_snrm_decode(const uint8_t *info, size_t len, struct irlap_snrm *s)
{
    memset(s, 0, sizeof *s);
    if (len == 0) {                          /* SNRM without parameters */
        irlap_qos_default(&s->qos);
        return IRDA_OK;
    }
    if (len < 9)
        return IRDA_ERR_SHORT;
    s->has_info = true;
    s->saddr = irda_get_le32(info);
    s->daddr = irda_get_le32(info + 4);
    if (info[8] & 0x01)                      /* bit 0 of the address byte is reserved */
        return IRDA_ERR_FORMAT;
    s->ncaddr = info[8] >> 1;
    if (s->ncaddr == IRLAP_CADDR_BCAST || s->ncaddr == 0)
        return IRDA_ERR_RANGE;
    return irlap_qos_decode(info + 9, len - 9, &s->qos);
}

int irlap_snrm_encode(uint8_t *out, size_t cap, uint32_t saddr, uint32_t daddr,
                      uint8_t ncaddr, const struct irlap_qos *q)
{
    if (ncaddr == 0 || ncaddr >= IRLAP_CADDR_BCAST)
        return IRDA_ERR_RANGE;
    if (cap < 9)
        return IRDA_ERR_NOSPACE;
    irda_put_le32(out, saddr);
    irda_put_le32(out + 4, daddr);
    out[8] = (uint8_t)(ncaddr << 1);
    int n = irlap_qos_encode(q, out + 9, cap - 9);
    return n < 0 ? n : n + 9;
}

int irlap_ua_decode(const uint8_t *info, size_t len, struct irlap_ua *u)
{
    memset(u, 0, sizeof *u);
    if (len == 0) {
        irlap_qos_default(&u->qos);
        return IRDA_OK;
    }
    if (len < 8)
        return IRDA_ERR_SHORT;
    u->has_info = true;
    u->saddr = irda_get_le32(info);
    u->daddr = irda_get_le32(info + 4);
    return irlap_qos_decode(info + 8, len - 8, &u->qos);
}

int irlap_ua_encode(uint8_t *out, size_t cap, uint32_t saddr, uint32_t daddr,
                    const struct irlap_qos *q)
{
    if (cap < 8)
        return IRDA_ERR_NOSPACE;
    irda_put_le32(out, saddr);
    irda_put_le32(out + 4, daddr);
    int n = irlap_qos_encode(q, out + 8, cap - 8);
    return n < 0 ? n : n + 8;
}
