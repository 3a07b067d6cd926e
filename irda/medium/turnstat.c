/*
 * turnstat.c - IrLAP turn times as the medium sees them, for the bench
 * (make bench item 7, "IrLAP turn").  A diagnostic, off unless
 * CEWS2_IRDA_TURN_STATS names a file (environment only).
 *
 * A turn, seen from the primary: from the moment a command frame with the
 * P bit goes on the air (the piece is handed to the air, after line-rate
 * pacing) to the moment the first response frame with the F bit is heard.
 * That is the latency the air adds to every IrLAP window: the frame's way
 * to the peer, the peer's answer and the way back.  The medium knows no
 * frames, so it peeks at the SIR bytes: after a BOF (0xC0) the first two
 * unescaped bytes are the address (bit 0: C/R, 1 for a command) and the
 * control byte (0x10: P/F).  XID frames (discovery slots, timed by the
 * protocol, not by the air) are left out.
 *
 * At irmed_close the samples (microseconds, one a line after a header
 * "turns N") are written to the file; a station without turns (a
 * secondary) writes "turns 0".
 */
#include "medium_private.h"

#include <stdio.h>
#include <stdlib.h>

#define SIR_BOF 0xC0
#define SIR_EOF 0xC1
#define SIR_CE  0x7D
#define TURN_MAX_SAMPLES (1u << 20)

enum { PEEK_IDLE, PEEK_ADDR, PEEK_CTRL };

/* Feeds bytes to the peeker; for every frame start calls back with the
 * address and control bytes. */
static void peek(struct turn_peek *pk, const uint8_t *p, size_t len,
                 void (*frame)(irmed_t *, uint8_t, uint8_t), irmed_t *m)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = p[i];
        if (b == SIR_BOF) {
            pk->state = PEEK_ADDR;
            pk->escaped = 0;
            continue;
        }
        if (b == SIR_EOF) {
            pk->state = PEEK_IDLE;
            continue;
        }
        if (pk->state == PEEK_IDLE)
            continue;
        if (b == SIR_CE) {
            pk->escaped = 1;
            continue;
        }
        if (pk->escaped) {
            b ^= 0x20;
            pk->escaped = 0;
        }
        if (pk->state == PEEK_ADDR) {
            pk->addr = b;
            pk->state = PEEK_CTRL;
        } else {
            pk->state = PEEK_IDLE;      /* the rest of the frame does not matter */
            frame(m, pk->addr, b);
        }
    }
}

static int is_xid(uint8_t ctrl)
{
    return (ctrl & ~0x10) == 0x2F;
}

static void frame_out(irmed_t *m, uint8_t addr, uint8_t ctrl)
{
    if ((addr & 1) && (ctrl & 0x10) && !is_xid(ctrl)) {
        m->turn.poll_ms = irmed__now_ms();
        m->turn.polling = 1;
    }
}

static void frame_in(irmed_t *m, uint8_t addr, uint8_t ctrl)
{
    if (!(addr & 1) && (ctrl & 0x10) && !is_xid(ctrl) && m->turn.polling) {
        double us = (irmed__now_ms() - m->turn.poll_ms) * 1000.0;
        m->turn.polling = 0;
        if (m->turn.n == m->turn.cap && m->turn.cap < TURN_MAX_SAMPLES) {
            size_t cap = m->turn.cap ? m->turn.cap * 2 : 4096;
            float *n = realloc(m->turn.us, cap * sizeof(*n));
            if (n) {
                m->turn.us = n;
                m->turn.cap = cap;
            }
        }
        if (m->turn.n < m->turn.cap)
            m->turn.us[m->turn.n++] = (float)us;
    }
}

void irmed__turn_init(irmed_t *m)
{
    WCHAR path[MAX_PATH];
    DWORD n = GetEnvironmentVariableW(L"CEWS2_IRDA_TURN_STATS", path, MAX_PATH);
    InitializeCriticalSection(&m->turn.lock);
    m->turn.on = n > 0 && n < MAX_PATH;
    if (m->turn.on)
        memcpy(m->turn.path, path, sizeof(path));
}

void irmed__turn_out(irmed_t *m, const uint8_t *p, size_t len)
{
    if (!m->turn.on)
        return;
    EnterCriticalSection(&m->turn.lock);
    peek(&m->turn.out, p, len, frame_out, m);
    LeaveCriticalSection(&m->turn.lock);
}

void irmed__turn_in(irmed_t *m, const uint8_t *p, size_t len)
{
    if (!m->turn.on)
        return;
    EnterCriticalSection(&m->turn.lock);
    peek(&m->turn.in, p, len, frame_in, m);
    LeaveCriticalSection(&m->turn.lock);
}

void irmed__turn_close(irmed_t *m)
{
    if (m->turn.on) {
        FILE *f = _wfopen(m->turn.path, L"w");
        if (f) {
            fprintf(f, "turns %lu\n", (unsigned long)m->turn.n);
            for (size_t i = 0; i < m->turn.n; i++)
                fprintf(f, "%.1f\n", m->turn.us[i]);
            fclose(f);
        }
    }
    free(m->turn.us);
    DeleteCriticalSection(&m->turn.lock);
}
