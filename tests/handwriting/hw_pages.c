// hw_pages: diagnostics of pages (gl_hw_page_write) on IAM-OnDB's held-out
// texts (hw_heldout.h), as `glimpse write --page` writes them.
//   hw_pages MODEL IAMDIR EXCLUDE widths BIAS LINES W1,W2,...
//     for each width W: the held-out texts, joined by spaces in their sorted
//     order from text 0, wrapped at W characters; LINES lines written as one
//     page with one try each (each primed with the line before, the first
//     unprimed), seed 1 (line i: 1 + i); prints the share of lines that ended on
//     their own with the window on every character, by line length.
//   hw_pages MODEL IAMDIR EXCLUDE pages BIAS PAGES CHARS WIDTH[/PRIME] [STYLE.json ...]
//     PAGES pages, each made of the held-out texts from text 13 p on (taken
//     in turn, wrapping round the list) joined until it has CHARS characters,
//     written as `write --page --width WIDTH --seed p` writes them (the
//     default tries), in the first style (unprimed without one); prints the
//     pages complete (every line ended), lines retried and failed, the time
//     per page (wall and CPU), and the hand of each page's lines
//     (gl_hw_ink_measure): the spread of height and slant across the lines
//     of a page. Each further STYLE writes the first 10 pages again in that
//     style, for the spread of the pages' hands across styles. WIDTH/PRIME
//     (45/10): each line primed with PRIME characters of the line before
//     (gl_hw_page_opts.prime_chars; default GL_HW_PAGE_PRIME_CHARS).
//   hw_pages ink STYLE.json ...
//     each style file's own hand: gl_hw_ink_measure of its points.
// HW_PAGES_PNG=DIR writes every page as DIR/page-S-P.png (S: the style's index);
// HW_PAGES_SINGLES=1 (widths) also writes each line alone, unprimed, at the
// seed it had on the page (line i: 1 + i), one try; HW_PAGES_READ=1 (widths)
// reads the page's lines (and those written alone) back (hw_read.h), each
// after the primer it was written after (HW_PAGES_READ=alone: every line
// from a fresh state), and prints the share of words read.
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_json.h"
#include "hw_heldout.h"
#include "hw_read.h"
#include <math.h>
#include <stdio.h>

// A style file's primer (text and raw points), read as `write --style` reads
// it (the checks are the app's; these files are the shipped presets).
static int load_style(const char *path, gl_hw_line *ln) {
    uint8_t *b;
    size_t len;
    if (gl_read_file(path, &b, &len)) return -1;
    gl_json *j = gl_json_parse((const char *)b, len);
    free(b);
    const gl_json *t = j ? gl_json_get(j, "text") : NULL, *p = j ? gl_json_get(j, "points") : NULL;
    if (!t || t->type != GL_JSTR || !p || p->type != GL_JARR) {
        gl_seterr("%s: not a style file", path);
        gl_json_free(j);
        return -1;
    }
    ln->text = gl_strdup(t->str);
    ln->n = p->n;
    ln->pts = gl_malloc(sizeof(float) * 3 * (size_t)p->n);
    for (int i = 0; i < p->n; i++)
        for (int k = 0; k < 3; k++) ln->pts[3 * i + k] = (float)p->kids[i].kids[k].num;
    gl_json_free(j);
    return 0;
}

// The texts from text `from` on, joined by spaces until `chars` characters.
static char *join_texts(char **t, int nt, int from, int chars) {
    gl_buf b = { 0 };
    for (int i = 0; (int)b.len < chars && i < nt; i++) gl_buf_printf(&b, "%s%s", i ? " " : "", t[(from + i) % nt]);
    return b.s;
}


static int widths(gl_hw_model *m, char **t, int nt, float bias, int lines, const char *list) {
    enum { NB = 7 };
    int n[NB] = { 0 }, ok[NB] = { 0 };   // by length: 0-9, 10-19, ... 60-
    printf("width  lines  ended on the first try\n");
    for (const char *p = list; *p;) {
        int w = atoi(p);
        char *text = join_texts(t, nt, 0, lines * (w + 1)), **l;
        int nl;
        if (gl_hw_wrap(&m->cfg, text, w, &l, &nl)) return -1;
        if (nl > lines) nl = lines;
        gl_hw_page_opts o = { 0 };   // one try per line: a line that did not end is not written again
        o.bias = bias;
        o.seed = 1;
        o.tries = 1;
        gl_hw_page pg;
        if (gl_hw_page_write(m, l, nl, &o, &pg)) return -1;
        int good = 0, reading = getenv("HW_PAGES_READ") != NULL, in_context = reading && strcmp(getenv("HW_PAGES_READ"), "alone");
        hw_reading rp = { 0 }, rs = { 0 };
        for (int i = 0; i < nl; i++) {
            int len = (int)strlen(l[i]), b = len / 10 < NB ? len / 10 : NB - 1;
            int g = pg.done[i];
            n[b]++;
            ok[b] += g;
            good += g;
            if (reading) hw_read_line(m, pg.text[i], pg.line[i].pts, pg.line[i].n, in_context ? &pg.prime[i] : NULL, &rp);
        }
        gl_hw_page_free(&pg);
        int alone = 0;   // the same lines each written alone (unprimed), one try, the same seeds
        for (int i = 0; i < nl && getenv("HW_PAGES_SINGLES"); i++) {
            o.seed = 1 + (uint64_t)i;
            if (gl_hw_page_write(m, &l[i], 1, &o, &pg)) return -1;
            alone += pg.done[0];
            if (reading) hw_read_line(m, pg.text[0], pg.line[0].pts, pg.line[0].n, NULL, &rs);
            gl_hw_page_free(&pg);
        }
        if (getenv("HW_PAGES_SINGLES")) printf("  the same lines alone: %d of %d written whole\n", alone, nl);
        if (reading)
            printf("  words read (hw_read.h): page lines %d of %d (%.1f%%), the same lines alone %d of %d (%.1f%%)\n",
                   rp.read, rp.words, 100.0 * rp.read / (rp.words ? rp.words : 1), rs.read, rs.words,
                   100.0 * rs.read / (rs.words ? rs.words : 1));
        printf("%5d  %5d  %5.1f%%\n", w, nl, 100.0 * good / (nl ? nl : 1));
        fflush(stdout);
        gl_hw_wrapped_free(l, nl);
        free(text);
        p = strchr(p, ',');
        if (!p) break;
        p++;
    }
    printf("by line length (characters): lines, ended on the first try\n");
    for (int b = 0; b < NB; b++)
        if (n[b]) printf("  %2d-%-3s %4d  %5.1f%%\n", 10 * b, b == NB - 1 ? "" : "", n[b], 100.0 * ok[b] / n[b]);
    return 0;
}

typedef struct {
    double mean_h, mean_s, sd_h, sd_s;   // over the page's lines; height relative to the page's mean
} hand;

static hand page_hand(const gl_hw_page *pg) {
    hand h = { 0 };
    double sh = 0, shh = 0, ss = 0, sss = 0;
    int k = 0, ks = 0;
    float hs[256], sl[256];
    for (int i = 0; i < pg->n && k < 256; i++) {
        gl_hw_ink_stats st;
        if (pg->line[i].n < 2 || gl_hw_ink_measure(pg->line[i].pts, pg->line[i].n, (int)strlen(pg->text[i]), &st))
            continue;
        hs[k++] = st.aspect;
        if (!isnan(st.slant_deg)) sl[ks++] = st.slant_deg;
    }
    for (int i = 0; i < k; i++) sh += hs[i];
    h.mean_h = sh / (k ? k : 1);
    for (int i = 0; i < k; i++) shh += (hs[i] - h.mean_h) * (hs[i] - h.mean_h);
    for (int i = 0; i < ks; i++) ss += sl[i];
    h.mean_s = ss / (ks ? ks : 1);
    for (int i = 0; i < ks; i++) sss += (sl[i] - h.mean_s) * (sl[i] - h.mean_s);
    h.sd_h = k > 1 ? sqrt(shh / (k - 1)) : 0;
    h.sd_s = ks > 1 ? sqrt(sss / (ks - 1)) : 0;
    return h;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int pages(gl_hw_model *m, char **t, int nt, float bias, int np, int chars, int width, int prime_chars,
                 char **styles, int nstyles) {
    const char *png = getenv("HW_PAGES_PNG");
    for (int si = 0; si < (nstyles ? nstyles : 1); si++) {
        gl_hw_line st = { 0 };
        if (nstyles && load_style(styles[si], &st)) return -1;
        int npages = si == 0 ? np : (np < 10 ? np : 10), complete = 0, retried = 0, failed = 0, lines = 0, led = 0;
        double *wall = calloc((size_t)npages, sizeof(double)), *cpu = calloc((size_t)npages, sizeof(double));
        double sdh = 0, sds = 0, mh = 0, ms = 0, mhh = 0, mss = 0, nch = 0;
        const char *only = getenv("HW_PAGES_ONLY");   // HW_PAGES_ONLY=P: that page alone (its figures only)
        for (int p = only ? atoi(only) : 0; p < (only ? atoi(only) + 1 : npages); p++) {
            char *text = join_texts(t, nt, 13 * p, chars), **l;
            int nl;
            if (gl_hw_wrap(&m->cfg, text, width, &l, &nl)) return -1;
            gl_hw_page_opts o = { 0 };
            o.bias = bias;
            o.seed = (uint64_t)p;
            o.prime_chars = prime_chars;
            o.prime = st.n ? &st : NULL;
            o.prime_text = st.n ? st.text : NULL;
            gl_hw_page pg;
            double t0 = gl_now(), c0 = gl_cpu_now();
            if (gl_hw_page_write(m, l, nl, &o, &pg)) return -1;
            wall[p] = gl_now() - t0;
            cpu[p] = gl_cpu_now() - c0;
            complete += pg.failed == 0;
            for (int i = 0; i < pg.n; i++) {
                led += pg.line[i].lead > 0;
                if (pg.line[i].lead > 0 && getenv("HW_PAGES_LEAD"))
                    printf("  page %d line %d: %d points dropped before the text\n", p, i + 1, pg.line[i].lead);
            }
            retried += pg.retried;
            failed += pg.failed;
            lines += nl;
            nch += (double)strlen(text);
            hand h = page_hand(&pg);
            sdh += h.sd_h;
            sds += h.sd_s;
            mh += h.mean_h;
            ms += h.mean_s;
            mhh += h.mean_h * h.mean_h;
            mss += h.mean_s * h.mean_s;
            if (pg.failed)
                for (int i = 0; i < pg.n; i++)
                    if (pg.text[i][0] && !pg.done[i])
                        printf("  page %d line %d not written whole: \"%s\": the try kept (seed %llu) %s "
                               "(hold %.2f)\n", p, i + 1, pg.text[i], (unsigned long long)pg.seed[i],
                               gl_hw_verdict_name(pg.why[i]),
                               gl_hw_window_hold(&pg.line[i], pg.line[i].U - (int)strlen(pg.text[i]), NULL));
            if (png) {
                char fn[600];
                int n;
                float mm;
                snprintf(fn, sizeof fn, "%s/page-%d-%d.png", png, si, p);
                float *pts = gl_hw_page_points(&pg, &n, &mm);
                gl_hw_save_png_dpi(fn, pts, n, mm, 60);
                free(pts);
            }
            gl_hw_page_free(&pg);
            gl_hw_wrapped_free(l, nl);
            free(text);
        }
        qsort(wall, (size_t)npages, sizeof *wall, cmp_d);
        qsort(cpu, (size_t)npages, sizeof *cpu, cmp_d);
        double k = npages;
        printf("%s: %d pages of %.0f characters on average, width %d, bias %g: %d complete (every line whole), "
               "%d of %d lines written again, %d not whole; per page median %.2f s wall, %.2f CPU s\n",
               nstyles ? styles[si] : "unprimed", npages, nch / k, width, bias, complete, retried, lines, failed,
               wall[npages / 2], cpu[npages / 2]);
        printf("  %d lines began with a stroke or touch before the window reached the text, dropped\n", led);
        printf("  hand: height/char width %.3f, slant %.2f deg (means over pages); across a page's lines sd %.3f, "
               "%.2f deg (mean over pages); across pages sd %.3f, %.2f deg\n",
               mh / k, ms / k, sdh / k, sds / k, sqrt(fmax(0, mhh / k - (mh / k) * (mh / k))),
               sqrt(fmax(0, mss / k - (ms / k) * (ms / k))));
        fflush(stdout);
        free(wall);
        free(cpu);
        free(st.pts);
        free(st.text);
    }
    return 0;
}

// hw_pages ink STYLE.json ...: each style file's own hand (gl_hw_ink_measure).
static int ink(int argc, char **argv) {
    for (int i = 2; i < argc; i++) {
        gl_hw_line st = { 0 };
        gl_hw_ink_stats h;
        if (load_style(argv[i], &st) || gl_hw_ink_measure(st.pts, st.n, (int)strlen(st.text), &h)) return 1;
        printf("%s: \"%s\": height/char width %.3f, slant %.2f deg (%d down-strokes), height %.1f\n", argv[i], st.text,
               h.aspect, h.slant_deg, h.downstrokes, h.height);
        free(st.pts);
        free(st.text);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "ink")) return ink(argc, argv);
    if (argc < 8) {
        fprintf(stderr, "usage: hw_pages MODEL IAMDIR EXCLUDE widths BIAS LINES W1,W2,...\n"
                        "       hw_pages MODEL IAMDIR EXCLUDE pages BIAS PAGES CHARS WIDTH[/PRIME] [STYLE.json ...]\n"
                        "       hw_pages ink STYLE.json ...\n");
        return 2;
    }
    gl_hw_model *m = gl_hw_load(argv[1], 0);
    char **t = NULL;
    int nt = 0, rc;
    if (!m || hw_heldout_texts(m, argv[2], argv[3], 0, &t, &nt)) {
        fprintf(stderr, "hw_pages: %s\n", gl_err());
        return 1;
    }
    long total = 0;
    for (int i = 0; i < nt; i++) total += (long)strlen(t[i]) + 1;
    printf("%d held-out texts, %ld characters\n", nt, total);
    if (!strcmp(argv[4], "widths")) rc = widths(m, t, nt, (float)atof(argv[5]), atoi(argv[6]), argv[7]);
    else if (!strcmp(argv[4], "pages") && argc >= 9)
        rc = pages(m, t, nt, (float)atof(argv[5]), atoi(argv[6]), atoi(argv[7]), atoi(argv[8]),
                   strchr(argv[8], '/') ? atoi(strchr(argv[8], '/') + 1) : 0, argv + 9, argc - 9);
    else {
        fprintf(stderr, "hw_pages: unknown mode %s\n", argv[4]);
        rc = -1;
    }
    if (rc) fprintf(stderr, "hw_pages: %s\n", gl_err());
    for (int i = 0; i < nt; i++) free(t[i]);
    free(t);
    gl_hw_free(m);
    return rc ? 1 : 0;
}
