/*
 * test_irda_ircomm.c - IRLMP_9WIRE_MODE (issue 14): IrCOMM 9-wire cooked
 * over TinyTP between two stations on a private loopback air.
 *
 * A child station ("--comm") binds "IrDA:IrCOMM" in 9-wire mode, checks
 * that the socket accept gives it reads the mode back as 1, and echoes
 * every read.  This station queries the class's IAS "Parameters" (service
 * type 9-wire, port type serial), connects in 9-wire mode, and sends bytes
 * both ways; asserted: each byte comes back as sent, the IrCOMM control
 * bytes never reach either application, IRLMP_SEND_PDU_LEN leaves room for
 * the control length, and this station's capture holds the opening frame
 * (clen 6: service type 9-wire, DTE lines DTR and RTS), the child's answer
 * (clen 3: DCE lines) and data frames with a control length of 0.
 *
 * Against a plain TinyTP server ("--plain" child, which sends back in hex
 * what it read): the server reads the control channel as data, as nothing
 * in TinyTP tells the two apart (docs/irda.md).  Option errors: after
 * connect WSAEISCONN, after bind WSAEINVAL, with IrLPT mode WSAEINVAL.
 */
#include "irda_station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned short air_port;
static char my_nick[24], comm_nick[24], plain_nick[24];
static unsigned long my_addr, comm_addr, plain_addr;
static char capture_path[MAX_PATH];

static void identities(DWORD ppid)
{
    air_port = tu_private_air_port(ppid * 139u + 11u);   /* the children inherit it */
    snprintf(my_nick, sizeof(my_nick), "cews-C%lu", (unsigned long)(ppid % 100000));
    snprintf(comm_nick, sizeof(comm_nick), "cews-D%lu", (unsigned long)(ppid % 100000));
    /* a station of its own: a link to a station that has gone lingers */
    snprintf(plain_nick, sizeof(plain_nick), "cews-P%lu", (unsigned long)(ppid % 100000));
    my_addr   = 0x6C000000ul | ((ppid & 0xFFFFul) << 8) | 0x21;
    comm_addr = 0x6C000000ul | ((ppid & 0xFFFFul) << 8) | 0x55;
    plain_addr = 0x6C000000ul | ((ppid & 0xFFFFul) << 8) | 0x66;
}

static SOCKET irda_socket(void) { return socket(AF_IRDA, SOCK_STREAM, 0); }
static int close_irda(SOCKET s) { return closesocket(s) ? WSAGetLastError() : 0; }
#define assert_close_ok(s) assert_int_equal(close_irda(s), 0)

static int irda_addr(SOCKADDR_IRDA *a, unsigned long dev, const char *service)
{
    memset(a, 0, sizeof(*a));
    a->irdaAddressFamily = AF_IRDA;
    memcpy(a->irdaDeviceID, &dev, 4);
    snprintf(a->irdaServiceName, sizeof(a->irdaServiceName), "%s", service);
    return (int)sizeof(*a);
}

static int set_mode(SOCKET s, int opt, int on)
{
    return setsockopt(s, SOL_IRLMP, opt, (char *)&on, sizeof(on)) ? WSAGetLastError() : 0;
}

static int read_mode(SOCKET s, int opt)
{
    int v = -1, len = sizeof(v);
    if (getsockopt(s, SOL_IRLMP, opt, (char *)&v, &len))
        return -WSAGetLastError();
    return v;
}

/* ---- the child stations ---------------------------------------------------------- */

/* 9-wire: one connection, every read sent back as it came. */
static int comm_main(DWORD ppid)
{
    char buf[8192];
    SOCKADDR_IRDA a;
    int n;
    identities(ppid);
    tu_station_env(air_port, comm_nick, comm_addr);
    tu_set_env("CEWS2_IRDA_CAPTURE", NULL);
    if (tu_startup()) return 10;
    SOCKET l = irda_socket();
    if (l == INVALID_SOCKET || set_mode(l, IRLMP_9WIRE_MODE, 1) ||
        bind(l, (struct sockaddr *)&a, irda_addr(&a, 0, "IrDA:IrCOMM")) || listen(l, 1))
        return 11;
    irda_station_ready(ppid);
    SOCKET c = accept(l, NULL, NULL);
    if (c == INVALID_SOCKET) return 12;
    if (read_mode(c, IRLMP_9WIRE_MODE) != 1) return 14;     /* the listener's mode */
    while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
        if (send(c, buf, n, 0) != n) return 13;
    closesocket(c);
    closesocket(l);
    WSACleanup();
    return 0;
}

/* Plain TinyTP: reads 10 bytes, answers with a 0 byte and their hex. */
static int plain_main(DWORD ppid)
{
    unsigned char got[10];
    char out[1 + 2 * sizeof(got) + 1];
    SOCKADDR_IRDA a;
    int n, total = 0;
    identities(ppid);
    tu_station_env(air_port, plain_nick, plain_addr);
    tu_set_env("CEWS2_IRDA_CAPTURE", NULL);
    if (tu_startup()) return 10;
    SOCKET l = irda_socket();
    if (l == INVALID_SOCKET || bind(l, (struct sockaddr *)&a, irda_addr(&a, 0, "CeCommPlain")) ||
        listen(l, 1))
        return 11;
    irda_station_ready(ppid);
    SOCKET c = accept(l, NULL, NULL);
    if (c == INVALID_SOCKET) return 12;
    while (total < (int)sizeof(got) &&
           (n = recv(c, (char *)got + total, (int)sizeof(got) - total, 0)) > 0)
        total += n;
    out[0] = 0;                     /* a control length of 0, for the 9-wire reader */
    for (int i = 0; i < total; i++)
        snprintf(out + 1 + 2 * i, 3, "%02x", got[i]);
    if (send(c, out, 1 + 2 * total, 0) != 1 + 2 * total) return 13;
    while (recv(c, (char *)got, 1, 0) > 0)
        ;
    closesocket(c);
    closesocket(l);
    WSACleanup();
    return 0;
}

/* Waits until discovery lists the child (the link needs a discovery first). */
static void discover_child(const char *nick)
{
    char list[sizeof(ULONG) + 8 * sizeof(IRDA_DEVICE_INFO)];
    DEVICELIST *dl = (DEVICELIST *)list;
    SOCKET d = irda_socket();
    int found = 0;
    for (double end = tu_now_ms() + 30000; !found && tu_now_ms() < end; ) {
        int len = sizeof(list);
        if (!getsockopt(d, SOL_IRLMP, IRLMP_ENUMDEVICES, list, &len))
            for (ULONG i = 0; i < dl->numDevice; i++)
                found |= !strncmp(dl->Device[i].irdaDeviceName, nick, 22);
        if (!found) Sleep(200);
    }
    assert_close_ok(d);
    if (!found) fail_msg("\"%s\" not discovered", nick);
}

/* A frame of the connection at our LSAP whose TinyTP payload is exactly b
 * (LM data, TinyTP byte without M; credit not compared): sent (packet type
 * 4, our LSAP the source) or received (type 0, our LSAP the destination). */
struct ttp_payload { int sent; unsigned lsap; const void *b; size_t len; };
static int is_ttp_payload(unsigned type, const unsigned char *fr, size_t len, const void *arg)
{
    const struct ttp_payload *w = arg;
    return type == (w->sent ? 4u : 0u) && len == 5 + w->len &&
           (fr[1] & 1) == 0 && (fr[2] & 0x80) == 0 && (fr[4] & 0x80) == 0 &&
           fr[w->sent ? 3 : 2] == w->lsap && !memcmp(fr + 5, w->b, w->len);
}

/* How many such frames this station's capture holds. */
static int frames_with(int sent, unsigned lsap, const void *b, size_t len)
{
    struct ttp_payload w = { sent, lsap, b, len };
    return irda_station_capture_count(capture_path, is_ttp_payload, &w);
}

/* ---- tests ------------------------------------------------------------------------ */

static void option_rules(void **state)
{
    (void)state;
    SOCKADDR_IRDA a;
    SOCKET s = irda_socket();
    assert_int_equal(read_mode(s, IRLMP_9WIRE_MODE), 0);
    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 1), 0);
    assert_int_equal(read_mode(s, IRLMP_9WIRE_MODE), 1);
    /* IrLPT has no TinyTP for IrCOMM to ride on: one or the other */
    assert_int_equal(set_mode(s, IRLMP_IRLPT_MODE, 1), WSAEINVAL);
    assert_int_equal(read_mode(s, IRLMP_IRLPT_MODE), 0);
    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 0), 0);
    assert_int_equal(set_mode(s, IRLMP_IRLPT_MODE, 1), 0);
    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 1), WSAEINVAL);
    assert_int_equal(set_mode(s, IRLMP_IRLPT_MODE, 0), 0);
    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 1), 0);
    assert_wsa_ok(bind(s, (struct sockaddr *)&a, irda_addr(&a, 0, "CeCommModeSvc")));
    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 0), WSAEINVAL);
    assert_int_equal(read_mode(s, IRLMP_9WIRE_MODE), 1);
    assert_close_ok(s);
    /* Sharp mode stays refused (docs/irda.md) */
    s = irda_socket();
    assert_int_equal(set_mode(s, IRLMP_SHARP_MODE, 1), WSAENOPROTOOPT);
    assert_close_ok(s);
}

static void ninewire_sockets_interoperate(void **state)
{
    (void)state;
    static char big[60000], back[60000];
    char ias_buf[sizeof(IAS_QUERY) + 64];
    IAS_QUERY *q = (IAS_QUERY *)ias_buf;
    SOCKADDR_IRDA peer;
    HANDLE child = irda_station_start("--comm");
    if (!child) fail_msg("the 9-wire station did not start");
    discover_child(comm_nick);

    /* the service's IAS entry: class IrDA:IrCOMM, Parameters 9-wire, serial */
    SOCKET s = irda_socket();
    memset(ias_buf, 0, sizeof(ias_buf));
    memcpy(q->irdaDeviceID, &comm_addr, 4);
    strcpy(q->irdaClassName, "IrDA:IrCOMM");
    strcpy(q->irdaAttribName, "Parameters");
    int len = sizeof(ias_buf);
    assert_wsa_ok(getsockopt(s, SOL_IRLMP, IRLMP_IAS_QUERY, ias_buf, &len));
    assert_int_equal(q->irdaAttribType, IAS_ATTRIB_OCTETSEQ);
    static const unsigned char params[] = { 0x00, 0x01, 0x04, 0x01, 0x01, 0x01 };
    assert_int_equal(q->irdaAttribute.irdaAttribOctetSeq.Len, sizeof(params));
    assert_memory_equal(q->irdaAttribute.irdaAttribOctetSeq.OctetSeq, params, sizeof(params));

    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 1), 0);
    assert_wsa_ok(connect(s, (struct sockaddr *)&peer, irda_addr(&peer, comm_addr, "IrDA:IrCOMM")));
    assert_int_equal(read_mode(s, IRLMP_9WIRE_MODE), 1);
    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 0), WSAEISCONN);
    int pdu = 0;
    len = sizeof(pdu);
    assert_wsa_ok(getsockopt(s, SOL_IRLMP, IRLMP_SEND_PDU_LEN, (char *)&pdu, &len));
    assert_int_equal(pdu, 2048 - 2 - 1 - 1);   /* IrLMP, TinyTP, then clen */

    /* the echo: the bytes as sent, no control byte in either reader's data */
    assert_int_equal(send(s, "HELLO", 5, 0), 5);
    int n, total = 0;
    while (total < 5 && (n = recv(s, back + total, 5 - total, 0)) > 0)
        total += n;
    assert_int_equal(total, 5);
    assert_memory_equal(back, "HELLO", 5);
    for (size_t i = 0; i < sizeof(big); i++) big[i] = (char)(i * 29 + i / 253);
    double t0 = tu_now_ms();
    assert_int_equal(send(s, big, sizeof(big), 0), (int)sizeof(big));
    total = 0;
    while (total < (int)sizeof(back) &&
           (n = recv(s, back + total, (int)sizeof(back) - total, 0)) > 0)
        total += n;
    assert_int_equal(total, (int)sizeof(big));
    assert_memory_equal(back, big, sizeof(big));
    print_message("9-wire echo of %u bytes in %.0f ms\n", (unsigned)sizeof(big), tu_now_ms() - t0);
    SOCKADDR_IRDA self;
    unsigned lsap = 0;
    len = sizeof(self);
    assert_wsa_ok(getsockname(s, (struct sockaddr *)&self, &len));
    sscanf(self.irdaServiceName, "LSAP-SEL%u", &lsap);
    assert_true(lsap > 0);
    assert_close_ok(s);
    assert_int_equal(irda_station_end(child, 15000), 0);

    /* the capture: the opening DTE frame and data frames sent, the DCE answer heard */
    static const unsigned char dte[] = { 6, 0x00, 0x01, 0x04, 0x20, 0x01, 0x0F };
    static const unsigned char dce[] = { 3, 0x21, 0x01, 0xBB };
    static const unsigned char hello[] = { 0, 'H', 'E', 'L', 'L', 'O' };
    int n_dte = frames_with(1, lsap, dte, sizeof(dte)), n_dce = frames_with(0, lsap, dce, sizeof(dce));
    int n_hello_tx = frames_with(1, lsap, hello, sizeof(hello));
    int n_hello_rx = frames_with(0, lsap, hello, sizeof(hello));
    print_message("capture %s: DTE %d, DCE %d, HELLO out %d back %d\n", capture_path,
                  n_dte, n_dce, n_hello_tx, n_hello_rx);
    assert_int_equal(n_dte, 1);
    assert_int_equal(n_dce, 1);
    assert_int_equal(n_hello_tx, 1);
    assert_int_equal(n_hello_rx, 1);
}

static void ninewire_against_plain_tinytp(void **state)
{
    (void)state;
    SOCKADDR_IRDA peer;
    char buf[64];
    HANDLE child = irda_station_start("--plain");
    if (!child) fail_msg("the plain station did not start");
    discover_child(plain_nick);
    SOCKET s = irda_socket();
    assert_int_equal(set_mode(s, IRLMP_9WIRE_MODE, 1), 0);
    assert_wsa_ok(connect(s, (struct sockaddr *)&peer, irda_addr(&peer, plain_addr, "CeCommPlain")));
    assert_int_equal(send(s, "hi", 2, 0), 2);
    int n, total = 0;
    while (total < 20 && (n = recv(s, buf + total, 20 - total, 0)) > 0)
        total += n;
    buf[total] = 0;
    print_message("the plain server read: %s\n", buf);
    /* the opening frame (clen 6 and its parameters), then 00 'h' 'i' */
    assert_string_equal(buf, "0600010420010f006869");
    assert_close_ok(s);
    assert_int_equal(irda_station_end(child, 15000), 0);
}

static int group_setup(void **state)
{
    (void)state;
    return tu_startup() ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    WSACleanup();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--comm"))
        return comm_main((DWORD)strtoul(argv[2], NULL, 10));
    if (argc >= 3 && !strcmp(argv[1], "--plain"))
        return plain_main((DWORD)strtoul(argv[2], NULL, 10));
    identities(GetCurrentProcessId());
    /* irda_ircomm_capture.sh names the file */
    irda_station_capture_path(capture_path, sizeof(capture_path), "CEWS2_TEST_IRCOMM_CAPTURE", "ircomm");
    tu_station_env(air_port, my_nick, my_addr);
    tu_set_env("CEWS2_IRDA_CAPTURE", capture_path);
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(option_rules),
        cmocka_unit_test(ninewire_against_plain_tinytp),
        cmocka_unit_test(ninewire_sockets_interoperate),
    };
    return cmocka_run_group_tests_name("irda_ircomm", tests, group_setup, group_teardown);
}
