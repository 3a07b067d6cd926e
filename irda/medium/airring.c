/*
 * airring.c - the air's shared-memory path: the ring's names, its creation
 * by the hub, and the stations' writes and reads.  See airring.h.
 */
#include "airring.h"
#include "airkey.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define ALIGN4(n) (((n) + 3u) & ~(size_t)3u)

void air_ring_name(const uint8_t key[32], unsigned short port, WCHAR *out, size_t n)
{
    static const char label[] = "irair ring";
    uint8_t mac[32];
    WCHAR hex[25];
    air_hmac_sha256(key, 32, (const uint8_t *)label, sizeof(label) - 1, mac);
    for (int i = 0; i < 12; i++)
        _snwprintf(hex + 2 * i, 3, L"%02x", mac[i]);
    hex[24] = 0;
    _snwprintf(out, n, L"Local\\cews2-air-%u-%ls", (unsigned)port, hex);
    out[n - 1] = 0;
    SecureZeroMemory(mac, sizeof(mac));
}

static DWORD open_events(struct air_ring *r, const WCHAR *name, int create)
{
    WCHAR ev[128];
    for (int i = 0; i < AIR_RING_SLOTS; i++) {
        _snwprintf(ev, 128, L"%ls-ev%d", name, i);
        ev[127] = 0;
        r->ev[i] = create ? CreateEventW(NULL, FALSE, FALSE, ev)
                          : OpenEventW(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, ev);
        if (!r->ev[i])
            return GetLastError();
    }
    return 0;
}

DWORD air_ring_create(struct air_ring *r, const uint8_t key[32], unsigned short port,
                      const struct air_loss *loss)
{
    WCHAR name[96];
    DWORD e;
    memset(r, 0, sizeof(*r));
    air_ring_name(key, port, name, 96);
    r->map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                sizeof(struct air_ring_shared), name);
    if (!r->map)
        return GetLastError();
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        air_ring_close(r);          /* a fresh key makes a fresh name: never reuse */
        return ERROR_ALREADY_EXISTS;
    }
    r->sh = MapViewOfFile(r->map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!r->sh || (e = open_events(r, name, 1)) != 0) {
        e = GetLastError();
        air_ring_close(r);
        return e ? e : ERROR_GEN_FAILURE;
    }
    r->sh->slots = AIR_RING_SLOTS;
    r->sh->bytes = AIR_RING_BYTES;
    r->sh->loss_threshold = (LONG)loss->threshold;
    r->sh->loss_bytes = loss->bytes;
    r->sh->loss_seed = (LONG)loss->state;
    MemoryBarrier();
    r->sh->magic = AIR_RING_MAGIC;
    return 0;
}

DWORD air_ring_open(struct air_ring *r, unsigned short port)
{
    uint8_t key[AIR_KEY_LEN];
    WCHAR name[96];
    DWORD e;
    memset(r, 0, sizeof(*r));
    if ((e = air_key_read(port, key)) != 0)
        return e;
    air_ring_name(key, port, name, 96);
    SecureZeroMemory(key, sizeof(key));
    r->map = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    if (!r->map)
        return GetLastError();
    r->sh = MapViewOfFile(r->map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!r->sh || r->sh->magic != AIR_RING_MAGIC || (e = open_events(r, name, 0)) != 0) {
        e = r->sh ? ERROR_INVALID_DATA : GetLastError();
        air_ring_close(r);
        return e;
    }
    return 0;
}

void air_ring_close(struct air_ring *r)
{
    for (int i = 0; i < AIR_RING_SLOTS; i++)
        if (r->ev[i])
            CloseHandle(r->ev[i]);
    if (r->sh)
        UnmapViewOfFile(r->sh);
    if (r->map)
        CloseHandle(r->map);
    memset(r, 0, sizeof(*r));
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

DWORD air_ring_write(struct air_ring *r, int me, uint32_t owner, const uint8_t *const *p,
                     const size_t *len, size_t n)
{
    struct air_ring_slot *s = &r->sh->slot[me];
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += 4 + ALIGN4(len[i]) + 4;        /* a wrap marker may come before each */
    if (total > AIR_RING_MAX_WRITE)
        return ERROR_INSUFFICIENT_BUFFER;
    if (!s->in_range || !s->active || (uint32_t)s->owner != owner)
        return 0;                               /* out of range, or not ours any more */
    int64_t head = s->head;
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t off = (size_t)(head % AIR_RING_BYTES), need = 4 + ALIGN4(len[i]);
        if (off + need > AIR_RING_BYTES) {
            put32(s->data + off, AIR_RING_WRAP);
            head += AIR_RING_BYTES - off;
            off = 0;
        }
        put32(s->data + off, (uint32_t)len[i]);
        memcpy(s->data + off + 4, p[i], len[i]);
        head += (int64_t)need;
        bytes += len[i];
    }
    InterlockedExchange64(&s->head, head);      /* the bytes before the head; a full barrier */
    s->sent += (LONG64)bytes;
    for (int i = 0; i < AIR_RING_SLOTS; i++) {
        struct air_ring_slot *l = &r->sh->slot[i];
        /* a listener still looking sees the head itself: no wake-up needed */
        if (i != me && l->active && l->in_range && l->waiting)
            SetEvent(r->ev[i]);
    }
    return 0;
}

static int news(struct air_ring *r, int me, const int64_t cursor[AIR_RING_SLOTS])
{
    for (int i = 0; i < AIR_RING_SLOTS; i++)
        if (i != me && r->sh->slot[i].head != cursor[i])
            return 1;
    return 0;
}

static double now_us(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;
    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1e6 / (double)freq.QuadPart;
}

DWORD air_ring_wait(struct air_ring *r, int me, const int64_t cursor[AIR_RING_SLOTS], HANDLE stop,
                    DWORD ms, unsigned spin_us)
{
    struct air_ring_slot *mine = &r->sh->slot[me];
    HANDLE h[2] = { stop, r->ev[me] };
    double end = now_us() + spin_us;
    while (spin_us && now_us() < end) {
        if (news(r, me, cursor))
            return WAIT_OBJECT_0 + 1;
        SwitchToThread();
    }
    InterlockedExchange(&mine->waiting, 1);     /* a full barrier before the last look */
    DWORD w = news(r, me, cursor) ? WAIT_OBJECT_0 + 1 : WaitForMultipleObjects(2, h, FALSE, ms);
    InterlockedExchange(&mine->waiting, 0);
    return w;
}

void air_ring_cursors(struct air_ring *r, int64_t cursor[AIR_RING_SLOTS])
{
    for (int i = 0; i < AIR_RING_SLOTS; i++)
        cursor[i] = InterlockedCompareExchange64(&r->sh->slot[i].head, 0, 0);
}

/* A reader at c may read while the writer, at most AIR_RING_MAX_WRITE past
 * the head it published, has not come round to c. */
static int overrun(int64_t head, int64_t c)
{
    return head + (int64_t)AIR_RING_MAX_WRITE - c > (int64_t)AIR_RING_BYTES;
}

uint64_t air_ring_read(struct air_ring *r, int me, int64_t cursor[AIR_RING_SLOTS], uint8_t *buf,
                       void (*deliver)(void *ctx, uint8_t *p, size_t len), void *ctx)
{
    uint64_t lost = 0;
    for (int w = 0; w < AIR_RING_SLOTS; w++) {
        struct air_ring_slot *s = &r->sh->slot[w];
        int64_t head = InterlockedCompareExchange64(&s->head, 0, 0), c = cursor[w];
        if (w == me || c == head) {
            cursor[w] = head;
            continue;
        }
        if (overrun(head, c)) {
            lost += (uint64_t)(head - c);
            c = head;
        }
        while (c < head) {
            size_t off = (size_t)(c % AIR_RING_BYTES);
            uint32_t len = get32(s->data + off);
            if (len == AIR_RING_WRAP) {
                c += AIR_RING_BYTES - off;
                continue;
            }
            if (len > AIR_MAX_PAYLOAD || off + 4 + len > AIR_RING_BYTES) {
                lost += (uint64_t)(head - c);   /* torn: the writer came round */
                c = head;
                break;
            }
            memcpy(buf, s->data + off + 4, len);
            MemoryBarrier();
            if (overrun(InterlockedCompareExchange64(&s->head, 0, 0), c)) {
                lost += len;
                c = InterlockedCompareExchange64(&s->head, 0, 0);
                break;
            }
            c += 4 + (int64_t)ALIGN4(len);
            if (r->sh->slot[me].in_range && len)
                deliver(ctx, buf, len);
        }
        cursor[w] = c;
    }
    return lost;
}
