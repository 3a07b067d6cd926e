/*
 * inet_text.c - inet_pton, inet_ntop and their Unicode forms InetPtonW,
 * InetNtopW: a desktop extension (Windows Vista and later).
 *
 * Text <-> binary addresses for AF_INET and AF_INET6, computed here: no
 * provider is involved, as on Windows, where these need no WSAStartup.
 * Reading the text is address_text.c's job (with Windows' partial writes).
 * Output follows RFC 5952 (lower case, the longest run of two or more zero
 * groups shown as "::", an IPv4-mapped address with its dotted tail).
 */
#include "ws2_private.h"
#include "address_text.h"
#include <stdio.h>

static int pton(int family, const char *text, void *address, int *err)
{
    if (!text || !address) {
        *err = WSAEFAULT;
        return -1;
    }
    /* a text that is not an address may still leave bytes in the output,
     * as on Windows (address_text.c) */
    if (family == AF_INET)
        return address_text_ipv4(text, address);
    if (family == AF_INET6)
        return address_text_ipv6(text, address);
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
    char narrow[256];
    int err = 0, result, length = 0;

    /* Longer text than this is no address, but its first part is still
     * read (and may leave bytes in the output), so it is cut, not refused:
     * no address is longer than 46 characters, so the cut never makes one. */
    if (text) {
        while (length < (int)sizeof(narrow) - 1 && text[length])
            length++;
        length = WideCharToMultiByte(CP_ACP, 0, text, length, narrow, sizeof(narrow) - 1, NULL, NULL);
        narrow[length] = 0;
    }
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
