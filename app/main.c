// glimpse: watch soft-attention networks attend. One executable with
// git-style subcommands; bare `glimpse` opens the desktop application.
#include "cli.h"
#include "gl_util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*cmd_fn)(int, char **);
typedef struct { const char *name, *model; cmd_fn fn; const char *help; } command;

static const command commands[] = {
    { "train", "attention", cmd_train_attention, "train the MNIST soft-attention classifier" },
    { "train", "handwriting", cmd_train_handwriting, "train the handwriting prediction or synthesis network" },
    { "train", "draw", cmd_train_draw, "train DRAW on binarized MNIST" },
    { "train", "cluttered", cmd_train_cluttered, "train the read-window classifier of cluttered 100x100 MNIST" },
    { "eval", "attention", cmd_eval_attention, "test-set accuracy of an attention model" },
    { "eval", "handwriting", cmd_eval_handwriting, "held-out loss of a handwriting network" },
    { "eval", "draw", cmd_eval_draw, "test-set bound (nats) of a DRAW model" },
    { "eval", "cluttered", cmd_eval_cluttered, "test error of a cluttered-MNIST model on the 10,000 fixed test images" },
    { "bench", "attention", cmd_bench_attention, "accuracy and speed of the attention models" },
    { "bench", "handwriting", cmd_bench_handwriting, "speed and end-of-text rate of the handwriting models" },
    { "bench", "draw", cmd_bench_draw, "bound, recognisability and speed of DRAW" },
    { "bench", "cluttered", cmd_bench_cluttered, "test error, where it looks, and speed of the cluttered-MNIST search" },
    { "bench", "train", cmd_bench_train,
      "training throughput beside the PyTorch twin (attention|draw|synthesis|prediction)" },
    { "bench", "products", cmd_bench_products, "the per-step matrix products: OpenBLAS against packed weights" },
    { "bench", "gui", cmd_bench_gui, "frame times and latency of the app, headless" },
    { "attend", NULL, cmd_attend, "run one digit; print or draw its 10 attention masks" },
    { "write", NULL, cmd_write, "handwrite a text with the synthesis network" },
    { "scribble", NULL, cmd_scribble, "sample unconditional handwriting" },
    { "find", NULL, cmd_find, "search a cluttered 100x100 image for its digit with 8 glimpses" },
    { "draw", NULL, cmd_draw, "generate digits with DRAW" },
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

const char *gl_asset_path(const char *name) {
    static _Thread_local char buf[8400];
    const char *env = getenv("GLIMPSE_ASSETS");
    const char *inst = installed_data_dir();
    if (env) snprintf(buf, sizeof buf, "%s/%s", env, name);
    else if (inst[0]) snprintf(buf, sizeof buf, "%s/assets/%s", inst, name);
    else snprintf(buf, sizeof buf, "%s/assets/%s", GL_SOURCE_DIR, name);
    return buf;
}

void gui_figtext_install(void);

static int run(int argc, char **argv) {
    gui_figtext_install();   // figures' labels in the app's font
    // Installed, MNIST's test set (for the galleries) lives beside the weights.
    const char *inst = installed_data_dir();
    if (inst[0] && !getenv("GLIMPSE_DATA")) {
        char d[4200];
        snprintf(d, sizeof d, "%s/data/mnist", inst);
        if (is_dir(d)) { snprintf(d, sizeof d, "%s/data", inst); setenv("GLIMPSE_DATA", d, 0); }
    }
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

int main(int argc, char **argv) { return stdout_status(run(argc, argv)); }
