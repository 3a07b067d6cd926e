/*
 * test_ircomm.c - IrCOMM 9-wire cooked mode (IRDA_MODE_9WIRE: TinyTP whose
 * every SDU starts with a control length and control parameters) between
 * two complete stations on an in-memory medium with a simulated clock.
 * The codec is checked on its own (PI/PL/PV triples, malformed lengths);
 * then the LM-PDUs each station sent are read back from its capture byte
 * by byte: the TinyTP connect offers no SAR, the initiator opens with its
 * service type and DTE lines, the acceptor answers with its DCE lines,
 * every data frame has a control length of 0, the control bytes never
 * reach the reader, and a 9-wire station against a plain TinyTP one
 * behaves as docs/irda.md says.
 */
#define CAPTURE_PAIR_PEER_NICK "modem"
#include "capture_pair.h"

/* ---- connecting -------------------------------------------------------------- */

static int listener_b, conn_a, conn_b;
static uint8_t lsap_a, lsap_b;

static int accepted(struct node *nd, int listener)
{
    int h = 0;
    return irda_stack_accept(&nd->st, listener, &h) == IRDA_OK ? h : 0;
}

static int listener_b, conn_a, conn_b;

/* B listens in mode_b and serves class IrDA:IrCOMM; A looks its TinyTP
 * LSAP up as an IrCOMM client does and connects in mode_a. */
static void connect_modes(enum irda_conn_mode mode_a, enum irda_conn_mode mode_b)
{
    assert_true(irda_stack_listen_mode(&NB.st, IRLMP_LSAP_ANY, 2, mode_b, &listener_b) > 0);
    lsap_b = (uint8_t)irda_stack_lsap_of(&NB.st, listener_b);
    struct ias_value v = { .type = IAS_INTEGER, .integer = lsap_b };
    assert_true(irda_stack_ias_set(&NB.st, IRCOMM_CLASS, "IrDA:TinyTP:LsapSel", &v) >= 0);
    assert_int_equal(irda_stack_ias_query(&NA.st, NB.st.lap.cfg.saddr, IRCOMM_CLASS,
                                          "IrDA:TinyTP:LsapSel"), 0);
    run(2000);
    assert_true(NA.ias_done);
    assert_int_equal(NA.ias.values[0].integer, lsap_b);
    assert_int_equal(irda_stack_connect_mode(&NA.st, NB.st.lap.cfg.saddr, lsap_b, mode_a,
                                             &conn_a), 0);
    lsap_a = (uint8_t)irda_stack_lsap_of(&NA.st, conn_a);
    run(1000);
    assert_true(NA.connected);
    assert_true(NB.incoming);
    conn_b = accepted(&NB, listener_b);
    assert_true(conn_b > 0);
}

/* An LM data PDU from the station to dlsap whose TinyTP byte has no M bit
 * (credit ignored) and whose TinyTP payload is exactly want. */
struct ttp_want { uint8_t dlsap, slsap; const uint8_t *b; size_t len; };
static bool is_ttp_payload(const uint8_t *f, size_t len, void *arg)
{
    const struct ttp_want *w = arg;
    return (f[1] & 1) == 0 && len == 5 + w->len && f[2] == w->dlsap && f[3] == w->slsap &&
           (f[4] & 0x80) == 0 && !memcmp(f + 5, w->b, w->len);
}

static unsigned count_ttp(const struct node *nd, uint8_t dl, uint8_t sl, const void *b, size_t len)
{
    struct ttp_want w = { dl, sl, b, len };
    return sent_frames(&nd->cap, is_ttp_payload, &w);
}

static const struct ircomm_peer *peer_of(struct node *nd, int h)
{
    return &irda_stack_conn(&nd->st, h)->ircomm_peer;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_codec(void **s)
{
    (void)s;
    uint8_t b[32];
    size_t pos = 0;
    const uint8_t pv[] = { 0x04 };
    assert_int_equal(ircomm_put_param(b, sizeof b, &pos, 0x00, pv, 1), 0);
    assert_int_equal(pos, 3);
    assert_int_equal(ircomm_put_param(b, 4, &pos, 0x20, pv, 1), IRDA_ERR_NOSPACE);
    assert_int_equal(pos, 3);

    /* the opening frames and the IAS value, byte by byte (IrCOMM 1.0 PIs) */
    const uint8_t dte[] = { 0x00, 0x01, 0x04, 0x20, 0x01, 0x0F };
    assert_int_equal(ircomm_initial_dte(b, sizeof b), sizeof dte);
    assert_memory_equal(b, dte, sizeof dte);
    const uint8_t dce[] = { 0x21, 0x01, 0xBB };
    assert_int_equal(ircomm_initial_dce(b, sizeof b), sizeof dce);
    assert_memory_equal(b, dce, sizeof dce);
    const uint8_t ias[] = { 0x00, 0x01, 0x04, 0x01, 0x01, 0x01 };
    assert_int_equal(ircomm_ias_parameters(b, sizeof b), sizeof ias);
    assert_memory_equal(b, ias, sizeof ias);
    assert_int_equal(ircomm_initial_dte(b, 5), 0);

    /* splitting: control-and-data, data only, control only, malformed */
    const uint8_t *ctrl, *data;
    size_t clen, dlen;
    const uint8_t f1[] = { 3, 0x21, 0x01, 0x30, 'h', 'i' };
    assert_int_equal(ircomm_split(f1, sizeof f1, &ctrl, &clen, &data, &dlen), 0);
    assert_int_equal(clen, 3);
    assert_ptr_equal(ctrl, f1 + 1);
    assert_int_equal(dlen, 2);
    assert_memory_equal(data, "hi", 2);
    const uint8_t f2[] = { 0, 'x' };
    assert_int_equal(ircomm_split(f2, sizeof f2, &ctrl, &clen, &data, &dlen), 0);
    assert_int_equal(clen, 0);
    assert_int_equal(dlen, 1);
    assert_int_equal(ircomm_split(f1, 4, &ctrl, &clen, &data, &dlen), 0);
    assert_int_equal(dlen, 0);
    assert_int_equal(ircomm_split(f1, 3, &ctrl, &clen, &data, &dlen), IRDA_ERR_FORMAT);
    assert_int_equal(ircomm_split(f1, 0, &ctrl, &clen, &data, &dlen), IRDA_ERR_SHORT);

    /* parameters: the last value of each kept, others counted */
    struct ircomm_peer p;
    memset(&p, 0, sizeof p);
    const uint8_t c1[] = { 0x00, 0x01, 0x04, 0x10, 0x04, 0, 0, 0x96, 0, 0x21, 0x01, 0x30 };
    assert_int_equal(ircomm_parse_params(c1, sizeof c1, &p), 0);
    assert_true(p.have_service && p.have_dce && !p.have_dte);
    assert_int_equal(p.service, 0x04);
    assert_int_equal(p.dce, 0x30);
    assert_int_equal(p.params, 3);
    assert_int_equal(p.other, 1);
    assert_int_equal(p.control_bytes, sizeof c1);
    const uint8_t c2[] = { 0x20, 0x01, 0x05, 0x21, 0x02, 0x30 };   /* PL past clen */
    assert_int_equal(ircomm_parse_params(c2, sizeof c2, &p), IRDA_ERR_FORMAT);
    assert_true(p.have_dte);
    assert_int_equal(p.dte, 0x05);
    assert_int_equal(ircomm_parse_params(c2, 1, &p), IRDA_ERR_FORMAT);  /* PI without PL */
}

/* Two 9-wire stations: the frames on the wire and what each reader gets. */
static void test_ninewire_frames(void **s)
{
    (void)s;
    connect_modes(IRDA_MODE_9WIRE, IRDA_MODE_9WIRE);
    /* TinyTP connect: credit byte without the P bit (no MaxSduSize: no SAR),
     * and the same in the confirm */
    const uint8_t connect[] = { (uint8_t)(0x80 | lsap_b), lsap_a, 0x01, 0x00, 0x07 };
    assert_int_equal(count_pdu(&NA, connect, sizeof connect), 1);
    const uint8_t confirm[] = { (uint8_t)(0x80 | lsap_a), lsap_b, 0x81, 0x00, 0x07 };
    assert_int_equal(count_pdu(&NB, confirm, sizeof confirm), 1);
    run(500);
    /* A (the DTE) opened with clen 6: service type 9-wire, DTR and RTS up */
    const uint8_t dte[] = { 6, 0x00, 0x01, 0x04, 0x20, 0x01, 0x0F };
    assert_int_equal(count_ttp(&NA, lsap_b, lsap_a, dte, sizeof dte), 1);
    /* B (the DCE) answered with clen 3: CTS, DSR, CD up */
    const uint8_t dce[] = { 3, 0x21, 0x01, 0xBB };
    assert_int_equal(count_ttp(&NB, lsap_a, lsap_b, dce, sizeof dce), 1);
    assert_true(peer_of(&NB, conn_b)->have_service && peer_of(&NB, conn_b)->have_dte);
    assert_int_equal(peer_of(&NB, conn_b)->service, IRCOMM_9_WIRE);
    assert_int_equal(peer_of(&NB, conn_b)->dte, 0x0F);
    assert_true(peer_of(&NA, conn_a)->have_dce);
    assert_int_equal(peer_of(&NA, conn_a)->dce, 0xBB);
    /* control-only frames give the reader nothing */
    uint8_t buf[8192];
    assert_int_equal(irda_stack_rx_available(&NA.st, conn_a), 0);
    assert_int_equal(irda_stack_rx_available(&NB.st, conn_b), 0);

    /* a frame holds the TinyTP data size less the control length byte */
    assert_int_equal(irda_stack_send_pdu_len(&NA.st, conn_a), 2048 - 2 - 1 - 1);
    assert_int_equal(irda_stack_send(&NA.st, conn_a, (const uint8_t *)"HELLO", 5), 5);
    run(500);
    const uint8_t hello[] = { 0, 'H', 'E', 'L', 'L', 'O' };
    assert_int_equal(count_ttp(&NA, lsap_b, lsap_a, hello, sizeof hello), 1);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), 5);
    assert_memory_equal(buf, "HELLO", 5);

    /* 5000 bytes each way: frames of 00 + up to 2044 bytes, read back whole */
    static uint8_t big[5000], back[5000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 13 + i / 255);
    for (int dir = 0; dir < 2; dir++) {
        struct node *tx = dir ? &NB : &NA, *rx = dir ? &NA : &NB;
        int th = dir ? conn_b : conn_a, rh = dir ? conn_a : conn_b;
        assert_int_equal(irda_stack_send(&tx->st, th, big, sizeof big), (int)sizeof big);
        run(2000);
        uint8_t first[1 + 2044];
        first[0] = 0;
        memcpy(first + 1, big, 2044);
        assert_int_equal(count_ttp(tx, dir ? lsap_a : lsap_b, dir ? lsap_b : lsap_a,
                                   first, sizeof first), 1);
        size_t got = 0;
        int n;
        while ((n = irda_stack_recv(&rx->st, rh, back + got, sizeof back - got)) > 0)
            got += (size_t)n;
        assert_int_equal(got, sizeof big);
        assert_memory_equal(back, big, sizeof big);
    }
    assert_int_equal(peer_of(&NB, conn_b)->control_bytes, 6);   /* the opening frame's only */
    assert_int_equal(peer_of(&NA, conn_a)->control_bytes, 3);

    /* the peer's control parameters along with data never reach the reader:
     * B's TinyTP sends a control-and-data frame by hand */
    struct ttp *tb = &((struct irda_conn *)irda_stack_conn(&NB.st, conn_b))->ttp;
    const uint8_t cd[] = { 3, 0x21, 0x01, 0x41, 'R', 'I', 'N', 'G' };
    assert_int_equal(ttp_send(tb, cd, sizeof cd), 0);
    irda_stack_set_time(&NB.st, air.now);
    irlap_flush(&NB.st.lap);
    run(500);
    assert_int_equal(irda_stack_recv(&NA.st, conn_a, buf, sizeof buf), 4);
    assert_memory_equal(buf, "RING", 4);
    assert_int_equal(peer_of(&NA, conn_a)->dce, 0x41);
}

/* A 9-wire client against a plain TinyTP server: the server reads the
 * IrCOMM bytes as data (nothing in TinyTP tells them apart). */
static void test_ninewire_to_plain(void **s)
{
    (void)s;
    connect_modes(IRDA_MODE_9WIRE, IRDA_MODE_TINYTP);
    run(500);
    assert_int_equal(irda_stack_send(&NA.st, conn_a, (const uint8_t *)"hi", 2), 2);
    run(500);
    uint8_t buf[64];
    const uint8_t want[] = { 6, 0x00, 0x01, 0x04, 0x20, 0x01, 0x0F, 0, 'h', 'i' };
    size_t got = 0;
    int n;
    while ((n = irda_stack_recv(&NB.st, conn_b, buf + got, sizeof buf - got)) > 0)
        got += (size_t)n;
    assert_int_equal(got, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    /* the plain server's bytes reach the 9-wire client only past a clen:
     * "\0ok" arrives as "ok" */
    assert_int_equal(irda_stack_send(&NB.st, conn_b, (const uint8_t *)"\0ok", 3), 3);
    run(500);
    assert_int_equal(irda_stack_recv(&NA.st, conn_a, buf, sizeof buf), 2);
    assert_memory_equal(buf, "ok", 2);
}

/* A plain TinyTP client against a 9-wire server: a first byte that is a
 * control length beyond the frame ends the connection, the peer told why. */
static void test_plain_to_ninewire(void **s)
{
    (void)s;
    connect_modes(IRDA_MODE_TINYTP, IRDA_MODE_9WIRE);
    run(500);
    uint8_t buf[64];
    /* B's DCE answer reaches the plain client as data */
    const uint8_t dce[] = { 3, 0x21, 0x01, 0xBB };
    assert_int_equal(irda_stack_recv(&NA.st, conn_a, buf, sizeof buf), (int)sizeof dce);
    assert_memory_equal(buf, dce, sizeof dce);
    assert_int_equal(irda_stack_send(&NA.st, conn_a, (const uint8_t *)"hello", 5), 5);
    run(1000);
    const char why[] = "IrCOMM: control length or parameter beyond the frame";
    uint8_t disc[4 + sizeof why - 1] = { (uint8_t)(0x80 | lsap_a), lsap_b, 0x02, 0xFF };
    memcpy(disc + 4, why, sizeof why - 1);
    assert_int_equal(count_pdu(&NB, disc, sizeof disc), 1);
    assert_true(NA.disconnected);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), 0);   /* 'h' = clen 104: nothing read */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec),
        cmocka_unit_test_setup_teardown(test_ninewire_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ninewire_to_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_to_ninewire, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
