#!/usr/bin/env bash
# wine-tests/sdk_samples.sh BUILD_DIR - runs the SDK samples (BUILD_DIR/samples)
# under Wine in the test prefix and checks what they print:
#   echo:        echo_server and echo_client, two processes on our stack;
#   lingertable: every row of the CE 5.0 linger table as the page says
#                (DONTLINGER: FIN with every byte; LINGER 0: reset; ...).
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
t_need_prefix || exit 2
samples=$SDK_BUILD/samples
cd "$samples" || exit 2

echo_pair() {
    local out=$SDK_TMP/echo_server.out port="" rc
    rm -f "$out"
    timeout -k 5 60 wine ./echo_server.exe 0 >"$out" 2>&1 &
    local server=$!
    for _ in $(seq 1 200); do
        port=$(sed -n 's/^echo_server: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out" | tr -d '\r')
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        t_say "echo_server did not report its port"; cat "$out"; kill "$server" 2>/dev/null; return 1
    fi
    t_say "echo_server on port $port"
    timeout -k 5 60 wine ./echo_client.exe "$port" "hello through ce-winsock" | tr -d '\r' | tee "$SDK_TMP/echo_client.out"
    rc=${PIPESTATUS[0]}
    wait "$server"; local src=$?
    tr -d '\r' <"$out"
    [ "$rc" -eq 0 ] && [ "$src" -eq 0 ] &&
        grep -q 'got back "hello through ce-winsock"' "$SDK_TMP/echo_client.out" &&
        grep -q 'echoed 24 bytes' "$out"
}

lingertable_out=$SDK_TMP/lingertable.out
lingertable_run() {
    timeout -k 5 180 wine ./lingertable.exe | tr -d '\r' | tee "$lingertable_out"
    [ "${PIPESTATUS[0]}" -eq 0 ]
}
# row N: the table line must match the pattern, and bytes arrived vs sent
# must be "all" or "fewer".
lingertable_row() {
    local n=$1 pattern=$2 bytes=$3 line
    line=$(grep -E "^$n +SO_" "$lingertable_out") || { t_say "no row $n"; return 1; }
    echo "$line"
    grep -Eq "$pattern" <<<"$line" || { t_say "row $n does not match: $pattern"; return 1; }
    awk -v want="$bytes" '{
        for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, b, "/"); found = 1 }
        if (!found) exit 1
        if (want == "all") exit !(b[1] == b[2] && b[2] > 0)
        exit !(b[1] < b[2])
    }' <<<"$line" || { t_say "row $n: bytes arrived/sent are not $bytes"; return 1; }
}

t_run echo_server_and_client echo_pair
t_run lingertable_runs lingertable_run
if [ -s "$lingertable_out" ]; then
    t_run lingertable_dontlinger_fin_all_bytes lingertable_row 1 'SO_DONTLINGER +blocking +0 +no .* FIN .* yes$' all
    t_run lingertable_linger0_reset           lingertable_row 2 'SO_LINGER \{1,0\} +blocking +0 +no .* reset .* yes$' fewer
    t_run lingertable_linger_drains_fin       lingertable_row 3 'SO_LINGER \{1,10\} +blocking +0 +yes .* FIN .* yes$' all
    t_run lingertable_linger_timeout_reset    lingertable_row 4 'SO_LINGER \{1,2\} +blocking +0 +yes \((19|20|21|22|23|24|25)[0-9][0-9] ms\) +reset .* yes$' fewer
    t_run lingertable_nonblocking_wouldblock  lingertable_row 5 'SO_LINGER \{1,5\} +non-blocking +WSAEWOULDBLOCK; 0 at retry [0-9]+.* +no .* FIN .* yes$' all
fi
t_done
