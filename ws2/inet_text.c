/*
 * inet_text.c - inet_pton, inet_ntop and their Unicode forms InetPtonW,
 * InetNtopW: a desktop extension (Windows Vista and later).
 *
 * Text <-> binary addresses for AF_INET and AF_INET6, computed here: no
 * provider is involved, as on Windows, where these need no WSAStartup.
 * Output follows RFC 5952 (lower case, the longest run of two or more zero
 * groups shown as "::", an IPv4-mapped address with its dotted tail).
 */
#include "ws2_private.h"
#include <stdio.h>

/* "d.d.d.d", each 0-255, nothing else: 1 and *out, or 0.  Standing alone
 * (inet_pton AF_INET) a part may not start with 0 unless it is 0, as on
 * Windows ("1.1.1.010" could be read as octal); in an IPv6 tail it may. */
static int parse_ipv4_as(const char *s, const char *end, unsigned char out[4], int embedded)
{
    int part = 0;
    while (part < 4) {
        unsigned value = 0, digits = 0;
        const char *first = s;
        while (s < end && *s >= '0' && *s <= '9' && digits < 4) {
            value = value * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || digits > 3 || value > 255 || (!embedded && digits > 1 && *first == '0'))
            return 0;
        out[part++] = (unsigned char)value;
        if (part < 4) {
            if (s >= end || *s != '.')
                return 0;
            s++;
        }
    }
    return s == end;
}

static int parse_ipv4(const char *s, const char *end, unsigned char out[4])
{
    return parse_ipv4_as(s, end, out, 0);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Groups of up to four hex digits separated by ':', at most one "::",
 * optionally ending in a dotted IPv4 address: 1 and *out, or 0. */
static int parse_ipv6(const char *s, unsigned char out[16])
{
    unsigned short groups[8];
    int count = 0, gap = -1;
    const char *end = s + strlen(s);

    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        gap = 0;
        s += 2;
    }
    while (s < end) {
        const char *start = s;
        unsigned value = 0;
        int digits = 0;
        if (count >= 8)
            return 0;
        while (s < end && hex_value(*s) >= 0 && digits < 5) {
            value = value * 16 + (unsigned)hex_value(*s++);
            digits++;
        }
        if (s < end && *s == '.') {
            /* the IPv4 tail takes the last two groups */
            unsigned char v4[4];
            if (count > 6 || !parse_ipv4_as(start, end, v4, 1))
                return 0;
            groups[count++] = (unsigned short)(v4[0] << 8 | v4[1]);
            groups[count++] = (unsigned short)(v4[2] << 8 | v4[3]);
            s = end;
            break;
        }
        if (!digits || digits > 4)
            return 0;
        groups[count++] = (unsigned short)value;
        if (s == end)
            break;
        if (*s != ':')
            return 0;
        s++;
        if (*s == ':') {
            if (gap >= 0)
                return 0;
            gap = count;
            s++;
            if (s == end)
                break;
        } else if (s == end) {
            return 0;   /* a trailing single ':' */
        }
    }
    if (gap < 0 ? count != 8 : count > 7)
        return 0;
    memset(out, 0, 16);
    {
        int i, tail = gap < 0 ? 0 : count - gap, head = gap < 0 ? count : gap;
        for (i = 0; i < head; i++) {
            out[2 * i] = (unsigned char)(groups[i] >> 8);
            out[2 * i + 1] = (unsigned char)groups[i];
        }
        for (i = 0; i < tail; i++) {
            int at = 8 - tail + i;
            out[2 * at] = (unsigned char)(groups[head + i] >> 8);
            out[2 * at + 1] = (unsigned char)groups[head + i];
        }
    }
    return 1;
}

static int pton(int family, const char *text, void *address, int *err)
{
    if (!text || !address) {
        *err = WSAEFAULT;
        return -1;
    }
    if (family == AF_INET)
        return parse_ipv4(text, text + strlen(text), address);
    if (family == AF_INET6)
        return parse_ipv6(text, address);
    *err = WSAEAFNOSUPPORT;
    return -1;
}

/* The text of an address into buf (at least INET6_ADDRSTRLEN). */
static void ntop_text(int family, const unsigned char *a, char *buf, size_t size)
{
    unsigned short g[8];
    int i, best = -1, best_len = 0, run = 0;
    size_t n = 0;

    if (family == AF_INET) {
        snprintf(buf, size, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        return;
    }
    for (i = 0; i < 8; i++)
        g[i] = (unsigned short)(a[2 * i] << 8 | a[2 * i + 1]);
    /* ::ffff:a.b.c.d (mapped), and ::a.b.c.d (compatible) as Windows prints
     * it, except :: and ::1 */
    if (!g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff) {
        snprintf(buf, size, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
        return;
    }
    if (!g[0] && !g[1] && !g[2] && !g[3] && !g[4] && !g[5] && (g[6] || g[7] > 1)) {
        snprintf(buf, size, "::%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
        return;
    }
    /* the longest run of zero groups (the first of equals), two or more */
    for (i = 0; i < 8; i++) {
        run = g[i] ? 0 : run + 1;
        if (run > best_len) {
            best_len = run;
            best = i - run + 1;
        }
    }
    if (best_len < 2)
        best = -1;
    buf[0] = 0;
    for (i = 0; i < 8; i++) {
        if (i == best) {
            n += (size_t)snprintf(buf + n, size - n, "::");
            i += best_len - 1;
            continue;
        }
        n += (size_t)snprintf(buf + n, size - n, "%s%x",
                              (i && !(best >= 0 && i == best + best_len)) ? ":" : "", g[i]);
    }
}

static const char *ntop(int family, const void *address, char *out, size_t size, int *err)
{
    char text[INET6_ADDRSTRLEN];
    if (family != AF_INET && family != AF_INET6) {
        *err = WSAEAFNOSUPPORT;
        return NULL;
    }
    /* Windows answers WSAEINVAL for a missing or short buffer alike */
    if (!address || !out) {
        *err = WSAEINVAL;
        return NULL;
    }
    ntop_text(family, address, text, sizeof(text));
    if (strlen(text) + 1 > size) {
        *err = WSAEINVAL;
        return NULL;
    }
    memcpy(out, text, strlen(text) + 1);
    return out;
}

INT WSAAPI inet_pton(INT family, LPCSTR text, PVOID address)
{
    TRACE_START(t);
    int err = 0, result = pton(family, text, address, &err);
    /* Windows sets the last error only for -1 (a 0 leaves it as it was) */
    if (result < 0)
        SetLastError((DWORD)err);
    TRACE_API(t, NULL, result < 0 ? err : 0, "inet_pton(family=%d, text=%s, address=0x%llx) = %d",
              family, TSTR(text), TP(address), result);
    return result;
}

LPCSTR WSAAPI inet_ntop(INT family, LPCVOID address, LPSTR out, size_t size)
{
    TRACE_START(t);
    int err = 0;
    const char *result = ntop(family, address, out, size, &err);
    if (!result)
        SetLastError((DWORD)err);
    TRACE_API(t, NULL, result ? 0 : err, "inet_ntop(family=%d, address=0x%llx, size=%llu) = %s",
              family, TP(address), (unsigned long long)size, result ? TSTR(result) : "NULL");
    return result;
}

INT WSAAPI InetPtonW(INT family, LPCWSTR text, PVOID address)
{
    TRACE_START(t);
    char narrow[INET6_ADDRSTRLEN + 1];
    int err = 0, result;

    if (text && !WideCharToMultiByte(CP_ACP, 0, text, -1, narrow, sizeof(narrow), NULL, NULL))
        result = 0;   /* too long to be an address */
    else
        result = pton(family, text ? narrow : NULL, address, &err);
    /* the Unicode form also says why a text is not an address */
    if (result <= 0)
        SetLastError(result < 0 ? (DWORD)err : WSAEINVAL);
    TRACE_API(t, NULL, result < 0 ? err : 0, "InetPtonW(family=%d, text=%s, address=0x%llx) = %d",
              family, TWSTR(text), TP(address), result);
    return result;
}

LPCWSTR WSAAPI InetNtopW(INT family, LPCVOID address, LPWSTR out, size_t size)
{
    TRACE_START(t);
    char narrow[INET6_ADDRSTRLEN];
    int err = 0;
    LPCWSTR result = NULL;

    if (ntop(family, address, narrow, sizeof(narrow), &err)) {
        if (!out || strlen(narrow) + 1 > size)
            err = WSAEINVAL;
        else if (MultiByteToWideChar(CP_ACP, 0, narrow, -1, out, (int)size))
            result = out;
    }
    if (!result)
        SetLastError((DWORD)err);
    TRACE_API(t, NULL, result ? 0 : err, "InetNtopW(family=%d, address=0x%llx, size=%llu) = %s",
              family, TP(address), (unsigned long long)size, result ? TWSTR(result) : "NULL");
    return result;
}
