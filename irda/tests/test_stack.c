/*
 * test_stack.c - two complete stations (SIR + IrLAP + IrLMP + IAS + TinyTP)
 * exchanging SIR-framed bytes over an in-memory medium on a simulated clock:
 * discovery, an IAS query for a service's IrDA:TinyTP:LsapSel, connection,
 * data both ways with frames destroyed on the medium (FCS errors, then
 * IrLAP retransmission), graceful close (every byte before the end of the
 * stream), link loss, a pcap capture of the whole conversation, and a
 * peer that ignores TinyTP credit (the connection ends, nothing is cut).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <cmocka.h>
#include "stack.h"
#include "sim.h"

#define AIRQ 4096
struct chunk { int to; size_t len; uint64_t at; uint8_t b[2 * (IRLAP_MAX_FRAME + 2) + 64]; };

struct node {
    struct irda_stack st;
    int idx;
    uint32_t seed;
    /* events */
    bool disc_done, ias_done, connected, connect_failed, incoming, disconnected;
    unsigned ndev;
    int ias_status;
    struct ias_result ias;
    int disc_reason;
    unsigned writable;
};

static struct {
    uint64_t now;
    struct chunk *q;
    unsigned qh, qn;
    bool cut;
    unsigned corrupt_every;   /* destroy every n-th frame sent by station 0 (0 = never) */
    unsigned sent0, corrupted;
    unsigned bytes_per_ms;    /* medium rate (0 = instant); one frame at a time on the air */
    uint64_t busy_until;
    struct node *n[2];
} air;

static void medium_write(void *ctx, const uint8_t *b, size_t len)
{
    struct node *nd = ctx;
    if (air.cut)
        return;
    assert_true(air.qn < AIRQ);
    assert_true(len <= sizeof air.q[0].b);
    struct chunk *c = &air.q[(air.qh + air.qn++) % AIRQ];
    c->to = 1 - nd->idx;
    c->len = len;
    c->at = air.now;
    if (air.bytes_per_ms) {
        uint64_t start = air.busy_until > air.now ? air.busy_until : air.now;
        c->at = air.busy_until = start + (len + air.bytes_per_ms - 1) / air.bytes_per_ms;
    }
    memcpy(c->b, b, len);
    if (nd->idx == 0 && air.corrupt_every && ++air.sent0 % air.corrupt_every == 0 && len > 8) {
        c->b[len / 2] ^= 0x01;          /* one bit: the FCS catches it */
        if (c->b[len / 2] == 0xC0 || c->b[len / 2] == 0xC1 || c->b[len / 2] == 0x7D)
            c->b[len / 2] ^= 0x03;
        air.corrupted++;
    }
}

static void on_event(void *ctx, const struct irda_stack_event *ev)
{
    struct node *nd = ctx;
    switch (ev->kind) {
    case IRDA_EV_DISCOVERY_DONE: nd->disc_done = true; nd->ndev = ev->ndevices; break;
    case IRDA_EV_IAS_DONE:
        nd->ias_done = true;
        nd->ias_status = ev->status;
        if (ev->ias) nd->ias = *ev->ias;
        break;
    case IRDA_EV_CONNECTED: nd->connected = true; break;
    case IRDA_EV_CONNECT_FAILED: nd->connect_failed = true; nd->disc_reason = ev->reason; break;
    case IRDA_EV_INCOMING: nd->incoming = true; break;
    case IRDA_EV_DISCONNECTED: nd->disconnected = true; nd->disc_reason = ev->reason; break;
    case IRDA_EV_WRITABLE: nd->writable++; break;
    case IRDA_EV_READABLE: break;
    }
}

static uint32_t node_rand(void *ctx)
{
    struct node *nd = ctx;
    return sim_rand(&nd->seed);
}

static struct node NA, NB;

static void node_init(struct node *nd, int idx, uint32_t addr, const char *nick)
{
    memset(nd, 0, sizeof *nd);
    nd->idx = idx;
    nd->seed = 0xC0FFEEu + (uint32_t)idx;
    air.n[idx] = nd;
    struct irda_stack_config cfg = { .saddr = addr, .nickname = nick };
    struct irda_stack_ops ops = { nd, medium_write, NULL, on_event, node_rand };
    assert_int_equal(irda_stack_init(&nd->st, &cfg, &ops), 0);
}

/* Deliver bytes (in uneven pieces); when quiet, move the clock to the next timer. */
static void run(uint64_t ms)
{
    uint64_t until = air.now + ms;
    unsigned piece = 1;
    for (;;) {
        if (air.qn && air.q[air.qh].at <= air.now) {
            struct chunk *c = &air.q[air.qh];
            air.qh = (air.qh + 1) % AIRQ;
            air.qn--;
            struct irda_stack *dst = &air.n[c->to]->st;
            irda_stack_set_time(dst, air.now);
            for (size_t off = 0; off < c->len;) {
                size_t n = c->len - off < piece ? c->len - off : piece;
                irda_stack_input(dst, c->b + off, n);
                off += n;
                piece = piece % 97 + 13;
            }
            continue;
        }
        uint64_t d0 = UINT64_MAX, d1 = UINT64_MAX;
        irda_stack_next_deadline(&NA.st, &d0);
        irda_stack_next_deadline(&NB.st, &d1);
        uint64_t d = d0 < d1 ? d0 : d1;
        if (air.qn && air.q[air.qh].at < d)
            d = air.q[air.qh].at;
        if (d > until) {
            air.now = until;
            irda_stack_set_time(&NA.st, air.now);
            irda_stack_set_time(&NB.st, air.now);
            return;
        }
        if (d > air.now)
            air.now = d;
        irda_stack_set_time(&NA.st, air.now);
        irda_stack_set_time(&NB.st, air.now);
    }
}

static int setup(void **s)
{
    (void)s;
    memset(&air, 0, sizeof air);
    air.q = calloc(AIRQ, sizeof *air.q);
    node_init(&NA, 0, 0xA0A0A0A0, "alpha");
    node_init(&NB, 1, 0xB0B0B0B0, "bravo");
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    free(air.q);
    return 0;
}

/* pcap written to memory */
static uint8_t *cap_buf;
static size_t cap_len, cap_cap;
static int cap_write(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    if (cap_len + n > cap_cap) {
        cap_cap = (cap_len + n) * 2;
        cap_buf = realloc(cap_buf, cap_cap);
    }
    memcpy(cap_buf + cap_len, b, n);
    cap_len += n;
    return 0;
}

static int lsap_b, listener_b, conn_a, conn_b;

static void discover_query_connect(void)
{
    assert_true(irda_stack_listen(&NB.st, IRLMP_LSAP_ANY, 2, &listener_b) > 0);
    lsap_b = irda_stack_lsap_of(&NB.st, listener_b);
    struct ias_value v = { .type = IAS_INTEGER, .integer = lsap_b };
    assert_true(irda_stack_ias_set(&NB.st, "Beam", "IrDA:TinyTP:LsapSel", &v) >= 0);

    assert_int_equal(irda_stack_discover(&NA.st, 6), 0);
    assert_int_equal(irda_stack_discover(&NA.st, 6), IRDA_ERR_BUSY);
    run(2000);
    assert_true(NA.disc_done);
    struct irda_device_info d[4];
    assert_int_equal(irda_stack_devices(&NA.st, d, 4), 1);
    assert_int_equal(d[0].daddr, 0xB0B0B0B0);
    assert_string_equal(d[0].nick, "bravo");

    assert_int_equal(irda_stack_ias_query(&NA.st, 0xB0B0B0B0, "Beam", "IrDA:TinyTP:LsapSel"), 0);
    run(1000);
    assert_true(NA.ias_done);
    assert_int_equal(NA.ias_status, 0);
    assert_int_equal(NA.ias.rc, IAS_SUCCESS);
    assert_int_equal(NA.ias.values[0].type, IAS_INTEGER);
    assert_int_equal(NA.ias.values[0].integer, lsap_b);

    NA.ias_done = false;
    assert_int_equal(irda_stack_ias_query(&NA.st, 0xB0B0B0B0, "Nothing", "IrDA:TinyTP:LsapSel"), 0);
    run(1000);
    assert_true(NA.ias_done);
    assert_int_equal(NA.ias.rc, IAS_NO_SUCH_CLASS);

    assert_int_equal(irda_stack_connect(&NA.st, 0xB0B0B0B0, (uint8_t)lsap_b, &conn_a), 0);
    run(1000);
    assert_true(NA.connected);
    assert_true(NB.incoming);
    assert_int_equal(irda_stack_accept(&NB.st, listener_b, &conn_b), 0);
    assert_int_equal(irda_stack_accept(&NB.st, listener_b, &conn_b), IRDA_ERR_AGAIN);
    assert_int_equal(irda_stack_accept(&NB.st, listener_b, &conn_b), IRDA_ERR_AGAIN);
    conn_b = 0;
    for (int h = 1; h <= IRDA_STACK_MAX_CONN; h++) {
        const struct irda_conn *c = irda_stack_conn(&NB.st, h);
        if (c && c->kind == IRDA_CONN_STREAM) conn_b = h;
    }
    assert_true(conn_b > 0);
    assert_int_equal(irda_stack_send_pdu_len(&NA.st, conn_a), 2048 - 3);
}

static uint8_t pattern(size_t i, int who) { return (uint8_t)(i * 31 + (size_t)who * 7 + i / 251); }

/* Pushes len bytes each way at once, checking every received byte. */
static void transfer(size_t len_ab, size_t len_ba)
{
    size_t sent[2] = {0}, got[2] = {0};
    const size_t want[2] = { len_ab, len_ba };
    struct node *nd[2] = { &NA, &NB };
    int h[2] = { conn_a, conn_b };
    uint8_t buf[8192];
    uint64_t deadline = air.now + 600000;
    while ((sent[0] < want[0] || sent[1] < want[1] || got[0] < want[1] || got[1] < want[0]) &&
           air.now < deadline) {
        for (int k = 0; k < 2; k++) {
            while (sent[k] < want[k]) {
                size_t n = want[k] - sent[k] < sizeof buf ? want[k] - sent[k] : sizeof buf;
                for (size_t i = 0; i < n; i++) buf[i] = pattern(sent[k] + i, k);
                int rc = irda_stack_send(&nd[k]->st, h[k], buf, n);
                if (rc == IRDA_ERR_AGAIN) break;
                assert_true(rc > 0);
                sent[k] += (size_t)rc;
            }
            int rc;
            while ((rc = irda_stack_recv(&nd[k]->st, h[k], buf, sizeof buf)) > 0) {
                for (int i = 0; i < rc; i++)
                    if (buf[i] != pattern(got[k] + (size_t)i, 1 - k))
                        fail_msg("byte %zu from station %d wrong", got[k] + (size_t)i, 1 - k);
                got[k] += (size_t)rc;
            }
            assert_int_equal(rc, IRDA_ERR_AGAIN);
        }
        run(20);
    }
    assert_int_equal(got[1], len_ab);
    assert_int_equal(got[0], len_ba);
}

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

/* A stream written 100 bytes at a time: writes made while the sender waits
 * for credit or for IrLAP fill up the PDU already queued (no Nagle delay:
 * a write with credit at hand still leaves at once), and the bytes arrive
 * intact and in order. */
/* A connects B; A writes want bytes in writes of write_len on a line of
 * 12 bytes/ms (115.2 kb/s), B reads and checks them all.  Returns the PDUs
 * A's TinyTP sent for them; *writes gets the number of writes. */
static unsigned long write_in_pieces(size_t write_len, size_t want, size_t *writes, uint64_t *took_ms)
{
    discover_query_connect();
    air.bytes_per_ms = 12;
    size_t sent = 0, got = 0;
    unsigned long pdus0 = NA.st.conns[conn_a - 1].ttp.tx_pdus;
    uint64_t t0 = air.now;
    static uint8_t buf[8192];
    *writes = 0;
    while (got < want && air.now < t0 + 120000) {
        while (sent < want) {
            size_t n = want - sent < write_len ? want - sent : write_len;
            for (size_t i = 0; i < n; i++) buf[i] = pattern(sent + i, 0);
            int rc = irda_stack_send(&NA.st, conn_a, buf, n);
            if (rc == IRDA_ERR_AGAIN) break;
            assert_true(rc > 0);
            sent += (size_t)rc;
            (*writes)++;
        }
        int rc;
        while ((rc = irda_stack_recv(&NB.st, conn_b, buf, sizeof buf)) > 0) {
            for (int i = 0; i < rc; i++)
                if (buf[i] != pattern(got + (size_t)i, 0))
                    fail_msg("byte %zu wrong", got + (size_t)i);
            got += (size_t)rc;
        }
        run(5);
    }
    air.bytes_per_ms = 0;
    assert_int_equal(got, want);
    assert_int_equal(NB.st.conns[conn_b - 1].ttp.protocol_errors, 0);
    *took_ms = air.now - t0;
    return NA.st.conns[conn_a - 1].ttp.tx_pdus - pdus0;
}

static void test_small_writes_coalesce(void **s)
{
    (void)s;
    size_t writes;
    uint64_t took;
    unsigned long pdus = write_in_pieces(100, 60000, &writes, &took);
    print_message("%zu writes of 100 bytes left in %lu PDUs, %llu ms\n", writes, pdus, (unsigned long long)took);
    assert_true(pdus * 4 < writes);
}

/* Writes of 2048 bytes on a stream faster than the line top up the PDU
 * still queued (2045 bytes of data each with 2 KiB frames) instead of
 * making two PDUs each (2045 + 3): 200 writes took 400 PDUs, now about
 * 255 (a PDU already on its way when the next write comes is not topped
 * up: the line does not wait for the writer). */
static void test_writes_fill_whole_pdus(void **s)
{
    (void)s;
    size_t writes;
    uint64_t took;
    unsigned long pdus = write_in_pieces(2048, 200 * 2048, &writes, &took);
    print_message("%zu writes of 2048 bytes in %lu PDUs of up to %d bytes\n", writes, pdus,
                  irda_stack_send_pdu_len(&NA.st, conn_a));
    assert_true(pdus * 2 < 200 * 3);
}

/* The LM-PDUs a station sent, from its capture: calls fn for each I-frame
 * payload (direction "sent" in the LINKTYPE_LINUX_IRDA header). */
static int find_sent_lm_pdu(const uint8_t *cap, size_t len, uint8_t first, uint8_t opcode,
                            const uint8_t **pdu, size_t *pdu_len)
{
    size_t o = 24;
    int found = 0;
    while (o + 16 + 16 <= len) {
        uint32_t incl;
        memcpy(&incl, cap + o + 8, 4);
        const uint8_t *ph = cap + o + 16, *f = ph + 16;
        size_t flen = incl - 16;
        if (ph[0] == 0x00 && ph[1] == 0x04 && flen > 2 + 4 && (f[1] & 1) == 0 &&
            f[2] == first && f[4] == opcode) {
            *pdu = f + 2;
            *pdu_len = flen - 2;
            found = 1;
        }
        o += 16 + incl;
    }
    return found;
}

/* A peer that ignores credit: A writes full PDUs straight to IrLMP while B's
 * application reads nothing.  B takes what fits its window (the credit it
 * gave), then ends the connection at the first PDU beyond it: B's reader
 * gets every byte sent within credit, intact, then the end with the local
 * violation reason; A hears a disconnect with reason 0xFF and the rule as
 * user data (checked byte by byte in B's capture).  Before, the ring kept
 * what fitted and dropped the rest of each PDU without a word. */
static void test_peer_ignoring_credit(void **s)
{
    (void)s;
    struct irda_pcap pc;
    cap_len = 0;
    assert_int_equal(irda_pcap_open(&pc, cap_write, NULL), 0);
    irda_stack_set_capture(&NB.st, &pc, 0);
    discover_query_connect();
    struct irda_conn *ca = &NA.st.conns[conn_a - 1];
    uint8_t b_lsap = ca->dlsap, a_lsap = ca->lsap;
    size_t per_pdu = (size_t)irda_stack_send_pdu_len(&NA.st, conn_a);
    unsigned window = (unsigned)(IRDA_STACK_RXBUF / per_pdu);
    static uint8_t pdu[IRLAP_MAX_DATA];
    size_t sent = 0;
    unsigned pdus = 0;
    while (pdus < window + 8 && ca->ttp.lsap && !NA.disconnected) {
        pdu[0] = 0x00;                          /* no credit given, none asked */
        for (size_t i = 0; i < per_pdu; i++) pdu[1 + i] = pattern(sent + i, 0);
        int rc = irlmp_data_request(ca->ttp.lsap, pdu, per_pdu + 1);
        if (rc == IRDA_ERR_AGAIN) {
            run(20);
            continue;
        }
        assert_int_equal(rc, 0);
        sent += per_pdu;
        pdus++;
        irda_stack_set_time(&NA.st, air.now);   /* flushes the frame out */
    }
    run(3000);
    assert_true(NB.disconnected);
    assert_int_equal(NB.disc_reason, IRLMP_R_LOCAL_VIOLATION);
    assert_int_equal(NB.st.conns[conn_b - 1].ttp.violation, TTP_V_NO_CREDIT);
    assert_true(NA.disconnected);
    assert_int_equal(NA.disc_reason, IRLMP_R_UNSPECIFIED);
    /* B's reader: the PDUs within credit, whole, then the end of the stream */
    static uint8_t buf[IRDA_STACK_RXBUF];
    size_t got = 0;
    int rc;
    while ((rc = irda_stack_recv(&NB.st, conn_b, buf, sizeof buf)) > 0) {
        for (int i = 0; i < rc; i++)
            if (buf[i] != pattern(got + (size_t)i, 0))
                fail_msg("byte %zu wrong", got + (size_t)i);
        got += (size_t)rc;
    }
    assert_int_equal(rc, 0);
    print_message("credit window %u PDUs of %zu bytes: %u PDUs sent, %zu bytes read at B\n",
                  window, per_pdu, pdus, got);
    assert_int_equal(got % per_pdu, 0);         /* whole PDUs only */
    assert_true(got >= per_pdu && got <= (size_t)window * per_pdu);
    assert_true(got < sent);
    /* on the wire: B's disconnect LM-PDU, 0x80|A's LSAP, B's LSAP, 0x02, 0xFF, why */
    const uint8_t *d;
    size_t dl;
    assert_true(find_sent_lm_pdu(cap_buf, cap_len, (uint8_t)(0x80 | a_lsap), 0x02, &d, &dl));
    const char *why = ttp_violation_text(TTP_V_NO_CREDIT);
    uint8_t want[80] = { (uint8_t)(0x80 | a_lsap), b_lsap, 0x02, 0xFF };
    memcpy(want + 4, why, strlen(why));
    assert_int_equal(dl, 4 + strlen(why));
    assert_memory_equal(d, want, dl);
    irda_stack_set_capture(&NB.st, NULL, 0);
    free(cap_buf);
    cap_buf = NULL;
    cap_cap = 0;
    assert_int_equal(irda_stack_close(&NB.st, conn_b, false), 0);
    assert_int_equal(irda_stack_close(&NA.st, conn_a, false), 0);
}

/* Hint bits follow what a station serves: a computer only, then OBEX and an
 * IrLPT printer service (byte 1 computer|printer with the extension bit,
 * byte 2 IrOBEX: 8C 20 in the XID discovery info B sends, byte by byte),
 * then back once the classes are gone.  Names only match whole or, for
 * OBEX, as a "OBEX:" prefix. */
static void test_hints_follow_services(void **s)
{
    (void)s;
    struct irda_device_info d[4];
    uint8_t h[2];
    irda_hints_for_ias(&NB.st.ias_db, h);
    assert_int_equal(h[0], IRDA_HINT1_COMPUTER);
    assert_int_equal(h[1], 0);
    assert_int_equal(irda_stack_discover(&NA.st, 6), 0);
    run(2000);
    assert_int_equal(irda_stack_devices(&NA.st, d, 4), 1);
    assert_int_equal(d[0].nhints, 1);
    assert_int_equal(d[0].hints[0], 0x04);

    struct ias_value v = { .type = IAS_INTEGER, .integer = 5 };
    assert_true(irda_stack_ias_set(&NB.st, "OBEX:IrXfer", "IrDA:TinyTP:LsapSel", &v) >= 0);
    assert_true(irda_stack_ias_set(&NB.st, "IrLPT", "IrDA:IrLMP:LsapSel", &v) >= 0);
    assert_true(irda_stack_ias_set(&NB.st, "OBEXish", "IrDA:TinyTP:LsapSel", &v) >= 0);
    assert_true(irda_stack_ias_set(&NB.st, "IrDA:IrCOMMx", "IrDA:TinyTP:LsapSel", &v) >= 0);
    irda_hints_for_ias(&NB.st.ias_db, h);
    assert_int_equal(h[0], IRDA_HINT1_COMPUTER | IRDA_HINT1_PRINTER);
    assert_int_equal(h[1], IRDA_HINT2_OBEX);
    irda_stack_set_hints(&NB.st, h[0], h[1]);

    struct irda_pcap pc;
    cap_len = 0;
    assert_int_equal(irda_pcap_open(&pc, cap_write, NULL), 0);
    irda_stack_set_capture(&NB.st, &pc, 0);
    NA.disc_done = false;
    assert_int_equal(irda_stack_discover(&NA.st, 6), 0);
    run(2000);
    assert_true(NA.disc_done);
    assert_int_equal(irda_stack_devices(&NA.st, d, 4), 1);
    assert_int_equal(d[0].nhints, 2);
    assert_int_equal(d[0].hints[0], 0x8C);     /* computer, printer, extension */
    assert_int_equal(d[0].hints[1], 0x20);     /* IrOBEX */
    /* B's XID response: FF, XID (final), FI 01, B's address, A's, flags, slot,
     * version 00, then the discovery info 8C 20 charset 00 "bravo" */
    size_t o = 24;
    int seen = 0;
    while (o + 32 <= cap_len) {
        uint32_t incl;
        memcpy(&incl, cap_buf + o + 8, 4);
        const uint8_t *f = cap_buf + o + 32;
        size_t flen = incl - 16;
        if (cap_buf[o + 17] == 0x04 && flen >= 14 && f[0] == 0xFE && (f[1] & 0xEF) == 0xAF) {
            const uint8_t info[] = { 0x8C, 0x20, 0x00, 'b', 'r', 'a', 'v', 'o' };
            assert_int_equal(flen, 14 + sizeof info);
            assert_memory_equal(f + 14, info, sizeof info);
            seen++;
        }
        o += 16 + incl;
    }
    assert_int_equal(seen, 1);
    irda_stack_set_capture(&NB.st, NULL, 0);
    free(cap_buf);
    cap_buf = NULL;
    cap_cap = 0;

    assert_int_equal(irda_stack_ias_remove(&NB.st, "OBEX:IrXfer", NULL), 0);
    assert_int_equal(irda_stack_ias_remove(&NB.st, "IrLPT", NULL), 0);
    irda_hints_for_ias(&NB.st.ias_db, h);
    assert_int_equal(h[0], IRDA_HINT1_COMPUTER);
    assert_int_equal(h[1], 0);
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
        cmocka_unit_test_setup_teardown(test_small_writes_coalesce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_fill_whole_pdus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_ignoring_credit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hints_follow_services, setup, teardown),
    };
    return cmocka_run_group_tests_name("stack", tests, NULL, NULL);
}
