/*
 * address_text.c - the text of an IPv4 or IPv6 address read the way
 * Windows' inet_pton/InetPtonW read it.
 *
 * Windows' scanner stores each part of the address in the caller's buffer
 * as soon as it has read it, and only then looks at what follows.  So a
 * text that is not an address still leaves the parts read before the
 * point where it went wrong (and a text with something after a complete
 * address leaves the whole address); programs see those bytes, and Wine's
 * conformance tests check them byte for byte.  The rules here are the
 * observable ones, written from those tests:
 *
 * IPv4 (strict): four decimal parts 0-255 separated by dots, no octal
 * (a part starting with 0 and another digit) and no hex ("0x").  The
 * address is stored once four parts are read, whatever follows, unless a
 * dot follows (a fifth part); it is an address only if nothing follows.
 *
 * IPv6: groups of one to four hex digits, stored as read; at most one
 * "::", whose groups after it are moved to the end when the text is done;
 * a dotted IPv4 tail where it can still fit; a "0x" number is taken as a
 * last group (low 16 bits) and ends the text there.  See the comments in
 * address_text_ipv6 for where Windows stores and where it stops.
 */
#include "address_text.h"
#include <string.h>

/* The value of c as a digit of base (10 or 16), or -1. */
static int digit_value(char c, unsigned base)
{
    unsigned d;
    if (c >= '0' && c <= '9')
        d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
        d = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
        d = (unsigned)(c - 'A' + 10);
    else
        return -1;
    return d < base ? (int)d : -1;
}

/* --- IPv4 ------------------------------------------------------------------ */

int address_text_ipv4(const char *text, unsigned char out[4])
{
    unsigned char parts[4];
    const char *p = text;
    int n;

    for (n = 0; n < 4; n++) {
        unsigned value = 0;
        int digits = 0;
        if (n) {
            if (*p != '.')
                return 0;
            p++;
        }
        /* strict: "010" could be octal and "0x10" is hex; neither is taken */
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X' || digit_value(p[1], 10) >= 0))
            return 0;
        for (; digit_value(*p, 10) >= 0; p++, digits++)
            if (value <= 255)
                value = value * 10 + (unsigned)digit_value(*p, 10);
        if (!digits || value > 255)
            return 0;
        parts[n] = (unsigned char)value;
    }
    if (*p == '.')
        return 0;               /* a fifth part: nothing is stored */
    memcpy(out, parts, sizeof(parts));
    return *p == 0;             /* "1.2.3.4:80", "1.2.3.4 " are stored, not addresses */
}

/* --- IPv6 ------------------------------------------------------------------ */

/* A number as the IPv6 scanner reads one: the characters it spans (0 for
 * none) and its value, held at 0x7fffffff when larger.  It must start with
 * a hex digit even in base 10 (so "a" is no decimal number and "1a" is
 * "1").  In base 16 a "0x" followed by a hex digit is part of the number;
 * "0x" followed by anything else is the number 0, one character long. */
static size_t scan_number(const char *s, unsigned base, unsigned long *value)
{
    const char *p = s;
    unsigned long long v = 0;

    if (digit_value(*s, 16) < 0)
        return 0;
    if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2], 16) >= 0)
        p += 2;
    for (; digit_value(*p, base) >= 0; p++) {
        v = v * base + (unsigned)digit_value(*p, base);
        if (v > 0x7fffffff)
            v = 0x7fffffff;
    }
    *value = (unsigned long)v;
    return (size_t)(p - s);
}

struct ipv6_scan {
    unsigned char *out;
    int filled;                 /* bytes stored so far, in the order of the text */
    int gap;                    /* the byte offset where "::" stands, or -1 */
};

static void store_group(struct ipv6_scan *scan, unsigned long value)
{
    scan->out[scan->filled++] = (unsigned char)(value >> 8);
    scan->out[scan->filled++] = (unsigned char)value;
}

/* The text is done: the groups after "::" move to the end and the bytes
 * between are zeroed.  0 when there is no "::" and fewer than 16 bytes. */
static int close_gap(struct ipv6_scan *scan)
{
    int tail;
    if (scan->gap < 0)
        return scan->filled == 16;
    tail = scan->filled - scan->gap;
    memmove(scan->out + 16 - tail, scan->out + scan->gap, (size_t)tail);
    memset(scan->out + scan->gap, 0, (size_t)(16 - scan->filled));
    return 1;
}

int address_text_ipv6(const char *text, unsigned char out[16])
{
    struct ipv6_scan scan = { out, 0, -1 };
    const char *p = text;
    int dotted = 0;             /* the part of a dotted IPv4 tail being read, 1-4 */

    if (p[0] == ':') {
        if (p[1] != ':')
            return 0;
        /* a leading "::": Windows stores the first group, 0, right away */
        out[0] = out[1] = 0;
        p++;
    }
    for (;;) {
        unsigned long value;
        size_t len;

        if (!dotted && *p == ':') {
            /* the second colon of a "::" (the loop passed the first) */
            if (scan.gap >= 0)
                return 0;
            scan.gap = scan.filled;
            p++;
            /* "::" at the end of the text, or with no room after it */
            if (scan.filled == 14 || !scan_number(p, 16, &value))
                break;
        }
        /* a decimal number followed by a dot starts an IPv4 tail, if its
         * four bytes can still fit */
        if (!dotted && scan.filled <= (scan.gap >= 0 ? 10 : 12)
            && (len = scan_number(p, 10, &value)) && p[len] == '.')
            dotted = 1;

        if (dotted) {
            len = scan_number(p, 10, &value);
            if (!len || len > 3 || value > 255)
                return 0;
            p += len;
            /* only the fourth part may end otherwise than with a dot, and
             * only where it ends the address */
            if (*p != '.' && (dotted < 4 || (scan.gap < 0 && scan.filled < 15)))
                return 0;
            out[scan.filled++] = (unsigned char)value;
            if (dotted == 4)
                break;
            dotted++;
        } else {
            len = scan_number(p, 16, &value);
            if (!len)
                return 0;
            if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
                /* Windows takes a "0x" number, of any length, as the last
                 * group (its low 16 bits) and stops at the x: the output is
                 * complete, the text is not an address */
                if (scan.gap < 0 && scan.filled < 14)
                    return 0;
                store_group(&scan, value);
                close_gap(&scan);
                return 0;
            }
            p += len;
            /* a group not followed by ':' must be the last one */
            if (*p != ':' && scan.gap < 0 && scan.filled < 14)
                return 0;
            if (len > 4)
                return 0;
            store_group(&scan, value);
            /* the text ends here, or a second "::" (left to the caller's
             * end-of-text check) */
            if (*p != ':' || (scan.gap >= 0 && p[1] == ':'))
                break;
        }
        if (scan.filled == (scan.gap >= 0 ? 14 : 16))
            break;
        p++;                    /* the '.' or ':' after the part */
    }
    return close_gap(&scan) && *p == 0;
}
