# Sourced by the data/ scripts that run glimpse (make_styles.sh, ship_draw.sh, ship_synthesis.sh): moves to the
# repository root and sets G, the glimpse to run ($GLIMPSE, default build/glimpse); when it is not built, the
# script stops with one line saying so.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
G="${GLIMPSE:-build/glimpse}"
[ -x "$G" ] || { echo "$(basename "$0" .sh): $G is not built (meson compile -C build)" >&2; exit 1; }
