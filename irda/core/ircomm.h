/*
 * ircomm.h - IrCOMM 9-wire "cooked" framing over TinyTP (IrCOMM 1.0), what
 * a socket in IRLMP_9WIRE_MODE speaks.
 *
 * Every TinyTP SDU of a cooked IrCOMM connection is one frame:
 *
 *     clen | clen bytes of control parameters | user data
 *
 * clen 0 is a data-only frame, no user data a control-only frame.  The
 * control parameters are PI/PL/PV triples (parameter identifier, length,
 * value).  The service also publishes an IAS octet-sequence attribute
 * "Parameters" made of the same triples (service type, port type).  No
 * state and no I/O here: the codec only; the station's use of it is
 * stack_ircomm.c.
 */
#ifndef IRDA_IRCOMM_H
#define IRDA_IRCOMM_H

#include "irda_common.h"

#define IRCOMM_CLASS            "IrDA:IrCOMM"
#define IRCOMM_PARAMS_ATTRIBUTE "Parameters"

/* PI values (IrCOMM 1.0): common, 3- and 9-wire, 9-wire only. */
#define IRCOMM_PI_SERVICE_TYPE  0x00
#define IRCOMM_PI_PORT_TYPE     0x01   /* IAS only */
#define IRCOMM_PI_PORT_NAME     0x02   /* IAS only */
#define IRCOMM_PI_DATA_RATE     0x10
#define IRCOMM_PI_DATA_FORMAT   0x11
#define IRCOMM_PI_FLOW_CONTROL  0x12
#define IRCOMM_PI_XON_XOFF      0x13
#define IRCOMM_PI_ENQ_ACK       0x14
#define IRCOMM_PI_LINE_STATUS   0x15
#define IRCOMM_PI_BREAK         0x16
#define IRCOMM_PI_DTE           0x20   /* DTE line settings */
#define IRCOMM_PI_DCE           0x21   /* DCE line settings */
#define IRCOMM_PI_POLL          0x22   /* poll for line settings */

/* Service type bits. */
#define IRCOMM_3_WIRE_RAW       0x01
#define IRCOMM_3_WIRE           0x02
#define IRCOMM_9_WIRE           0x04
#define IRCOMM_CENTRONICS       0x08
/* Port type bits. */
#define IRCOMM_PORT_SERIAL      0x01
#define IRCOMM_PORT_PARALLEL    0x02
/* DTE line settings: the deltas say which line changed since the last. */
#define IRCOMM_DELTA_DTR        0x01
#define IRCOMM_DELTA_RTS        0x02
#define IRCOMM_DTR              0x04
#define IRCOMM_RTS              0x08
/* DCE line settings. */
#define IRCOMM_DELTA_CTS        0x01
#define IRCOMM_DELTA_DSR        0x02
#define IRCOMM_DELTA_RI         0x04
#define IRCOMM_DELTA_CD         0x08
#define IRCOMM_CTS              0x10
#define IRCOMM_DSR              0x20
#define IRCOMM_RI               0x40
#define IRCOMM_CD               0x80

/* What the peer's control channel has said so far (the last value of each
 * parameter; others counted, not acted on). */
struct ircomm_peer {
    bool have_service, have_dte, have_dce;
    uint8_t service, dte, dce;
    unsigned params;          /* triples received */
    unsigned other;           /* triples with another PI (data rate, ...) */
    unsigned control_bytes;   /* control bytes received (never given to the user) */
};

/* Appends the triple pi/pl/pv at out[*pos]; IRDA_ERR_NOSPACE when it does
 * not fit in cap (nothing written). */
int ircomm_put_param(uint8_t *out, size_t cap, size_t *pos, uint8_t pi,
                     const uint8_t *pv, uint8_t pl);

/* Splits one frame into its control parameters and user data.
 * IRDA_ERR_SHORT for an empty frame, IRDA_ERR_FORMAT when clen runs past
 * the frame's end. */
int ircomm_split(const uint8_t *frame, size_t len, const uint8_t **ctrl, size_t *clen,
                 const uint8_t **data, size_t *dlen);

/* Reads the triples of a control channel into *peer.  IRDA_ERR_FORMAT
 * when a PL runs past clen (the triples before it are kept). */
int ircomm_parse_params(const uint8_t *ctrl, size_t clen, struct ircomm_peer *peer);

/* The control channel an initiator opens with (a DTE: service type 9-wire,
 * DTR and RTS raised), the one an acceptor answers with (a DCE: CTS, DSR
 * and CD raised), and the IAS "Parameters" value of a 9-wire service
 * (service type 9-wire, port type serial).  Return the length written
 * (0 when cap is too small). */
size_t ircomm_initial_dte(uint8_t *out, size_t cap);
size_t ircomm_initial_dce(uint8_t *out, size_t cap);
size_t ircomm_ias_parameters(uint8_t *out, size_t cap);

#endif
