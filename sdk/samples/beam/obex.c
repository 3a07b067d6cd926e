/*
 * obex.c - IrOBEX packets and headers over a connected socket (beam sample: beam.h, beam.c).
 */
#include "beam.h"

/* ---- sockets ----------------------------------------------------------------- */

int send_all(SOCKET s, const void *buf, int len)
{
    const char *p = buf;
    while (len > 0) {
        int n = send(s, p, len, 0);
        if (n == SOCKET_ERROR)
            return WSAGetLastError();
        p += n;
        len -= n;
    }
    return 0;
}

/* 0, a Winsock error, or -1 when the peer closed first */
int recv_all(SOCKET s, void *buf, int len)
{
    char *p = buf;
    while (len > 0) {
        int n = recv(s, p, len, 0);
        if (n == SOCKET_ERROR)
            return WSAGetLastError();
        if (n == 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

const char *err_name(int e)
{
    switch (e) {
    case -1: return "the peer closed the connection";
    case E_MALFORMED: return "not an OBEX packet";
    case WSAECONNREFUSED: return "WSAECONNREFUSED (no such service)";
    case WSAETIMEDOUT: return "WSAETIMEDOUT (no answer)";
    case WSAECONNRESET: return "WSAECONNRESET (the link went away)";
    case WSAECONNABORTED: return "WSAECONNABORTED (the peer broke the protocol)";
    case WSAEAFNOSUPPORT: return "WSAEAFNOSUPPORT (no IrDA provider)";
    case WSAEADDRINUSE: return "WSAEADDRINUSE (service name in use)";
    default: {
        static char b[32];
        snprintf(b, sizeof(b), "error %d", e);
        return b;
    }
    }
}

const char *obex_name(int code)
{
    switch (code) {
    case OBEX_CONTINUE: return "Continue";
    case OBEX_SUCCESS: return "Success";
    case OBEX_BAD_REQUEST: return "Bad Request";
    case OBEX_FORBIDDEN: return "Forbidden";
    case OBEX_LENGTH_REQUIRED: return "Length Required";
    case OBEX_INTERNAL_ERROR: return "Internal Server Error";
    case OBEX_NOT_IMPLEMENTED: return "Not Implemented";
    default: return "an error";
    }
}

/* ---- OBEX packets ------------------------------------------------------------ */


void pk_start(struct packet *p, int code)
{
    p->b[0] = (unsigned char)code;
    p->len = 3;
}

void pk_put(struct packet *p, const void *data, size_t n)
{
    memcpy(p->b + p->len, data, n);
    p->len += n;
}

/* A Unicode header from an ASCII/Latin-1 string: UTF-16BE and 0000. */
void pk_text(struct packet *p, int hi, const char *text)
{
    size_t n = strlen(text), total = 3 + 2 * (n + 1);
    p->b[p->len++] = (unsigned char)hi;
    p->b[p->len++] = (unsigned char)(total >> 8);
    p->b[p->len++] = (unsigned char)total;
    for (size_t i = 0; i <= n; i++) {
        p->b[p->len++] = 0;
        p->b[p->len++] = (unsigned char)text[i];
    }
}

size_t text_header_size(const char *text)
{
    return 3 + 2 * (strlen(text) + 1);
}

void pk_bytes(struct packet *p, int hi, const unsigned char *data, size_t n)
{
    p->b[p->len++] = (unsigned char)hi;
    p->b[p->len++] = (unsigned char)((n + 3) >> 8);
    p->b[p->len++] = (unsigned char)(n + 3);
    pk_put(p, data, n);
}

void pk_u32(struct packet *p, int hi, unsigned long v)
{
    p->b[p->len++] = (unsigned char)hi;
    for (int i = 3; i >= 0; i--)
        p->b[p->len++] = (unsigned char)(v >> (8 * i));
}

int pk_send(SOCKET s, struct packet *p)
{
    p->b[1] = (unsigned char)(p->len >> 8);
    p->b[2] = (unsigned char)p->len;
    return send_all(s, p->b, (int)p->len);
}

/* One packet of at most max bytes: 0, a Winsock error, -1 the peer closed,
 * E_MALFORMED for a length under 3 or over max. */
int pk_recv(SOCKET s, struct packet *p, size_t max)
{
    int e = recv_all(s, p->b, 3);
    if (e)
        return e;
    p->len = (size_t)p->b[1] << 8 | p->b[2];
    if (p->len < 3 || p->len > max)
        return E_MALFORMED;
    return recv_all(s, p->b + 3, (int)p->len - 3);
}


/* The next header at *off: 1 found, 0 none left, E_MALFORMED. */
int pk_header(const struct packet *p, size_t *off, struct header *h)
{
    size_t o = *off, n;
    if (o >= p->len)
        return 0;
    h->hi = p->b[o];
    switch (h->hi >> 6) {
    case 0: case 1:             /* text or bytes: 2-byte length, id included */
        if (p->len - o < 3)
            return E_MALFORMED;
        n = (size_t)p->b[o + 1] << 8 | p->b[o + 2];
        if (n < 3 || n > p->len - o)
            return E_MALFORMED;
        h->data = p->b + o + 3;
        h->len = n - 3;
        break;
    case 2:                     /* one byte */
        if (p->len - o < 2)
            return E_MALFORMED;
        h->value = p->b[o + 1];
        n = 2;
        break;
    default:                    /* four bytes */
        if (p->len - o < 5)
            return E_MALFORMED;
        h->value = (unsigned long)p->b[o + 1] << 24 | (unsigned long)p->b[o + 2] << 16 |
                   (unsigned long)p->b[o + 3] << 8 | p->b[o + 4];
        n = 5;
        break;
    }
    *off = o + n;
    return 1;
}

/* A text header as ASCII: other characters become '_', the 0000 dropped. */
void header_text(const struct header *h, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < h->len && k + 1 < cap; i += 2) {
        unsigned c = (unsigned)h->data[i] << 8 | h->data[i + 1];
        if (c == 0)
            break;
        out[k++] = c >= 0x20 && c < 0x7F ? (char)c : '_';
    }
    out[k] = 0;
}

/* "CRC-32 XXXXXXXX" in a Description header: 1 and the value. */
int crc_of(const struct header *h, unsigned long *crc)
{
    char text[64];
    header_text(h, text, sizeof(text));
    return sscanf(text, "CRC-32 %8lx", crc) == 1;
}
