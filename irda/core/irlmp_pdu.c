/*
 * irlmp_pdu.c - the LM-PDU codec (IrLMP 1.1 section 4.2): the header of
 * every LM-PDU and the control PDUs (connect, disconnect, access mode),
 * kept apart from the multiplexer's state machines (irlmp.c).
 */
#include <string.h>
#include "irlmp.h"

int irlmp_pdu_decode(const uint8_t *b, size_t len, struct irlmp_pdu *p)
{
    if (len < IRLMP_HDR_LEN)
        return IRDA_ERR_SHORT;
    memset(p, 0, sizeof *p);
    p->control = (b[0] & 0x80) != 0;
    p->dlsap = b[0] & 0x7F;
    p->slsap = b[1] & 0x7F;
    if (b[1] & 0x80)                       /* reserved bit */
        return IRDA_ERR_FORMAT;
    if (!p->control) {
        p->data = b + 2;
        p->len = len - 2;
        return IRDA_OK;
    }
    if (len < IRLMP_CTRL_LEN)
        return IRDA_ERR_SHORT;
    p->confirm = (b[2] & IRLMP_OP_CONFIRM) != 0;
    p->opcode = b[2] & 0x7F;
    p->param = b[3];
    p->data = b + 4;
    p->len = len - 4;
    switch (p->opcode) {
    case IRLMP_OP_CONNECT:
        return IRDA_OK;
    case IRLMP_OP_DISCONNECT:
        return p->confirm ? IRDA_ERR_FORMAT : IRDA_OK;
    case IRLMP_OP_ACCESS:
        if (p->len != 1)
            return IRDA_ERR_FORMAT;
        p->mode = b[4];
        p->data = NULL;
        p->len = 0;
        return p->mode <= 1 ? IRDA_OK : IRDA_ERR_FORMAT;
    default:
        return IRDA_ERR_FORMAT;
    }
}

int irlmp_pdu_encode(uint8_t *out, size_t cap, const struct irlmp_pdu *p)
{
    if (p->dlsap > 0x7F || p->slsap > 0x7F)
        return IRDA_ERR_RANGE;
    size_t hdr = p->control ? IRLMP_CTRL_LEN : IRLMP_HDR_LEN;
    size_t body = p->control && p->opcode == IRLMP_OP_ACCESS ? 1 : p->len;
    if (cap < hdr + body)
        return IRDA_ERR_NOSPACE;
    out[0] = (uint8_t)((p->control ? 0x80 : 0) | p->dlsap);
    out[1] = p->slsap;
    if (p->control) {
        out[2] = (uint8_t)(p->opcode | (p->confirm ? IRLMP_OP_CONFIRM : 0));
        out[3] = p->param;
        if (p->opcode == IRLMP_OP_ACCESS) {
            out[4] = p->mode;
            return (int)(hdr + 1);
        }
    }
    if (p->len)
        memcpy(out + hdr, p->data, p->len);
    return (int)(hdr + p->len);
}
