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
 * Build: x86_64-w64-mingw32-gcc *.c -o beam.exe $(pkg-config --cflags --libs ce-winsock)
 * (the parts: beam.h)
 */
#include "beam.h"

/* ---- small helpers ------------------------------------------------------- */
/* Progress: a line at every tenth, and at the end. */
void progress(const char *verb, unsigned long long done, unsigned long long total, int *last_tenth)
{
    int tenth = total ? (int)(done * 10 / total) : 10;
    if (tenth > *last_tenth) {
        *last_tenth = tenth;
        printf("beam: %s %llu/%llu bytes (%d%%)\n", verb, done, total, tenth * 10);
    }
}

SOCKADDR_IRDA irda_address(const unsigned char *id, const char *service)
{
    SOCKADDR_IRDA a;
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    if (id)
        memcpy(a.irdaDeviceID, id, 4);
    strncpy(a.irdaServiceName, service, sizeof(a.irdaServiceName) - 1);
    return a;
}

const char *base_name(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\' || *p == ':')
            base = p + 1;
    return base;
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
