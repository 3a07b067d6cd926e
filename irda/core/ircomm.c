/*
 * ircomm.c - IrCOMM cooked framing and control parameters (see ircomm.h).
 */
#include "ircomm.h"

int ircomm_put_param(uint8_t *out, size_t cap, size_t *pos, uint8_t pi,
                     const uint8_t *pv, uint8_t pl)
{
    if (*pos > cap || cap - *pos < (size_t)pl + 2)
        return IRDA_ERR_NOSPACE;
    out[*pos] = pi;
    out[*pos + 1] = pl;
    for (size_t i = 0; i < pl; i++)
        out[*pos + 2 + i] = pv[i];
    *pos += (size_t)pl + 2;
    return IRDA_OK;
}

int ircomm_split(const uint8_t *frame, size_t len, const uint8_t **ctrl, size_t *clen,
                 const uint8_t **data, size_t *dlen)
{
    if (!len)
        return IRDA_ERR_SHORT;      /* not even the control length */
    size_t n = frame[0];
    if (n > len - 1)
        return IRDA_ERR_FORMAT;     /* would swallow bytes that are not there */
    *ctrl = frame + 1;
    *clen = n;
    *data = frame + 1 + n;
    *dlen = len - 1 - n;
    return IRDA_OK;
}

int ircomm_parse_params(const uint8_t *ctrl, size_t clen, struct ircomm_peer *peer)
{
    size_t i = 0;
    peer->control_bytes += (unsigned)clen;
    while (i < clen) {
        if (clen - i < 2 || clen - i - 2 < ctrl[i + 1])
            return IRDA_ERR_FORMAT;
        uint8_t pi = ctrl[i], pl = ctrl[i + 1];
        const uint8_t *pv = ctrl + i + 2;
        peer->params++;
        /* one-byte values are the only ones acted on; longer ones of these
         * PIs are not IrCOMM 1.0's and count as other */
        if (pl == 1 && pi == IRCOMM_PI_SERVICE_TYPE) {
            peer->have_service = true;
            peer->service = pv[0];
        } else if (pl == 1 && pi == IRCOMM_PI_DTE) {
            peer->have_dte = true;
            peer->dte = pv[0];
        } else if (pl == 1 && pi == IRCOMM_PI_DCE) {
            peer->have_dce = true;
            peer->dce = pv[0];
        } else {
            peer->other++;
        }
        i += (size_t)pl + 2;
    }
    return IRDA_OK;
}

size_t ircomm_initial_dte(uint8_t *out, size_t cap)
{
    static const uint8_t service = IRCOMM_9_WIRE;
    /* lines raised as the port opens: both changed from the closed state */
    static const uint8_t dte = IRCOMM_DTR | IRCOMM_RTS | IRCOMM_DELTA_DTR | IRCOMM_DELTA_RTS;
    size_t pos = 0;
    if (ircomm_put_param(out, cap, &pos, IRCOMM_PI_SERVICE_TYPE, &service, 1) < 0 ||
        ircomm_put_param(out, cap, &pos, IRCOMM_PI_DTE, &dte, 1) < 0)
        return 0;
    return pos;
}

size_t ircomm_initial_dce(uint8_t *out, size_t cap)
{
    static const uint8_t dce = IRCOMM_CTS | IRCOMM_DSR | IRCOMM_CD |
                               IRCOMM_DELTA_CTS | IRCOMM_DELTA_DSR | IRCOMM_DELTA_CD;
    size_t pos = 0;
    if (ircomm_put_param(out, cap, &pos, IRCOMM_PI_DCE, &dce, 1) < 0)
        return 0;
    return pos;
}

size_t ircomm_ias_parameters(uint8_t *out, size_t cap)
{
    static const uint8_t service = IRCOMM_9_WIRE, port = IRCOMM_PORT_SERIAL;
    size_t pos = 0;
    if (ircomm_put_param(out, cap, &pos, IRCOMM_PI_SERVICE_TYPE, &service, 1) < 0 ||
        ircomm_put_param(out, cap, &pos, IRCOMM_PI_PORT_TYPE, &port, 1) < 0)
        return 0;
    return pos;
}
