/*
 * capture_scenarios.c - the closes that wine-tests/capture.sh watches on
 * the wire (tshark on lo).  Not a cmocka suite: a plain program that runs
 * each scenario through OUR stack (ws2.dll -> celsp -> hostprov) against a
 * host peer listener and prints, for each,
 *
 *     scenario <name> port <ourport> <peerport>
 *
 * (capture.sh finds the scenario's packets by that port pair), plus
 * comment lines starting with '#' (what the peer saw, timings).
 *
 *   hard            SO_LINGER {1,0}                       -> RST, no FIN before it
 *   linger_timeout  SO_LINGER {1,2}, blocking, peer never -> RST at the timeout,
 *                   reads (send window full)                 no FIN before it
 *   dontlinger      default (SO_DONTLINGER)               -> FIN
 *   linger_drained  SO_LINGER {1,5}, blocking, peer reads -> FIN
 *   shutdown_close  shutdown(SD_SEND), then closesocket   -> FIN
 *
 * Exit status: 0 when every scenario ran (the verdict on the wire is
 * capture.sh's), 1 when one could not be set up.
 *
 * Built by the Makefile as build/<arch>/tests/capture_scenarios.exe with
 * the wine-tests helpers (testutil, hostpeer), -lws2 and cmocka (testutil
 * uses it); it is kept out of the helper objects linked into every suite.
 */
#include "testutil.h"
#include "hostpeer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { printf("# FAILED: " __VA_ARGS__); printf("\n"); \
                                             failures++; goto out; } } while (0)

static unsigned short our_port(SOCKET s)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    if (getsockname(s, (struct sockaddr *)&ss, &len))
        return 0;
    return tu_port_of((struct sockaddr *)&ss);
}

/* Non-blocking sends until the host takes no more; back to blocking. */
static int fill_window(SOCKET s, unsigned long long *total)
{
    static char chunk[65536];
    u_long on = 1, off = 0;
    *total = 0;
    if (ioctlsocket(s, FIONBIO, &on))
        return -1;
    tu_fill(chunk, 0, sizeof(chunk));
    for (int quiet = 0; quiet < 3;) {
        int n = send(s, chunk, sizeof(chunk), 0);
        if (n > 0) {
            *total += (unsigned long long)n;
            quiet = 0;
            if (*total > (512ull << 20))
                return -1;
            continue;
        }
        if (WSAGetLastError() != WSAEWOULDBLOCK)
            return -1;
        quiet++;
        Sleep(50);
    }
    return ioctlsocket(s, FIONBIO, &off) ? -1 : 0;
}

/* Our client connected to a host peer with options o; prints the scenario
 * line.  Returns INVALID_SOCKET on failure. */
static SOCKET start(const char *name, const hostpeer_tcp_opts *o, hostpeer_listener **hl)
{
    *hl = hostpeer_tcp_listen(o);
    if (!*hl) {
        printf("# FAILED: %s: host listener: %s\n", name, hostpeer_error_text());
        failures++;
        return INVALID_SOCKET;
    }
    unsigned short pport = hostpeer_listener_port(*hl);
    SOCKET c = tu_connect(AF_INET, pport);
    if (c == INVALID_SOCKET) {
        printf("# FAILED: %s: connect: %d\n", name, WSAGetLastError());
        failures++;
        hostpeer_listener_free(*hl);
        *hl = NULL;
        return INVALID_SOCKET;
    }
    printf("scenario %s port %u %u\n", name, our_port(c), pport);
    return c;
}

static void finish(const char *name, hostpeer_listener *hl, DWORD wait_ms)
{
    hostpeer_result res;
    int ended = hostpeer_listener_wait(hl, wait_ms, &res);
    printf("# %s: peer saw %s%s (error %d), %llu bytes\n", name, hostpeer_end_name(res.end),
           ended ? "" : " (still waiting)", res.error, res.bytes);
    hostpeer_listener_free(hl);   /* the peer closes its side */
}

static int set_linger(SOCKET s, u_short onoff, u_short secs)
{
    struct linger lg = { onoff, secs };
    return setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg));
}

static void send_some(SOCKET s, size_t n)
{
    char *b = malloc(n);
    if (!b) return;
    tu_fill(b, 0, n);
    int e = tu_send_all(s, b, n);
    if (e) { printf("# send: %d\n", e); failures++; }
    free(b);
}

/* Wait until the peer has read n bytes (so nothing is unsent at the close). */
static void wait_peer_bytes(hostpeer_listener *hl, unsigned long long n)
{
    hostpeer_result res;
    for (int i = 0; i < 1000; i++) {
        hostpeer_listener_peek(hl, &res);
        if (res.bytes >= n) return;
        Sleep(10);
    }
}

static void scenario_hard(void)
{
    hostpeer_tcp_opts o = { .probe_reset = 1 };
    hostpeer_listener *hl;
    SOCKET c = start("hard", &o, &hl);
    if (c == INVALID_SOCKET) return;
    send_some(c, 1000);
    wait_peer_bytes(hl, 1000);
    CHECK(set_linger(c, 1, 0) == 0, "hard: SO_LINGER: %d", WSAGetLastError());
    CHECK(closesocket(c) == 0, "hard: closesocket: %d", WSAGetLastError());
out:
    finish("hard", hl, 5000);
}

static void scenario_linger_timeout(void)
{
    hostpeer_tcp_opts o = { .no_read = 1 };
    hostpeer_listener *hl;
    unsigned long long queued = 0;
    SOCKET c = start("linger_timeout", &o, &hl);
    if (c == INVALID_SOCKET) return;
    CHECK(fill_window(c, &queued) == 0, "linger_timeout: fill: %d", WSAGetLastError());
    CHECK(set_linger(c, 1, 2) == 0, "linger_timeout: SO_LINGER: %d", WSAGetLastError());
    double t0 = tu_now_ms();
    int r = closesocket(c);
    double t1 = tu_now_ms();
    printf("# linger_timeout: %llu bytes queued; closesocket %d after %.0f ms\n", queued, r, t1 - t0);
    CHECK(r == 0, "linger_timeout: closesocket: %d", WSAGetLastError());
out:
    Sleep(300);
    hostpeer_listener_free(hl);
}

static void scenario_dontlinger(void)
{
    hostpeer_tcp_opts o = { .check_pattern = 1 };
    hostpeer_listener *hl;
    SOCKET c = start("dontlinger", &o, &hl);
    if (c == INVALID_SOCKET) return;
    send_some(c, 200000);
    CHECK(closesocket(c) == 0, "dontlinger: closesocket: %d", WSAGetLastError());
out:
    finish("dontlinger", hl, 10000);
}

static void scenario_linger_drained(void)
{
    hostpeer_tcp_opts o = { .check_pattern = 1 };
    hostpeer_listener *hl;
    SOCKET c = start("linger_drained", &o, &hl);
    if (c == INVALID_SOCKET) return;
    CHECK(set_linger(c, 1, 5) == 0, "linger_drained: SO_LINGER: %d", WSAGetLastError());
    send_some(c, 1u << 20);
    double t0 = tu_now_ms();
    int r = closesocket(c);
    printf("# linger_drained: closesocket %d after %.0f ms\n", r, tu_now_ms() - t0);
    CHECK(r == 0, "linger_drained: closesocket: %d", WSAGetLastError());
out:
    finish("linger_drained", hl, 10000);
}

static void scenario_shutdown_close(void)
{
    hostpeer_tcp_opts o = { .check_pattern = 1 };
    hostpeer_listener *hl;
    SOCKET c = start("shutdown_close", &o, &hl);
    if (c == INVALID_SOCKET) return;
    send_some(c, 200000);
    CHECK(shutdown(c, SD_SEND) == 0, "shutdown_close: shutdown: %d", WSAGetLastError());
    CHECK(closesocket(c) == 0, "shutdown_close: closesocket: %d", WSAGetLastError());
out:
    finish("shutdown_close", hl, 10000);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (hostpeer_init()) {
        printf("# FAILED: hostpeer: %s\n", hostpeer_error_text());
        return 1;
    }
    if (tu_startup()) {
        printf("# FAILED: WSAStartup\n");
        return 1;
    }
    scenario_hard();
    scenario_linger_timeout();
    scenario_dontlinger();
    scenario_linger_drained();
    scenario_shutdown_close();
    /* background graceful closes finish before the process goes */
    Sleep(500);
    WSACleanup();
    printf("# done, %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
