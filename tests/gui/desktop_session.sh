#!/usr/bin/env bash
# Drives the real window, as a person would, under Xvfb with xdotool, and
# measures what issue 15 asks of a desktop application over a long session.
#
#   tests/gui/desktop_session.sh rss [MINUTES]   rounds through every view (draw a
#       digit, play, the shortcuts overlay, export; type and write a line, style
#       presets; write with the mouse and let the network continue, replay; DRAW
#       seeds, modes, grids, weights; train each model of the Train view in turn for 2 s)
#       for MINUTES (default 10); prints the resident memory after each round.
#   tests/gui/desktop_session.sh exit [N]        N times (default 5) per state:
#       Ctrl+Q (or, with CLOSE=1, the window manager's close message; both sent
#       by tests/gui/x_quit.py, which says when it sent them) while idle,
#       while a model runs, while the Train view trains the attention model and
#       DRAW, and while it loads MNIST; prints the time from the key to the
#       process's end.
#
# Environment: GLIMPSE (default build/glimpse), XVFB_DISPLAY (default :97),
# LOG (a file to keep glimpse's stderr in),
# and whatever glimpse reads (MALLOC_ARENA_MAX, GLIMPSE_THREADS, ...).
# Needs Xvfb and xdotool (apt-get install xvfb xdotool). Not a meson test: it
# takes minutes and its figures depend on the machine's load.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-rss}
arg=${2:-}
GLIMPSE=${GLIMPSE:-build/glimpse}
export DISPLAY=${XVFB_DISPLAY:-:97}
for t in Xvfb xdotool; do command -v $t >/dev/null || { echo "desktop_session: $t is missing (apt-get install xvfb xdotool)" >&2; exit 2; }; done

tmp=$(mktemp -d)
export GLIMPSE_EXPORT_DIR=$tmp/export GLIMPSE_TRAIN_DIR=$tmp/train
Xvfb "$DISPLAY" -screen 0 1400x900x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
gpid=
cleanup() {
    [ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null || true
    [ -n "${LOG:-}" ] && cp "$tmp/glimpse.log" "$LOG" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
    wait "$xvfb" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

W=
start() {
    local attempt
    cur=0
    for attempt in 1 2 3; do
        "$GLIMPSE" >"$tmp/glimpse.log" 2>&1 &
        gpid=$!
        W=
        for _ in $(seq 100); do
            W=$(xdotool search --name '^glimpse$' 2>/dev/null | head -1 || true)
            [ -n "$W" ] && break
            kill -0 "$gpid" 2>/dev/null || break
            sleep 0.1
        done
        [ -n "$W" ] && break
        # Now and then (about once in 30 starts right after a quit) SDL
        # cannot connect to Xvfb and glimpse says there is no display: again.
        kill "$gpid" 2>/dev/null || true
        wait "$gpid" 2>/dev/null || true
        gpid=
        echo "desktop_session: no window (attempt $attempt): $(grep glimpse: "$tmp/glimpse.log" | head -1)" >&2
        sleep 0.5
    done
    [ -n "$W" ] || { echo "desktop_session: no window appeared" >&2; cat "$tmp/glimpse.log" "$tmp/xvfb.log" >&2; exit 1; }
    sleep 0.5
    xdotool mousemove --window "$W" 640 400   # no window manager: the keys go where the pointer is
}
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$gpid/status"; }
at() { xdotool mousemove --window "$W" "$1" "$2"; }
click() { xdotool mousemove --window "$W" "$1" "$2" click 1; sleep 0.15; }
key() { xdotool key --delay 40 "$@"; sleep 0.1; }
# The views in view-bar order, as the build registers them: a view is reached
# with Ctrl+Tab from the one shown (the bar's buttons move when a view is added).
mapfile -t VIEWS < <(sed -n "/^gui_view_names = \[/,/\]/s/^ *'\([a-z_]*\)',\{0,1\}$/\1/p" app/gui/views/meson.build)
[ "${#VIEWS[@]}" -ge 2 ] || { echo "desktop_session: no views in app/gui/views/meson.build" >&2; exit 2; }
cur=0   # the window opens on the first view
tab() {
    local i
    for i in "${!VIEWS[@]}"; do [ "${VIEWS[$i]}" = "$1" ] && break; done
    [ "${VIEWS[$i]}" = "$1" ] || { echo "desktop_session: no view $1" >&2; exit 2; }
    while [ "$cur" != "$i" ]; do key ctrl+Tab; cur=$(( (cur + 1) % ${#VIEWS[@]} )); done
}
# The Train view's model row (draw_controls: 300 points from x = 12, one equal
# part per model in model_labels' order) and its Start and Stop buttons.
MODELS=(Attention DRAW Writing Search)
model() {
    local i
    for i in "${!MODELS[@]}"; do [ "${MODELS[$i]}" = "$1" ] && break; done
    click $(( 12 + 300 * (2 * i + 1) / (2 * ${#MODELS[@]}) )) 58
}
START_X=60 START_Y=325 STOP_X=263

# A stroke: press at the first point, move through the rest, release.
stroke() {
    local args=(mousemove --window "$W" "$1" "$2" mousedown 1)
    shift 2
    while [ $# -ge 2 ]; do args+=(sleep 0.016 mousemove --window "$W" "$1" "$2"); shift 2; done
    args+=(mouseup 1)
    xdotool "${args[@]}"
}
# A '7' on the attention canvas (264..824 x 86..646) and loops on the
# prediction canvas, shifted by the round so no two rounds are the same.
seven() { local d=$(( $1 % 7 * 6 )); stroke $((380+d)) 230 $((450+d)) 228 $((540+d)) 226 $((640+d)) 226 $((620+d)) 300 $((590+d)) 380 $((560+d)) 460 $((530+d)) 540 $((510+d)) 600; }
loops() {
    local y=$(( 250 + $1 % 5 * 60 )) pts=() x
    for x in $(seq 80 14 600); do pts+=("$x" $(( y + (x / 14 % 4 == 0 ? -40 : x / 14 % 4 == 2 ? 30 : 0) ))); done
    stroke "${pts[@]}"
}
words=(glimpse soft attention window pen mixture gaussian digit canvas stroke writes sliding)

round() {
    local i=$1
    tab attention
    key c; seven "$i"; sleep 0.3
    key 2; key n; key Right Right; key s; sleep 0.5; key s; key 1
    key space; sleep 1; key space; key F1; sleep 0.2; key Escape; key e
    tab synthesis
    key Return; key ctrl+a
    xdotool type --delay 30 "${words[$((i % 12))]} ${words[$(((i + 5) % 12))]} ${words[$((i / 12 % 12))]}"
    key Return; sleep 2.5; key a; sleep 1
    key $((i % 9)); sleep 1; key i; key e
    tab prediction
    key c; loops "$i"; key g; sleep 1.5; key g; key r; sleep 0.5; key e
    tab draw
    key n; key r; key g; sleep 0.5; key m; sleep 0.5; key m; key a; sleep 0.3; key a; key b; key e
    tab train
    model "${MODELS[$((i % ${#MODELS[@]}))]}"   # each model in turn
    click $START_X $START_Y; sleep 2; click $STOP_X $START_Y   # Start, Stop
    rm -rf "$GLIMPSE_EXPORT_DIR"
    sleep 2   # the window goes idle: what stays resident then is measured
}

case "$mode" in
rss)
    minutes=${arg:-10}
    start
    t0=$(date +%s)
    heap() {   # what malloc holds, from the window's SIGUSR1 line (read within a second: the idle loop's wait)
        kill -USR1 "$gpid"; sleep 1.2
        grep 'glimpse: frames' "$tmp/glimpse.log" | tail -1 | sed -n 's/.*heap in use \([0-9.]*\) MB, free in arenas \([0-9.]*\) MB.*/\1  \2/p'
    }
    echo "round  seconds  rss_MB  heap_in_use_MB  heap_free_MB"
    echo "0  0  $(rss_mb)  $(heap)"
    i=0
    while [ $(( $(date +%s) - t0 )) -lt $(( minutes * 60 )) ]; do
        i=$((i + 1))
        round "$i"
        kill -0 "$gpid" 2>/dev/null || { wait "$gpid" || echo "desktop_session: glimpse ended (status $?) in round $i" >&2; gpid=; exit 1; }
        echo "$i  $(( $(date +%s) - t0 ))  $(rss_mb)  $(heap)"
    done
    sleep 2
    kill -USR1 "$gpid"; sleep 0.3
    grep 'glimpse: frames' "$tmp/glimpse.log" | tail -1 || true
    at 640 400; xdotool key ctrl+q   # a clean exit (a sanitizer build reports leaks here)
    wait "$gpid" || echo "desktop_session: glimpse exited with status $?"
    gpid=
    ;;
exit)
    n=${arg:-5}
    now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
    quit_and_time() {   # ms: the milliseconds from the request to the process's end
        local t0 t1
        # the time is taken by the helper as it sends, not before it starts
        if [ "${CLOSE:-0}" = 1 ]; then t0=$(tests/gui/x_quit.py close "$W"); else t0=$(tests/gui/x_quit.py ctrlq); fi
        wait "$gpid" || true
        t1=$(now_ms)
        gpid=
        ms=$(( t1 - t0 ))
    }
    bg=
    for state in ${STATES:-idle attention-drawing synthesis-writing draw-6x6 train-attention train-draw train-loading}; do
        times=()
        for _ in $(seq "$n"); do
            start
            case $state in
            idle) sleep 0.5 ;;
            attention-drawing) key s; seven 1 & bg=$!; sleep 0.3 ;;   # quit in the middle of the stroke
            synthesis-writing) tab synthesis; key a; sleep 0.4 ;;
            draw-6x6) tab draw; key g g g g; key r; sleep 0.05 ;;
            train-attention) tab train; click $START_X $START_Y; sleep 4 ;;
            train-draw) tab train; model DRAW; click $START_X $START_Y; sleep 6 ;;
            train-loading) tab train; model DRAW; click $START_X $START_Y; sleep 0.3 ;;   # MNIST loading, binarizing
            esac
            at 640 400
            quit_and_time
            times+=("$ms")
            [ -n "$bg" ] && { wait "$bg" 2>/dev/null || true; bg=; }
        done
        printf '%-18s %s ms\n' "$state" "${times[*]}"
    done
    ;;
*) echo "usage: $0 rss [MINUTES] | exit [N]" >&2; exit 2 ;;
esac
