/*
 * byteorder.c - byte order and dotted-quad helpers; no provider is involved.
 */
#include "ws2_private.h"
#include <stdio.h>

u_long impl_htonl(u_long v)   { return __builtin_bswap32(v); }
u_long impl_ntohl(u_long v)   { return __builtin_bswap32(v); }
u_short impl_htons(u_short v) { return __builtin_bswap16(v); }
u_short impl_ntohs(u_short v) { return __builtin_bswap16(v); }

static int convert_check(SOCKET s, void *out, size_t size)
{
    int err = 0;
    struct socket_record *r = api_enter(s, &err);
    if (!r)
        return err;
    socket_record_dereference(r);
    return api_writable(out, size) ? 0 : WSAEFAULT;
}

/* The WSA forms check the socket because the byte order is the provider's;
 * every provider ce-winsock loads is big-endian on the wire. */
int impl_WSAHtonl(SOCKET s, u_long v, u_long *out)
{
    int err = convert_check(s, out, sizeof(*out));
    if (err)
        return api_fail(err);
    *out = impl_htonl(v);
    return 0;
}

int impl_WSAHtons(SOCKET s, u_short v, u_short *out)
{
    int err = convert_check(s, out, sizeof(*out));
    if (err)
        return api_fail(err);
    *out = impl_htons(v);
    return 0;
}

int impl_WSANtohl(SOCKET s, u_long v, u_long *out)
{
    int err = convert_check(s, out, sizeof(*out));
    if (err)
        return api_fail(err);
    *out = impl_ntohl(v);
    return 0;
}

int impl_WSANtohs(SOCKET s, u_short v, u_short *out)
{
    int err = convert_check(s, out, sizeof(*out));
    if (err)
        return api_fail(err);
    *out = impl_ntohs(v);
    return 0;
}

/* One part of a BSD address: decimal, 0-prefixed octal or 0x-prefixed hex. */
static const char *parse_part(const char *p, unsigned long *value)
{
    unsigned long v = 0, base = 10;
    int digits = 0;

    if (*p == '0') {
        base = 8;
        p++;
        digits = 1;             /* "0" alone is a valid part */
        if (*p == 'x' || *p == 'X') {
            base = 16;
            p++;
            digits = 0;
        }
    }
    for (;; p++, digits++) {
        int d;
        if (*p >= '0' && *p <= '9') d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
        else break;
        if ((unsigned long)d >= base)
            return NULL;
        v = v * base + (unsigned long)d;
        if (v > 0xFFFFFFFFul)
            return NULL;
    }
    if (!digits)
        return NULL;
    *value = v;
    return p;
}

/* "a.b.c.d", "a.b.c" (c 16 bits), "a.b" (b 24 bits) and "a" (32 bits), as BSD and Winsock accept. */
unsigned long impl_inet_addr(const char *text)
{
    unsigned long parts[4], v;
    int n = 0;
    const char *p = text;

    if (!api_readable(text, 1) || !*text)
        return INADDR_NONE;
    for (;;) {
        p = parse_part(p, &parts[n]);
        if (!p)
            return INADDR_NONE;
        n++;
        if (*p != '.')
            break;
        if (n == 4)
            return INADDR_NONE;
        p++;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return INADDR_NONE;
    switch (n) {
    case 1: v = parts[0]; break;
    case 2: if (parts[0] > 0xFF || parts[1] > 0xFFFFFF) return INADDR_NONE;
            v = parts[0] << 24 | parts[1]; break;
    case 3: if (parts[0] > 0xFF || parts[1] > 0xFF || parts[2] > 0xFFFF) return INADDR_NONE;
            v = parts[0] << 24 | parts[1] << 16 | parts[2]; break;
    default: if (parts[0] > 0xFF || parts[1] > 0xFF || parts[2] > 0xFF || parts[3] > 0xFF)
                 return INADDR_NONE;
             v = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]; break;
    }
    return impl_htonl(v);
}

/* Winsock keeps one result buffer per thread, valid until the next call. */
char *impl_inet_ntoa(struct in_addr address)
{
    static __thread char text[16];
    const unsigned char *b = (const unsigned char *)&address.s_addr;
    snprintf(text, sizeof(text), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return text;
}
