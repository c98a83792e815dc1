// cli: the subcommands of the glimpse executable. Each takes the arguments
// after its name and returns the process exit status.
#ifndef APP_CLI_H
#define APP_CLI_H
int cmd_train_attention(int argc, char **argv);
int cmd_eval_attention(int argc, char **argv);
int cmd_attend(int argc, char **argv);
int cmd_bench_attention(int argc, char **argv);

int cmd_train_handwriting(int argc, char **argv);
int cmd_eval_handwriting(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_scribble(int argc, char **argv);
int cmd_bench_handwriting(int argc, char **argv);
int cmd_cells(int argc, char **argv);

int cmd_train_draw(int argc, char **argv);
int cmd_eval_draw(int argc, char **argv);
int cmd_draw(int argc, char **argv);
int cmd_bench_draw(int argc, char **argv);

int cmd_train_cluttered(int argc, char **argv);
int cmd_eval_cluttered(int argc, char **argv);
int cmd_bench_cluttered(int argc, char **argv);
int cmd_find(int argc, char **argv);

// The desktop application (bare `glimpse`, or `glimpse --screenshot ...`).
int gui_main(int argc, char **argv);
int cmd_bench_gui(int argc, char **argv);
int cmd_bench_train(int argc, char **argv);
int cmd_bench_products(int argc, char **argv);
int cmd_bench_futures(int argc, char **argv);

// Path of a shipped asset: $GLIMPSE_ASSETS/NAME, else the source tree's assets/.
const char *app_asset_path(const char *name);
#endif
