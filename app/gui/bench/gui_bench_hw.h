// gui_bench_hw: the handwriting scenarios of `glimpse bench gui` (gui_bench_hw.c).
#ifndef GUI_BENCH_HW_H
#define GUI_BENCH_HW_H
int bench_gui_synthesis(int nframes, int w, int h, int json);
// futures 0: the possible futures switched off (F) before the run.
int bench_gui_prediction(int nframes, int w, int h, int json, int futures);
#endif
