// Placeholder until the DRAW model lands (issue 6).
#include "cli.h"
#include <stdio.h>
static int todo(void) { fprintf(stderr, "glimpse: DRAW is not built yet\n"); return 1; }
int cmd_train_draw(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_eval_draw(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_draw(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_bench_draw(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
