#!/usr/bin/env bash
# wine-tests/irda_hub.sh BUILD_DIR - the hub a station leaves behind (issue 14).
#
# The first station on an air port starts the hub (irair.exe), which
# outlives it and exits after its idle time without stations.  Each test
# runs BUILD_DIR/tests/test_irmedium.exe --irmed-first PORT IDLE MS close|exit
# (a station that starts the hub on a private port and leaves MS ms later,
# through irmed_close or straight out with ExitProcess) and checks:
#   hub_detached_stdout_pipeline   `wine first | tr` ends as soon as the
#                                  station has (the hub, still running, has
#                                  its standard input and output on NUL and
#                                  not the pipe), and the hub is gone
#                                  within its idle time;
#   hub_stderr_pipeline_ends       `wine first 2>&1 | tr` ends within the
#                                  hub's idle time (under Wine a child gets
#                                  the starter's Unix stderr whatever its
#                                  Windows handles: the idle time bounds it);
#   hub_exit_race_leaves_nothing   stations leaving 0-150 ms after they
#                                  started (the hub's creation in flight):
#                                  every hub they started served or exited,
#                                  none remains after its idle time (before
#                                  the fix about half stayed forever,
#                                  suspended before their first instruction);
#   hub_close_race_leaves_nothing  the same with irmed_close;
#   hub_terminate_race_leaves_nothing  the same with stations killed
#                                  (TerminateProcess, which takes no loader
#                                  lock: a station killed inside
#                                  CreateProcess left its hub suspended for
#                                  good, about 1 in 24, until the hub was
#                                  created in a job that kills it then).
#                                  Twice the delays of the others.
# Any hub left over is reported and ended by its pid (they are this run's).
# Output in cmocka's format for run.sh; exit 0 pass, 1 fail, 2 setup error.
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
t_need_prefix || exit 2
exe=$SDK_BUILD/tests/test_irmedium.exe
work=$SDK_TMP/irda_hub
mkdir -p "$work"
if [ ! -f "$exe" ]; then
    echo "irda_hub.sh: no $exe (make all)" >&2
    exit 2
fi
base_port=$((30000 + ($$ * 7) % 20000))
next_port=$base_port
IDLE=4

new_port() { next_port=$((next_port + 1)); port=$next_port; }
hub_pids() { pgrep -f "irair.exe --port $1 " 2>/dev/null; }   # PORT
now() { date +%s%N | cut -c1-13; }                            # ms

# leftovers PORT...: hubs of those ports still running; ends them (ours)
leftovers() {
    local p pid n=0
    for p in "$@"; do
        for pid in $(hub_pids "$p"); do
            t_say "hub of port $p still running: pid $pid ($(sed -n 's/^State:[[:space:]]*//p' \
                  "/proc/$pid/status" 2>/dev/null))"
            kill "$pid" 2>/dev/null
            n=$((n + 1))
        done
    done
    return $n
}

detached_stdout_pipeline() {
    local t0 t1 pid fds pipe_id
    new_port
    rm -f "$work/pipe_id"
    t0=$(now)
    # the station waits until it is up (the hub runs), prints and leaves
    (cd "$work" && timeout -k 5 60 wine "$exe" --irmed-first "$port" "$IDLE" 5000 exit 2>"$work/first.err") |
        { readlink /proc/self/fd/0 >"$work/pipe_id"; tr -d '\r'; }
    t1=$(now)
    pipe_id=$(cat "$work/pipe_id")
    pid=$(hub_pids "$port" | head -1)
    t_say "pipeline ended after $((t1 - t0)) ms; the station's stdout was $pipe_id; hub pid ${pid:-none}"
    [ -n "$pid" ] || { t_say "no hub running right after the station left (idle $IDLE s)"; return 1; }
    fds=$(for f in /proc/"$pid"/fd/*; do echo "$(basename "$f") -> $(readlink "$f")"; done)
    echo "$fds" | sed 's/^/     /'
    echo "$fds" | grep -q '^0 -> /dev/null$' || { t_say "hub's standard input is not NUL"; return 1; }
    echo "$fds" | grep -q '^1 -> /dev/null$' || { t_say "hub's standard output is not NUL"; return 1; }
    if echo "$fds" | grep -qF -- "-> $pipe_id"; then
        t_say "the hub holds the pipeline's pipe"; return 1
    fi
    # gone within its idle time (plus a poll interval and Wine's exit)
    local end=$(( $(now) + IDLE * 1000 + 3000 ))
    while [ -n "$(hub_pids "$port")" ] && [ "$(now)" -lt $end ]; do sleep 0.2; done
    t_say "hub gone $(( $(now) - t1 )) ms after the pipeline ended"
    leftovers "$port"
}

stderr_pipeline_ends() {
    local t0 t1
    new_port
    t0=$(now)
    (cd "$work" && timeout -k 5 60 wine "$exe" --irmed-first "$port" "$IDLE" 5000 exit 2>&1) | tr -d '\r'
    t1=$(now)
    t_say "pipeline with stderr ended after $((t1 - t0)) ms (hub idle $IDLE s)"
    [ $((t1 - t0)) -lt $(( 5000 + IDLE * 1000 + 5000 )) ] || { leftovers "$port"; return 1; }
    leftovers "$port"
}

# race HOW: stations leaving 0..150 ms after opening the medium
race() {
    local how=$1 ms ports=() started=0 line
    local delays="0 20 30 40 50 60 70 100"
    [ "$how" = terminate ] && delays="0 10 20 25 30 35 40 45 50 55 60 70 80 90 100 110"
    for ms in $delays; do
        new_port
        ports+=("$port")
        # stderr to a file: a hub that never ran would hold it (Wine), and
        # this loop must report that, not wait for it
        line=$(cd "$work" && timeout -k 5 60 wine "$exe" --irmed-first "$port" "$IDLE" "$ms" "$how" \
               2>>"$work/race.err" | tr -d '\r')
        echo "     $ms ms: $line"
    done
    sleep $((IDLE + 3))
    leftovers "${ports[@]}"
    local n=$?
    t_say "${#ports[@]} stations left early ($how); hubs remaining after the idle time: $n"
    [ "$n" -eq 0 ]
}

t_run hub_detached_stdout_pipeline detached_stdout_pipeline
t_run hub_stderr_pipeline_ends stderr_pipeline_ends
t_run hub_exit_race_leaves_nothing race exit
t_run hub_close_race_leaves_nothing race close
t_run hub_terminate_race_leaves_nothing race terminate
t_done
