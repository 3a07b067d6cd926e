/*
 * badinput_async.h - test_badinput's rows for the window-message desktop
 * extensions (WSAAsyncSelect, WSAAsyncGetXByY, WSACancelAsyncRequest),
 * kept apart from the test so that neither file outgrows the limit.
 */
#ifndef BADINPUT_ASYNC_H
#define BADINPUT_ASYNC_H

long long b_asyncselect_window(void);
long long b_asyncselect_events(void);
long long b_asyncservbyname_null(void);
long long b_asyncservbyname_buffer(void);
long long b_asyncservbyport_proto(void);
long long b_asyncprotobyname_null(void);
long long b_asyncprotobynumber_buflen(void);
long long b_asynchostbyname_null(void);
long long b_asynchostbyaddr_null(void);
long long b_asynchostbyaddr_len(void);
long long b_cancelasync_unknown(void);

#endif
