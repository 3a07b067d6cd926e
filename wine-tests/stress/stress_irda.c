/*
 * stress_irda.c - the IrDA load and faults of `make stress` (#included by
 * stress.c): four stations on a private loopback air, each its own process.
 *
 *   stress.exe irda ROUNDS BYTES [THREADS]   this process is station 0; it starts
 *                                     stations 1-3 (stress.exe irda-station),
 *                                     which serve "StressSvc" (count every
 *                                     byte with its pattern until FIN, answer
 *                                     the count, close)
 *
 * Load: for each remote station in turn (IrLAP links two stations at a
 * time), 3 threads with ROUNDS connections each, multiplexed on the link:
 * connect by device id and service name, an 8-byte length and BYTES bytes
 * (IrDA has no half close), the peer's count must equal BYTES with the
 * pattern intact.  Then the faults, each with a sender pushing data when it happens:
 *   out of range   station 1 moved out of range (irair range ADDR out): the
 *                  sender fails with WSAECONNRESET or WSAETIMEDOUT within the
 *                  link-disconnect time (12 s, + 3 s slack); back in range,
 *                  discovery lists it again and a new connection works;
 *   air down       the hub drops every station and keeps them off for 20 s
 *                  (irair down): the same, for station 2, and discovery
 *                  recovers once the air is back;
 *   hub killed     the hub process stopped (irair stop): stations restart
 *                  it; the link to station 3 either survives (the transfer
 *                  goes on) or fails as above, and never hangs.
 * Then a hostile client on the air (ir_hostile), while station 0 loads
 * station 1 again:
 *   garbage        as a station: random bytes, SIR frames with a bad FCS,
 *                  cut and oversized frames, escapes at the end; as control
 *                  clients: STATUS without end never read, DATA before
 *                  HELLO, a second HELLO, unknown types, QUIT/DOWN/RANGE
 *                  from a station.  Every connection of the load must
 *                  complete with every byte checked, the hub must stay up
 *                  with its queues bounded, no station may die;
 *   forged frames  well-formed IrLAP frames (good FCS) with random
 *                  addresses, controls and contents, XID and SNRM among
 *                  them: links may be torn down (anyone in the room can
 *                  do that on a real air), but no byte may arrive wrong,
 *                  no call may hang, no station may die, and discovery and
 *                  a new connection must work afterwards.
 * Handles and private bytes of this process before the load and after.
 * Environment per station: CEWS2_IRDA_AIR_PORT (private), _NICKNAME
 * (distinct), _DEVICE_ADDRESS.
 */

#define IR_SVC          "StressSvc"
#define IR_STATIONS     4
#define IR_THREADS_MAX  8
static int IR_THREADS_PER = 3;
#define IR_FAULT_BOUND  40000.0     /* a sender still blocked after this: a hang */
#define IR_LINK_DISC_MS 12000       /* the stack offers 3, 8, 12 s; two of ours agree on 12 */
#define IR_FAULT_SLACK_MS 3000      /* the last F timer, scheduling under Wine */
#define IR_AIR_DOWN_MS  20000       /* longer than the link-disconnect time */
#define IR_SURVIVE_WAIT_MS 15000
#define IR_LOAD_BOUND_MS 180000

static unsigned short ir_port;
static char ir_nick[IR_STATIONS][24];
static unsigned long ir_addr[IR_STATIONS];

static void ir_identities(DWORD ppid)
{
    ir_port = (unsigned short)(10000 + (ppid * 137u + tu_program_hash()) % 20000u);  /* not pid alone: tu_program_hash */
    for (int i = 0; i < IR_STATIONS; i++) {
        snprintf(ir_nick[i], sizeof(ir_nick[i]), "stress-%d-%lu", i, (unsigned long)(ppid % 100000));
        ir_addr[i] = 0x5D000000ul | ((ppid & 0xFFFFul) << 8) | (unsigned long)(0x10 + i);
    }
}

static void ir_station_env(int i)
{
    char v[32];
    snprintf(v, sizeof(v), "%u", ir_port);
    SetEnvironmentVariableA("CEWS2_IRDA_AIR_PORT", v);
    SetEnvironmentVariableA("CEWS2_IRDA_NICKNAME", ir_nick[i]);
    snprintf(v, sizeof(v), "0x%08lX", ir_addr[i]);
    SetEnvironmentVariableA("CEWS2_IRDA_DEVICE_ADDRESS", v);
    SetEnvironmentVariableA("CEWS2_IRDA_AIR_HUB_IDLE", "5");
}

/* ---- a remote station -------------------------------------------------------------- */

/* IrDA has no half close: a connection carries an 8-byte length, then
 * that many pattern bytes; the station answers the count it checked and a
 * flag, and the client closes. */
static DWORD WINAPI ir_serve(void *arg)
{
    SOCKET s = (SOCKET)(ULONG_PTR)arg;
    static __thread char buf[16384];
    unsigned long long want = 0, got = 0;
    int ok = tu_recv_all(s, &want, sizeof(want)) == 0;
    tu_set_timeouts(s, 60000);
    while (ok && got < want) {
        int n = recv(s, buf, (int)(want - got < sizeof(buf) ? want - got : sizeof(buf)), 0);
        if (n <= 0) { ok = 0; break; }
        if (tu_check(buf, got, (size_t)n) != (size_t)-1) ok = 0;
        got += (unsigned long long)n;
    }
    char reply[9];
    memcpy(reply, &got, 8);
    reply[8] = (char)ok;
    tu_send_all(s, reply, sizeof(reply));
    /* the client closes first; wait for that (0 or an error), then close */
    recv(s, buf, 1, 0);
    closesocket(s);
    return 0;
}

static void ir_station_client(int index, DWORD ppid, int rounds, unsigned bytes, int threads, int target);

/* irda-station INDEX PPID [ROUNDS BYTES THREADS TARGET]: the client role's arguments */
struct ir_client_args { int index; DWORD ppid; int rounds; unsigned bytes; int threads, target; };

static DWORD WINAPI ir_client_main(void *arg)
{
    struct ir_client_args *a = arg;
    ir_station_client(a->index, a->ppid, a->rounds, a->bytes, a->threads, a->target);
    return 0;
}

static int irda_station_main(int index, DWORD ppid, int argc, char **argv)
{
    char evname[64];
    SOCKADDR_IRDA a;
    ir_identities(ppid);
    if (tu_startup()) return 10;
    SOCKET l = socket(AF_IRDA, SOCK_STREAM, 0);
    if (l == INVALID_SOCKET) { printf("station %d: socket: %d\n", index, WSAGetLastError()); return 11; }
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    strcpy(a.irdaServiceName, IR_SVC);
    if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 8)) {
        printf("station %d: bind/listen: %d\n", index, WSAGetLastError());
        return 12;
    }
    snprintf(evname, sizeof(evname), "cews2-stress-irda-%lu-%d", (unsigned long)ppid, index);
    HANDLE ev = OpenEventA(EVENT_MODIFY_STATE, FALSE, evname);
    if (ev) { SetEvent(ev); CloseHandle(ev); }
    if (argc >= 8) {
        /* also a client: rounds bytes threads target (the accept loop runs meanwhile) */
        static struct ir_client_args A;
        A.index = index; A.ppid = ppid; A.rounds = atoi(argv[4]); A.bytes = (unsigned)strtoul(argv[5], NULL, 0);
        A.threads = atoi(argv[6]); A.target = atoi(argv[7]);
        HANDLE t = CreateThread(NULL, 0, ir_client_main, &A, 0, NULL);
        if (t) CloseHandle(t);
    }
    for (;;) {
        SOCKET s = accept(l, NULL, NULL);
        if (s == INVALID_SOCKET) { Sleep(50); continue; }
        HANDLE t = CreateThread(NULL, 0, ir_serve, (void *)(ULONG_PTR)s, 0, NULL);
        if (t) CloseHandle(t); else closesocket(s);
    }
}

/* ---- station 0: load and faults ----------------------------------------------------- */

static HANDLE ir_children[IR_STATIONS];

static HANDLE ir_start_station(int i, const char *client_args)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 64];
    char evname[64];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    snprintf(evname, sizeof(evname), "cews2-stress-irda-%lu-%d", (unsigned long)GetCurrentProcessId(), i);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, evname);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" irda-station %d %lu %hs", exe, i, (unsigned long)GetCurrentProcessId(),
               client_args ? client_args : "");
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    ir_station_env(i);
    BOOL ok = CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    ir_station_env(0);
    if (!ok) { CloseHandle(ev); return NULL; }
    CloseHandle(pi.hThread);
    if (WaitForSingleObject(ev, 60000) != WAIT_OBJECT_0)
        printf("irda: station %d did not come up within 60 s\n", i);
    CloseHandle(ev);
    return pi.hProcess;
}

static int ir_air(const WCHAR *args)
{
    WCHAR cmd[160];
    char *out = NULL;
    _snwprintf(cmd, ARRAYSIZE(cmd), L"irair.exe --port %u %ls", ir_port, args);
    int code = tu_run_capture(cmd, NULL, NULL, &out, 20000);
    if (out) fputs(out, stdout);            /* "1 station(s) changed" and the like, as before */
    free(out);
    return code;
}

/* Devices seen: bit i set when station i's nickname is listed (ids into ids[i]). */
static unsigned ir_discover(unsigned char ids[IR_STATIONS][4])
{
    char buf[sizeof(DEVICELIST) + 16 * sizeof(IRDA_DEVICE_INFO)];
    DEVICELIST *dl = (DEVICELIST *)buf;
    int len = sizeof(buf);
    unsigned seen = 0;
    SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET) return 0;
    if (getsockopt(s, SOL_IRLMP, IRLMP_ENUMDEVICES, buf, &len) == 0)
        for (ULONG d = 0; d < dl->numDevice; d++)
            for (int i = 1; i < IR_STATIONS; i++) {
                size_t n = strnlen(dl->Device[d].irdaDeviceName, sizeof(dl->Device[d].irdaDeviceName));
                if (n == strlen(ir_nick[i]) && !memcmp(dl->Device[d].irdaDeviceName, ir_nick[i], n)) {
                    seen |= 1u << i;
                    memcpy(ids[i], dl->Device[d].irdaDeviceID, 4);
                }
            }
    closesocket(s);
    return seen;
}

static double ir_wait_discovery(unsigned want, unsigned char ids[IR_STATIONS][4], double limit_ms)
{
    double t0 = tu_now_ms();
    while (tu_now_ms() - t0 < limit_ms) {
        if ((ir_discover(ids) & want) == want)
            return tu_now_ms() - t0;
        Sleep(200);
    }
    return -1;
}

/* A connect waits in the provider while the station's single link is
 * being let go by another device, so no retries here. */
static SOCKET ir_connect(const unsigned char id[4])
{
    SOCKADDR_IRDA a;
    SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET) return s;
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    memcpy(a.irdaDeviceID, id, 4);
    strcpy(a.irdaServiceName, IR_SVC);
    if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
        int e = WSAGetLastError();
        closesocket(s);
        WSASetLastError(e);
        return INVALID_SOCKET;
    }
    return s;
}

struct ir_load {
    unsigned char id[4];
    int station, rounds;
    unsigned bytes;
    long ok, failed;
    unsigned long long moved;
    int first_error;
    char what[80];
    double slowest_ms;          /* the longest step of any round, and which */
    char slowest[80];
};

/* Keeps the longest step of a load thread (a stall shows in the figures). */
static void ir_load_step_took(struct ir_load *L, int r, const char *step, double since)
{
    double ms = tu_now_ms() - since;
    if (ms <= L->slowest_ms)
        return;
    L->slowest_ms = ms;
    snprintf(L->slowest, sizeof(L->slowest), "station %d round %d: %s took %.0f ms", L->station, r, step, ms);
}

static DWORD WINAPI ir_load_thread(void *arg)
{
    struct ir_load *L = arg;
    for (int r = 0; r < L->rounds; r++) {
        double t = tu_now_ms();
        SOCKET s = ir_connect(L->id);
        const char *step = "connect";
        int e = 0;
        ir_load_step_took(L, r, step, t);
        if (s == INVALID_SOCKET) { e = WSAGetLastError(); goto fail; }
        tu_set_timeouts(s, 60000);
        step = "send";
        t = tu_now_ms();
        unsigned long long len = L->bytes;
        e = tu_send_all(s, &len, sizeof(len));
        if (!e) e = tu_send_all(s, stress_send_pattern, L->bytes);
        ir_load_step_took(L, r, step, t);
        if (e) goto fail_close;
        char reply[9];
        step = "reply";
        t = tu_now_ms();
        e = tu_recv_all(s, reply, sizeof(reply));
        ir_load_step_took(L, r, step, t);
        if (e) goto fail_close;
        unsigned long long got;
        memcpy(&got, reply, 8);
        step = "count";
        if (got != L->bytes || reply[8] != 1) { e = -2; goto fail_close; }
        L->moved += got;
        if (closesocket(s)) { e = WSAGetLastError(); step = "closesocket"; goto fail; }
        L->ok++;
        continue;
fail_close:
        closesocket(s);
fail:
        L->failed++;
        if (!L->first_error) {
            L->first_error = e;
            snprintf(L->what, sizeof(L->what), "station %d round %d: %s failed (%d)", L->station, r, step, e);
        }
    }
    return 0;
}

/* Starts n load threads (L[0..n-1], th[0..n-1]) towards station `station`. */
static void ir_start_load(struct ir_load *L, HANDLE *th, int n, const unsigned char id[4], int station,
                          int rounds, unsigned bytes)
{
    for (int k = 0; k < n; k++) {
        memset(&L[k], 0, sizeof(L[k]));
        memcpy(L[k].id, id, 4);
        L[k].station = station;
        L[k].rounds = rounds;
        L[k].bytes = bytes;
        th[k] = CreateThread(NULL, 0, ir_load_thread, &L[k], 0, NULL);
    }
}

/* What a fault must do to a transfer in progress. */
enum ir_fault_kind {
    IR_MUST_FAIL,       /* the link is gone for longer than the link-disconnect time */
    IR_MAY_SURVIVE,     /* a short outage: the link may recover by retransmission */
};

/* A sender on station `victim`; `fault_args` (irair) is run once it is moving
 * data, then `heal_args` once the sender has failed.  IR_MUST_FAIL: the
 * sender fails with WSAECONNRESET/WSAETIMEDOUT/WSAECONNABORTED within the
 * link-disconnect time (+ slack).  IR_MAY_SURVIVE: that, or the transfer
 * moves on after the outage.  Then discovery lists every station again and
 * a new connection to the victim works. */
static int ir_fault(const char *name, enum ir_fault_kind kind, int victim, unsigned char ids[IR_STATIONS][4],
                    const WCHAR *fault_args, const WCHAR *heal_args, unsigned want_after)
{
    struct tu_pusher p;
    int pass = 1;
    memset(&p, 0, sizeof(p));
    p.chunk = 4096;
    p.s = ir_connect(ids[victim]);
    if (p.s == INVALID_SOCKET) {
        printf("irda: %s: connect to station %d failed: %d\n", name, victim, WSAGetLastError());
        return 0;
    }
    /* the station's protocol (a length, then pattern bytes from offset 0),
     * with a length never reached: the station keeps checking bytes and
     * never closes, so only the fault can end the sender */
    unsigned long long endless = 1ull << 60;
    if (tu_send_all(p.s, &endless, sizeof(endless))) {
        printf("irda: %s: sending the length failed: %d (FAIL)\n", name, WSAGetLastError());
        closesocket(p.s);
        return 0;
    }
    HANDLE t = CreateThread(NULL, 0, tu_push_thread, &p, 0, NULL);
    Sleep(1000);
    unsigned long long before = p.sent;
    if (p.err || before == 0) {
        /* the fault must hit a transfer in progress, or it tests nothing */
        printf("irda: %s: the sender was not moving data before the fault (%llu bytes, error %d) (FAIL)\n",
               name, before, p.err);
        p.stop = 1;
        closesocket(p.s);
        WaitForSingleObject(t, 10000);
        CloseHandle(t);
        return 0;
    }
    double t0 = tu_now_ms();
    int code = ir_air(fault_args);
    DWORD wait = kind == IR_MUST_FAIL ? (DWORD)IR_FAULT_BOUND + 5000 : IR_SURVIVE_WAIT_MS;
    if (WaitForSingleObject(t, wait) != WAIT_OBJECT_0) {
        unsigned long long after = p.sent;
        if (kind == IR_MAY_SURVIVE && after > before) {
            printf("irda: %s (irair exit %d): the link survived: sender moved %llu bytes before, %llu in the %.0f s after\n",
                   name, code, before, after - before, (tu_now_ms() - t0) / 1000);
        } else {
            printf("irda: %s: the sender neither failed nor moved data within %.0f s (a hang) (FAIL)\n", name,
                   wait / 1000.0);
            pass = 0;
        }
        p.stop = 1;
        closesocket(p.s);           /* celsp interrupts a send still blocked */
        WaitForSingleObject(t, 10000);
    } else {
        double took = p.failed_at - t0;
        int code_ok = p.err == WSAECONNRESET || p.err == WSAETIMEDOUT || p.err == WSAECONNABORTED;
        int in_time = took < IR_LINK_DISC_MS + IR_FAULT_SLACK_MS;
        printf("irda: %s (irair exit %d): sender had moved %llu bytes, failed with %d after %.0f ms "
               "(link-disconnect time %d ms)%s\n", name, code, before, p.err, took, IR_LINK_DISC_MS,
               code_ok && in_time ? "" : " (FAIL)");
        if (!code_ok || !in_time) pass = 0;
        int e = closesocket(p.s) ? WSAGetLastError() : 0;
        if (e) { printf("irda: %s: closesocket after the fault: %d\n", name, e); pass = 0; }
    }
    CloseHandle(t);
    if (heal_args) ir_air(heal_args);
    double rec = ir_wait_discovery(want_after, ids, 60000);
    if (rec < 0) {
        printf("irda: %s: discovery did not recover within 60 s (FAIL)\n", name);
        return 0;
    }
    SOCKET s = ir_connect(ids[victim]);
    printf("irda: %s: discovery recovered after %.0f ms; new connection %s\n", name, rec,
           s != INVALID_SOCKET ? "ok" : "FAILED");
    if (s == INVALID_SOCKET) pass = 0; else closesocket(s);
    return pass;
}

/* ---- a second pair: station 2 loads station 3 while station 0 loads 1 ---------------- */

/* What a station's own load reports to station 0 (a named shared block). */
struct ir_pair_result { long ok, failed; unsigned long long moved; double secs; int done; char what[80]; };

static void ir_names(char *buf, size_t len, const char *what, DWORD ppid, int index)
{
    snprintf(buf, len, "cews2-stress-irda-%s-%lu-%d", what, (unsigned long)ppid, index);
}

/* Station `index` waits for the go event, then runs `threads` x `rounds`
 * connections of `bytes` to station `target` and publishes the counts. */
static void ir_station_client(int index, DWORD ppid, int rounds, unsigned bytes, int threads, int target)
{
    char name[80];
    unsigned char ids[IR_STATIONS][4];
    struct ir_load L[IR_THREADS_MAX];
    HANDLE th[IR_THREADS_MAX];
    ir_names(name, sizeof(name), "go", ppid, index);
    HANDLE go = OpenEventA(SYNCHRONIZE, FALSE, name);
    ir_names(name, sizeof(name), "res", ppid, index);
    HANDLE map = OpenFileMappingA(FILE_MAP_WRITE, FALSE, name);
    struct ir_pair_result *R = map ? MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, sizeof(*R)) : NULL;
    if (!go || !R)
        return;
    WaitForSingleObject(go, INFINITE);
    stress_pattern_ready();
    if (threads > IR_THREADS_MAX) threads = IR_THREADS_MAX;
    double t0 = tu_now_ms();
    if (ir_wait_discovery(1u << target, ids, 60000) < 0) {
        snprintf(R->what, sizeof(R->what), "station %d did not discover station %d", index, target);
        R->failed = 1;
    } else {
        ir_start_load(L, th, threads, ids[target], target, rounds, bytes);
        WaitForMultipleObjects((DWORD)threads, th, TRUE, INFINITE);
        for (int k = 0; k < threads; k++) {
            CloseHandle(th[k]);
            R->ok += L[k].ok;
            R->failed += L[k].failed;
            R->moved += L[k].moved;
            if (L[k].first_error && !R->what[0])
                snprintf(R->what, sizeof(R->what), "from station %d: %s", index, L[k].what);
        }
    }
    R->secs = (tu_now_ms() - t0) / 1000.0;
    MemoryBarrier();
    R->done = 1;
    ir_names(name, sizeof(name), "done", ppid, index);
    HANDLE done = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
    if (done) { SetEvent(done); CloseHandle(done); }
}

/* the hostile client on the air (ir_hostile): its own file */
#include "stress_hostile.c"

static int irda_main(int rounds, unsigned bytes, int threads)
{
    IR_THREADS_PER = threads < 1 ? 1 : threads > IR_THREADS_MAX ? IR_THREADS_MAX : threads;
    unsigned char ids[IR_STATIONS][4];
    int pass = 1;
    stress_pattern_ready();
    if (bytes > SEND_MAX) bytes = SEND_MAX;
    ir_identities(GetCurrentProcessId());
    ir_station_env(0);
    if (tu_startup()) { printf("irda: WSAStartup failed\n"); return 2; }
    SOCKET probe = socket(AF_IRDA, SOCK_STREAM, 0);
    if (probe == INVALID_SOCKET) {
        printf("irda: no AF_IRDA (socket: %d): skipped\n", WSAGetLastError());
        return 77;
    }
    /* station 2 also runs a load of its own towards station 3 when told */
    char name[80], pair_args[64];
    ir_names(name, sizeof(name), "go", GetCurrentProcessId(), 2);
    HANDLE pair_go = CreateEventA(NULL, TRUE, FALSE, name);
    ir_names(name, sizeof(name), "done", GetCurrentProcessId(), 2);
    HANDLE pair_done = CreateEventA(NULL, TRUE, FALSE, name);
    ir_names(name, sizeof(name), "res", GetCurrentProcessId(), 2);
    HANDLE pair_map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                         sizeof(struct ir_pair_result), name);
    struct ir_pair_result *pair = pair_map ? MapViewOfFile(pair_map, FILE_MAP_WRITE, 0, 0, sizeof(*pair)) : NULL;
    snprintf(pair_args, sizeof(pair_args), "%d %u %d 3", rounds, bytes, IR_THREADS_PER);
    for (int i = 1; i < IR_STATIONS; i++)
        ir_children[i] = ir_start_station(i, i == 2 ? pair_args : NULL);
    double disc = ir_wait_discovery(0xE, ids, 60000);
    printf("irda: 4 stations on air port %u; discovery of all 3 peers: %.0f ms\n", ir_port, disc);
    if (disc < 0) { pass = 0; goto out; }
    {
        const char *settle = getenv("STRESS_IRDA_SETTLE_MS");
        if (settle) Sleep((DWORD)atoi(settle));
    }

    long handles0 = stress_handle_count();
    unsigned long long priv0 = stress_private_bytes();
    struct ir_load L[IR_STATIONS * IR_THREADS_MAX];
    HANDLE th[IR_STATIONS * IR_THREADS_MAX];
    int nt = 0;
    double t0 = tu_now_ms();
    /* A station has one IrLAP link: the connections to one peer share it
     * (LSAP multiplexing).  Station 0 loads its peers one after the other;
     * while it loads station 1, station 2 loads station 3: two links on the
     * air at once. */
    if (pair_go) SetEvent(pair_go);
    for (int i = 1; i < IR_STATIONS; i++) {
        int first = nt;
        ir_start_load(L + nt, th + nt, IR_THREADS_PER, ids[i], i, rounds, bytes);
        nt += IR_THREADS_PER;
        if (WaitForMultipleObjects((DWORD)(nt - first), th + first, TRUE, IR_LOAD_BOUND_MS) != WAIT_OBJECT_0) {
            /* a connection that neither completes nor fails: report and end
             * the run here (the stuck threads cannot be taken back) */
            printf("irda: load: the connections to station %d made no progress in %d s (a hang)\n", i,
                   IR_LOAD_BOUND_MS / 1000);
            for (int k = 1; k < IR_STATIONS; k++)
                if (ir_children[k]) TerminateProcess(ir_children[k], 0);
            printf("irda: FAIL\n");
            fflush(stdout);
            TerminateProcess(GetCurrentProcess(), 4);
        }
    }
    double secs = (tu_now_ms() - t0) / 1000.0;
    int pair_ok = pair && pair_done && WaitForSingleObject(pair_done, IR_LOAD_BOUND_MS) == WAIT_OBJECT_0 && pair->done;
    if (!pair_ok) {
        printf("irda: load: station 2's connections to station 3 did not finish (FAIL)\n");
        pass = 0;
    } else {
        printf("irda: load: meanwhile station 2 -> station 3, %d connections at a time: %ld ok, %ld failed, "
               "%llu bytes checked in %.1f s\n", IR_THREADS_PER, pair->ok, pair->failed, pair->moved, pair->secs);
        if (pair->what[0]) printf("irda: %s\n", pair->what);
        if (pair->failed || pair->ok != (long)rounds * IR_THREADS_PER) pass = 0;
    }
    long ok = 0, failed = 0;
    unsigned long long moved = 0;
    for (int i = 0; i < nt; i++) {
        CloseHandle(th[i]);
        ok += L[i].ok; failed += L[i].failed; moved += L[i].moved;
        if (L[i].first_error) printf("irda: %s\n", L[i].what);
    }
    Sleep(500);
    printf("irda: load: 3 peers one after the other, %d connections at a time over each link, %ld connections ok, %ld failed, %llu bytes checked in %.1f s (%.0f KiB/s)\n",
           IR_THREADS_PER, ok, failed, moved, secs, secs > 0 ? moved / 1024.0 / secs : 0);
    long handles1 = stress_handle_count();
    unsigned long long priv1 = stress_private_bytes();
    printf("irda: handles %ld -> %ld; private bytes %llu -> %llu (%+lld)\n", handles0, handles1, priv0,
           priv1, (long long)(priv1 - priv0));
    if (failed) pass = 0;
    {
        /* the same again to station 1: what the first pass added was the
         * heap and the stack warming up if this one adds nothing */
        struct ir_load P[IR_THREADS_MAX];
        HANDLE pt[IR_THREADS_MAX];
        long pok = 0, pfailed = 0;
        ir_start_load(P, pt, IR_THREADS_PER, ids[1], 1, rounds, bytes);
        if (WaitForMultipleObjects((DWORD)IR_THREADS_PER, pt, TRUE, IR_LOAD_BOUND_MS) != WAIT_OBJECT_0) {
            printf("irda: second pass: no progress in %d s (a hang) (FAIL)\n", IR_LOAD_BOUND_MS / 1000);
            fflush(stdout);
            TerminateProcess(GetCurrentProcess(), 4);
        }
        for (int k = 0; k < IR_THREADS_PER; k++) {
            CloseHandle(pt[k]);
            pok += P[k].ok;
            pfailed += P[k].failed;
            if (P[k].first_error) printf("irda: %s\n", P[k].what);
        }
        Sleep(500);
        long handles2 = stress_handle_count();
        unsigned long long priv2 = stress_private_bytes();
        printf("irda: second pass (0 -> 1, %ld connections ok, %ld failed): handles %ld -> %ld; private bytes %+lld\n",
               pok, pfailed, handles1, handles2, (long long)(priv2 - priv1));
        if (pfailed || handles2 > handles1) pass = 0;
    }

    WCHAR out_args[64], in_args[64];
    _snwprintf(out_args, ARRAYSIZE(out_args), L"range 0x%08lX out", ir_addr[1]);
    _snwprintf(in_args, ARRAYSIZE(in_args), L"range 0x%08lX in", ir_addr[1]);
    WCHAR down_args[32];
    _snwprintf(down_args, ARRAYSIZE(down_args), L"down %d", IR_AIR_DOWN_MS);
    if (!ir_fault("out of range", IR_MUST_FAIL, 1, ids, out_args, in_args, 0xE)) pass = 0;
    if (!ir_fault("air down", IR_MUST_FAIL, 2, ids, down_args, NULL, 0xE)) pass = 0;
    if (!ir_fault("hub killed", IR_MAY_SURVIVE, 3, ids, L"stop", NULL, 0xE)) pass = 0;
    if (!ir_hostile(0, ids, rounds, bytes)) pass = 0;
    if (!ir_hostile(1, ids, rounds, bytes)) pass = 0;
out:
    if (pair) UnmapViewOfFile(pair);
    if (pair_map) CloseHandle(pair_map);
    if (pair_go) CloseHandle(pair_go);
    if (pair_done) CloseHandle(pair_done);
    for (int i = 1; i < IR_STATIONS; i++)
        if (ir_children[i]) { TerminateProcess(ir_children[i], 0); CloseHandle(ir_children[i]); }
    closesocket(probe);
    printf("irda: %s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
