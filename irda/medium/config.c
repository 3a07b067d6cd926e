/*
 * config.c - the medium's configuration (registry Comm\\IrDA..., then the
 * environment), station identity (device address, nickname) and the
 * loading of ws2.dll's entry points.  See medium.h.
 */
#include "medium_private.h"
#include "../../ws2/regroot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint32_t irmed__entropy32(void)
{
    static volatile LONG counter;
    LARGE_INTEGER qpc;
    FILETIME ft;
    QueryPerformanceCounter(&qpc);
    GetSystemTimeAsFileTime(&ft);
    uint64_t s = (uint64_t)qpc.QuadPart ^ ((uint64_t)GetCurrentProcessId() << 32) ^
                 ((uint64_t)ft.dwHighDateTime << 20) ^ ft.dwLowDateTime ^
                 ((uint64_t)InterlockedIncrement(&counter) << 48) ^ (uint64_t)(uintptr_t)&s;
    splitmix(&s);
    return (uint32_t)splitmix(&s);
}

static int env_w(const WCHAR *name, WCHAR *buf, DWORD n)
{
    DWORD r = GetEnvironmentVariableW(name, buf, n);
    return r > 0 && r < n;
}

static int env_u32(const WCHAR *name, uint32_t *out)
{
    WCHAR b[64], *end;
    if (!env_w(name, b, 64))
        return 0;
    unsigned long v = wcstoul(b, &end, 0);
    if (end == b)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* Settings come from regroot_get_setting: the per-user value if there is
 * one, else the machine's (subkey is IRMED_KEY or IRMED_AIR_KEY). */
static int reg_u32(const WCHAR *subkey, const WCHAR *name, uint32_t *out)
{
    DWORD v, size = sizeof(v);
    if (regroot_get_setting(subkey, name, RRF_RT_REG_DWORD, NULL, &v, &size) != ERROR_SUCCESS)
        return 0;
    *out = v;
    return 1;
}

/* REG_SZ (or REG_EXPAND_SZ, unexpanded) into buf (NUL-terminated). */
static int reg_w(const WCHAR *subkey, const WCHAR *name, WCHAR *buf, DWORD n)
{
    DWORD size = n * sizeof(WCHAR);
    if (regroot_get_setting(subkey, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL,
                            buf, &size) != ERROR_SUCCESS) {
        buf[0] = 0;     /* a failed read may have left anything there */
        return 0;
    }
    buf[n - 1] = 0;
    return 1;
}

/* "COMn" (case-insensitive, n 1..4096) -> canonical L"COMn"; else 0. */
static int parse_com(const WCHAR *s, WCHAR *out, size_t n)
{
    while (*s == L' ') s++;
    if (!wcsncmp(s, L"\\\\.\\", 4))
        s += 4;
    if (_wcsnicmp(s, L"COM", 3) != 0)
        return 0;
    WCHAR *end;
    unsigned long num = wcstoul(s + 3, &end, 10);
    if (end == s + 3 || num < 1 || num > 4096 || (*end && *end != L':'))
        return 0;
    _snwprintf(out, n, L"COM%lu", num);
    out[n - 1] = 0;
    return 1;
}

/* A value that names neither the air nor a COM port is a serial medium
 * with no port: opening it fails, so the mistake shows (an AF_IRDA socket
 * cannot be made: WSAENETDOWN) instead of the station quietly going on
 * the air. */
static void apply_medium(struct irmed_config *cfg, const WCHAR *v)
{
    if (parse_com(v, cfg->serial_port, sizeof(cfg->serial_port) / sizeof(WCHAR))) {
        cfg->kind = IRMED_SERIAL;
    } else if (!_wcsicmp(v, L"air") || !*v) {
        cfg->kind = IRMED_AIR;
    } else {
        cfg->kind = IRMED_SERIAL;
        cfg->serial_port[0] = 0;
    }
}

static void apply_rate(struct irmed_config *cfg, const WCHAR *v)
{
    WCHAR *end;
    if (!_wcsicmp(v, L"link")) {
        cfg->rate = IRMED_RATE_LINK;
        return;
    }
    unsigned long r = wcstoul(v, &end, 0);
    if (end != v)
        cfg->rate = (uint32_t)r;
}

static void apply_loss(struct irmed_config *cfg, const WCHAR *v)
{
    WCHAR *end;
    double d = wcstod(v, &end);
    if (end != v && d >= 0 && d <= 1)
        cfg->loss = d;
}

/* ---- configuration and identity ------------------------------------------- */

void irmed_config_default(struct irmed_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->kind = IRMED_AIR;
    cfg->baud = 9600;
    cfg->air_port = AIR_DEFAULT_PORT;
    cfg->air_ring = 1;
    cfg->start_hub = 1;
    cfg->hub_idle_s = 10;
    cfg->wsa_startup = 1;
    cfg->tx_queue_max = 1u << 20;
}

static int configured_address(uint32_t *addr)
{
    uint32_t v;
    int found = 0;
    if (reg_u32(IRMED_KEY, L"DeviceAddress", &v) && v) { *addr = v; found = 1; }
    if (env_u32(L"CEWS2_IRDA_DEVICE_ADDRESS", &v) && v) { *addr = v; found = 1; }
    return found;
}

uint32_t irmed_device_address(void)
{
    static volatile LONG random_addr;
    uint32_t a;
    if (configured_address(&a))
        return a;
    if (!random_addr) {
        do a = irmed__entropy32(); while (a == 0 || a == 0xFFFFFFFFu);
        InterlockedCompareExchange(&random_addr, (LONG)a, 0);
    }
    return (uint32_t)random_addr;
}

void irmed_nickname(char *buf, size_t len)
{
    WCHAR w[IRMED_NICK_MAX];
    int have = 0;
    if (reg_w(IRMED_KEY, L"Nickname", w, IRMED_NICK_MAX) && w[0]) have = 1;
    if (env_w(L"CEWS2_IRDA_NICKNAME", w, IRMED_NICK_MAX) && w[0]) have = 1;
    if (!len)
        return;
    if (have && WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)len, NULL, NULL) > 0) {
        buf[len - 1] = 0;
        return;
    }
    snprintf(buf, len, "ce-winsock-%lu", (unsigned long)GetCurrentProcessId());
}

void irmed_config_load(struct irmed_config *cfg)
{
    WCHAR w[MAX_PATH];
    uint32_t v;
    irmed_config_default(cfg);

    if (reg_w(IRMED_KEY, L"Medium", w, MAX_PATH)) apply_medium(cfg, w);
    if (reg_u32(IRMED_KEY, L"Baud", &v) && v) cfg->baud = v;
    if (env_w(L"CEWS2_IRDA_MEDIUM", w, MAX_PATH)) apply_medium(cfg, w);
    if (env_u32(L"CEWS2_IRDA_BAUD", &v) && v) cfg->baud = v;
    configured_address(&cfg->device_address);

    if (reg_u32(IRMED_AIR_KEY, L"Port", &v) && v && v < 65536) cfg->air_port = (unsigned short)v;
    if (reg_u32(IRMED_AIR_KEY, L"Rate", &v)) cfg->rate = v;
    else if (reg_w(IRMED_AIR_KEY, L"Rate", w, MAX_PATH)) apply_rate(cfg, w);
    if (reg_u32(IRMED_AIR_KEY, L"Loss", &v)) cfg->loss = v >= 1000000 ? 1.0 : v / 1e6;
    else if (reg_w(IRMED_AIR_KEY, L"Loss", w, MAX_PATH)) apply_loss(cfg, w);
    if (reg_w(IRMED_AIR_KEY, L"LossMode", w, MAX_PATH)) cfg->loss_bytes = !_wcsicmp(w, L"byte");
    if (reg_u32(IRMED_AIR_KEY, L"Seed", &v)) cfg->seed = v;
    if (reg_u32(IRMED_AIR_KEY, L"OutOfRange", &v)) cfg->out_of_range = v != 0;
    if (reg_u32(IRMED_AIR_KEY, L"StartHub", &v)) cfg->start_hub = v != 0;
    reg_w(IRMED_AIR_KEY, L"Hub", cfg->hub_path, MAX_PATH);
    if (reg_u32(IRMED_AIR_KEY, L"HubIdle", &v)) cfg->hub_idle_s = v;
    reg_w(IRMED_AIR_KEY, L"HubArgs", cfg->hub_args, sizeof(cfg->hub_args) / sizeof(WCHAR));
    if (reg_w(IRMED_AIR_KEY, L"Path", w, MAX_PATH)) cfg->air_ring = !_wcsicmp(w, L"ring");

    if (env_u32(L"CEWS2_IRDA_AIR_PORT", &v) && v && v < 65536) cfg->air_port = (unsigned short)v;
    if (env_w(L"CEWS2_IRDA_AIR_RATE", w, MAX_PATH)) apply_rate(cfg, w);
    if (env_w(L"CEWS2_IRDA_AIR_LOSS", w, MAX_PATH)) apply_loss(cfg, w);
    if (env_w(L"CEWS2_IRDA_AIR_LOSS_MODE", w, MAX_PATH)) cfg->loss_bytes = !_wcsicmp(w, L"byte");
    if (env_u32(L"CEWS2_IRDA_AIR_SEED", &v)) cfg->seed = v;
    if (env_u32(L"CEWS2_IRDA_AIR_OUT_OF_RANGE", &v)) cfg->out_of_range = v != 0;
    if (env_u32(L"CEWS2_IRDA_AIR_START_HUB", &v)) cfg->start_hub = v != 0;
    env_w(L"CEWS2_IRDA_AIR_HUB", cfg->hub_path, MAX_PATH);
    if (env_u32(L"CEWS2_IRDA_AIR_HUB_IDLE", &v)) cfg->hub_idle_s = v;
    env_w(L"CEWS2_IRDA_AIR_HUB_ARGS", cfg->hub_args, sizeof(cfg->hub_args) / sizeof(WCHAR));
    if (env_w(L"CEWS2_IRDA_AIR_PATH", w, MAX_PATH)) cfg->air_ring = !_wcsicmp(w, L"ring");
}

DWORD irmed_wsock_load(struct irmed_wsock *w)
{
    HMODULE h = GetModuleHandleW(L"ws2.dll");
    if (!h)
        h = LoadLibraryW(L"ws2.dll");
    if (!h)
        return ERROR_MOD_NOT_FOUND;
#define GET(name) do { \
        FARPROC f = GetProcAddress(h, #name); \
        if (!f) return ERROR_PROC_NOT_FOUND; \
        memcpy(&w->p_##name, &f, sizeof(f)); \
    } while (0)
    GET(WSAStartup);
    GET(WSACleanup);
    GET(WSAGetLastError);
    GET(socket);
    GET(connect);
    GET(send);
    GET(recv);
    GET(closesocket);
    GET(setsockopt);
    GET(shutdown);
#undef GET
    return 0;
}

