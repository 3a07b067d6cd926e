/*
 * hubstart.c - finding the hub program and starting it detached.
 *
 * The hub outlives the station that starts it and serves every station of
 * the machine, so it must hold nothing of that station's process:
 *
 *  - found by full path only: the configured Hub (an absolute path), else
 *    irair.exe beside the module that holds this code (irdaprov.dll, or a
 *    program that links the medium itself).  Never a search path: that
 *    includes the current directory, and whoever drops an irair.exe there
 *    would become everyone's air;
 *  - started with its standard handles on NUL and no other handle of ours
 *    inherited (the NUL handle is the only one in the inherit list), in no
 *    console and its own process group.  A hub that inherited a pipe of a
 *    program's output held it open for its whole life, so `prog | tr`
 *    waited for the hub;
 *  - created under the loader lock.  CreateProcess makes the new process's
 *    first thread suspended and resumes it before returning; a station
 *    that leaves (ExitProcess from another thread) in between leaves a hub
 *    that never runs and never exits -- seen under Wine 8: irair.exe
 *    asleep before its first instruction, holding the output pipe of the
 *    program that started it.  ExitProcess takes the loader lock before it
 *    ends the other threads (Windows and Wine alike), so it waits for the
 *    creation to finish.  The caller also keeps the process handle and ends
 *    a hub that never comes to serve (air.c).
 *
 * (Under Wine a child also gets the starter's Unix stderr, whatever its
 * Windows handles say: a hub started by a program whose stderr is a pipe
 * holds that pipe until the hub's idle exit.  Nothing a Windows program can
 * do about it; the idle time bounds it.)
 */
#include "medium_private.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

static int file_exists(const WCHAR *p)
{
    DWORD a = GetFileAttributesW(p);
    return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

/* "X:\..." or "\\server\..." -- not relative to a current directory */
static int is_full_path(const WCHAR *p)
{
    if (p[0] && p[1] == L':' && (p[2] == L'\\' || p[2] == L'/'))
        return 1;
    return (p[0] == L'\\' && p[1] == L'\\') || (p[0] == L'/' && p[1] == L'/');
}

/* dir of path (with the trailing separator) + name */
static int beside(const WCHAR *path, const WCHAR *name, WCHAR *out, size_t n)
{
    size_t len = wcslen(path);
    while (len > 0 && path[len - 1] != L'\\' && path[len - 1] != L'/')
        len--;
    if (!len || len + wcslen(name) + 1 > n)
        return 0;
    memcpy(out, path, len * sizeof(WCHAR));
    wcscpy(out + len, name);
    return 1;
}

int hub_find(const irmed_t *m, WCHAR *out, size_t n)
{
    WCHAR mod[MAX_PATH];
    HMODULE self = NULL;
    if (m->cfg.hub_path[0]) {
        if (!is_full_path(m->cfg.hub_path))
            return 0;                   /* a relative Hub setting is refused */
        wcsncpy(out, m->cfg.hub_path, n);
        out[n - 1] = 0;
        return file_exists(out);
    }
    return GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                              GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                              (LPCWSTR)(void *)hub_find, &self) &&
           GetModuleFileNameW(self, mod, MAX_PATH) && beside(mod, L"irair.exe", out, n) &&
           file_exists(out);
}

typedef LONG (NTAPI *lock_loader_fn)(ULONG flags, ULONG *disposition, ULONG_PTR *cookie);
typedef LONG (NTAPI *unlock_loader_fn)(ULONG flags, ULONG_PTR cookie);

/* CreateProcessW with ExitProcess held off until it has returned. */
static BOOL create_held(const WCHAR *path, WCHAR *cmd, BOOL inherit, DWORD flags,
                        const WCHAR *dir, STARTUPINFOW *si, PROCESS_INFORMATION *pi)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    lock_loader_fn lock = ntdll ? (lock_loader_fn)(void *)GetProcAddress(ntdll, "LdrLockLoaderLock") : NULL;
    unlock_loader_fn unlock = ntdll ? (unlock_loader_fn)(void *)GetProcAddress(ntdll, "LdrUnlockLoaderLock") : NULL;
    ULONG_PTR cookie = 0;
    BOOL held = lock && unlock && lock(0, NULL, &cookie) >= 0;
    BOOL ok = CreateProcessW(path, cmd, NULL, NULL, inherit, flags, NULL, dir, si, pi);
    DWORD e = GetLastError();
    if (held)
        unlock(0, cookie);
    SetLastError(e);
    return ok;
}

HANDLE hub_launch(const WCHAR *path, WCHAR *cmd, DWORD *pid)
{
    WCHAR dir[MAX_PATH];
    SECURITY_ATTRIBUTES inheritable = { sizeof(inheritable), NULL, TRUE };
    STARTUPINFOEXW si;
    PROCESS_INFORMATION pi;
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
    SIZE_T attrs_size = 0;
    HANDLE nul, inherit_only[1];
    DWORD flags = DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW;
    BOOL ok;

    if (!beside(path, L"", dir, MAX_PATH))
        dir[0] = 0;
    memset(&si, 0, sizeof(si));
    si.StartupInfo.cb = sizeof(si.StartupInfo);
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                      &inheritable, OPEN_EXISTING, 0, NULL);
    if (nul != INVALID_HANDLE_VALUE) {
        InitializeProcThreadAttributeList(NULL, 1, 0, &attrs_size);
        attrs = attrs_size ? HeapAlloc(GetProcessHeap(), 0, attrs_size) : NULL;
        if (attrs && !InitializeProcThreadAttributeList(attrs, 1, 0, &attrs_size)) {
            HeapFree(GetProcessHeap(), 0, attrs);
            attrs = NULL;
        }
        inherit_only[0] = nul;
        if (attrs && !UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                                inherit_only, sizeof(inherit_only), NULL, NULL)) {
            DeleteProcThreadAttributeList(attrs);
            HeapFree(GetProcessHeap(), 0, attrs);
            attrs = NULL;
        }
    }
    if (attrs) {
        /* NUL, and nothing else of ours, goes to the hub */
        si.StartupInfo.cb = sizeof(si);
        si.StartupInfo.hStdInput = si.StartupInfo.hStdOutput = si.StartupInfo.hStdError = nul;
        si.lpAttributeList = attrs;
        ok = create_held(path, cmd, TRUE, flags | EXTENDED_STARTUPINFO_PRESENT, dir[0] ? dir : NULL,
                         &si.StartupInfo, &pi);
        DeleteProcThreadAttributeList(attrs);
        HeapFree(GetProcessHeap(), 0, attrs);
    } else {
        /* no inherit list to be had: inherit nothing, no standard handles */
        ok = create_held(path, cmd, FALSE, flags, dir[0] ? dir : NULL, &si.StartupInfo, &pi);
    }
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    if (!ok)
        return NULL;
    CloseHandle(pi.hThread);
    *pid = pi.dwProcessId;
    return pi.hProcess;
}
