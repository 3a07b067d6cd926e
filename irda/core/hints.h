/*
 * hints.h - service hint bits (IrLMP 1.1 3.4.2): the first bytes of a
 * station's discovery information, which say what it offers.  A client
 * filters discovered devices by them: an OBEX client on Windows keeps only
 * devices with the IrOBEX bit, so a station must advertise what it serves.
 *
 *   byte 1: 0x01 PnP, 0x02 PDA/palmtop, 0x04 computer, 0x08 printer,
 *           0x10 modem, 0x20 fax, 0x40 LAN access, 0x80 extension
 *   byte 2: 0x01 telephony, 0x02 file server, 0x04 IrCOMM, 0x08 message,
 *           0x10 HTTP, 0x20 IrOBEX, 0x80 extension
 *
 * The extension bit of a byte says another follows; the discovery-info
 * encoder sets it (irda_devinfo_encode), so the values here leave it out.
 */
#ifndef IRDA_HINTS_H
#define IRDA_HINTS_H

#include "ias.h"

#define IRDA_HINT1_PNP        0x01
#define IRDA_HINT1_PDA        0x02
#define IRDA_HINT1_COMPUTER   0x04
#define IRDA_HINT1_PRINTER    0x08
#define IRDA_HINT1_MODEM      0x10
#define IRDA_HINT1_FAX        0x20
#define IRDA_HINT1_LAN        0x40
#define IRDA_HINT_EXTENSION   0x80
#define IRDA_HINT2_TELEPHONY  0x01
#define IRDA_HINT2_FILESERVER 0x02
#define IRDA_HINT2_IRCOMM     0x04
#define IRDA_HINT2_MESSAGE    0x08
#define IRDA_HINT2_HTTP       0x10
#define IRDA_HINT2_OBEX       0x20

/* The hint bytes of a computer serving the classes in db: always
 * "computer", plus the bit of each service class found (see hints.c). */
void irda_hints_for_ias(const struct ias_db *db, uint8_t hints[2]);

#endif
