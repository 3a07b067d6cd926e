/*
 * diagnostic.c - celsp's diagnostic lines, written as ws2.dll writes its
 * own (cews2.h, "Diagnostics"): always through OutputDebugString, and to
 * standard error when CEWS2_DIAG=1 is set in the environment.  celsp has
 * no access to ws2.dll's trace file, and a layered provider that quietly
 * does less than the contract must still be seen doing so.
 */
#include "celsp.h"

#include <stdio.h>

static LONG approximate_reported;

static void diagnostic_write(const WCHAR *text)
{
    WCHAR value[8];
    char narrow[512];
    DWORD done;
    HANDLE err_handle = GetStdHandle(STD_ERROR_HANDLE);
    int n;

    OutputDebugStringW(text);
    if (!GetEnvironmentVariableW(L"CEWS2_DIAG", value, ARRAYSIZE(value)) || value[0] != L'1')
        return;
    n = WideCharToMultiByte(CP_UTF8, 0, text, -1, narrow, sizeof(narrow), NULL, NULL);
    if (n > 1 && err_handle && err_handle != INVALID_HANDLE_VALUE)
        WriteFile(err_handle, narrow, (DWORD)(n - 1), &done, NULL);
}

void diagnostic_linger_approximate(void)
{
    DWORD saved = GetLastError();

    /* once per process: every later close is approximated the same way */
    if (InterlockedExchange(&approximate_reported, 1) == 0)
        diagnostic_write(L"celsp: linger rows 3-4 approximate: the provider below reports "
                         L"no send backlog\n");
    SetLastError(saved);
}
