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
    const char *good = FIX "/iam/lineStrokes/t01/t01-000/t01-000x-01.xml";
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
    CHECK(gl_hw_iam_read_strokes(FIX "/iam/lineStrokes/t01/t01-000/t01-000x-03.xml", &pts, &n) != 0, "point without y");
    CHECK(strstr(gl_err(), "t01-000x-03.xml:6:") != NULL, "error names file and line: %s", gl_err());
    CHECK(gl_hw_iam_read_strokes(FIX "/iam/lineStrokes/t01/t01-000/t01-000x-04.xml", &pts, &n) != 0, "unclosed stroke");
    CHECK(strstr(gl_err(), "t01-000x-04.xml:") != NULL && strstr(gl_err(), "not closed"), "error: %s", gl_err());
    char *text;
    CHECK(gl_hw_iam_read_text(FIX "/iam/ascii/t01/t01-000/t01-000x.txt", 2, &text) == 0, "text: %s", gl_err());
    CHECK(!strcmp(text, "the river while the morning fog"), "CSR line 2 '%s'", text);
    free(text);
    CHECK(gl_hw_iam_read_text(FIX "/iam/ascii/t01/t01-000/t01-000x.txt", 6, &text) != 0 && strstr(gl_err(), "t01-000x.txt:"), "missing line: %s", gl_err());
    // the whole directory: two good lines load, three malformed ones are skipped
    gl_hw_corpus c = {0};
    CHECK(gl_hw_iam_load(&c, FIX "/iam", 1) == 0, "load: %s", gl_err());
    CHECK(c.n == 2 && c.skipped == 3, "loaded %d, skipped %d", c.n, c.skipped);
    if (c.n == 2) {
        CHECK(!strcmp(c.lines[0].text, "Seven quiet herons stood along"), "text 1 '%s'", c.lines[0].text);
        CHECK(c.lines[1].n == 4, "line 2 points %d", c.lines[1].n);
    }
    gl_hw_corpus_free(&c);
    CHECK(gl_hw_iam_load(&c, FIX "/hershey", 1) != 0 && strstr(gl_err(), "lineStrokes"), "not an IAM dir: %s", gl_err());
    gl_hw_corpus_free(&c);
}

// ---- IAM preparation for training (gl_hw_iam_load_ex), on a data set made here
static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(1); }
    fputs(text, f);
    fclose(f);
}
// One stroke of n points along x (step 10) starting at x0, y.
static void stroke(char *buf, size_t cap, int x0, int y, int n, int spike_at) {
    size_t l = strlen(buf);
    l += (size_t)snprintf(buf + l, cap - l, "<Stroke colour=\"black\">\n");
    for (int i = 0; i < n; i++) {
        int yy = i == spike_at ? y + 5000 : y;
        l += (size_t)snprintf(buf + l, cap - l, "<Point x=\"%d\" y=\"%d\" time=\"0\"/>\n", x0 + 10 * i, yy);
    }
    snprintf(buf + l, cap - l, "</Stroke>\n");
}
static void iam_line(const char *root, const char *form, int k, int npts, int spike_at, int jump) {
    char dir[1024], path[1200], buf[65536] = "<?xml version=\"1.0\"?>\n<WhiteboardCaptureSession>\n<StrokeSet>\n";
    char grp[8]; snprintf(grp, sizeof grp, "%.3s", form);
    char sub[64]; snprintf(sub, sizeof sub, "%.7s", form);
    snprintf(dir, sizeof dir, "mkdir -p %s/lineStrokes/%s/%s %s/ascii/%s/%s", root, grp, sub, root, grp, sub);
    if (system(dir)) exit(1);
    stroke(buf, sizeof buf, 100, 100, npts / 2, spike_at);
    stroke(buf, sizeof buf, jump ? 100 + 10 * (npts / 2) + 9000 : 200 + 10 * (npts / 2), 100, npts - npts / 2, -1);
    strncat(buf, "</StrokeSet>\n</WhiteboardCaptureSession>\n", sizeof buf - strlen(buf) - 1);
    snprintf(path, sizeof path, "%s/lineStrokes/%s/%s/%s-%02d.xml", root, grp, sub, form, k);
    write_file(path, buf);
}

static void test_iam_prepare(void) {
    char root[] = "/tmp/glimpse-iam-XXXXXX";
    if (!mkdtemp(root)) { perror("mkdtemp"); exit(1); }
    // form x01-000a: 3 lines of 3 words (12 characters), 40 points each; line
    // 2 has a sensor spike, line 3 a pen-down jump of 9000 units
    iam_line(root, "x01-000a", 1, 40, -1, 0);
    iam_line(root, "x01-000a", 2, 40, 7, 0);
    iam_line(root, "x01-000a", 3, 40, -1, 1);
    char p[1200];
    snprintf(p, sizeof p, "%s/ascii/x01/x01-000/x01-000a.txt", root);
    write_file(p, "CSR:\n\nabc def ghij\nklm nop qrst\nuvw xyz abcd\n");
    // form x01-001b: 3 stroke files but 2 transcribed lines: does not pair up
    iam_line(root, "x01-001b", 1, 40, -1, 0);
    iam_line(root, "x01-001b", 2, 40, -1, 0);
    iam_line(root, "x01-001b", 3, 40, -1, 0);
    snprintf(p, sizeof p, "%s/ascii/x01/x01-001/x01-001b.txt", root);
    write_file(p, "CSR:\n\nabc def ghij\nklm nop qrst\n");
    // form x02-000c: 2 lines, the second excluded by id; the first has 400
    // points for 12 characters: its strokes do not fit its text
    iam_line(root, "x02-000c", 1, 400, -1, 0);
    iam_line(root, "x02-000c", 2, 40, -1, 0);
    snprintf(p, sizeof p, "%s/ascii/x02/x02-000/x02-000c.txt", root);
    write_file(p, "CSR:\n\nabc def ghij\nklm nop qrst\n");
    // form x02-001d: one good line (so the median points per character is 40/12)
    iam_line(root, "x02-001d", 1, 40, -1, 0);
    snprintf(p, sizeof p, "%s/ascii/x02/x02-001/x02-001d.txt", root);
    write_file(p, "CSR:\n\nabc def ghij\n");
    char ex[1200];
    snprintf(ex, sizeof ex, "%s/exclude.txt", root);
    write_file(ex, "# ids to skip\nx02-000c-02\n");

    gl_hw_corpus c = {0};
    gl_hw_iam_opts o; gl_hw_iam_defaults(&o);
    o.exclude = ex; o.quiet = 1;
    gl_hw_iam_report r;
    CHECK(gl_hw_iam_load_ex(&c, root, &o, &r) == 0, "prepared load: %s", gl_err());
    CHECK(r.files == 9, "stroke files %d", r.files);
    CHECK(r.excluded == 1, "excluded %d", r.excluded);
    CHECK(r.unpaired_forms == 1 && r.unpaired_lines == 3, "unpaired forms %d lines %d", r.unpaired_forms, r.unpaired_lines);
    CHECK(r.spikes == 1, "spikes merged %d", r.spikes);
    CHECK(r.jumps == 1, "pen jumps %d", r.jumps);
    CHECK(r.misfits == 1, "misfits %d", r.misfits);
    CHECK(c.n == 3 && r.lines == 3, "lines kept %d", c.n);
    for (int i = 0; i < c.n; i++) {
        const gl_hw_line *ln = &c.lines[i];
        // first point dropped: 39 points (the spiky line: 38), no offset from nowhere
        CHECK(ln->n == (i == 1 ? 38 : 39), "line %d has %d points", i, ln->n);
        float sx = 0, sy = 0, mx = 0;
        for (int t = 0; t < ln->n; t++) { sx += ln->pts[3 * t]; sy += ln->pts[3 * t + 1]; mx = fmaxf(mx, fabsf(ln->pts[3 * t + 1])); }
        // from the first point to the last: 10·19 + 110 (pen up) + 10·19 along x, nothing along y
        CHECK(fabsf(sx - 490) < 1e-3 && fabsf(sy) < 1e-3, "line %d ends where it should (%g, %g)", i, sx, sy);
        CHECK(mx < 1e-3, "no spike left in line %d (max |dy| %g)", i, mx);
        CHECK(ln->style == (int)gl_hw_iam_form_hash(i < 2 ? "x01-000a" : "x02-001d"), "line %d's style is its form's hash", i);
    }
    CHECK(gl_hw_iam_form_hash("x01-000a") != gl_hw_iam_form_hash("x01-000b"), "form hashes differ");
    gl_hw_corpus_free(&c);
    // thinning by 2: every other point of a stroke and its last one, same end point
    o.thin = 2;
    CHECK(gl_hw_iam_load_ex(&c, root, &o, &r) == 0, "thinned load: %s", gl_err());
    if (c.n >= 1) {
        const gl_hw_line *ln = &c.lines[0];
        float sx = 0;
        int lifts = 0;
        for (int t = 0; t < ln->n; t++) { sx += ln->pts[3 * t]; lifts += ln->pts[3 * t + 2] > 0.5f; }
        CHECK(ln->n == 20 || ln->n == 21, "thinned line has %d points", ln->n);
        CHECK(fabsf(sx - 490) < 1e-3, "thinned line ends at the same place (%g)", sx);
        CHECK(lifts == 2 && ln->pts[3 * (ln->n - 1) + 2] > 0.5f, "pen lifts kept (%d)", lifts);
    }
    gl_hw_corpus_free(&c);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    if (system(cmd)) {}
}

int main(void) {
    test_font();
    test_hershey();
    test_iam();
    test_iam_prepare();
    TEST_MAIN_END();
}
