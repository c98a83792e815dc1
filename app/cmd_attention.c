#include "cli.h"
#include <stdio.h>
static int todo(void) { fprintf(stderr, "glimpse: attention is not built yet\n"); return 1; }
int cmd_train_attention(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_eval_attention(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_attend(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
int cmd_bench_attention(int argc, char **argv) { (void)argc; (void)argv; return todo(); }
