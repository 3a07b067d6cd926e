/*
 * serial.c - the serial backend: a COM port in raw mode (8N1, no flow
 * control, DTR and RTS on to power a SIR dongle), 9600 bit/s until IrLAP
 * negotiates another rate.  Under Wine, COMn is WINEPREFIX/dosdevices/comN,
 * a symlink to a tty (a real port, a USB dongle, or a pty from socat).
 *
 * The handle is opened for synchronous I/O: a receive thread reads with
 * timeouts that return as soon as bytes arrive (or after 100 ms with none,
 * to notice irmed_close), and the transmit thread writes.  Wine lets the
 * two run concurrently on one handle; measured here under Wine 8, an
 * overlapped read on a pty ignored the read timeouts and completed only
 * when the pty closed, so overlapped I/O is not used.
 *
 * Unplugging.  A port whose device went away (a USB adapter pulled, the
 * other end of a pty closed) keeps its handle, but every call on it fails
 * (ERROR_NOT_READY under Wine) and a read returns nothing.  When a read
 * brings nothing, GetCommState tells an idle port from a dead one; a dead
 * one is reported IRMED_EV_DOWN, closed, and opened again every
 * REOPEN_MS until the device is back (IRMED_EV_UP).  Meanwhile what the
 * station sends is dropped, as on an air with nobody in range.
 */
#include "medium_private.h"

#include <stdio.h>
#include <wchar.h>

static DWORD program(HANDLE h, uint32_t baud)
{
    DCB d;
    memset(&d, 0, sizeof(d));
    d.DCBlength = sizeof(d);
    if (!GetCommState(h, &d))
        return GetLastError();
    d.BaudRate = baud;
    d.ByteSize = 8;
    d.Parity = NOPARITY;
    d.StopBits = ONESTOPBIT;
    d.fBinary = TRUE;
    d.fParity = FALSE;
    d.fOutxCtsFlow = FALSE;
    d.fOutxDsrFlow = FALSE;
    d.fDtrControl = DTR_CONTROL_ENABLE;
    d.fRtsControl = RTS_CONTROL_ENABLE;
    d.fDsrSensitivity = FALSE;
    d.fOutX = FALSE;
    d.fInX = FALSE;
    d.fErrorChar = FALSE;
    d.fNull = FALSE;
    d.fAbortOnError = FALSE;
    return SetCommState(h, &d) ? 0 : GetLastError();
}

#define REOPEN_MS 500

/* Opens and programs the port at baud: a handle, or NULL with *err. */
static HANDLE open_port(irmed_t *m, uint32_t baud, DWORD *err)
{
    WCHAR path[32];
    HANDLE h;
    _snwprintf(path, 32, L"\\\\.\\%ls", m->cfg.serial_port);
    path[31] = 0;
    h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        *err = GetLastError();
        return NULL;
    }
    SetupComm(h, 8192, 8192);
    /* return as soon as bytes are there (at most 2 ms after the last one
     * while more keep coming), or after 100 ms with none */
    COMMTIMEOUTS t = { 2, 0, 100, 0, 0 };
    if ((*err = program(h, baud)) != 0 || (!SetCommTimeouts(h, &t) && (*err = GetLastError()) != 0)) {
        CloseHandle(h);
        return NULL;
    }
    PurgeComm(h, PURGE_RXCLEAR | PURGE_TXCLEAR);
    return h;
}

/* The device is gone: say so, let the handle go, and open the port again
 * until it is back.  Returns 0 when stopping. */
static int replug(irmed_t *m)
{
    HANDLE h;
    DWORD e = 0;
    EnterCriticalSection(&m->send_lock);            /* the writer's handle */
    CloseHandle(m->com);
    m->com = INVALID_HANDLE_VALUE;
    LeaveCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    m->st.up = 0;
    LeaveCriticalSection(&m->lock);
    ResetEvent(m->ready_event);
    irmed__event(m, IRMED_EV_DOWN, ERROR_NOT_READY);
    for (;;) {
        if (WaitForSingleObject(m->stop_event, REOPEN_MS) == WAIT_OBJECT_0)
            return 0;
        EnterCriticalSection(&m->lock);
        uint32_t baud = m->baud;
        LeaveCriticalSection(&m->lock);
        if ((h = open_port(m, baud, &e)) != NULL)
            break;
    }
    EnterCriticalSection(&m->send_lock);
    m->com = h;
    LeaveCriticalSection(&m->send_lock);
    EnterCriticalSection(&m->lock);
    m->st.up = 1;
    m->st.connects++;
    LeaveCriticalSection(&m->lock);
    irmed__event(m, IRMED_EV_UP, 0);
    SetEvent(m->ready_event);
    return 1;
}

/* Nothing came: an idle port answers GetCommState, a dead one does not. */
static int port_gone(HANDLE h)
{
    DCB d;
    memset(&d, 0, sizeof(d));
    d.DCBlength = sizeof(d);
    return !GetCommState(h, &d);
}

static DWORD WINAPI rx_main(void *arg)
{
    irmed_t *m = arg;
    uint8_t buf[4096];
    irmed__event(m, IRMED_EV_UP, 0);    /* before irmed_wait_ready returns */
    SetEvent(m->ready_event);
    while (WaitForSingleObject(m->stop_event, 0) != WAIT_OBJECT_0) {
        DWORD n = 0;
        BOOL ok = ReadFile(m->com, buf, sizeof(buf), &n, NULL);
        if (ok && n) {
            irmed__deliver(m, buf, n);
            continue;
        }
        if (port_gone(m->com)) {
            if (!replug(m))
                break;
            continue;
        }
        if (!ok) {
            ClearCommError(m->com, NULL, NULL);
            if (WaitForSingleObject(m->stop_event, 50) == WAIT_OBJECT_0)
                break;
        }
    }
    return 0;
}

DWORD serial_start(irmed_t *m)
{
    DWORD e = 0;
    HANDLE h = open_port(m, m->cfg.baud, &e);
    if (!h)
        return e;
    m->com = h;
    EnterCriticalSection(&m->lock);
    m->st.up = 1;
    m->st.connects = 1;
    LeaveCriticalSection(&m->lock);
    m->rx_thread = CreateThread(NULL, 0, rx_main, m, 0, NULL);
    return m->rx_thread ? 0 : GetLastError();
}

DWORD serial_write(irmed_t *m, const uint8_t *p, size_t len)
{
    DWORD e = 0;
    if (!m->in_range)
        return 0;       /* "out of range": nothing leaves (counted as sent) */
    EnterCriticalSection(&m->send_lock);
    if (m->com == INVALID_HANDLE_VALUE)
        e = ERROR_NOT_READY;                        /* unplugged: dropped */
    while (!e && len) {
        DWORD n = 0;
        if (!WriteFile(m->com, p, (DWORD)len, &n, NULL))
            e = GetLastError();
        else if (!n)
            e = ERROR_WRITE_FAULT;
        p += n;
        len -= n;
    }
    LeaveCriticalSection(&m->send_lock);
    return e;
}

DWORD serial_apply_baud(irmed_t *m, uint32_t baud)
{
    DWORD e = 0;
    EnterCriticalSection(&m->send_lock);
    if (m->com != INVALID_HANDLE_VALUE) {       /* else the reopen uses m->baud */
        FlushFileBuffers(m->com);               /* the old rate until the queue is out */
        e = program(m->com, baud);
    }
    LeaveCriticalSection(&m->send_lock);
    return e;
}

void serial_stop(irmed_t *m)
{
    (void)m;    /* the receive thread polls stop_event every 100 ms */
}

void serial_close(irmed_t *m)
{
    if (m->com != INVALID_HANDLE_VALUE) {
        CloseHandle(m->com);
        m->com = INVALID_HANDLE_VALUE;
    }
}
