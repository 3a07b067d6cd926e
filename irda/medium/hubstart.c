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
 *    a hub that never comes to serve (air.c);
 *  - created in a job that kills it if the station dies before CreateProcess
 *    has returned.  TerminateProcess (a watchdog, a test harness, a
 *    debugger ending the station) takes no loader lock: a station killed
 *    inside CreateProcess left the hub suspended for good (reproduced under
 *    Wine 8 with stations that TerminateProcess themselves 0-110 ms after
 *    opening the medium: about 1 in 24 left one, asleep, one thread).  The
 *    job is given at creation (PROC_THREAD_ATTRIBUTE_JOB_LIST, so there is
 *    no moment the hub is outside it), with KILL_ON_JOB_CLOSE while only
 *    this station holds the job's handle; once CreateProcess has returned
 *    (the hub's thread resumed) the kill is lifted and the handle closed,
 *    so the running hub outlives the station as before.
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

#ifndef PROC_THREAD_ATTRIBUTE_JOB_LIST     /* Windows 10's; the headers keep it for 0x0A00 */
#define PROC_THREAD_ATTRIBUTE_JOB_LIST 0x2000D
#endif

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

/* A job that kills its processes when its last handle closes (the
 * station dying holds the only one); NULL if jobs are not to be had. */
static HANDLE kill_on_close_job(void)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (!job)
        return NULL;
    memset(&li, 0, sizeof(li));
    li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof(li))) {
        CloseHandle(job);
        return NULL;
    }
    return job;
}

/* The hub has been created whole: the job no longer kills it. */
static void release_job(HANDLE job)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
    memset(&li, 0, sizeof(li));
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof(li));
    CloseHandle(job);
}

/* The attribute list for the hub: the NUL handle as the only one inherited,
 * and the job if there is one.  NULL if the list cannot be had. */
static LPPROC_THREAD_ATTRIBUTE_LIST hub_attributes(HANDLE *inherit_only, HANDLE *job)
{
    SIZE_T size = 0;
    DWORD count = *job ? 2 : 1;
    InitializeProcThreadAttributeList(NULL, count, 0, &size);
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = size ? HeapAlloc(GetProcessHeap(), 0, size) : NULL;
    if (attrs && !InitializeProcThreadAttributeList(attrs, count, 0, &size)) {
        HeapFree(GetProcessHeap(), 0, attrs);
        return NULL;
    }
    if (attrs && (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit_only,
                                             sizeof(HANDLE), NULL, NULL) ||
                  (*job && !UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_JOB_LIST, job,
                                                      sizeof(HANDLE), NULL, NULL)))) {
        DeleteProcThreadAttributeList(attrs);
        HeapFree(GetProcessHeap(), 0, attrs);
        return NULL;
    }
    return attrs;
}

HANDLE hub_launch(const WCHAR *path, WCHAR *cmd, DWORD *pid)
{
    WCHAR dir[MAX_PATH];
    SECURITY_ATTRIBUTES inheritable = { sizeof(inheritable), NULL, TRUE };
    STARTUPINFOEXW si;
    PROCESS_INFORMATION pi;
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
    HANDLE nul, inherit_only[1], job;
    DWORD flags = DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW;
    BOOL ok = FALSE;

    if (!beside(path, L"", dir, MAX_PATH))
        dir[0] = 0;
    memset(&si, 0, sizeof(si));
    si.StartupInfo.cb = sizeof(si.StartupInfo);
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                      &inheritable, OPEN_EXISTING, 0, NULL);
    inherit_only[0] = nul;
    job = nul != INVALID_HANDLE_VALUE ? kill_on_close_job() : NULL;
    /* with the job first; without it if this system takes no job list */
    for (int with_job = job != NULL; !ok && with_job >= 0 && nul != INVALID_HANDLE_VALUE; with_job--) {
        HANDLE j = with_job ? job : NULL;
        if (!(attrs = hub_attributes(inherit_only, &j)))
            continue;
        /* NUL, and nothing else of ours, goes to the hub */
        si.StartupInfo.cb = sizeof(si);
        si.StartupInfo.hStdInput = si.StartupInfo.hStdOutput = si.StartupInfo.hStdError = nul;
        si.lpAttributeList = attrs;
        ok = create_held(path, cmd, TRUE, flags | EXTENDED_STARTUPINFO_PRESENT, dir[0] ? dir : NULL,
                         &si.StartupInfo, &pi);
        DeleteProcThreadAttributeList(attrs);
        HeapFree(GetProcessHeap(), 0, attrs);
    }
    if (job)
        release_job(job);       /* created (or not at all): the job kills nothing now */
    if (!ok) {
        /* no NUL or no attribute list to be had: inherit nothing, no
         * standard handles */
        si.StartupInfo.cb = sizeof(si.StartupInfo);
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
