// Reading a written line back with the synthesis network itself (analysis
// by synthesis), for a legibility figure: there is no separate recogniser.
//
// A word (a run of letters and digits) of a line written for TEXT counts as
// read when the line's ink is likelier under TEXT than under every variant
// of TEXT with that one word altered: each one-letter deletion (ink that
// left a letter out, "wlle" for "while", fits the shorter word better) and
// HW_READ_SUBS one-letter substitutions (a letter by another of the same
// case, a digit by another digit, drawn at a seed fixed by the text). The
// likelihood is gl_hw_line_loss's (eq. 26 over the points, the app's int8
// batch-1 path) in the state the line was written in: from a fresh state,
// or after the primer it was written after (a page's line after the end of
// the line before, a line in a style after the style's line). A change of one word moves the loss only
// once the window is near it, so each variant is scored on the points up
// to where the word's end + HW_READ_AFTER characters would be if the ink
// were spread evenly over the text, plus HW_READ_PAD points (the same
// prefix for TEXT and its variants). Read words / words is the line's
// legibility; whole lines are not needed, so a page's lines and single
// lines are read the same way. HW_READ_SHOW=1 prints each word not read.
#ifndef HW_READ_H
#define HW_READ_H
#include "gl_hw.h"
#include "gl_util.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HW_READ_SUBS 3
#define HW_READ_AFTER 4
#define HW_READ_PAD 40

typedef struct { int words, read; } hw_reading;

// The loss of the first n of the normalised points under text, after the
// primer when there is one (NAN: not writable).
static double hw_read_loss(gl_hw_model *m, const char *text, float *norm, int n, const gl_hw_line *prime) {
    gl_hw_line ln = { n, norm, (char *)text, 0 };
    gl_hw_sample_opts o = { 0 };
    o.weights = GL_HW_INT8;
    if (prime && prime->n > 0) { o.prime = prime; o.prime_text = prime->text; }
    return gl_hw_line_loss(m, &ln, &o);
}

static int hw_read_writable(gl_hw_model *m, const char *text) {
    int *ids = malloc(sizeof(int) * (strlen(text) + 1));
    int ok = gl_hw_encode(&m->cfg, text, ids) == 0;
    free(ids);
    return ok;
}

// Reads the line: pts (n,3) raw offsets as gl_hw_sample writes them, text
// the text it was written for; prime (raw points and their text; NULL or
// n 0: none): what it was written after, so that it is read in the state it
// was written in. Adds to *rd; -1 when the text is not writable.
static int hw_read_line(gl_hw_model *m, const char *text, const float *pts, int n, const gl_hw_line *prime,
                        hw_reading *rd) {
    int U = (int)strlen(text);
    if (U < 1 || n < 1 || !hw_read_writable(m, text)) return -1;
    float *norm = malloc(sizeof(float) * 3 * (size_t)n);
    for (int t = 0; t < n; t++) {
        for (int k = 0; k < 2; k++) norm[3 * t + k] = (pts[3 * t + k] - m->cfg.mean[k]) / m->cfg.std[k];
        norm[3 * t + 2] = pts[3 * t + 2];
    }
    char *alt = malloc((size_t)U + 2);
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < U; i++) h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
    gl_rng rng;
    gl_rng_seed(&rng, h);
    for (int s = 0; s < U;) {
        if (!isalnum((unsigned char)text[s])) { s++; continue; }
        int e = s;
        while (e < U && isalnum((unsigned char)text[e])) e++;   // the word is text[s, e)
        double frac = (double)(e - 1 + HW_READ_AFTER) / U;
        int nt = frac >= 1 ? n : (int)(n * frac) + HW_READ_PAD;
        if (nt > n) nt = n;
        double own = hw_read_loss(m, text, norm, nt, prime);
        int read = isfinite(own);
        for (int v = 0; read && v < (e - s) + HW_READ_SUBS; v++) {
            if (v < e - s) {   // delete letter s + v
                memcpy(alt, text, (size_t)(s + v));
                memcpy(alt + s + v, text + s + v + 1, (size_t)(U - s - v));
            } else {           // substitute one letter by another of its kind
                memcpy(alt, text, (size_t)U + 1);
                int at = s + (int)(gl_rng_uniform(&rng) * (e - s));
                if (at >= e) at = e - 1;
                char c = text[at], lo = isdigit((unsigned char)c) ? '0' : isupper((unsigned char)c) ? 'A' : 'a';
                int span = lo == '0' ? 10 : 26;
                char r = (char)(lo + (int)(gl_rng_uniform(&rng) * (span - 1)) % (span - 1));
                if (r >= c) r++;   // any of its kind but itself
                alt[at] = r;
                if (!hw_read_writable(m, alt)) continue;
            }
            if (!alt[0]) continue;
            double l = hw_read_loss(m, alt, norm, nt, prime);
            if (isfinite(l) && l <= own) read = 0;
        }
        rd->words++;
        rd->read += read;
        if (!read && getenv("HW_READ_SHOW"))   // which words were not read, for a look
            printf("  not read: word %d \"%.*s\" of \"%s\"\n", rd->words, e - s, text + s, text);
        s = e;
    }
    free(alt);
    free(norm);
    return 0;
}
#endif
