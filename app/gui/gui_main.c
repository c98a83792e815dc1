// Placeholder until the desktop application lands (issue 3).
#include "cli.h"
#include <stdio.h>
int gui_main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "glimpse: the desktop application is not built yet\n"); return 1; }
int cmd_bench_gui(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "glimpse: the desktop application is not built yet\n"); return 1; }
