/*
 * test_stack.c - two complete stations (stack_pair.h) exchanging SIR-framed
 * bytes: discovery, an IAS query for a service's IrDA:TinyTP:LsapSel,
 * connection, data both ways with frames destroyed on the medium (FCS
 * errors, then IrLAP retransmission), link loss, a refused LSAP, a pcap
 * capture of the whole conversation, and graceful close (every byte before
 * the end of the stream) with slow and paced readers.  TinyTP's flow of
 * writes, a peer ignoring credit and hint bits: test_stack_flow.c.
 */
#include "stack_pair.h"

static void test_full_conversation(void **s)
{
    (void)s;
    struct irda_pcap pc;
    cap_len = 0;
    assert_int_equal(irda_pcap_open(&pc, cap_write, NULL), 0);
    irda_stack_set_capture(&NA.st, &pc, 1700000000000000ull);
    discover_query_connect();
    transfer(300000, 120000);
    assert_int_equal(NA.st.lap.stats.retransmits, 0);

    /* close right after sending: the peer reads every byte, then the end */
    uint8_t tail[5000];
    for (size_t i = 0; i < sizeof tail; i++) tail[i] = (uint8_t)(i ^ 0x5A);
    size_t off = 0;
    while (off < sizeof tail) {
        int rc = irda_stack_send(&NA.st, conn_a, tail + off, sizeof tail - off);
        assert_true(rc > 0);
        off += (size_t)rc;
    }
    assert_int_equal(irda_stack_close(&NA.st, conn_a, true), 0);
    run(3000);
    uint8_t got[8192];
    int n = irda_stack_recv(&NB.st, conn_b, got, sizeof got);
    assert_int_equal(n, sizeof tail);
    assert_memory_equal(got, tail, sizeof tail);
    assert_int_equal(irda_stack_recv(&NB.st, conn_b, got, sizeof got), 0);
    assert_true(NB.disconnected);
    assert_int_equal(NB.disc_reason, IRLMP_R_USER);
    assert_int_equal(irda_stack_close(&NB.st, conn_b, false), 0);
    assert_null(irda_stack_conn(&NA.st, conn_a));
    /* the unused link goes down after IrLMP's idle time */
    run(5000);
    assert_false(irlap_is_connected(&NA.st.lap));

    /* the capture: pcap header, link type 144, then XID slot 0 sent by A */
    irda_stack_set_capture(&NA.st, NULL, 0);
    assert_true(pc.frames > 100);
    uint32_t magic, linktype;
    memcpy(&magic, cap_buf, 4);
    memcpy(&linktype, cap_buf + 20, 4);
    assert_int_equal(magic, 0xA1B2C3D4);
    assert_int_equal(linktype, 144);
    uint32_t incl;
    memcpy(&incl, cap_buf + 24 + 8, 4);
    const uint8_t *ph = cap_buf + 24 + 16;
    const uint8_t pseudo[16] = { 0x00, 0x04, 0,0,0,0,0,0,0,0,0,0,0,0, 0x00, 0x17 };
    assert_memory_equal(ph, pseudo, 16);
    assert_int_equal(incl, 16 + 14);
    const uint8_t xid0[] = { 0xFF, 0x3F, 0x01, 0xA0, 0xA0, 0xA0, 0xA0, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00 };
    assert_memory_equal(ph + 16, xid0, sizeof xid0);
    const char *dump = getenv("IRDA_TEST_PCAP");   /* for checking with tshark */
    if (dump) {
        FILE *f = fopen(dump, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(cap_buf, 1, cap_len, f), cap_len);
        fclose(f);
    }
    free(cap_buf);
    cap_buf = NULL;
    cap_cap = 0;
}

static void test_loss_on_medium(void **s)
{
    (void)s;
    discover_query_connect();
    air.corrupt_every = 11;
    transfer(200000, 50000);
    assert_true(air.corrupted > 5);
    assert_true(NB.st.rx.stats.fcs_errors > 0);
    assert_true(NA.st.lap.stats.retransmits > 0);
    print_message("medium destroyed %u frames: %lu FCS errors at B, %lu I frames resent by A, "
                  "%lu REJ sent by B, %lu F-timer expiries at A\n", air.corrupted,
                  NB.st.rx.stats.fcs_errors, NA.st.lap.stats.retransmits,
                  NB.st.lap.stats.rej_sent, NA.st.lap.stats.f_timeouts);
    air.corrupt_every = 0;
}

static void test_out_of_range(void **s)
{
    (void)s;
    discover_query_connect();
    transfer(10000, 10000);
    air.cut = true;
    run(20000);
    assert_true(NA.disconnected);
    assert_true(NB.disconnected);
    assert_int_equal(NA.disc_reason, IRLMP_R_LAP_DISC);
    uint8_t b[16];
    assert_int_equal(irda_stack_recv(&NA.st, conn_a, b, sizeof b), 0);
    assert_int_equal(irda_stack_send(&NA.st, conn_a, b, 1), IRDA_ERR_STATE);
    air.cut = false;
    /* nobody there any more: the connect fails */
    NA.connect_failed = false;
    int h;
    assert_int_equal(irda_stack_connect(&NA.st, 0xC0C0C0C0, 5, &h), 0);
    run(15000);
    assert_true(NA.connect_failed);
    assert_int_equal(NA.disc_reason, IRLMP_R_LAP_CONNFAIL);
}

static void test_refused_lsap(void **s)
{
    (void)s;
    int h;
    assert_int_equal(irda_stack_connect(&NA.st, 0xB0B0B0B0, 0x33, &h), 0);
    run(2000);
    assert_true(NA.connect_failed);
    assert_int_equal(NA.disc_reason, IRLMP_R_NO_CLIENT);
    assert_int_equal(irda_stack_close(&NA.st, h, false), 0);
    /* double listen on one LSAP */
    int l1, l2;
    int lsap = irda_stack_listen(&NB.st, 0x20, 1, &l1);
    assert_int_equal(lsap, 0x20);
    assert_int_equal(irda_stack_listen(&NB.st, 0x20, 1, &l2), IRDA_ERR_INUSE);
    assert_int_equal(irda_stack_listen(&NB.st, 0x70, 1, &l2), IRDA_ERR_RANGE);
}

/*
 * A paced transfer from A to B: A writes `want` bytes (checked pattern) as
 * fast as it is allowed; B reads at most `chunk` bytes, then does "other
 * work" for `pause_ms` before reading again. With `close_after`, A closes
 * gracefully as soon as its last byte is taken (data still queued), and with
 * `query_after` it starts an IAS query right after the close (the IAS
 * client opens an LSAP while the closing connection's PDUs are in flight).
 * Returns the bytes B received; B's end of stream and its reason are left in
 * *eof and NB.disc_reason.
 */
/* With blocking_sender, A behaves like a blocking send() under the provider:
 * once a write is refused it sleeps until the stack reports IRDA_EV_WRITABLE
 * (an event raised while it was still writing is not seen). */
static bool blocking_sender;

static size_t paced_transfer(size_t want, size_t chunk, unsigned pause_ms,
                             bool close_after, bool query_after, bool *eof)
{
    static uint8_t buf[65536];
    size_t sent = 0, got = 0;
    bool closed = false, blocked = false;
    unsigned seen_writable = 0;
    *eof = false;
    uint64_t deadline = air.now + 600000;
    while (!*eof && air.now < deadline) {
        if (blocked && NA.writable != seen_writable)
            blocked = false;
        while (sent < want && !blocked) {
            size_t n = want - sent < 8192 ? want - sent : 8192;
            for (size_t i = 0; i < n; i++) buf[i] = pattern(sent + i, 0);
            int rc = irda_stack_send(&NA.st, conn_a, buf, n);
            if (rc == IRDA_ERR_AGAIN) {
                blocked = blocking_sender;
                seen_writable = NA.writable;
                break;
            }
            assert_true(rc > 0);
            sent += (size_t)rc;
        }
        if (sent == want && close_after && !closed) {
            closed = true;
            assert_int_equal(irda_stack_close(&NA.st, conn_a, true), 0);
            if (query_after) {
                NA.ias_done = false;
                assert_int_equal(irda_stack_ias_query(&NA.st, 0xB0B0B0B0, "Beam",
                                                      "IrDA:TinyTP:LsapSel"), 0);
            }
        }
        int rc = irda_stack_recv(&NB.st, conn_b, buf, chunk);
        if (rc > 0) {
            for (int i = 0; i < rc; i++)
                if (buf[i] != pattern(got + (size_t)i, 0))
                    fail_msg("byte %zu wrong", got + (size_t)i);
            got += (size_t)rc;
            run(pause_ms ? pause_ms : 1);
        } else if (rc == 0) {
            *eof = true;
        } else {
            assert_int_equal(rc, IRDA_ERR_AGAIN);
            if (!close_after && got == want)
                break;
            run(pause_ms ? pause_ms : 1);
        }
    }
    return got;
}

/* Every byte written before a graceful close reaches the slow reader, and
 * only then the end of the stream (user request). */
static void test_graceful_close_slow_reader(void **s)
{
    (void)s;
    discover_query_connect();
    bool eof;
    size_t got = paced_transfer(300000, 8000, 10, true, false, &eof);
    assert_int_equal(got, 300000);
    assert_true(eof);
    assert_true(NB.disconnected);
    assert_int_equal(NB.disc_reason, IRLMP_R_USER);
    assert_int_equal(NB.st.conns[conn_b - 1].ttp.protocol_errors, 0);
    assert_null(irda_stack_conn(&NA.st, conn_a));
}

/* A reader that pauses between reads never stalls the sender: the credit
 * it gives back when it frees room reaches the sender. */
static void test_paced_reader_no_stall(void **s)
{
    (void)s;
    static const struct { size_t chunk; unsigned pause; } cases[] = {
        { 8000, 10 }, { 8000, 1 }, { 65536, 10 }, { 2000, 3 }, { 100, 1 },
    };
    static const unsigned rates[] = { 0, 12, 400 };   /* instant, 115.2 kb/s, 4 Mb/s */
    discover_query_connect();
    for (unsigned r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        air.bytes_per_ms = rates[r];
        for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            bool eof;
            size_t want = cases[k].chunk < 1000 ? 20000 : rates[r] == 12 ? 100000 : 200000;
            uint64_t t0 = air.now;
            size_t got = paced_transfer(want, cases[k].chunk, cases[k].pause, false, false, &eof);
            if (got != want) {
                const struct irda_conn *ca = irda_stack_conn(&NA.st, conn_a), *cb = irda_stack_conn(&NB.st, conn_b);
                print_message("A: send_credit %u tx_used %zu lap %s vs %u va %u vt %u txq %u rbusy %d | "
                              "B: remote %u avail %u rx_used %zu rx_len %zu lap %s vs %u va %u vt %u txq %u; "
                              "A f_timeouts %lu retrans %lu, B retrans %lu\n",
                              ca->ttp.send_credit, ca->ttp.tx_used, irlap_state_name(NA.st.lap.state),
                              NA.st.lap.vs, NA.st.lap.va, NA.st.lap.vt, NA.st.lap.txq_count, NA.st.lap.remote_busy,
                              cb->ttp.remote_credit, cb->ttp.avail_credit, cb->rx_used, cb->ttp.rx_len,
                              irlap_state_name(NB.st.lap.state), NB.st.lap.vs, NB.st.lap.va, NB.st.lap.vt,
                              NB.st.lap.txq_count, NA.st.lap.stats.f_timeouts, NA.st.lap.stats.retransmits,
                              NB.st.lap.stats.retransmits);
                fail_msg("%u bytes/ms, chunk %zu pause %u ms: %zu of %zu bytes (stalled)",
                         rates[r], cases[k].chunk, cases[k].pause, got, want);
            }
            assert_false(eof);
            assert_false(NB.disconnected);
            print_message("%u bytes/ms, chunk %zu pause %u ms: %zu bytes in %llu ms\n", rates[r],
                          cases[k].chunk, cases[k].pause, got, (unsigned long long)(air.now - t0));
            /* a reader taking 8000 bytes a millisecond on an instant line: 25 reads,
             * not two idle polls of the primary (was 209 ms) */
            if (rates[r] == 0 && cases[k].chunk == 8000 && cases[k].pause == 1)
                assert_true(air.now - t0 < 60);
        }
    }
    air.bytes_per_ms = 0;
    assert_int_equal(NB.st.conns[conn_b - 1].ttp.protocol_errors, 0);
    assert_int_equal(NA.st.conns[conn_a - 1].ttp.protocol_errors, 0);
}

/* The same with a sender that only writes again when told it may (as a
 * blocking send() does under the provider): credit the reader gives back
 * after its ring was full must also wake the sender, whose queue it drains,
 * not only room in IrLAP's queue. Under Wine this stalled for good after
 * 32 KiB (the ring) with an 8000-byte / 10 ms reader. */
static void test_paced_reader_blocking_sender(void **s)
{
    (void)s;
    static const struct { size_t chunk; unsigned pause; } cases[] = {
        { 8000, 10 }, { 8000, 1 }, { 65536, 10 }, { 2000, 3 }, { 100, 1 }, { 65536, 0 },
    };
    static const unsigned rates[] = { 0, 12, 400 };
    discover_query_connect();
    blocking_sender = true;
    for (unsigned r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        air.bytes_per_ms = rates[r];
        for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            bool eof;
            size_t want = cases[k].chunk < 1000 ? 20000 : rates[r] == 12 ? 100000 : 300000;
            size_t got = paced_transfer(want, cases[k].chunk, cases[k].pause, false, false, &eof);
            if (got != want) {
                blocking_sender = false;
                fail_msg("%u bytes/ms, chunk %zu pause %u ms: %zu of %zu bytes (sender never woken)",
                         rates[r], cases[k].chunk, cases[k].pause, got, want);
            }
            assert_false(eof);
        }
    }
    blocking_sender = false;
    air.bytes_per_ms = 0;
    assert_int_equal(NB.st.conns[conn_b - 1].ttp.protocol_errors, 0);
}

/* A graceful close followed at once by an IAS query (which opens an LSAP on
 * the same link): the peer gets every byte and a user-request disconnect,
 * never "data sent on a disconnected LSAP". */
static void test_graceful_close_then_query(void **s)
{
    (void)s;
    static const struct { size_t want, chunk; unsigned pause; } cases[] = {
        { 1 << 20, 65536, 0 }, { 1 << 20, 8000, 10 }, { 300000, 8000, 1 }, { 5000, 8192, 0 },
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        if (k) {
            teardown(NULL);
            setup(NULL);
        }
        discover_query_connect();
        bool eof;
        size_t got = paced_transfer(cases[k].want, cases[k].chunk, cases[k].pause, true, true, &eof);
        if (got != cases[k].want || !eof || NB.disc_reason != IRLMP_R_USER)
            fail_msg("case %u: %zu of %zu bytes, eof %d, reason %d", k, got, cases[k].want,
                     eof, NB.disc_reason);
        run(2000);
        assert_true(NA.ias_done);
        assert_int_equal(NA.ias_status, 0);
        assert_int_equal(NA.ias.rc, IAS_SUCCESS);
        assert_int_equal(NA.ias.values[0].integer, lsap_b);
        assert_int_equal(irda_stack_close(&NB.st, conn_b, false), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_conversation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loss_on_medium, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_lsap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_graceful_close_slow_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paced_reader_no_stall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paced_reader_blocking_sender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_graceful_close_then_query, setup, teardown),
    };
    return cmocka_run_group_tests_name("stack", tests, NULL, NULL);
}
