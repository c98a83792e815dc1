// hw_corpus: writes a handwriting corpus exactly as glimpse builds it, for the
// PyTorch trainer (pytorch/train.py prediction|synthesis), which reads it
// with NumPy. glimpse's own code makes the lines (hw_load_corpus: the Hershey
// corpus, or IAM-OnDB prepared as `glimpse train handwriting` prepares it),
// so both train and evaluate on the same points.
//
//   hw_corpus hershey LINES SEED WORDS OUT.safetensors
//   hw_corpus iam:DIR THIN EXCLUDE|- OUT.safetensors
//
// OUT (written through a temporary name and a rename) holds the raw offsets
// of every line back to back, pts (P,3); each line's point count, len (n);
// heldout (n): 1 for a line of an IAM-OnDB held-out form (its form hash is
// 0 mod GL_HW_IAM_HELDOUT_MOD), else 0; the texts' characters back to back,
// text (C; one unused zero when every text is empty), and each text's length, text_len (n). All F32 (the one dtype of
// glimpse's files; every integer here is below 2^24). The metadata names the
// corpus and, for IAM-OnDB, the counts of what was dropped.
#include "gl_hw.h"
#include "hw_train_data.h"
#include "gl_st.h"
#include "gl_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr, "usage: hw_corpus hershey LINES SEED WORDS OUT | hw_corpus iam:DIR THIN EXCLUDE|- OUT\n");
    return 2;
}

static long num(const char *s, long lo, long hi, const char *what) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end || v < lo || v > hi) {
        fprintf(stderr, "hw_corpus: %s must be a whole number in %ld..%ld (got '%s')\n", what, lo, hi, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    const char *data = argv[1], *out;
    gl_hw_corpus c;
    gl_hw_iam_report rep;
    memset(&rep, 0, sizeof rep);
    gl_meta meta = {0};
    gl_meta_set(&meta, "corpus", "%s", data);
    int rc;
    if (!strcmp(data, "hershey")) {
        if (argc != 6) return usage();
        long lines = num(argv[2], 1, 10000000, "LINES"), seed = num(argv[3], 0, 1L << 40, "SEED");
        long words = num(argv[4], 1, 12, "WORDS");
        out = argv[5];
        rc = hw_load_corpus(data, (int)lines, (uint64_t)seed, (int)words, NULL, NULL, NULL, &c);
        gl_meta_set(&meta, "corpus_lines", "%ld", lines);
        gl_meta_set(&meta, "corpus_seed", "%ld", seed);
        gl_meta_set(&meta, "corpus_words", "%ld", words);
    } else if (!strncmp(data, "iam:", 4)) {
        if (argc != 5) return usage();
        gl_hw_iam_opts io;
        gl_hw_iam_defaults(&io);
        io.thin = (int)num(argv[2], 1, 16, "THIN");
        io.exclude = strcmp(argv[3], "-") ? argv[3] : NULL;
        out = argv[4];
        rc = hw_load_corpus(data, 0, 0, 0, &io, &rep, stderr, &c);
        gl_meta_set(&meta, "iam_thin", "%d", io.thin);
        if (io.exclude) {
            const char *b = strrchr(io.exclude, '/');
            gl_meta_set(&meta, "iam_exclude", "%s", b ? b + 1 : io.exclude);
        }
        gl_meta_set(&meta, "iam_lines", "%d", rep.lines);
        gl_meta_set(&meta, "iam_dropped",
                    "excluded %d, unpaired forms %d (%d lines), unreadable %d, outliers %d, pen jumps %d, misfits %d; "
                    "spikes merged %d",
                    rep.excluded, rep.unpaired_forms, rep.unpaired_lines, rep.bad_files, rep.outliers, rep.jumps,
                    rep.misfits, rep.spikes);
    } else {
        return usage();
    }
    if (rc) { fprintf(stderr, "hw_corpus: %s\n", gl_err()); return 1; }
    if (c.n == 0) { fprintf(stderr, "hw_corpus: %s: no line\n", data); gl_hw_corpus_free(&c); return 1; }
    size_t P = 0, C = 0;
    for (int i = 0; i < c.n; i++) { P += (size_t)c.lines[i].n; C += strlen(c.lines[i].text); }
    gl_st_tensor t[5];
    memset(t, 0, sizeof t);
    const char *names[5] = { "pts", "len", "heldout", "text", "text_len" };
    size_t counts[5] = { P * 3, (size_t)c.n, (size_t)c.n, C ? C : 1, (size_t)c.n };
    for (int k = 0; k < 5; k++) {
        snprintf(t[k].name, sizeof t[k].name, "%s", names[k]);
        t[k].ndim = k == 0 ? 2 : 1;
        t[k].shape[0] = k == 0 ? (int64_t)P : (int64_t)counts[k];
        if (k == 0) t[k].shape[1] = 3;
        t[k].n = counts[k];
        t[k].data = gl_calloc(counts[k], sizeof(float));
    }
    size_t at = 0, ct = 0;
    for (int i = 0; i < c.n; i++) {
        const gl_hw_line *ln = &c.lines[i];
        memcpy(t[0].data + 3 * at, ln->pts, sizeof(float) * 3 * (size_t)ln->n);
        at += (size_t)ln->n;
        t[1].data[i] = (float)ln->n;
        t[2].data[i] = strncmp(data, "iam:", 4) ? 0.0f : (float)(ln->style % GL_HW_IAM_HELDOUT_MOD == 0);
        size_t L = strlen(ln->text);
        for (size_t k = 0; k < L; k++) t[3].data[ct + k] = (float)(unsigned char)ln->text[k];
        ct += L;
        t[4].data[i] = (float)L;
    }
    gl_meta_set(&meta, "lines", "%d", c.n);
    rc = gl_st_save(out, t, 5, &meta);
    if (rc) fprintf(stderr, "hw_corpus: %s\n", gl_err());
    for (int k = 0; k < 5; k++) free(t[k].data);
    gl_meta_free(&meta);
    gl_hw_corpus_free(&c);
    return rc ? 1 : 0;
}
