/*
 * receive.c - beam receive: an OBEX server for one session (beam sample: beam.h, beam.c).
 */
#include "beam.h"

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

int do_receive(const char *service, const char *out_name, unsigned our_max)
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
