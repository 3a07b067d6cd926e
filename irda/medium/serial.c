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

static DWORD WINAPI rx_main(void *arg)
{
    irmed_t *m = arg;
    uint8_t buf[4096];
    irmed__event(m, IRMED_EV_UP, 0);    /* before irmed_wait_ready returns */
    SetEvent(m->ready_event);
    while (WaitForSingleObject(m->stop_event, 0) != WAIT_OBJECT_0) {
        DWORD n = 0;
        if (!ReadFile(m->com, buf, sizeof(buf), &n, NULL)) {
            DWORD e = GetLastError();
            ClearCommError(m->com, NULL, NULL);
            if (WaitForSingleObject(m->stop_event, 50) == WAIT_OBJECT_0)
                break;
            (void)e;
            continue;
        }
        if (n)
            irmed__deliver(m, buf, n);
    }
    return 0;
}

DWORD serial_start(irmed_t *m)
{
    WCHAR path[32];
    DWORD e;
    _snwprintf(path, 32, L"\\\\.\\%ls", m->cfg.serial_port);
    path[31] = 0;
    m->com = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (m->com == INVALID_HANDLE_VALUE)
        return GetLastError();
    SetupComm(m->com, 8192, 8192);
    if ((e = program(m->com, m->cfg.baud)) != 0)
        return e;
    /* return as soon as bytes are there (at most 2 ms after the last one
     * while more keep coming), or after 100 ms with none */
    COMMTIMEOUTS t = { 2, 0, 100, 0, 0 };
    if (!SetCommTimeouts(m->com, &t))
        return GetLastError();
    PurgeComm(m->com, PURGE_RXCLEAR | PURGE_TXCLEAR);
    EnterCriticalSection(&m->lock);
    m->st.up = 1;
    LeaveCriticalSection(&m->lock);
    m->rx_thread = CreateThread(NULL, 0, rx_main, m, 0, NULL);
    return m->rx_thread ? 0 : GetLastError();
}

DWORD serial_write(irmed_t *m, const uint8_t *p, size_t len)
{
    if (!m->in_range)
        return 0;       /* "out of range": nothing leaves (counted as sent) */
    while (len) {
        DWORD n = 0;
        if (!WriteFile(m->com, p, (DWORD)len, &n, NULL))
            return GetLastError();
        if (!n)
            return ERROR_WRITE_FAULT;
        p += n;
        len -= n;
    }
    return 0;
}

DWORD serial_apply_baud(irmed_t *m, uint32_t baud)
{
    FlushFileBuffers(m->com);       /* the old rate until the queue is out */
    return program(m->com, baud);
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
