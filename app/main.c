// glimpse: watch soft-attention networks attend. One executable with
// git-style subcommands; bare `glimpse` opens the desktop application.
#include "cli.h"
#include "gl_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*cmd_fn)(int, char **);
typedef struct { const char *name, *model; cmd_fn fn; const char *help; } command;

static const command commands[] = {
    { "train", "attention", cmd_train_attention, "train the MNIST soft-attention classifier" },
    { "train", "handwriting", cmd_train_handwriting, "train the handwriting prediction or synthesis network" },
    { "train", "draw", cmd_train_draw, "train DRAW on binarized MNIST" },
    { "eval", "attention", cmd_eval_attention, "test-set accuracy of an attention model" },
    { "eval", "handwriting", cmd_eval_handwriting, "held-out loss of a handwriting network" },
    { "eval", "draw", cmd_eval_draw, "test-set bound (nats) of a DRAW model" },
    { "bench", "attention", cmd_bench_attention, "accuracy and speed of the attention models" },
    { "bench", "handwriting", cmd_bench_handwriting, "speed and end-of-text rate of the handwriting models" },
    { "bench", "draw", cmd_bench_draw, "bound, recognisability and speed of DRAW" },
    { "bench", "train", cmd_bench_train, "training throughput beside the PyTorch twin (attention|draw|synthesis|prediction)" },
    { "bench", "gui", cmd_bench_gui, "frame times and latency of the app, headless" },
    { "attend", NULL, cmd_attend, "run one digit; print or draw its 10 attention masks" },
    { "write", NULL, cmd_write, "handwrite a text with the synthesis network" },
    { "scribble", NULL, cmd_scribble, "sample unconditional handwriting" },
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
    fprintf(f, "\nApplication options: --screenshot OUT.png [--view V] [--script FILE]\n"
               "Run 'glimpse COMMAND [MODEL] --help' for a command's options, and\n"
               "'glimpse --view attention --help' for the app's script format.\n");
}

const char *gl_asset_path(const char *name) {
    static _Thread_local char buf[4096];
    const char *env = getenv("GLIMPSE_ASSETS");
    if (env) snprintf(buf, sizeof buf, "%s/%s", env, name);
    else snprintf(buf, sizeof buf, "%s/assets/%s", GL_SOURCE_DIR, name);
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { usage(stdout); return 0; }
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
        for (int i = 0; i < NCMD; i++) if (!strcmp(commands[i].name, argv[1])) fprintf(stderr, " %s", commands[i].model ? commands[i].model : "");
        fprintf(stderr, "\n");
        return 2;
    }
    fprintf(stderr, "glimpse: unknown command '%s' (see glimpse --help)\n", argv[1]);
    return 2;
}
