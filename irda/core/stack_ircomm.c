/*
 * stack_ircomm.c - the station's 9-wire connections (IRDA_MODE_9WIRE):
 * TinyTP without SAR, each SDU one IrCOMM cooked frame (ircomm.h).  The
 * user's bytes go out behind a control length of 0; what the peer puts in
 * its control channel is parsed and kept in c->ircomm_peer and never
 * reaches the receive ring.  The initiator opens with its service type and
 * DTE line settings, the acceptor answers with its DCE line settings, as
 * a DTE (a computer) and a DCE (a modem) do on IrCOMM 1.0.
 */
#include <string.h>
#include "stack_internal.h"

/* Control parameters of the opening frames: a few triples. */
#define IRCOMM_START_MAX 16

void stack_ircomm_start(struct irda_conn *c, bool initiator)
{
    uint8_t frame[1 + IRCOMM_START_MAX];
    size_t n = initiator ? ircomm_initial_dte(frame + 1, IRCOMM_START_MAX)
                         : ircomm_initial_dce(frame + 1, IRCOMM_START_MAX);
    frame[0] = (uint8_t)n;
    /* queued ahead of any data (the TinyTP queue is empty on a new
     * connection); later writes top this frame up with user data, which
     * is still a valid control-and-data frame */
    (void)ttp_send(&c->ttp, frame, 1 + n);
}

size_t stack_ircomm_send(struct irda_conn *c, const uint8_t *data, size_t len)
{
    uint8_t frame[IRLAP_MAX_DATA];
    size_t max = ttp_max_pdu_data(&c->ttp);
    if (max > sizeof frame)
        max = sizeof frame;
    if (max < 2)
        return 0;
    /* the last queued frame already has its control length: top it up */
    size_t off = ttp_append(&c->ttp, data, len);
    while (off < len) {
        size_t n = len - off < max - 1 ? len - off : max - 1;
        frame[0] = 0;                           /* data only */
        memcpy(frame + 1, data + off, n);
        if (ttp_send(&c->ttp, frame, n + 1) != IRDA_OK)
            break;
        off += n;
    }
    return off;
}

bool stack_ircomm_receive(struct irda_conn *c, const uint8_t **d, size_t *len)
{
    const uint8_t *ctrl, *data;
    size_t clen, dlen;
    if (ircomm_split(*d, *len, &ctrl, &clen, &data, &dlen) != IRDA_OK ||
        ircomm_parse_params(ctrl, clen, &c->ircomm_peer) != IRDA_OK) {
        ttp_violation(&c->ttp, TTP_V_UPPER_FRAME);
        return false;
    }
    *d = data;
    *len = dlen;
    return true;
}
