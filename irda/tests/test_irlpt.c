/*
 * test_irlpt.c - IrLPT mode (IRDA_MODE_IRLPT: IrLMP data without TinyTP)
 * between two complete stations on an in-memory medium with a simulated
 * clock.  Each station writes a capture; the LM-PDUs it sent are read back
 * from it and checked byte by byte: the connect and its confirm carry no
 * user data (no TinyTP parameters), each send is one IrLMP data frame with
 * no credit byte, the receiver hands frames up whole, a send beyond one
 * frame is refused with nothing on the air, IrLAP's RNR holds a sender back
 * from a reader that does not read, and a TinyTP peer and an IrLPT one
 * refuse each other.
 */
#define CAPTURE_PAIR_PEER_NICK "printer"
#include "capture_pair.h"

static bool is_rnr(const uint8_t *f, size_t len, void *arg)
{
    (void)arg;
    return len == 2 && (f[1] & 0x0F) == 0x05;
}

/* An I frame carrying an LM data PDU (no C bit) with this many user bytes. */
static bool is_data_of_len(const uint8_t *f, size_t len, void *arg)
{
    return (f[1] & 1) == 0 && len > 4 && (f[2] & 0x80) == 0 && len - 4 == *(size_t *)arg;
}

/* ---- connecting -------------------------------------------------------------- */

static int listener_b, conn_a, conn_b;
static uint8_t lsap_a, lsap_b;

static int accepted(struct node *nd, int listener)
{
    int h = 0;
    return irda_stack_accept(&nd->st, listener, &h) == IRDA_OK ? h : 0;
}

/* B listens in mode_b and serves IAS class IrLPT; A looks it up as an
 * IrLPT client does and connects in mode_a. */
static void connect_modes(enum irda_conn_mode mode_a, enum irda_conn_mode mode_b)
{
    assert_true(irda_stack_listen_mode(&NB.st, IRLMP_LSAP_ANY, 2, mode_b, &listener_b) > 0);
    lsap_b = (uint8_t)irda_stack_lsap_of(&NB.st, listener_b);
    struct ias_value v = { .type = IAS_INTEGER, .integer = lsap_b };
    assert_true(irda_stack_ias_set(&NB.st, "IrLPT", "IrDA:IrLMP:LsapSel", &v) >= 0);
    assert_int_equal(irda_stack_ias_query(&NA.st, NB.st.lap.cfg.saddr, "IrLPT",
                                          "IrDA:IrLMP:LsapSel"), 0);
    run(2000);
    assert_true(NA.ias_done);
    assert_int_equal(NA.ias.values[0].integer, lsap_b);
    assert_int_equal(irda_stack_connect_mode(&NA.st, NB.st.lap.cfg.saddr, lsap_b, mode_a,
                                             &conn_a), 0);
    lsap_a = (uint8_t)irda_stack_lsap_of(&NA.st, conn_a);
    run(1000);
}

static void connect_irlpt(void)
{
    connect_modes(IRDA_MODE_IRLPT, IRDA_MODE_IRLPT);
    assert_true(NA.connected);
    assert_true(NB.incoming);
    conn_b = accepted(&NB, listener_b);
    assert_true(conn_b > 0);
}

static int send_all(struct node *nd, int h, const void *p, size_t len)
{
    return irda_stack_send(&nd->st, h, p, len);
}

/* ---- tests ------------------------------------------------------------------------ */

/* The connect and confirm without user data; data frames as sent; the
 * disconnect; sizes at and beyond one frame. */
static void test_frames_on_the_wire(void **s)
{
    (void)s;
    connect_irlpt();
    /* LM connect (IrLMP 4.2): C bit | DLSAP, SLSAP, opcode 01, reserved 00, no user data */
    const uint8_t connect[] = { (uint8_t)(0x80 | lsap_b), lsap_a, 0x01, 0x00 };
    assert_int_equal(count_pdu(&NA, connect, sizeof connect), 1);
    const uint8_t confirm[] = { (uint8_t)(0x80 | lsap_a), lsap_b, 0x81, 0x00 };
    assert_int_equal(count_pdu(&NB, confirm, sizeof confirm), 1);
    /* one frame holds the peer's data size less the IrLMP header: no TinyTP byte */
    assert_int_equal(irda_stack_send_pdu_len(&NA.st, conn_a), 2048 - 2);

    /* each send is one LM data PDU: DLSAP, SLSAP, the bytes as given */
    assert_int_equal(send_all(&NA, conn_a, "HELLO", 5), 5);
    assert_int_equal(send_all(&NA, conn_a, "AB", 2), 2);
    assert_int_equal(send_all(&NA, conn_a, "CDE", 3), 3);
    run(500);
    const uint8_t hello[] = { lsap_b, lsap_a, 'H', 'E', 'L', 'L', 'O' };
    const uint8_t ab[] = { lsap_b, lsap_a, 'A', 'B' }, cde[] = { lsap_b, lsap_a, 'C', 'D', 'E' };
    assert_int_equal(count_pdu(&NA, hello, sizeof hello), 1);
    assert_int_equal(count_pdu(&NA, ab, sizeof ab), 1);
    assert_int_equal(count_pdu(&NA, cde, sizeof cde), 1);
    /* the receiver hands each frame up as it came: a read ends at a frame */
    uint8_t buf[4096];
    assert_int_equal(irda_stack_rx_available(&NB.st, conn_b), 10);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), 5);
    assert_memory_equal(buf, "HELLO", 5);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), 2);
    assert_memory_equal(buf, "AB", 2);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, 1), 1);   /* a short buffer: the rest next */
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf + 1, sizeof buf), 2);
    assert_memory_equal(buf, "CDE", 3);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), IRDA_ERR_AGAIN);

    /* a full frame goes as one; one byte more is refused and nothing is sent */
    static uint8_t big[2048];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7 + 1);
    size_t full = 2046, frame_full = 2046;
    assert_int_equal(send_all(&NA, conn_a, big, full), (int)full);
    assert_int_equal(send_all(&NA, conn_a, big, full + 1), IRDA_ERR_RANGE);
    assert_int_equal(irda_stack_tx_queued(&NA.st, conn_a), 0);   /* IrLAP took the first, nothing else */
    run(500);
    assert_int_equal(sent_frames(&NA.cap, is_data_of_len, &frame_full), 1);
    size_t one_more = full + 1;
    assert_int_equal(sent_frames(&NA.cap, is_data_of_len, &one_more), 0);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), (int)full);
    assert_memory_equal(buf, big, full);

    /* the other way: B's frame, and A reads it whole */
    assert_int_equal(send_all(&NB, conn_b, "OK\f", 3), 3);
    run(500);
    const uint8_t ok[] = { lsap_a, lsap_b, 'O', 'K', '\f' };
    assert_int_equal(count_pdu(&NB, ok, sizeof ok), 1);
    assert_int_equal(irda_stack_recv(&NA.st, conn_a, buf, sizeof buf), 3);
    assert_memory_equal(buf, "OK\f", 3);

    /* close: what is queued goes, then an LM disconnect, reason 01 (user request) */
    assert_int_equal(send_all(&NA, conn_a, "END", 3), 3);
    assert_int_equal(irda_stack_close(&NA.st, conn_a, true), 0);
    run(1000);
    const uint8_t disc[] = { (uint8_t)(0x80 | lsap_b), lsap_a, 0x02, 0x01 };
    assert_int_equal(count_pdu(&NA, disc, sizeof disc), 1);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), 3);
    assert_memory_equal(buf, "END", 3);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, buf, sizeof buf), 0);
    assert_true(NB.disconnected);
    assert_int_equal(NB.reason, IRLMP_R_USER);
    assert_null(irda_stack_conn(&NA.st, conn_a));
    assert_int_equal(irda_stack_close(&NB.st, conn_b, false), 0);

    const char *dump = getenv("IRDA_TEST_PCAP");   /* for checking with tshark */
    if (dump) {
        FILE *f = fopen(dump, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(NA.cap.buf, 1, NA.cap.len, f), NA.cap.len);
        fclose(f);
    }
}

static uint8_t pattern(size_t i) { return (uint8_t)(i * 13 + i / 509); }

/* No credit: a reader that does not read holds the sender back with IrLAP's
 * RNR.  A writes 300 KB in full frames while B reads nothing for 3 s: B's
 * ring never overflows (the connection stays), B sends RNR, A's queue
 * fills (sends would block); then B reads everything, byte for byte, each
 * read at most one frame. */
static void test_rnr_holds_the_sender(void **s)
{
    (void)s;
    connect_irlpt();
    const size_t total = 300000, frame = 2046;
    static uint8_t buf[4096];
    size_t sent = 0, got = 0, back = 0, back_got = 0;
    uint64_t t0 = air.now;
    while (air.now - t0 < 3000) {
        /* B talks too, so that its turns carry I frames: RNR must still
         * end them (an I frame tells the peer nothing about busy) */
        if (irda_stack_send(&NB.st, conn_b, (const uint8_t *)"status", 6) == 6)
            back += 6;
        int rc;
        while ((rc = irda_stack_recv(&NA.st, conn_a, buf, sizeof buf)) > 0) {
            assert_int_equal(rc, 6);
            assert_memory_equal(buf, "status", 6);
            back_got += 6;
        }
        while (sent < total) {
            size_t n = total - sent < frame ? total - sent : frame;
            for (size_t i = 0; i < n; i++) buf[i] = pattern(sent + i);
            rc = irda_stack_send(&NA.st, conn_a, buf, n);
            if (rc == IRDA_ERR_AGAIN) break;
            assert_int_equal(rc, (int)n);
            sent += n;
        }
        run(10);
    }
    assert_false(NB.disconnected);
    assert_false(NA.disconnected);
    assert_true(sent < total);                          /* held back */
    assert_true(irda_stack_rx_available(&NB.st, conn_b) <= IRDA_STACK_RXBUF);
    unsigned rnr = sent_frames(&NB.cap, is_rnr, NULL);
    print_message("held: %zu of %zu bytes sent, %zu in B's ring, %u RNR sent by B\n",
                  sent, total, irda_stack_rx_available(&NB.st, conn_b), rnr);
    assert_true(rnr > 0);
    assert_true(NB.st.lap.local_busy);
    unsigned reads = 0;
    uint64_t t1 = air.now;
    while (got < total && air.now - t1 < 60000) {
        int rc;
        while ((rc = irda_stack_recv(&NB.st, conn_b, buf, sizeof buf)) > 0) {
            assert_true(rc <= (int)frame);                /* frames whole, never joined */
            for (int i = 0; i < rc; i++)
                if (buf[i] != pattern(got + (size_t)i))
                    fail_msg("byte %zu wrong", got + (size_t)i);
            got += (size_t)rc;
            reads++;
        }
        while (sent < total) {
            size_t n = total - sent < frame ? total - sent : frame;
            for (size_t i = 0; i < n; i++) buf[i] = pattern(sent + i);
            rc = irda_stack_send(&NA.st, conn_a, buf, n);
            if (rc == IRDA_ERR_AGAIN) break;
            sent += n;
        }
        run(10);
    }
    assert_int_equal(got, total);
    assert_int_equal(reads, (total + frame - 1) / frame);
    assert_true(back > 0);
    while (irda_stack_recv(&NA.st, conn_a, buf, sizeof buf) == 6)
        back_got += 6;
    assert_int_equal(back_got, back);
    assert_false(NB.st.lap.local_busy);
    assert_false(NB.disconnected);
}

/* A TinyTP connect reaching an IrLPT listener is refused (its credit byte
 * and parameters are not print data): the listener never sees it, the
 * client's connect fails, and the refusal says why in the disconnect. */
static void test_tinytp_client_refused_by_irlpt_listener(void **s)
{
    (void)s;
    connect_modes(IRDA_MODE_TINYTP, IRDA_MODE_IRLPT);
    assert_false(NA.connected);
    assert_true(NA.connect_failed);
    assert_int_equal(NA.reason, IRLMP_R_UNSPECIFIED);
    assert_false(NB.incoming);
    assert_int_equal(accepted(&NB, listener_b), 0);
    /* TinyTP's connect: credit 7 with MaxSduSize; the answer: reason FF, the text */
    const uint8_t ttp_connect[] = { (uint8_t)(0x80 | lsap_b), lsap_a, 0x01, 0x00,
                                    0x87, 0x04, 0x01, 0x02, 0x20, 0x00 };
    assert_int_equal(count_pdu(&NA, ttp_connect, sizeof ttp_connect), 1);
    uint8_t refuse[4 + sizeof LPT_REFUSE_TEXT - 1] = { (uint8_t)(0x80 | lsap_a), lsap_b, 0x02, 0xFF };
    memcpy(refuse + 4, LPT_REFUSE_TEXT, sizeof LPT_REFUSE_TEXT - 1);
    assert_int_equal(count_pdu(&NB, refuse, sizeof refuse), 1);
    assert_int_equal(NB.st.conns[listener_b - 1].lpt.refused, 1);
}

/* The reverse: an IrLPT connect (no user data) at a TinyTP listener is
 * refused by TinyTP, which finds no connect PDU. */
static void test_irlpt_client_refused_by_tinytp_listener(void **s)
{
    (void)s;
    connect_modes(IRDA_MODE_IRLPT, IRDA_MODE_TINYTP);
    assert_false(NA.connected);
    assert_true(NA.connect_failed);
    assert_false(NB.incoming);
    const uint8_t connect[] = { (uint8_t)(0x80 | lsap_b), lsap_a, 0x01, 0x00 };
    assert_int_equal(count_pdu(&NA, connect, sizeof connect), 1);
    /* and an IrLPT connection's data never reached anyone: no data PDU sent */
    assert_int_equal(irda_stack_send(&NA.st, conn_a, (const uint8_t *)"x", 1), IRDA_ERR_STATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_frames_on_the_wire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rnr_holds_the_sender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tinytp_client_refused_by_irlpt_listener, setup, teardown),
        cmocka_unit_test_setup_teardown(test_irlpt_client_refused_by_tinytp_listener, setup, teardown),
    };
    return cmocka_run_group_tests_name("irlpt", tests, NULL, NULL);
}
