/*
 * irda_station.c - the second station and the capture reader of the IrDA
 * mode suites (irda_station.h).
 */
#include "irda_station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One event per parent: the child opens the one its parent made. */
static void ready_event_name(char *name, size_t size, DWORD ppid)
{
    snprintf(name, size, "cews2-irda-station-ready-%lu", (unsigned long)ppid);
}

HANDLE irda_station_start(const char *mode)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 64];
    char evname[64];
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    ready_event_name(evname, sizeof(evname), GetCurrentProcessId());
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, evname);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" %hs %lu", exe, mode,
               (unsigned long)GetCurrentProcessId());
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        CloseHandle(ev);
        return NULL;
    }
    CloseHandle(pi.hThread);
    /* ready, or ended before it was: whichever comes first */
    HANDLE both[2] = { ev, pi.hProcess };
    DWORD w = WaitForMultipleObjects(2, both, FALSE, 60000);
    CloseHandle(ev);
    if (w != WAIT_OBJECT_0) {
        TerminateProcess(pi.hProcess, 9);
        CloseHandle(pi.hProcess);
        return NULL;
    }
    return pi.hProcess;
}

void irda_station_ready(DWORD ppid)
{
    char evname[64];
    ready_event_name(evname, sizeof(evname), ppid);
    HANDLE ev = OpenEventA(EVENT_MODIFY_STATE, FALSE, evname);
    if (ev) { SetEvent(ev); CloseHandle(ev); }
}

DWORD irda_station_end(HANDLE child, DWORD ms)
{
    DWORD code = 99;
    WaitForSingleObject(child, ms);
    GetExitCodeProcess(child, &code);
    CloseHandle(child);
    return code;
}

void irda_station_capture_path(char *path, size_t size, const char *env_var, const char *name)
{
    const char *given = getenv(env_var);
    if (given && *given) {
        snprintf(path, size, "%s", given);
        return;
    }
    DWORD n = GetTempPathA((DWORD)size, path);
    if (n == 0 || n >= size)
        path[0] = 0;
    snprintf(path + strlen(path), size - strlen(path), "cews-%s-%lu.pcap", name,
             (unsigned long)GetCurrentProcessId());
}

/* pcap: a 24-byte file header, then records of a 16-byte record header
 * (incl_len at offset 8) and incl_len bytes: the 16-byte LINKTYPE_LINUX_IRDA
 * header (packet type in its first two bytes, big endian), then the frame. */
int irda_station_capture_count(const char *path, irda_station_frame_fn match, const void *arg)
{
    HANDLE f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return -1;
    LARGE_INTEGER size;
    unsigned char *cap = NULL;
    DWORD got = 0;
    if (GetFileSizeEx(f, &size) && size.QuadPart < (1 << 30) &&
        (cap = malloc((size_t)size.QuadPart + 1)) != NULL)
        ReadFile(f, cap, (DWORD)size.QuadPart, &got, NULL);
    CloseHandle(f);
    if (!cap) return -1;
    int found = 0;
    for (size_t o = 24; o + 32 <= got;) {
        unsigned incl;
        memcpy(&incl, cap + o + 8, 4);
        const unsigned char *ph = cap + o + 16;
        if (o + 16 + incl > got || incl < 16) break;
        if (match(((unsigned)ph[0] << 8) | ph[1], ph + 16, incl - 16, arg))
            found++;
        o += 16 + incl;
    }
    free(cap);
    return found;
}
