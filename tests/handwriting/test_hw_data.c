// Stroke corpora: the Hershey JHF parser and the built-in corpus builder, the
// IAM-OnDB reader on fixture files (good and malformed ones), normalisation.
#include "gl_hw.h"
#include "gl_test.h"
#include <stdlib.h>

#define FIX GL_SOURCE_DIR "/tests/handwriting/fixtures"

static void test_font(void) {
    gl_hw_font f;
    char path[512]; snprintf(path, sizeof path, "%s/scripts.jhf", gl_hw_hershey_dir());
    CHECK(gl_hw_font_load(&f, path) == 0, "load scripts.jhf: %s", gl_err());
    // ASCII order: 'a' and 'z' have ink, space has none; bounds are sane
    const gl_hw_glyph *a = &f.g['a' - 32], *sp = &f.g[0];
    CHECK(a->npts > 5, "'a' has %d points", a->npts);
    CHECK(sp->npts == 0, "space has %d points", sp->npts);
    CHECK(a->left < 0 && a->right > 0, "'a' bounds %d %d", a->left, a->right);
    CHECK(a->up[a->npts - 1] == 1, "last point lifts the pen");
    // 'i' is two strokes (stem and dot)
    const gl_hw_glyph *i = &f.g['i' - 32];
    int lifts = 0; for (int k = 0; k < i->npts; k++) lifts += i->up[k];
    CHECK(lifts >= 2, "'i' has %d strokes", lifts);
    gl_hw_font_free(&f);
    // malformed fonts: clear errors naming file and line
    CHECK(gl_hw_font_load(&f, FIX "/hershey/truncated.jhf") != 0, "truncated font loads");
    CHECK(strstr(gl_err(), "truncated.jhf:") != NULL, "error names the file: %s", gl_err());
    CHECK(gl_hw_font_load(&f, FIX "/hershey/short.jhf") != 0, "short font loads");
    CHECK(strstr(gl_err(), "short.jhf") != NULL, "error names the file: %s", gl_err());
    CHECK(gl_hw_font_load(&f, FIX "/hershey/nope.jhf") != 0 && strstr(gl_err(), "hershey-fonts-data"), "missing file names the package: %s", gl_err());
}

static int same_corpus(const gl_hw_corpus *a, const gl_hw_corpus *b) {
    if (a->n != b->n) return 0;
    for (int i = 0; i < a->n; i++) {
        if (a->lines[i].n != b->lines[i].n || strcmp(a->lines[i].text, b->lines[i].text)) return 0;
        if (memcmp(a->lines[i].pts, b->lines[i].pts, sizeof(float) * 3 * a->lines[i].n)) return 0;
    }
    return 1;
}

static void test_hershey(void) {
    gl_hw_hershey_opts o; gl_hw_hershey_defaults(&o);
    o.lines = 40; o.seed = 5;
    gl_hw_corpus a = {0}, b = {0}, c = {0};
    CHECK(gl_hw_hershey_build(&a, &o) == 0, "build: %s", gl_err());
    CHECK(a.n == 40, "lines %d", a.n);
    long pts = 0, chars = 0;
    for (int i = 0; i < a.n; i++) {
        const gl_hw_line *l = &a.lines[i];
        CHECK(l->n > 5, "line %d has %d points", i, l->n);
        CHECK(l->pts[3 * (l->n - 1) + 2] == 1, "line ends with a pen lift");
        for (const char *p = l->text; *p; p++) CHECK(strchr(" abcdefghijklmnopqrstuvwxyz.,", *p), "char '%c'", *p);
        int lifts = 0; float x = 0, xmin = 0, xmax = 0;
        for (int t = 0; t < l->n; t++) { lifts += l->pts[3 * t + 2] > 0.5f; x += l->pts[3 * t]; if (x < xmin) xmin = x; if (x > xmax) xmax = x; }
        CHECK(lifts >= 1 && lifts < l->n, "pen lifts %d of %d", lifts, l->n);
        // writing runs left to right: width grows with the text
        CHECK(xmax - xmin > 4.0f * strlen(l->text), "line %d width %g for %zu chars", i, xmax - xmin, strlen(l->text));
        pts += l->n; chars += (long)strlen(l->text);
    }
    double ppc = (double)pts / chars;
    CHECK(ppc > 4 && ppc < 20, "points per character %g", ppc);
    CHECK(gl_hw_hershey_build(&b, &o) == 0, "build again");
    CHECK(same_corpus(&a, &b), "same seed gives the same corpus");
    o.seed = 6;
    CHECK(gl_hw_hershey_build(&c, &o) == 0, "build seed 6");
    CHECK(!same_corpus(&a, &c), "another seed gives another corpus");
    // the same text twice with different styles is written differently
    gl_hw_corpus d = {0};
    CHECK(gl_hw_hershey_line(&d, "hello", &o, 1) == 0 && gl_hw_hershey_line(&d, "hello", &o, 2) == 0, "lines");
    CHECK(d.n == 2 && (d.lines[0].n != d.lines[1].n || memcmp(d.lines[0].pts, d.lines[1].pts, sizeof(float) * 3 * d.lines[0].n)), "styles differ");
    // normalisation: zero mean, unit variance of the offsets
    float mean[2], std[2];
    gl_hw_norm_stats(&a, mean, std);
    gl_hw_corpus_normalise(&a, mean, std);
    float m2[2], s2[2];
    gl_hw_norm_stats(&a, m2, s2);
    CHECK_NEAR(m2[0], 0, 1e-4, "normalised mean x"); CHECK_NEAR(m2[1], 0, 1e-4, "normalised mean y");
    CHECK_NEAR(s2[0], 1, 1e-3, "normalised std x"); CHECK_NEAR(s2[1], 1, 1e-3, "normalised std y");
    gl_hw_corpus_free(&a); gl_hw_corpus_free(&b); gl_hw_corpus_free(&c); gl_hw_corpus_free(&d);
    // missing package: the error names it
    setenv("GLIMPSE_HERSHEY_DIR", "/nonexistent/hershey", 1);
    gl_hw_corpus e = {0};
    CHECK(gl_hw_hershey_build(&e, &o) != 0, "build without fonts");
    CHECK(strstr(gl_err(), "hershey-fonts-data") != NULL, "error names the package: %s", gl_err());
    unsetenv("GLIMPSE_HERSHEY_DIR");
    o.faces = "nosuchface";
    CHECK(gl_hw_hershey_build(&e, &o) != 0 && strstr(gl_err(), "nosuchface.jhf"), "missing face: %s", gl_err());
    gl_hw_corpus_free(&e);
}

static void test_iam(void) {
    float *pts; int n;
    const char *good = FIX "/iam/lineStrokes/a01/a01-000/a01-000u-01.xml";
    CHECK(gl_hw_iam_read_strokes(good, &pts, &n) == 0, "read: %s", gl_err());
    CHECK(n == 5, "points %d", n);
    if (n == 5) {
        // offsets from the previous point, the first at the origin
        CHECK(pts[0] == 0 && pts[1] == 0, "first offset");
        CHECK(pts[3] == -1 && pts[4] == 27, "second offset %g %g", pts[3], pts[4]);
        CHECK(pts[9] == 30 && pts[10] == -52, "pen-up move %g %g", pts[9], pts[10]);
        CHECK(pts[8] == 1 && pts[14] == 1 && pts[2] == 0 && pts[11] == 0, "end-of-stroke flags");
        free(pts);
    }
    CHECK(gl_hw_iam_read_strokes(FIX "/iam/lineStrokes/a01/a01-000/a01-000u-03.xml", &pts, &n) != 0, "point without y");
    CHECK(strstr(gl_err(), "a01-000u-03.xml:6:") != NULL, "error names file and line: %s", gl_err());
    CHECK(gl_hw_iam_read_strokes(FIX "/iam/lineStrokes/a01/a01-000/a01-000u-04.xml", &pts, &n) != 0, "unclosed stroke");
    CHECK(strstr(gl_err(), "a01-000u-04.xml:") != NULL && strstr(gl_err(), "not closed"), "error: %s", gl_err());
    char *text;
    CHECK(gl_hw_iam_read_text(FIX "/iam/ascii/a01/a01-000/a01-000u.txt", 2, &text) == 0, "text: %s", gl_err());
    CHECK(!strcmp(text, "from nominating any more Labour"), "CSR line 2 '%s'", text);
    free(text);
    CHECK(gl_hw_iam_read_text(FIX "/iam/ascii/a01/a01-000/a01-000u.txt", 5, &text) != 0 && strstr(gl_err(), "a01-000u.txt:"), "missing line: %s", gl_err());
    // the whole directory: two good lines load, three malformed ones are skipped
    gl_hw_corpus c = {0};
    CHECK(gl_hw_iam_load(&c, FIX "/iam", 1) == 0, "load: %s", gl_err());
    CHECK(c.n == 2 && c.skipped == 3, "loaded %d, skipped %d", c.n, c.skipped);
    if (c.n == 2) {
        CHECK(!strcmp(c.lines[0].text, "A MOVE to stop Mr. Gaitskell"), "text 1 '%s'", c.lines[0].text);
        CHECK(c.lines[1].n == 4, "line 2 points %d", c.lines[1].n);
    }
    gl_hw_corpus_free(&c);
    CHECK(gl_hw_iam_load(&c, FIX "/hershey", 1) != 0 && strstr(gl_err(), "lineStrokes"), "not an IAM dir: %s", gl_err());
    gl_hw_corpus_free(&c);
}

int main(void) {
    test_font();
    test_hershey();
    test_iam();
    TEST_MAIN_END();
}
