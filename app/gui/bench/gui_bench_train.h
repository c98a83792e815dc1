// gui_bench_train: `glimpse bench gui --view train` (see gui_bench_train.c).
#ifndef GUI_BENCH_TRAIN_H
#define GUI_BENCH_TRAIN_H
int bench_gui_train(double seconds, int w, int h, int json);
#endif
