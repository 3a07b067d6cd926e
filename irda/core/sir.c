/* sir.c - SIR framing and FCS-16 (see sir.h). */
#include "sir.h"

/* Bitwise CRC-16/CCITT in reflected form: no table, the frames are short. */
uint16_t sir_fcs_update(uint16_t fcs, const uint8_t *p, size_t n)
{
    while (n--) {
        fcs ^= *p++;
        for (int i = 0; i < 8; i++)
            fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408u) : (uint16_t)(fcs >> 1);
    }
    return fcs;
}

uint16_t sir_fcs(const uint8_t *p, size_t n)
{
    return (uint16_t)~sir_fcs_update(SIR_FCS_INIT, p, n);
}

size_t sir_encoded_max(size_t len, unsigned xbofs)
{
    return xbofs + 1 + 2 * (len + 2) + 1;
}

static bool needs_escape(uint8_t c)
{
    return c == SIR_BOF || c == SIR_EOF || c == SIR_CE;
}

int sir_encode(const uint8_t *frame, size_t len, unsigned xbofs,
               uint8_t *out, size_t cap)
{
    if (xbofs > SIR_MAX_XBOFS || len > SIR_MAX_FRAME)
        return IRDA_ERR_RANGE;
    if (cap < sir_encoded_max(len, xbofs))
        return IRDA_ERR_NOSPACE;
    size_t o = 0;
    for (unsigned i = 0; i < xbofs; i++)
        out[o++] = SIR_BOF;
    out[o++] = SIR_BOF;
    uint16_t fcs = sir_fcs(frame, len);
    uint8_t tail[2] = { (uint8_t)fcs, (uint8_t)(fcs >> 8) };  /* LSB first */
    for (size_t i = 0; i < len + 2; i++) {
        uint8_t c = i < len ? frame[i] : tail[i - len];
        if (needs_escape(c)) {
            out[o++] = SIR_CE;
            out[o++] = c ^ SIR_XOR;
        } else {
            out[o++] = c;
        }
    }
    out[o++] = SIR_EOF;
    return (int)o;
}

void sir_deframer_init(struct sir_deframer *d, const struct sir_upper *upper)
{
    d->state = SIR_RX_HUNT;
    d->len = 0;
    d->stats = (struct sir_stats){0};
    if (upper)
        d->upper = *upper;
    else
        d->upper = (struct sir_upper){0};
}

static void frame_end(struct sir_deframer *d)
{
    if (d->len < 4) {
        d->stats.runts++;
    } else if (sir_fcs_update(SIR_FCS_INIT, d->buf, d->len) != SIR_FCS_GOOD) {
        d->stats.fcs_errors++;
    } else {
        d->stats.frames++;
        if (d->upper.frame)
            d->upper.frame(d->upper.ctx, d->buf, d->len - 2);
    }
    d->len = 0;
    d->state = SIR_RX_HUNT;
}

static void put_byte(struct sir_deframer *d, uint8_t c)
{
    if (d->len >= sizeof d->buf) {
        d->stats.oversize++;
        d->len = 0;
        d->state = SIR_RX_DISCARD;
        return;
    }
    d->buf[d->len++] = c;
    d->state = SIR_RX_DATA;
}

void sir_deframer_feed(struct sir_deframer *d, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        switch (d->state) {
        case SIR_RX_HUNT:          /* outside a frame: wait for a BOF */
            if (c == SIR_BOF) {
                d->len = 0;
                d->state = SIR_RX_DATA;
            }
            break;
        case SIR_RX_DATA:
            if (c == SIR_BOF) {
                if (d->len)        /* a BOF inside a frame aborts it; repeated BOFs do not */
                    d->stats.aborts++;
                d->len = 0;
            } else if (c == SIR_EOF) {
                frame_end(d);
            } else if (c == SIR_CE) {
                d->state = SIR_RX_ESC;
            } else {
                put_byte(d, c);
            }
            break;
        case SIR_RX_ESC:
            if (c == SIR_BOF) {
                d->stats.aborts++;
                d->len = 0;
                d->state = SIR_RX_DATA;
            } else if (c == SIR_EOF) {
                d->stats.aborts++;
                d->len = 0;
                d->state = SIR_RX_HUNT;
            } else if (c == SIR_CE) {
                d->stats.aborts++;  /* CE CE is not a valid sequence */
                d->len = 0;
                d->state = SIR_RX_DISCARD;
            } else {
                put_byte(d, c ^ SIR_XOR);
            }
            break;
        case SIR_RX_DISCARD:       /* skip the rest of a bad frame */
            if (c == SIR_BOF) {
                d->len = 0;
                d->state = SIR_RX_DATA;
            } else if (c == SIR_EOF) {
                d->state = SIR_RX_HUNT;
            }
            break;
        }
    }
}
