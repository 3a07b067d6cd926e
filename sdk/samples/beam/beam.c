/*
 * beam - send a file from one IrDA station to another with IrOBEX, the way
 * a CE device or a phone beams: discovery, an IAS lookup, a connection to
 * the OBEX service, then OBEX Connect, Put and Disconnect.  It talks to any
 * IrOBEX peer (a Windows "IrXfer" receiver, a phone), and with itself at
 * both ends it also compares a CRC-32 of the file on both sides.
 *
 *   beam receive [--service NAME] [--out FILE] [--max-packet N] [--timeout SEC]
 *   beam send FILE [--service NAME] [--device NICKNAME] [--wait SEC] [--timeout SEC]
 *
 * The receiver binds the service name (default "OBEX:IrXfer", which
 * registers the IAS entry OBEX:IrXfer / "IrDA:TinyTP:LsapSel" and makes the
 * station advertise the IrOBEX hint bit), accepts one sender and serves its
 * OBEX session: the file of its Put is written to --out, else to the Name
 * the sender gave (without any directory part) in the current directory.
 * The sender discovers the stations in range (retrying for --wait
 * seconds), picks the one named --device or else the first that offers the
 * service, connects by service name and puts the file.  Exit codes: 0 the
 * file went across (and, where both sides reported one, the CRC-32s
 * match), 1 the checksums differ, 2 usage, 3 network or protocol, 4 file
 * (the receiver could not write: it answered an error), 5 timeout.
 *
 * IrOBEX on the wire (IrOBEX 1.2; big endian): every packet is an opcode
 * or response code, a 2-byte length of the whole packet, then headers.
 *   Connect      80 len  10(version) 00(flags) max-packet(2)
 *       answer   A0 len  10 00 max-packet(2)            (success)
 *   Put          02 len  headers       (more packets of this object follow)
 *   Put final    82 len  headers       (the last one)
 *       answers  90 Continue after each Put, A0 Success after the final
 *                one, or an error: C0 Bad Request, C3 Forbidden (cannot
 *                write), CB Length Required, D0 Internal Server Error,
 *                D1 Not Implemented (Get, SetPath... are not served)
 *   Disconnect   81 len               -> A0
 *   Abort        FF len               -> A0 (the object is dropped)
 * Headers: the two top bits of the header id give the form: 00 Unicode
 * text (id, 2-byte length, UTF-16BE with a terminating 0000), 01 bytes
 * (id, 2-byte length, bytes), 11 a 4-byte number (id, value).  Used here:
 * Name 01, Description 05, Length C3, Body 48, End of Body 49.
 * Every packet is at most the maximum the other side announced in Connect
 * (the smaller of the two maxima); the sender fills each Put to it.  The
 * final Put carries Description "CRC-32 XXXXXXXX", and a beam receiver's
 * Success (or C0 when its checksum differs) carries its own the same way;
 * other peers ignore that header (and send none: then only Success counts).
 *
 * Each process is one IrDA station.  Under ce-winsock its nickname and
 * device address come from the settings Comm\IrDA (Nickname, DeviceAddress;
 * per user or machine-wide, below ce-winsock's registry roots: cews2.h) or the
 * environment (CEWS2_IRDA_NICKNAME, CEWS2_IRDA_DEVICE_ADDRESS); stations on
 * one machine meet on the loopback air (CEWS2_IRDA_AIR_PORT, default 6417).
 *
 * Build: x86_64-w64-mingw32-gcc beam.c -o beam.exe $(pkg-config --cflags --libs ce-winsock)
 */
#include <cews2.h>      /* winsock2.h, af_irda.h and the CE 5.0 additions */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SERVICE "OBEX:IrXfer"
#define LSAPSEL_ATTR    "IrDA:TinyTP:LsapSel"
#define MAX_DEVICES     16

/* The largest OBEX packet we take.  A peer may send each OBEX packet as one
 * TinyTP SDU, and ce-winsock reassembles SDUs of up to 8192 bytes. */
#define OBEX_OUR_MAX    8192
#define OBEX_MIN_MAX    255         /* no OBEX side may announce less */
#define OBEX_VERSION    0x10        /* 1.0 */

enum obex_code {
    OBEX_CONNECT = 0x80, OBEX_DISCONNECT = 0x81, OBEX_PUT = 0x02, OBEX_PUT_FINAL = 0x82,
    OBEX_GET = 0x03, OBEX_GET_FINAL = 0x83, OBEX_SETPATH = 0x85, OBEX_ABORT = 0xFF,
    OBEX_CONTINUE = 0x90, OBEX_SUCCESS = 0xA0, OBEX_BAD_REQUEST = 0xC0, OBEX_FORBIDDEN = 0xC3,
    OBEX_LENGTH_REQUIRED = 0xCB, OBEX_INTERNAL_ERROR = 0xD0, OBEX_NOT_IMPLEMENTED = 0xD1,
};
enum obex_header {
    HI_NAME = 0x01, HI_DESCRIPTION = 0x05, HI_LENGTH = 0xC3, HI_BODY = 0x48, HI_END_OF_BODY = 0x49,
};

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

/* ---- sockets ----------------------------------------------------------------- */

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

#define E_MALFORMED (-2)

static const char *err_name(int e)
{
    switch (e) {
    case -1: return "the peer closed the connection";
    case E_MALFORMED: return "not an OBEX packet";
    case WSAECONNREFUSED: return "WSAECONNREFUSED (no such service)";
    case WSAETIMEDOUT: return "WSAETIMEDOUT (no answer)";
    case WSAECONNRESET: return "WSAECONNRESET (the link went away)";
    case WSAECONNABORTED: return "WSAECONNABORTED (the peer broke the protocol)";
    case WSAEAFNOSUPPORT: return "WSAEAFNOSUPPORT (no IrDA provider)";
    case WSAEADDRINUSE: return "WSAEADDRINUSE (service name in use)";
    default: {
        static char b[32];
        snprintf(b, sizeof(b), "error %d", e);
        return b;
    }
    }
}

static const char *obex_name(int code)
{
    switch (code) {
    case OBEX_CONTINUE: return "Continue";
    case OBEX_SUCCESS: return "Success";
    case OBEX_BAD_REQUEST: return "Bad Request";
    case OBEX_FORBIDDEN: return "Forbidden";
    case OBEX_LENGTH_REQUIRED: return "Length Required";
    case OBEX_INTERNAL_ERROR: return "Internal Server Error";
    case OBEX_NOT_IMPLEMENTED: return "Not Implemented";
    default: return "an error";
    }
}

/* ---- OBEX packets ------------------------------------------------------------ */

struct packet {
    size_t len;
    unsigned char b[65536];
};

static void pk_start(struct packet *p, int code)
{
    p->b[0] = (unsigned char)code;
    p->len = 3;
}

static void pk_put(struct packet *p, const void *data, size_t n)
{
    memcpy(p->b + p->len, data, n);
    p->len += n;
}

/* A Unicode header from an ASCII/Latin-1 string: UTF-16BE and 0000. */
static void pk_text(struct packet *p, int hi, const char *text)
{
    size_t n = strlen(text), total = 3 + 2 * (n + 1);
    p->b[p->len++] = (unsigned char)hi;
    p->b[p->len++] = (unsigned char)(total >> 8);
    p->b[p->len++] = (unsigned char)total;
    for (size_t i = 0; i <= n; i++) {
        p->b[p->len++] = 0;
        p->b[p->len++] = (unsigned char)text[i];
    }
}

static size_t text_header_size(const char *text)
{
    return 3 + 2 * (strlen(text) + 1);
}

static void pk_bytes(struct packet *p, int hi, const unsigned char *data, size_t n)
{
    p->b[p->len++] = (unsigned char)hi;
    p->b[p->len++] = (unsigned char)((n + 3) >> 8);
    p->b[p->len++] = (unsigned char)(n + 3);
    pk_put(p, data, n);
}

static void pk_u32(struct packet *p, int hi, unsigned long v)
{
    p->b[p->len++] = (unsigned char)hi;
    for (int i = 3; i >= 0; i--)
        p->b[p->len++] = (unsigned char)(v >> (8 * i));
}

static int pk_send(SOCKET s, struct packet *p)
{
    p->b[1] = (unsigned char)(p->len >> 8);
    p->b[2] = (unsigned char)p->len;
    return send_all(s, p->b, (int)p->len);
}

/* One packet of at most max bytes: 0, a Winsock error, -1 the peer closed,
 * E_MALFORMED for a length under 3 or over max. */
static int pk_recv(SOCKET s, struct packet *p, size_t max)
{
    int e = recv_all(s, p->b, 3);
    if (e)
        return e;
    p->len = (size_t)p->b[1] << 8 | p->b[2];
    if (p->len < 3 || p->len > max)
        return E_MALFORMED;
    return recv_all(s, p->b + 3, (int)p->len - 3);
}

struct header {
    int hi;
    const unsigned char *data;  /* bytes / UTF-16BE text (without the id and length) */
    size_t len;
    unsigned long value;        /* 4-byte and 1-byte headers */
};

/* The next header at *off: 1 found, 0 none left, E_MALFORMED. */
static int pk_header(const struct packet *p, size_t *off, struct header *h)
{
    size_t o = *off, n;
    if (o >= p->len)
        return 0;
    h->hi = p->b[o];
    switch (h->hi >> 6) {
    case 0: case 1:             /* text or bytes: 2-byte length, id included */
        if (p->len - o < 3)
            return E_MALFORMED;
        n = (size_t)p->b[o + 1] << 8 | p->b[o + 2];
        if (n < 3 || n > p->len - o)
            return E_MALFORMED;
        h->data = p->b + o + 3;
        h->len = n - 3;
        break;
    case 2:                     /* one byte */
        if (p->len - o < 2)
            return E_MALFORMED;
        h->value = p->b[o + 1];
        n = 2;
        break;
    default:                    /* four bytes */
        if (p->len - o < 5)
            return E_MALFORMED;
        h->value = (unsigned long)p->b[o + 1] << 24 | (unsigned long)p->b[o + 2] << 16 |
                   (unsigned long)p->b[o + 3] << 8 | p->b[o + 4];
        n = 5;
        break;
    }
    *off = o + n;
    return 1;
}

/* A text header as ASCII: other characters become '_', the 0000 dropped. */
static void header_text(const struct header *h, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < h->len && k + 1 < cap; i += 2) {
        unsigned c = (unsigned)h->data[i] << 8 | h->data[i + 1];
        if (c == 0)
            break;
        out[k++] = c >= 0x20 && c < 0x7F ? (char)c : '_';
    }
    out[k] = 0;
}

/* "CRC-32 XXXXXXXX" in a Description header: 1 and the value. */
static int crc_of(const struct header *h, unsigned long *crc)
{
    char text[64];
    header_text(h, text, sizeof(text));
    return sscanf(text, "CRC-32 %8lx", crc) == 1;
}

/* ---- small helpers ------------------------------------------------------- */

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

static const char *base_name(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\' || *p == ':')
            base = p + 1;
    return base;
}

/* ---- receive: an OBEX server for one session ------------------------------------ */

struct incoming {
    FILE *f;
    char name[256], path[260];
    unsigned long long size, done;
    int size_known, write_error, tenth;
    unsigned long crc, sender_crc;
    int sender_crc_known;
    DWORD t0;
};

/* One Put packet's headers into the object; the response code to give. */
static int put_headers(struct incoming *in, const struct packet *p, const char *out_name)
{
    size_t off = 3;
    struct header h;
    int r;
    while ((r = pk_header(p, &off, &h)) == 1) {
        switch (h.hi) {
        case HI_NAME:
            header_text(&h, in->name, sizeof(in->name));
            break;
        case HI_LENGTH:
            in->size = h.value;
            in->size_known = 1;
            break;
        case HI_DESCRIPTION:
            in->sender_crc_known = crc_of(&h, &in->sender_crc);
            break;
        case HI_BODY:
        case HI_END_OF_BODY:
            if (!in->f && !in->write_error) {
                /* without --out: the sender's name, without any directory part */
                const char *base = base_name(in->name);
                snprintf(in->path, sizeof(in->path), "%s", out_name ? out_name : *base ? base : "beamed.bin");
                printf("beam: receiving \"%s\" (", in->name);
                if (in->size_known) printf("%llu bytes", in->size); else printf("size not given");
                printf(") into %s\n", in->path);
                in->f = fopen(in->path, "wb");
                if (!in->f) {
                    printf("beam: cannot write %s\n", in->path);
                    in->write_error = 1;
                }
                in->t0 = GetTickCount();
            }
            in->crc = crc_update(in->crc, h.data, h.len);
            if (in->f && h.len && fwrite(h.data, 1, h.len, in->f) != h.len)
                in->write_error = 1;
            in->done += h.len;
            if (in->size_known)
                progress("received", in->done, in->size, &in->tenth);
            break;
        default:
            break;                  /* Type, Time, Target...: not needed here */
        }
    }
    if (r < 0)
        return OBEX_BAD_REQUEST;
    return in->write_error ? OBEX_FORBIDDEN : OBEX_CONTINUE;
}

static int do_receive(const char *service, const char *out_name, unsigned our_max)
{
    SOCKADDR_IRDA a = irda_address(NULL, service), peer;
    static struct packet req, rsp;
    struct incoming in;
    int plen = sizeof(peer), e, rc = EXIT_NET, connected = 0, got_object = 0;
    unsigned peer_max = OBEX_MIN_MAX;

    SOCKET l = socket(AF_IRDA, SOCK_STREAM, 0);
    if (l == INVALID_SOCKET) {
        printf("beam: socket(AF_IRDA): %s\n", err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1)) {
        printf("beam: bind/listen on \"%s\": %s\n", service, err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    printf("beam: waiting for a file on service \"%s\" (OBEX, packets up to %u bytes)\n", service, our_max);

    SOCKET s = accept(l, (struct sockaddr *)&peer, &plen);
    if (s == INVALID_SOCKET) {
        printf("beam: accept: %s\n", err_name(WSAGetLastError()));
        return EXIT_NET;
    }
    closesocket(l);            /* one session; the name is free again */
    printf("beam: connection from device %02x%02x%02x%02x\n", peer.irdaDeviceID[0],
           peer.irdaDeviceID[1], peer.irdaDeviceID[2], peer.irdaDeviceID[3]);

    memset(&in, 0, sizeof(in));
    in.tenth = -1;
    for (;;) {
        if ((e = pk_recv(s, &req, our_max)) != 0) {
            if (e == -1 && got_object)
                break;              /* closed without Disconnect: done anyway */
            printf("beam: %s\n", err_name(e));
            break;
        }
        int code = req.b[0], answer;
        switch (code) {
        case OBEX_CONNECT:
            if (req.len < 7) {
                answer = OBEX_BAD_REQUEST;
                break;
            }
            peer_max = (unsigned)req.b[5] << 8 | req.b[6];
            if (peer_max < OBEX_MIN_MAX)
                peer_max = OBEX_MIN_MAX;
            printf("beam: OBEX connect: version %u.%u, the sender takes packets up to %u bytes\n",
                   req.b[3] >> 4, req.b[3] & 15, peer_max);
            pk_start(&rsp, OBEX_SUCCESS);
            rsp.b[3] = OBEX_VERSION;
            rsp.b[4] = 0;
            rsp.b[5] = (unsigned char)(our_max >> 8);
            rsp.b[6] = (unsigned char)our_max;
            rsp.len = 7;
            connected = 1;
            if ((e = pk_send(s, &rsp)) != 0)
                goto net;
            continue;
        case OBEX_PUT:
        case OBEX_PUT_FINAL:
            answer = put_headers(&in, &req, out_name);
            if (answer == OBEX_FORBIDDEN) {
                /* cannot write it: the sender is told at once, the object dropped */
                if (in.f)
                    fclose(in.f);
                memset(&in, 0, sizeof(in));
                in.tenth = -1;
                got_object = 1;
                rc = EXIT_FILE;
                break;
            }
            if (code == OBEX_PUT_FINAL && answer == OBEX_CONTINUE) {
                got_object = 1;
                if (in.f && fclose(in.f))
                    in.write_error = 1;
                in.f = NULL;
                if (!in.path[0] && !in.write_error) {
                    /* an object with no body at all: still a file */
                    snprintf(in.path, sizeof(in.path), "%s", out_name ? out_name : *base_name(in.name) ? base_name(in.name) : "beamed.bin");
                    FILE *f = fopen(in.path, "wb");
                    if (!f || fclose(f))
                        in.write_error = 1;
                    printf("beam: receiving \"%s\" (0 bytes) into %s\n", in.name, in.path);
                }
                DWORD ms = GetTickCount() - in.t0;
                if (in.write_error) {
                    answer = OBEX_FORBIDDEN;
                } else if (in.size_known && in.size != in.done) {
                    printf("beam: %llu bytes announced, %llu received\n", in.size, in.done);
                    answer = OBEX_BAD_REQUEST;
                } else {
                    printf("beam: received %llu bytes in %lu ms, CRC-32 %08lX\n", in.done, (unsigned long)ms, in.crc);
                    answer = !in.sender_crc_known || in.sender_crc == in.crc ? OBEX_SUCCESS : OBEX_BAD_REQUEST;
                    if (in.sender_crc_known)
                        printf("beam: sender's CRC-32 %08lX: %s\n", in.sender_crc,
                               in.sender_crc == in.crc ? "match" : "MISMATCH");
                    else
                        printf("beam: the sender gave no CRC-32\n");
                }
                pk_start(&rsp, answer);
                char text[32];
                snprintf(text, sizeof(text), "CRC-32 %08lX", in.crc);
                pk_text(&rsp, HI_DESCRIPTION, text);
                if ((e = pk_send(s, &rsp)) != 0)
                    goto net;
                rc = in.write_error ? EXIT_FILE : answer == OBEX_SUCCESS ? EXIT_MATCH : EXIT_MISMATCH;
                memset(&in, 0, sizeof(in));
                in.tenth = -1;
                continue;
            }
            break;
        case OBEX_ABORT:
            if (in.f) {
                fclose(in.f);
                remove(in.path);
            }
            printf("beam: the sender aborted the object\n");
            memset(&in, 0, sizeof(in));
            in.tenth = -1;
            answer = OBEX_SUCCESS;
            break;
        case OBEX_DISCONNECT:
            pk_start(&rsp, OBEX_SUCCESS);
            pk_send(s, &rsp);
            printf("beam: OBEX disconnect\n");
            goto done;
        default:
            answer = OBEX_NOT_IMPLEMENTED;  /* Get, SetPath...: a push server only */
            break;
        }
        if (!connected && answer == OBEX_CONTINUE)
            printf("beam: a Put without Connect: served with %u-byte packets\n", peer_max);
        pk_start(&rsp, answer);
        if (answer != OBEX_CONTINUE && answer != OBEX_SUCCESS)
            printf("beam: answered %02X %s to %02X\n", answer, obex_name(answer), code);
        if ((e = pk_send(s, &rsp)) != 0)
            goto net;
    }
done:
    closesocket(s);
    if (in.f)
        fclose(in.f);
    if (!got_object)
        printf("beam: no file came\n");
    return got_object ? rc : EXIT_NET;
net:
    printf("beam: sending an answer: %s\n", err_name(e));
    closesocket(s);
    return EXIT_NET;
}

/* ---- send: an OBEX client ------------------------------------------------------ */

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
        printf("beam:   \"%.*s\" (device %02x%02x%02x%02x, hints %02x %02x%s)\n",
               (int)strnlen(d->irdaDeviceName, sizeof(d->irdaDeviceName)), d->irdaDeviceName,
               d->irdaDeviceID[0], d->irdaDeviceID[1], d->irdaDeviceID[2], d->irdaDeviceID[3],
               d->irdaDeviceHints1, d->irdaDeviceHints2,
               (d->irdaDeviceHints1 & LM_HB_Extension) && (d->irdaDeviceHints2 & 0x20) ? ": OBEX" : "");
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

/* Sends a request and reads the answer: 0 or an error (printed). */
static int exchange(SOCKET s, struct packet *req, struct packet *rsp, const char *what)
{
    int e = pk_send(s, req);
    if (!e)
        e = pk_recv(s, rsp, OBEX_OUR_MAX);
    if (e)
        printf("beam: %s: %s\n", what, err_name(e));
    return e;
}

static int do_send(const char *path, const char *service, const char *device, DWORD wait_s)
{
    static struct packet req, rsp;
    static unsigned char chunk[65536];
    unsigned char id[4];
    char nick[IRDA_MAX_DEVICE_NAME + 1], text[32];
    long lsap = 0;
    unsigned max;

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

    /* OBEX Connect: our version, no flags, the largest packet we take */
    pk_start(&req, OBEX_CONNECT);
    req.b[3] = OBEX_VERSION;
    req.b[4] = 0;
    req.b[5] = (unsigned char)(OBEX_OUR_MAX >> 8);
    req.b[6] = (unsigned char)OBEX_OUR_MAX;
    req.len = 7;
    if (exchange(s, &req, &rsp, "OBEX connect"))
        return EXIT_NET;
    if (rsp.b[0] != OBEX_SUCCESS || rsp.len < 7) {
        printf("beam: OBEX connect refused: %02X %s\n", rsp.b[0], obex_name(rsp.b[0]));
        return EXIT_NET;
    }
    max = (unsigned)rsp.b[5] << 8 | rsp.b[6];
    if (max < OBEX_MIN_MAX)
        max = OBEX_MIN_MAX;
    printf("beam: connected to \"%s\" (OBEX %u.%u, packets up to %u bytes); sending \"%s\", %llu bytes\n",
           nick, rsp.b[3] >> 4, rsp.b[3] & 15, max, path, size);

    /* Put: Name and Length first, then Body in packets of the negotiated
     * size, the last data as End of Body with our CRC-32 */
    unsigned long crc = 0;
    unsigned long long done = 0;
    int tenth = -1, first = 1;
    const size_t crc_hdr = text_header_size("CRC-32 00000000");
    DWORD t0 = GetTickCount();
    for (;;) {
        pk_start(&req, OBEX_PUT);
        if (first) {
            pk_text(&req, HI_NAME, base_name(path));
            if (size <= 0xFFFFFFFFull)
                pk_u32(&req, HI_LENGTH, (unsigned long)size);
        }
        size_t room = max - req.len - 3;            /* after the Body header */
        size_t n = size - done < room ? (size_t)(size - done) : room;
        if (n && fread(chunk, 1, n, f) != n) {
            printf("beam: reading %s failed at %llu bytes\n", path, done);
            return EXIT_FILE;
        }
        crc = crc_update(crc, chunk, n);
        int last = done + n == size && req.len + 3 + n + crc_hdr <= max;
        if (last) {
            req.b[0] = OBEX_PUT_FINAL;
            pk_bytes(&req, HI_END_OF_BODY, chunk, n);
            snprintf(text, sizeof(text), "CRC-32 %08lX", crc);
            pk_text(&req, HI_DESCRIPTION, text);
        } else {
            pk_bytes(&req, HI_BODY, chunk, n);
        }
        if (exchange(s, &req, &rsp, "OBEX put"))
            return EXIT_NET;
        done += n;
        first = 0;
        progress("sent", done, size, &tenth);
        if (last)
            break;
        if (rsp.b[0] != OBEX_CONTINUE) {
            printf("beam: the receiver answered %02X %s after %llu bytes\n", rsp.b[0], obex_name(rsp.b[0]), done);
            return rsp.b[0] == OBEX_FORBIDDEN || rsp.b[0] == OBEX_INTERNAL_ERROR ? EXIT_FILE : EXIT_NET;
        }
    }
    fclose(f);
    DWORD ms = GetTickCount() - t0;
    int answer = rsp.b[0];
    unsigned long theirs = 0;
    int have_theirs = 0;
    size_t off = 3;
    struct header h;
    while (pk_header(&rsp, &off, &h) == 1)
        if (h.hi == HI_DESCRIPTION)
            have_theirs = crc_of(&h, &theirs);
    printf("beam: sent %llu bytes in %lu ms (%.1f KiB/s), CRC-32 %08lX\n", size, (unsigned long)ms,
           ms ? size / 1024.0 / (ms / 1000.0) : 0.0, crc);
    if (answer != OBEX_SUCCESS)
        printf("beam: the receiver answered %02X %s\n", answer, obex_name(answer));
    if (have_theirs)
        printf("beam: receiver's CRC-32 %08lX: %s\n", theirs, theirs == crc ? "match" : "MISMATCH");
    else if (answer == OBEX_SUCCESS)
        printf("beam: the receiver reported Success without a CRC-32\n");

    /* Disconnect, then close */
    pk_start(&req, OBEX_DISCONNECT);
    if (!exchange(s, &req, &rsp, "OBEX disconnect") && rsp.b[0] != OBEX_SUCCESS)
        printf("beam: OBEX disconnect answered %02X %s\n", rsp.b[0], obex_name(rsp.b[0]));
    if (closesocket(s))
        printf("beam: closesocket: %s\n", err_name(WSAGetLastError()));
    if (answer == OBEX_FORBIDDEN || answer == OBEX_INTERNAL_ERROR)
        return EXIT_FILE;
    if (answer != OBEX_SUCCESS)
        return have_theirs && theirs != crc ? EXIT_MISMATCH : EXIT_NET;
    return have_theirs && theirs != crc ? EXIT_MISMATCH : EXIT_MATCH;
}

static int usage(void)
{
    printf("usage: beam receive [--service NAME] [--out FILE] [--max-packet N] [--timeout SEC]\n"
           "       beam send FILE [--service NAME] [--device NICKNAME] [--wait SEC] [--timeout SEC]\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    const char *service = DEFAULT_SERVICE, *out = NULL, *device = NULL, *file = NULL;
    DWORD wait_s = 30;
    unsigned max_packet = OBEX_OUR_MAX;
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
        else if (!strcmp(argv[i], "--max-packet") && v && !sending) max_packet = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--device") && v && sending) device = argv[++i];
        else if (!strcmp(argv[i], "--wait") && v) wait_s = (DWORD)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--timeout") && v) timeout_s = (DWORD)atoi(argv[++i]);
        else if (sending && !file && argv[i][0] != '-') file = argv[i];
        else return usage();
    }
    if (sending && !file)
        return usage();
    if (max_packet < OBEX_MIN_MAX || max_packet > OBEX_OUR_MAX) {
        printf("beam: --max-packet is %d to %d bytes\n", OBEX_MIN_MAX, OBEX_OUR_MAX);
        return EXIT_USAGE;
    }
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
    rc = sending ? do_send(file, service, device, wait_s) : do_receive(service, out, max_packet);
    WSACleanup();
    return rc;
}
