/*
 * beam - send a file from one IrDA station to another, the way a CE
 * application beams: discovery, an IAS lookup, a connection by service
 * name, a small header, the data, and a checksum both sides compare.
 *
 *   beam receive [--service NAME] [--out FILE] [--timeout SEC]
 *   beam send FILE [--service NAME] [--device NICKNAME] [--wait SEC] [--timeout SEC]
 *
 * The receiver binds the service name (which registers the IAS entry
 * NAME / "IrDA:TinyTP:LsapSel"), waits for one sender, writes the file
 * (--out, else the sender's file name in the current directory) and
 * prints its CRC-32.  The sender discovers the stations in range (retrying
 * for --wait seconds), picks the one named --device or else the first that
 * offers the service, looks the service up via IAS, connects by service
 * name and sends.  Both print "CRC-32 XXXXXXXX" lines and exit 0 when the
 * receiver's checksum of what it wrote matches the sender's of what it
 * read; 1 when they differ; 2 usage; 3 network; 4 file; 5 timeout.
 *
 * Each process is one IrDA station.  Under ce-winsock its nickname and
 * device address come from the settings Comm\IrDA (Nickname, DeviceAddress;
 * per user or machine-wide, below ce-winsock's registry roots: cews2.h) or the
 * environment (CEWS2_IRDA_NICKNAME, CEWS2_IRDA_DEVICE_ADDRESS); stations on
 * one machine meet on the loopback air (CEWS2_IRDA_AIR_PORT, default 6417).
 *
 * On the wire, after the connection (all numbers little endian):
 *   sender:   "BEAM" version(1) namelen(1) name size(8), size data bytes, crc(4)
 *   receiver: "BEAM" crc(4) status(1: 0 match, 1 mismatch, 2 write error)
 * then the sender closes.
 *
 * Build: x86_64-w64-mingw32-gcc beam.c -o beam.exe $(pkg-config --cflags --libs ce-winsock)
 */
#include <cews2.h>      /* winsock2.h, af_irda.h and the CE 5.0 additions */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SERVICE "CeBeam"
#define LSAPSEL_ATTR    "IrDA:TinyTP:LsapSel"
#define CHUNK           16384
#define MAX_DEVICES     16

enum { EXIT_MATCH = 0, EXIT_MISMATCH = 1, EXIT_USAGE = 2, EXIT_NET = 3, EXIT_FILE = 4, EXIT_TIMEOUT = 5 };

/* ---- CRC-32 (IEEE 802.3, as zip and gzip) -------------------------------- */

static unsigned long crc_table[256];

static void crc_init(void)
{
    for (unsigned long n = 0; n < 256; n++) {
        unsigned long c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320ul ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static unsigned long crc_update(unsigned long crc, const unsigned char *p, size_t n)
{
    crc ^= 0xFFFFFFFFul;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFul;
}

/* ---- small helpers ------------------------------------------------------- */

static void put32(unsigned char *p, unsigned long v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static unsigned long get32(const unsigned char *p)
{
    return p[0] | (p[1] << 8) | ((unsigned long)p[2] << 16) | ((unsigned long)p[3] << 24);
}

static int send_all(SOCKET s, const void *buf, int len)
{
    const char *p = buf;
    while (len > 0) {
        int n = send(s, p, len, 0);
        if (n == SOCKET_ERROR)
            return WSAGetLastError();
        p += n;
        len -= n;
    }
    return 0;
}

/* 0, a Winsock error, or -1 when the peer closed first */
static int recv_all(SOCKET s, void *buf, int len)
{
    char *p = buf;
    while (len > 0) {
        int n = recv(s, p, len, 0);
        if (n == SOCKET_ERROR)
            return WSAGetLastError();
        if (n == 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static const char *err_name(int e)
{
    switch (e) {
    case -1: return "the peer closed the connection";
    case WSAECONNREFUSED: return "WSAECONNREFUSED (no such service)";
    case WSAETIMEDOUT: return "WSAETIMEDOUT (no answer)";
    case WSAECONNRESET: return "WSAECONNRESET (the link went away)";
    case WSAEAFNOSUPPORT: return "WSAEAFNOSUPPORT (no IrDA provider)";
    case WSAEADDRINUSE: return "WSAEADDRINUSE (service name in use)";
    default: {
        static char b[32];
        snprintf(b, sizeof(b), "error %d", e);
        return b;
    }
    }
}

/* Progress: a line at every tenth, and at the end. */
static void progress(const char *verb, unsigned long long done, unsigned long long total, int *last_tenth)
{
    int tenth = total ? (int)(done * 10 / total) : 10;
    if (tenth > *last_tenth) {
        *last_tenth = tenth;
        printf("beam: %s %llu/%llu bytes (%d%%)\n", verb, done, total, tenth * 10);
    }
}

static DWORD timeout_s = 120;

static DWORD WINAPI watchdog(void *arg)
{
    (void)arg;
    Sleep(timeout_s * 1000);
    printf("beam: timed out after %lu s\n", (unsigned long)timeout_s);
    fflush(stdout);
    ExitProcess(EXIT_TIMEOUT);
    return 0;
}

static SOCKADDR_IRDA irda_address(const unsigned char *id, const char *service)
{
    SOCKADDR_IRDA a;
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    if (id)
        memcpy(a.irdaDeviceID, id, 4);
    strncpy(a.irdaServiceName, service, sizeof(a.irdaServiceName) - 1);
    return a;
}

/* ---- receive -------------------------------------------------------------- */

static int do_receive(const char *service, const char *out_name)
{
    SOCKADDR_IRDA a = irda_address(NULL, service), peer;
    int plen = sizeof(peer), e;
    unsigned char hdr[6], name[256], sz[8], trailer[4], reply[9];
    static unsigned char buf[CHUNK];

    SOCKET l = socket(AF_IRDA, SOCK_STREAM, 0);
    if (l == INVALID_SOCKET) {
        printf("beam: socket(AF_IRDA): %s\n", err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1)) {
        printf("beam: bind/listen on \"%s\": %s\n", service, err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    printf("beam: waiting for a file on service \"%s\"\n", service);

    SOCKET s = accept(l, (struct sockaddr *)&peer, &plen);
    if (s == INVALID_SOCKET) {
        printf("beam: accept: %s\n", err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    closesocket(l);            /* one file; the name is free again */
    printf("beam: connection from device %02x%02x%02x%02x\n", peer.irdaDeviceID[0],
           peer.irdaDeviceID[1], peer.irdaDeviceID[2], peer.irdaDeviceID[3]);

    if ((e = recv_all(s, hdr, sizeof(hdr))) || memcmp(hdr, "BEAM", 4) || hdr[4] != 1) {
        printf("beam: bad header (%s)\n", e ? err_name(e) : "not a beam sender");
        return EXIT_NET;
    }
    if ((e = recv_all(s, name, hdr[5])) || (e = recv_all(s, sz, sizeof(sz)))) {
        printf("beam: header: %s\n", err_name(e));
        return EXIT_NET;
    }
    name[hdr[5]] = 0;
    unsigned long long size = 0;
    for (int i = 7; i >= 0; i--) size = size << 8 | sz[i];

    /* without --out: the sender's name, without any directory part */
    char fallback[260];
    if (!out_name) {
        const char *base = (const char *)name;
        for (const char *p = base; *p; p++)
            if (*p == '/' || *p == '\\' || *p == ':') base = p + 1;
        snprintf(fallback, sizeof(fallback), "%s", *base ? base : "beamed.bin");
        out_name = fallback;
    }
    printf("beam: receiving \"%s\" (%llu bytes) into %s\n", (const char *)name, size, out_name);
    FILE *f = fopen(out_name, "wb");
    if (!f)
        printf("beam: cannot write %s\n", out_name);

    unsigned long crc = 0;
    unsigned long long done = 0;
    int tenth = -1, write_error = !f;
    DWORD t0 = GetTickCount();
    while (done < size) {
        int want = size - done > sizeof(buf) ? (int)sizeof(buf) : (int)(size - done);
        int n = recv(s, (char *)buf, want, 0);
        if (n <= 0) {
            printf("beam: data: %s after %llu bytes\n", err_name(n == 0 ? -1 : WSAGetLastError()), done);
            return EXIT_NET;
        }
        crc = crc_update(crc, buf, (size_t)n);
        if (f && fwrite(buf, 1, (size_t)n, f) != (size_t)n)
            write_error = 1;
        done += (unsigned long long)n;
        progress("received", done, size, &tenth);
    }
    if (f && fclose(f))
        write_error = 1;
    if ((e = recv_all(s, trailer, sizeof(trailer)))) {
        printf("beam: trailer: %s\n", err_name(e));
        return EXIT_NET;
    }
    DWORD ms = GetTickCount() - t0;
    unsigned long theirs = get32(trailer);
    int match = crc == theirs;
    printf("beam: received %llu bytes in %lu ms, CRC-32 %08lX\n", size, (unsigned long)ms, crc);
    printf("beam: sender's CRC-32 %08lX: %s\n", theirs, match ? "match" : "MISMATCH");

    memcpy(reply, "BEAM", 4);
    put32(reply + 4, crc);
    reply[8] = write_error ? 2 : match ? 0 : 1;
    send_all(s, reply, sizeof(reply));
    /* the sender closes when it has the reply */
    while (recv(s, (char *)buf, sizeof(buf), 0) > 0)
        ;
    closesocket(s);
    if (write_error) {
        printf("beam: writing %s failed\n", out_name);
        return EXIT_FILE;
    }
    return match ? EXIT_MATCH : EXIT_MISMATCH;
}

/* ---- send ----------------------------------------------------------------- */

/* The device to send to: by nickname, or the first that offers the
 * service.  Returns 1 with *id, *lsap and the nickname filled in. */
static int pick_device(SOCKET s, const char *service, const char *want, int round,
                       unsigned char id[4], long *lsap, char nick[IRDA_MAX_DEVICE_NAME + 1])
{
    static char buf[sizeof(ULONG) + MAX_DEVICES * sizeof(IRDA_DEVICE_INFO)];
    DEVICELIST *dl = (DEVICELIST *)buf;
    int len = sizeof(buf);

    if (getsockopt(s, SOL_IRLMP, IRLMP_ENUMDEVICES, buf, &len) == SOCKET_ERROR) {
        printf("beam: discovery: %s\n", err_name(WSAGetLastError()));
        return 0;
    }
    printf("beam: discovery %d: %lu device(s) in range\n", round, (unsigned long)dl->numDevice);
    for (ULONG i = 0; i < dl->numDevice; i++) {
        IRDA_DEVICE_INFO *d = &dl->Device[i];
        printf("beam:   \"%.*s\" (device %02x%02x%02x%02x, hints %02x %02x)\n",
               (int)strnlen(d->irdaDeviceName, sizeof(d->irdaDeviceName)), d->irdaDeviceName,
               d->irdaDeviceID[0], d->irdaDeviceID[1], d->irdaDeviceID[2], d->irdaDeviceID[3],
               d->irdaDeviceHints1, d->irdaDeviceHints2);
    }
    for (ULONG i = 0; i < dl->numDevice; i++) {
        IRDA_DEVICE_INFO *d = &dl->Device[i];
        char name[IRDA_MAX_DEVICE_NAME + 1];
        snprintf(name, sizeof(name), "%.*s", (int)strnlen(d->irdaDeviceName, sizeof(d->irdaDeviceName)),
                 d->irdaDeviceName);
        if (want && strcmp(want, name))
            continue;
        /* IAS: does it offer the service, and at which LSAP? */
        static IAS_QUERY q;
        int qlen = sizeof(q);
        memset(&q, 0, sizeof(q));
        memcpy(q.irdaDeviceID, d->irdaDeviceID, 4);
        strncpy(q.irdaClassName, service, sizeof(q.irdaClassName) - 1);
        strcpy(q.irdaAttribName, LSAPSEL_ATTR);
        if (getsockopt(s, SOL_IRLMP, IRLMP_IAS_QUERY, (char *)&q, &qlen) == SOCKET_ERROR) {
            printf("beam: IAS query to \"%s\": %s\n", name, err_name(WSAGetLastError()));
            continue;
        }
        if (q.irdaAttribType != IAS_ATTRIB_INT) {
            printf("beam: \"%s\" does not offer \"%s\" (IAS: %s)\n", name, service,
                   q.irdaAttribType == IAS_ATTRIB_NO_CLASS ? "no such class" : "no LsapSel attribute");
            continue;
        }
        memcpy(id, d->irdaDeviceID, 4);
        *lsap = q.irdaAttribute.irdaAttribInt;
        strcpy(nick, name);
        return 1;
    }
    return 0;
}

static int do_send(const char *path, const char *service, const char *device, DWORD wait_s)
{
    static unsigned char buf[CHUNK];
    unsigned char id[4], hdr[6 + 255 + 8], reply[9], trailer[4];
    char nick[IRDA_MAX_DEVICE_NAME + 1];
    long lsap = 0;
    int e;

    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("beam: cannot open %s\n", path);
        return EXIT_FILE;
    }
    _fseeki64(f, 0, SEEK_END);
    unsigned long long size = (unsigned long long)_ftelli64(f);
    _fseeki64(f, 0, SEEK_SET);

    SOCKET s = socket(AF_IRDA, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET) {
        printf("beam: socket(AF_IRDA): %s\n", err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    /* discovery, until the device (or a device with the service) answers */
    DWORD until = GetTickCount() + wait_s * 1000;
    int round = 1, found;
    while (!(found = pick_device(s, service, device, round, id, &lsap, nick)) &&
           (LONG)(until - GetTickCount()) > 0) {
        Sleep(500);
        round++;
    }
    if (!found) {
        printf("beam: no %s%s%s offering \"%s\" found in %lu s\n", device ? "device \"" : "device",
               device ? device : "", device ? "\"" : "", service, (unsigned long)wait_s);
        return EXIT_NET;
    }
    printf("beam: \"%s\" offers \"%s\" at LSAP-SEL %ld\n", nick, service, lsap);

    /* connect by service name (the provider asks IAS again, as Windows does) */
    SOCKADDR_IRDA a = irda_address(id, service);
    if (connect(s, (struct sockaddr *)&a, sizeof(a)) == SOCKET_ERROR) {
        printf("beam: connect to \"%s\" on \"%s\": %s\n", service, nick, err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    int pdu = 0, plen = sizeof(pdu);
    getsockopt(s, SOL_IRLMP, IRLMP_SEND_PDU_LEN, (char *)&pdu, &plen);
    printf("beam: connected to \"%s\" (PDU %d bytes); sending \"%s\", %llu bytes\n", nick, pdu, path, size);

    /* header: magic, version, name (without directories), size */
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\' || *p == ':') base = p + 1;
    size_t nlen = strlen(base) > 255 ? 255 : strlen(base);
    memcpy(hdr, "BEAM", 4);
    hdr[4] = 1;
    hdr[5] = (unsigned char)nlen;
    memcpy(hdr + 6, base, nlen);
    for (int i = 0; i < 8; i++) hdr[6 + nlen + i] = (unsigned char)(size >> (8 * i));
    if ((e = send_all(s, hdr, (int)(6 + nlen + 8)))) {
        printf("beam: header: %s\n", err_name(e));
        return EXIT_NET;
    }

    unsigned long crc = 0;
    unsigned long long done = 0;
    int tenth = -1;
    DWORD t0 = GetTickCount();
    while (done < size) {
        size_t n = fread(buf, 1, sizeof(buf), f);
        if (n == 0) {
            printf("beam: reading %s failed at %llu bytes\n", path, done);
            return EXIT_FILE;
        }
        crc = crc_update(crc, buf, n);
        if ((e = send_all(s, buf, (int)n))) {
            printf("beam: data: %s after %llu bytes\n", err_name(e), done);
            return EXIT_NET;
        }
        done += n;
        progress("sent", done, size, &tenth);
    }
    fclose(f);
    put32(trailer, crc);
    if ((e = send_all(s, trailer, sizeof(trailer))) || (e = recv_all(s, reply, sizeof(reply)))) {
        printf("beam: waiting for the receiver's checksum: %s\n", err_name(e));
        return EXIT_NET;
    }
    DWORD ms = GetTickCount() - t0;
    unsigned long theirs = get32(reply + 4);
    printf("beam: sent %llu bytes in %lu ms (%.1f KiB/s), CRC-32 %08lX\n", size, (unsigned long)ms,
           ms ? size / 1024.0 / (ms / 1000.0) : 0.0, crc);
    printf("beam: receiver's CRC-32 %08lX: %s\n", theirs,
           memcmp(reply, "BEAM", 4) ? "BAD REPLY" : reply[8] == 2 ? "it could not write the file" :
           theirs == crc ? "match" : "MISMATCH");
    if (closesocket(s))
        printf("beam: closesocket: %s\n", err_name(WSAGetLastError()));
    if (reply[8] == 2)
        return EXIT_FILE;
    return theirs == crc && reply[8] == 0 ? EXIT_MATCH : EXIT_MISMATCH;
}

static int usage(void)
{
    printf("usage: beam receive [--service NAME] [--out FILE] [--timeout SEC]\n"
           "       beam send FILE [--service NAME] [--device NICKNAME] [--wait SEC] [--timeout SEC]\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    const char *service = DEFAULT_SERVICE, *out = NULL, *device = NULL, *file = NULL;
    DWORD wait_s = 30;
    WSADATA wsa;
    int rc;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2)
        return usage();
    int sending = !strcmp(argv[1], "send");
    if (!sending && strcmp(argv[1], "receive"))
        return usage();
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--service") && v) service = argv[++i];
        else if (!strcmp(argv[i], "--out") && v && !sending) out = argv[++i];
        else if (!strcmp(argv[i], "--device") && v && sending) device = argv[++i];
        else if (!strcmp(argv[i], "--wait") && v) wait_s = (DWORD)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--timeout") && v) timeout_s = (DWORD)atoi(argv[++i]);
        else if (sending && !file && argv[i][0] != '-') file = argv[i];
        else return usage();
    }
    if (sending && !file)
        return usage();
    if (strlen(service) >= IRDA_MAX_SERVICE_NAME) {
        printf("beam: service names have at most %d characters\n", IRDA_MAX_SERVICE_NAME - 1);
        return EXIT_USAGE;
    }
    crc_init();
    if (timeout_s)
        CloseHandle(CreateThread(NULL, 0, watchdog, NULL, 0, NULL));
    if (WSAStartup(MAKEWORD(2, 2), &wsa)) {
        printf("beam: WSAStartup failed\n");
        return EXIT_NET;
    }
    rc = sending ? do_send(file, service, device, wait_s) : do_receive(service, out);
    WSACleanup();
    return rc;
}
