/*
 * beam.h - what the parts of the beam sample share (beam.c says what the
 * program does and how to build it).
 *
 *   beam.c      the command line, the watchdog, small helpers
 *   crc32.c     CRC-32 of the file on both sides
 *   obex.c      IrOBEX packets and headers over a connected socket
 *   receive.c   beam receive: an OBEX server for one session
 *   send.c      beam send: discovery, then an OBEX client
 */
#ifndef BEAM_H
#define BEAM_H

#include <cews2.h>      /* winsock2.h, af_irda.h and the CE 5.0 additions */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SERVICE "OBEX:IrXfer"
#define LSAPSEL_ATTR    "IrDA:TinyTP:LsapSel"
#define MAX_DEVICES     16

/* The largest OBEX packet we take.  A peer may send each OBEX packet as one
 * TinyTP SDU, and ce-winsock reassembles SDUs of up to 8192 bytes. */
#define OBEX_OUR_MAX    8192
#define OBEX_MIN_MAX    255         /* no OBEX side may announce less */
#define OBEX_VERSION    0x10        /* 1.0 */

enum obex_code {
    OBEX_CONNECT = 0x80, OBEX_DISCONNECT = 0x81, OBEX_PUT = 0x02, OBEX_PUT_FINAL = 0x82,
    OBEX_GET = 0x03, OBEX_GET_FINAL = 0x83, OBEX_SETPATH = 0x85, OBEX_ABORT = 0xFF,
    OBEX_CONTINUE = 0x90, OBEX_SUCCESS = 0xA0, OBEX_BAD_REQUEST = 0xC0, OBEX_FORBIDDEN = 0xC3,
    OBEX_LENGTH_REQUIRED = 0xCB, OBEX_INTERNAL_ERROR = 0xD0, OBEX_NOT_IMPLEMENTED = 0xD1,
};
enum obex_header {
    HI_NAME = 0x01, HI_DESCRIPTION = 0x05, HI_LENGTH = 0xC3, HI_BODY = 0x48, HI_END_OF_BODY = 0x49,
};

enum { EXIT_MATCH = 0, EXIT_MISMATCH = 1, EXIT_USAGE = 2, EXIT_NET = 3, EXIT_FILE = 4, EXIT_TIMEOUT = 5 };

#define E_MALFORMED (-2)    /* a received packet that is not OBEX */

struct packet {
    size_t len;
    unsigned char b[65536];
};

struct header {
    int hi;
    const unsigned char *data;  /* bytes / UTF-16BE text (without the id and length) */
    size_t len;
    unsigned long value;        /* 4-byte and 1-byte headers */
};

/* crc32.c */
void crc_init(void);
unsigned long crc_update(unsigned long crc, const unsigned char *p, size_t n);
/* obex.c: whole buffers, error texts, packets and headers */
int send_all(SOCKET s, const void *buf, int len);
int recv_all(SOCKET s, void *buf, int len);
const char *err_name(int e);
const char *obex_name(int code);
void pk_start(struct packet *p, int code);
void pk_put(struct packet *p, const void *data, size_t n);
void pk_text(struct packet *p, int hi, const char *text);
size_t text_header_size(const char *text);
void pk_bytes(struct packet *p, int hi, const unsigned char *data, size_t n);
void pk_u32(struct packet *p, int hi, unsigned long v);
int pk_send(SOCKET s, struct packet *p);
int pk_recv(SOCKET s, struct packet *p, size_t max);
int pk_header(const struct packet *p, size_t *off, struct header *h);
void header_text(const struct header *h, char *out, size_t cap);
int crc_of(const struct header *h, unsigned long *crc);
/* beam.c */
void progress(const char *verb, unsigned long long done, unsigned long long total, int *last_tenth);
SOCKADDR_IRDA irda_address(const unsigned char *id, const char *service);
const char *base_name(const char *path);
/* receive.c and send.c: the exit code of the program */
int do_receive(const char *service, const char *out_name, unsigned our_max);
int do_send(const char *path, const char *service, const char *device, DWORD wait_s);

#endif
