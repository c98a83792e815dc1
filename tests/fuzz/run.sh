#!/usr/bin/env bash
# libFuzzer harnesses of every reader (clang, -fsanitize=fuzzer,address,undefined).
#   tests/fuzz/run.sh build            build them in build-fuzz/
#   tests/fuzz/run.sh replay           run each over its seeds and regression corpus (CI)
#   tests/fuzz/run.sh fuzz SECONDS [H] fuzz each harness (or H) for SECONDS; new
#                                      inputs go to build-fuzz/corpus/H, crashes to
#                                      build-fuzz/crashes/H (add them to regress/H)
#   tests/fuzz/run.sh seeds            regenerate seeds/ (needs build/glimpse)
# seeds/H: small valid files made by the project; regress/H: every input
# that ever crashed (or hung, or blew up memory); H.dict: the format's tokens.
set -euo pipefail
cd "$(dirname "$0")/../.."
F=tests/fuzz
B="${FUZZ_BUILD:-build-fuzz}"   # another folder: FUZZ_BUILD=DIR
HARNESSES="safetensors json idx image iam jhf style script args resume"
CC="${CC_FUZZ:-clang}"
FLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c11 -D_GNU_SOURCE -Wno-unused-parameter"
INC="-Iengine -Iengine/attention -Iengine/handwriting -Iengine/draw -Iapp -Iapp/common -Iapp/gui/ui -DGL_SOURCE_DIR=\"$PWD\""
ARCH="$(uname -m)"
[ "$ARCH" = x86_64 ] && INC="$INC -DGL_HAVE_AVX2_KERNELS"
Q512=engine/gl_qgemv512.c   # the int8 product's AVX-512 kernels, where the compiler builds them (as meson.build checks)
HAVE512=0
[ "$ARCH" = x86_64 ] && echo 'int main(void){return 0;}' | "$CC" -mavx512f -mavx512bw -mavx512vnni -x c - -o /dev/null 2>/dev/null \
  && HAVE512=1 && INC="$INC -DGL_HAVE_AVX512_KERNELS"
LIBS="$(pkg-config --libs openblas libpng) -lgif -lm -lpthread"   # giflib: no pkg-config file

build() {
  command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (apt-get install clang libclang-rt-dev)" >&2; exit 1; }
  mkdir -p $B/obj
  local objs=() src o
  # the vector kernels are built twice (see engine/meson.build): baseline and AVX2+FMA
  local kern=engine/gl_vmath_kern.c vflags="${FLAGS/fuzzer,/fuzzer-no-link,} $INC"
  local variants=base
  [ "$ARCH" = x86_64 ] && variants="base avx2"
  for v in $variants; do
    o=$B/obj/gl_vmath_kern_$v.o
    if [ ! -f "$o" ] || [ "$kern" -nt "$o" ]; then
      if [ $v = avx2 ]; then $CC $vflags -DGL_VSUF=_avx2 -mavx2 -mfma -mf16c -c $kern -o "$o"
      else $CC $vflags -DGL_VSUF=_base -Wno-psabi -c $kern -o "$o"; fi
    fi
    objs+=("$o")
  done
  # and the int8 product's AVX-512 file twice: without and with VNNI (engine/meson.build)
  if [ $HAVE512 = 1 ]; then
    for v in avx512 vnni; do
      o=$B/obj/gl_qgemv512_$v.o
      if [ ! -f "$o" ] || [ "$Q512" -nt "$o" ]; then
        local isa="-mavx512f -mavx512bw -mfma"; [ $v = vnni ] && isa="$isa -mavx512vnni"
        $CC $vflags -DGL_QSUF=_$v $isa -c $Q512 -o "$o"
      fi
      objs+=("$o")
    done
  fi
  for src in engine/*.c engine/*/*.c app/common/args.c app/common/resume.c app/common/train_opts.c app/common/hw_train_data.c \
             app/common/style_file.c app/gui/ui/gui_script.c app/gui/ui/gui_ui.c; do
    [ "$src" = "$kern" ] && continue
    [ "$src" = "$Q512" ] && continue
    [ "$src" = engine/gl_wpack_avx2.c ] && [ "$ARCH" != x86_64 ] && continue
    o=$B/obj/$(echo "$src" | tr / _).o
    if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ -n "$(find engine app -name '*.h' -newer "$o" | head -1)" ]; then
      # the library: instrumented for coverage and sanitizers, no main
      # (the AVX2 packed kernel is built with its instructions, as engine/meson.build does)
      local isa=""; [ "$src" = engine/gl_wpack_avx2.c ] && isa="-mavx2 -mfma"
      $CC ${FLAGS/fuzzer,/fuzzer-no-link,} $isa $INC $(pkg-config --cflags openblas libpng) -c "$src" -o "$o"
    fi
    objs+=("$o")
  done
  for h in $HARNESSES; do
    $CC $FLAGS $INC $F/fuzz_$h.c "${objs[@]}" $LIBS -o $B/fuzz_$h
  done
}

opts() {   # per-harness libFuzzer options: its dictionary, memory and time limits
  # -close_fd_mask=3: the target's own output is dropped (the CLI parser prints
  # a message or its usage for every input: 16 GB of log in 30 minutes);
  # libFuzzer's and the sanitizers' reports still reach stderr
  local h=$1 o=(-rss_limit_mb=2048 -timeout=10 -max_len=65536 -close_fd_mask=3)
  [ -f $F/$h.dict ] && o+=(-dict=$F/$h.dict)
  echo "${o[@]}"
}

case "${1:-}" in
build) build ;;
replay)
  build
  for h in $HARNESSES; do
    files=$(find $F/seeds/$h $F/regress/$h -type f 2>/dev/null | sort || true)
    [ -n "$files" ] || continue
    echo "fuzz: replaying $(echo "$files" | wc -l) inputs of $h"
    # shellcheck disable=SC2086
    $B/fuzz_$h $(opts $h) -runs=0 $files > $B/replay_$h.log 2>&1 || { tail -40 $B/replay_$h.log; echo "fuzz: $h fails on its corpus" >&2; exit 1; }
  done
  echo "fuzz: every seed and regression input passes" ;;
fuzz)
  secs="${2:?seconds}"; only="${3:-}"
  build
  for h in $HARNESSES; do
    [ -n "$only" ] && [ "$only" != "$h" ] && continue
    mkdir -p $B/corpus/$h $B/crashes/$h
    # shellcheck disable=SC2086
    $B/fuzz_$h $(opts $h) -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=$B/crashes/$h/ \
      $B/corpus/$h $F/seeds/$h $F/regress/$h > $B/fuzz_$h.log 2>&1 || { tail -60 $B/fuzz_$h.log; echo "fuzz: $h found a crash: $(ls $B/crashes/$h)" >&2; exit 1; }
    echo "fuzz: $h: $(grep -m1 'stat::number_of_executed_units' $B/fuzz_$h.log | awk '{print $2}') executions in $secs s, no crash"
  done ;;
seeds) $F/make_seeds.sh ;;
*) sed -n '2,11p' "$0"; exit 2 ;;
esac
