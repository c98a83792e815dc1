// Primer files of `glimpse write --style FILE`, checked against the
// statistics of a synthesis model's configuration.
#include "fuzz_util.h"
#include "style_file.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gl_hw_cfg cfg = { .L = 1, .H = 8, .M = 2, .K = 2, .mean = { 1.4f, 0.02f }, .std = { 3.6f, 2.3f } };
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " abcdefghijklmnopqrstuvwxyz.,");
    cfg.C = (int)strlen(cfg.alphabet);
    gl_hw_corpus pc; char *text;
    if (app_style_load(fuzz_file(data, size), &cfg, &pc, &text) == 0) {
        gl_hw_encode(&cfg, text, NULL);
        free(text);
    }
    gl_hw_corpus_free(&pc);
    return 0;
}
