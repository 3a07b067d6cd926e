/*
 * airctl.c - the air's control client (irmed_air_range/status/down/quit):
 * a short connection to the hub that answers its CHALLENGE from the key
 * file (airkey.h), sends one order and reads the reply.  See medium.h.
 */
#include "airkey.h"
#include "medium_private.h"

#include <string.h>

/* Reads one message: its type, and up to *rlen payload bytes into reply
 * (the rest is read and discarded); *rlen gets what was kept. */
static DWORD read_msg(struct irmed_wsock *w, SOCKET s, uint8_t *type, uint8_t *reply, size_t *rlen)
{
    uint8_t h[AIR_HDR];
    size_t got = 0, len;
    while (got < AIR_HDR) {
        int n = w->p_recv(s, (char *)h + got, (int)(AIR_HDR - got), 0);
        if (n <= 0) return n == 0 ? WSAECONNRESET : (DWORD)w->p_WSAGetLastError();
        got += (size_t)n;
    }
    len = air_get16(h + 2);
    size_t keep = len < *rlen ? len : *rlen;
    got = 0;
    while (got < len) {
        char sink[512];
        int n;
        if (got < keep)
            n = w->p_recv(s, (char *)reply + got, (int)(keep - got), 0);
        else
            n = w->p_recv(s, sink, (int)(len - got > sizeof(sink) ? sizeof(sink) : len - got), 0);
        if (n <= 0) return n == 0 ? WSAECONNRESET : (DWORD)w->p_WSAGetLastError();
        got += (size_t)n;
    }
    *type = h[0];
    *rlen = keep;
    return 0;
}

/*
 * One order: CHALLENGE in, AUTH and the order out in one send, then
 * messages until the wanted reply.  ERROR_ACCESS_DENIED: the hub refused
 * us (a key file that is not the running hub's: another user's hub, or
 * one that could not be read), or the first message was no 'IrA2'
 * CHALLENGE (ERROR_INVALID_DATA: an older hub or not a hub).
 */
static DWORD ctl_call(const struct irmed_wsock *wp, unsigned short port, unsigned type,
                      const uint8_t *payload, size_t plen, unsigned want,
                      uint8_t *reply, size_t *rlen)
{
    struct irmed_wsock w;
    WSADATA wd;
    DWORD e;
    if (wp) w = *wp;
    else if ((e = irmed_wsock_load(&w)) != 0) return e;
    if ((e = (DWORD)w.p_WSAStartup(MAKEWORD(2, 2), &wd)) != 0)
        return e;
    SOCKET s = w.p_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) {
        e = (DWORD)w.p_WSAGetLastError();
        w.p_WSACleanup();
        return e;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = (u_short)((port >> 8) | (port << 8));
    ((uint8_t *)&sa.sin_addr)[0] = 127;
    ((uint8_t *)&sa.sin_addr)[3] = 1;
    DWORD tmo = 5000;
    w.p_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tmo, sizeof(tmo));
    uint8_t msg[AIR_HDR + AIR_AUTH_LEN + AIR_HDR + 16], chal[AIR_CHALLENGE_LEN], t;
    size_t cl = sizeof(chal);
    if (w.p_connect(s, (struct sockaddr *)&sa, sizeof(sa)) == SOCKET_ERROR) {
        e = (DWORD)w.p_WSAGetLastError();
        goto out;
    }
    if ((e = read_msg(&w, s, &t, chal, &cl)) != 0)
        goto out;
    if (t != AIR_CHALLENGE) {
        e = ERROR_INVALID_DATA;
        goto out;
    }
    if ((e = air_auth_reply(port, chal, cl, msg)) != 0) {
        if (e != ERROR_INVALID_DATA)
            e = ERROR_ACCESS_DENIED;    /* no key of ours to answer with */
        goto out;
    }
    size_t ml = AIR_HDR + AIR_AUTH_LEN;
    air_header(msg + ml, type, plen);
    if (plen)
        memcpy(msg + ml + AIR_HDR, payload, plen);
    ml += AIR_HDR + plen;
    if (w.p_send(s, (const char *)msg, (int)ml, 0) != (int)ml) {
        e = (DWORD)w.p_WSAGetLastError();
        goto out;
    }
    SecureZeroMemory(msg, sizeof(msg));
    /* read messages until the wanted reply */
    for (;;) {
        size_t got = *rlen;
        if ((e = read_msg(&w, s, &t, reply, &got)) != 0)
            goto out;
        if (t == AIR_REFUSED) {
            e = ERROR_ACCESS_DENIED;
            goto out;
        }
        if (t == want) {
            *rlen = got;
            break;
        }
    }
out:
    w.p_closesocket(s);
    w.p_WSACleanup();
    return e;
}

DWORD irmed_air_range(const struct irmed_wsock *w, unsigned short port, uint32_t addr,
                      int in_range, uint32_t *changed)
{
    uint8_t p[5], r[4];
    size_t rl = sizeof(r);
    air_put32(p, addr);
    p[4] = in_range ? 1 : 0;
    DWORD e = ctl_call(w, port, AIR_RANGE, p, sizeof(p), AIR_RESULT, r, &rl);
    if (!e && changed)
        *changed = rl == 4 ? air_get32(r) : 0;
    return e;
}

DWORD irmed_air_status(const struct irmed_wsock *w, unsigned short port, char *buf, size_t len)
{
    if (!buf || !len)
        return ERROR_INVALID_PARAMETER;
    size_t rl = len - 1;
    DWORD e = ctl_call(w, port, AIR_STATUS, NULL, 0, AIR_STATUS_TEXT, (uint8_t *)buf, &rl);
    buf[e ? 0 : rl] = 0;
    return e;
}

DWORD irmed_air_down(const struct irmed_wsock *w, unsigned short port, uint32_t ms, uint32_t *dropped)
{
    uint8_t p[4], r[4];
    size_t rl = sizeof(r);
    air_put32(p, ms);
    DWORD e = ctl_call(w, port, AIR_DOWN, p, sizeof(p), AIR_RESULT, r, &rl);
    if (!e && dropped)
        *dropped = rl == 4 ? air_get32(r) : 0;
    return e;
}

DWORD irmed_air_quit(const struct irmed_wsock *w, unsigned short port)
{
    uint8_t r[4];
    size_t rl = sizeof(r);
    return ctl_call(w, port, AIR_QUIT, NULL, 0, AIR_RESULT, r, &rl);
}
