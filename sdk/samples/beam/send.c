/*
 * send.c - beam send: discovery, IAS, then an OBEX client (beam sample: beam.h, beam.c).
 */
#include "beam.h"

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

int do_send(const char *path, const char *service, const char *device, DWORD wait_s)
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
