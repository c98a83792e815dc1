// Placeholder until the handwriting networks land (issue 4).
#include "cli.h"
#include <stdio.h>
static int todo(void) { fprintf(stderr, "glimpse: handwriting is not built yet\n"); return 1; }
int cmd_train_handwriting(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_eval_handwriting(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_write(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_scribble(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_bench_handwriting(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
