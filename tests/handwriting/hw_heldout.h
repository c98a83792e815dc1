// Texts of IAM-OnDB's held-out forms for the handwriting diagnostics: the
// forms whose hash is 0 mod GL_HW_IAM_HELDOUT_MOD after the model's own
// preparation (its iam_thin), the texts the model can write (gl_hw_text_check:
// no '#', IAM-OnDB's mark of a word not read) with room for `spare` more
// characters, not ending in a space, sorted (so the choice does not depend on
// the order of files on disk). -1 with gl_err.
#ifndef HW_HELDOUT_H
#define HW_HELDOUT_H
#include "gl_hw.h"
#include <stdlib.h>
#include <string.h>

static int hw_by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int hw_heldout_texts(const gl_hw_model *m, const char *dir, const char *exclude, int spare, char ***out,
                            int *nout) {
    gl_hw_corpus c = { 0 };
    gl_hw_iam_opts o;
    gl_hw_iam_defaults(&o);
    o.thin = gl_meta_int(gl_hw_meta(m), "iam_thin", 1);
    o.exclude = exclude;
    o.quiet = 1;
    gl_hw_iam_report rep;
    if (gl_hw_iam_load_ex(&c, dir, &o, &rep) < 0) return -1;
    char **t = malloc(sizeof(char *) * (size_t)(c.n + 1));
    int nt = 0;
    for (int i = 0; i < c.n; i++) {
        const char *x = c.lines[i].text;
        size_t L = strlen(x);
        if (c.lines[i].style % GL_HW_IAM_HELDOUT_MOD || !L || L + (size_t)spare > GL_HW_MAXU || x[L - 1] == ' ' ||
            gl_hw_text_check(&m->cfg, x))
            continue;
        t[nt++] = gl_strdup(x);
    }
    qsort(t, (size_t)nt, sizeof *t, hw_by_str);
    gl_hw_corpus_free(&c);
    *out = t;
    *nout = nt;
    return 0;
}
#endif
