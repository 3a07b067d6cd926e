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

/* One part of a BSD address: decimal, 0-prefixed octal or 0x-prefixed hex,
 * starting with a digit (no sign, no blank).  A value beyond 32 bits is
 * held at 0xFFFFFFFF, as strtoul does, which no address form accepts. */
static const char *parse_part(const char *p, unsigned long *value)
{
    unsigned long long v = 0;
    unsigned base = 10;
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
        unsigned d;
        if (*p >= '0' && *p <= '9') d = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f') d = (unsigned)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F') d = (unsigned)(*p - 'A' + 10);
        else break;
        if (d >= base)
            return NULL;        /* "08": an octal part with a decimal digit */
        v = v * base + d;
        if (v > 0xFFFFFFFFull)
            v = 0xFFFFFFFFull;
    }
    if (!digits)
        return NULL;
    *value = (unsigned long)v;
    return p;
}

/* The blanks of the C locale's isspace: a part followed by one ends the
 * address, and Windows ignores whatever comes after it. */
static int is_blank(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* "a.b.c.d", "a.b.c" (c 16 bits), "a.b" (b 24 bits) and "a" (32 bits), as
 * BSD and Winsock accept, ended by the end of the text or by a blank (so
 * "1.2.3.4 xyz" is 1.2.3.4, as on Windows).  NULL is WSAEFAULT; a text
 * that is not an address is INADDR_NONE with the last error untouched;
 * and the text " " is 0.0.0.0, a Windows quirk Wine's tests check. */
unsigned long impl_inet_addr(const char *text)
{
    unsigned long parts[4], v;
    int n = 0;
    const char *p = text;

    if (!api_readable(text, 1)) {
        SetLastError(WSAEFAULT);
        return INADDR_NONE;
    }
    if (text[0] == ' ' && !text[1])
        return 0;
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
    if (*p && !is_blank(*p))
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

/* Winsock keeps one result buffer per thread, valid until the thread's
 * next call: a thread_slot block (thread_slot.h says why not __thread),
 * freed when the thread exits.  NULL, with WSA_NOT_ENOUGH_MEMORY, when the
 * thread has none and none can be made (the page: NULL on error). */
#define DOTTED_QUAD_SIZE 16     /* "255.255.255.255" and its NUL */
static struct thread_slot dotted_quad_slot = THREAD_SLOT_BLOCK(DOTTED_QUAD_SIZE, NULL);

char *impl_inet_ntoa(struct in_addr address)
{
    char *text = thread_slot_block(&dotted_quad_slot);
    const unsigned char *b = (const unsigned char *)&address.s_addr;

    if (!text) {
        WSASetLastError(WSA_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    snprintf(text, DOTTED_QUAD_SIZE, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return text;
}
