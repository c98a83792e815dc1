// hw_train_data: the handwriting training run's data and session (see hw_train_data.h).
#include "hw_train_data.h"
#include "gl_util.h"
#include <stdlib.h>
#include <string.h>

int hw_load_corpus(const char *data, int lines, uint64_t seed, int max_words, const gl_hw_iam_opts *iam,
                   gl_hw_iam_report *rep, FILE *log, gl_hw_corpus *c) {
    memset(c, 0, sizeof *c);
    if (!data || !strcmp(data, "hershey")) {
        gl_hw_hershey_opts o; gl_hw_hershey_defaults(&o);
        o.lines = lines; o.seed = seed; o.max_words = max_words;
        return gl_hw_hershey_build(c, &o);
    }
    if (!strncmp(data, "iam:", 4)) {
        gl_hw_iam_opts io;
        if (iam && iam->thin) io = *iam; else gl_hw_iam_defaults(&io);
        gl_hw_iam_report r0, *r = rep ? rep : &r0;
        if (gl_hw_iam_load_ex(c, data + 4, &io, r)) return -1;
        if (io.quiet || !log) return 0;
        fprintf(log,
                "glimpse: IAM-OnDB: %d stroke files; not used: %d excluded, %d lines of %d forms that do not pair with "
                "their text, %d unreadable, "
                "%d with an offset of another scale, %d with a pen jump, %d whose strokes do not fit their text; %d "
                "sensor spikes merged; "
                "%d lines, %ld of %ld points (thinned to every %d%s)\n",
                r->files, r->excluded, r->unpaired_lines, r->unpaired_forms, r->bad_files, r->outliers, r->jumps,
                r->misfits, r->spikes, r->lines, r->points_out, r->points_in, io.thin,
                io.thin == 2       ? "nd"
                    : io.thin == 3 ? "rd"
                    : io.thin == 1 ? "st"
                                   : "th");
        return 0;
    }
    gl_seterr("--data must be 'hershey' or 'iam:DIR' (got '%s')", data);
    return -1;
}

void hw_train_spec_defaults(hw_train_spec *s) {
    memset(s, 0, sizeof *s);
    s->synth = 1;
    s->data = "hershey";
    s->lines = 6000; s->words = 3; s->corpus_seed = 1;
    gl_hw_iam_defaults(&s->iam);
    s->iam.thin = 2;
    s->L = 2; s->H = 128; s->M = 10; s->K = 5;
    s->batch = 32; s->seed = 1; s->iters = 20000;
    s->max_points = 400;
    s->lr = 2e-3;
}

// Alphabet of a corpus (sorted, space first); IAM characters outside
// printable ASCII are dropped from the lines' texts.
static void corpus_alphabet(const gl_hw_corpus *c, const gl_hw_corpus *c2, char *out) {
    int seen[128] = {0};
    for (int i = 0; i < c->n; i++)
        for (const char *p = c->lines[i].text; *p; p++)
            if ((unsigned char)*p >= 32 && (unsigned char)*p < 127) seen[(int)*p] = 1;
    for (int i = 0; i < c2->n; i++)
        for (const char *p = c2->lines[i].text; *p; p++)
            if ((unsigned char)*p >= 32 && (unsigned char)*p < 127) seen[(int)*p] = 1;
    int n = 0;
    for (int ch = 32; ch < 127; ch++) if (seen[ch]) out[n++] = (char)ch;
    out[n] = 0;
}

// Drops the lines a synthesis network cannot be trained on: over GL_HW_MAXU
// characters, or with a character outside cfg's alphabet (cfg NULL:
// outside printable ASCII). Adds the counts to *too_long and *bad_chars.
static void drop_unwritable(gl_hw_corpus *c, const gl_hw_cfg *cfg, int *too_long, int *bad_chars) {
    int k = 0;
    for (int i = 0; i < c->n; i++) {
        const char *t = c->lines[i].text;
        int ok = strlen(t) <= GL_HW_MAXU, len_ok = ok;
        if (ok && cfg) ok = gl_hw_encode(cfg, t, NULL) == 0;
        else if (ok)
            for (const char *p = t; *p; p++)
                if ((unsigned char)*p < 32 || (unsigned char)*p > 126) {
                    ok = 0;
                    break;
                }
        if (ok) c->lines[k++] = c->lines[i];
        else {
            if (!len_ok) (*too_long)++; else (*bad_chars)++;
            free(c->lines[i].pts); free(c->lines[i].text);
        }
    }
    c->n = k;
}

// Synthesis drops the lines of more than max_points points: a line cut short
// no longer matches its text.
static void drop_long_lines(gl_hw_corpus *tr, long max_points, FILE *log) {
    int k = 0, cut = 0;
    for (int i = 0; i < tr->n; i++) {
        if (tr->lines[i].n > max_points) { free(tr->lines[i].pts); free(tr->lines[i].text); cut++; }
        else tr->lines[k++] = tr->lines[i];
    }
    tr->n = k;
    if (cut && log)
        fprintf(log, "glimpse: dropped %d line(s) of more than %ld points (--max-points)\n", cut, max_points);
}

// IAM: the held-out lines are those of the forms whose id hashes to 0 mod 20
// (about 5%, fixed for all time; `eval handwriting` uses them); they move from tr to va.
static void split_held_out(gl_hw_corpus *tr, gl_hw_corpus *va) {
    int k = 0;
    for (int i = 0; i < tr->n; i++) {
        gl_hw_line *ln = &tr->lines[i];
        if (ln->style % GL_HW_IAM_HELDOUT_MOD == 0) {
            gl_hw_corpus_add(va, ln->pts, ln->n, ln->text, ln->style);
            free(ln->pts);
            free(ln->text);
        } else tr->lines[k++] = *ln;
    }
    tr->n = k;
}

// Says how --rare repeats the lines with rare characters, and how long an epoch becomes.
static void log_rare(const hw_train_spec *s, const gl_hw_corpus *tr, FILE *log) {
    int *copies = gl_malloc(sizeof(int) * (size_t)tr->n), rep = 0;
    long epoch = gl_hw_rare_copies(tr, s->rare, s->rare_final, GL_HW_RARE_MAX_COPIES, copies);
    for (int i = 0; i < tr->n; i++) rep += copies[i] > 1;
    free(copies);
    fprintf(log,
            "glimpse: --rare %ld%s: %d line(s) with a character seen fewer times repeated (up to %dx): an epoch "
            "holds %ld lines\n",
            s->rare, s->rare_final ? " --rare-final" : "", rep, GL_HW_RARE_MAX_COPIES, epoch);
}

int hw_train_prepare(hw_train_spec *s, gl_hw_model **mp, int resumed, gl_hw_corpus *tr, gl_hw_corpus *va, FILE *log) {
    int synth = s->synth;
    double t_load = gl_now();
    memset(va, 0, sizeof *va);
    memset(&s->iam_rep, 0, sizeof s->iam_rep);
    if (hw_load_corpus(s->data, (int)s->lines, (uint64_t)s->corpus_seed, (int)s->words, &s->iam, &s->iam_rep, log,
                       tr)) {
        gl_hw_corpus_free(tr);
        return -1;
    }
    int iam = strcmp(s->data, "hershey") != 0;
    s->iam_loaded = iam;
    if (iam && !s->max_points_given) s->max_points = 1000;
    if (synth) drop_long_lines(tr, s->max_points, log);
    if (!iam && hw_load_corpus(s->data, 200, (uint64_t)s->corpus_seed + 1000, (int)s->words, &s->iam, NULL, log, va)) {
        gl_hw_corpus_free(tr);
        gl_hw_corpus_free(va);
        return -1;
    }
    // Synthesis needs texts it can encode: lines longer than GL_HW_MAXU or
    // with characters outside printable ASCII (or a resumed model's alphabet)
    // are dropped, and counted, before the held-out split and before the
    // alphabet is taken, so neither comes from a line that is not used.
    if (synth) {
        int too_long = 0, bad_chars = 0;
        drop_unwritable(tr, resumed ? &(*mp)->cfg : NULL, &too_long, &bad_chars);
        drop_unwritable(va, resumed ? &(*mp)->cfg : NULL, &too_long, &bad_chars);
        if ((too_long || bad_chars) && log)
            fprintf(log, "glimpse: dropped %d line(s) over %d characters and %d with characters %s\n", too_long,
                    GL_HW_MAXU, bad_chars, resumed ? "outside the model's alphabet" : "outside printable ASCII");
    }
    if (iam) {
        split_held_out(tr, va);
        if (tr->n < 1) {
            gl_seterr("every form of this corpus is a held-out one (%d lines): nothing to train on", va->n);
            gl_hw_corpus_free(tr); gl_hw_corpus_free(va); return -1;
        }
        if (va->n == 0 && log) fprintf(log, "glimpse: no form of this corpus is a held-out one: nothing is held out\n");
    }
    long tot_pts = 0; size_t tot_chars = 0;
    for (int i = 0; i < tr->n; i++) { tot_pts += tr->lines[i].n; tot_chars += strlen(tr->lines[i].text); }
    if (log)
        fprintf(log, "glimpse: corpus %s: %d lines, %ld points (%.1f per character), %d held out; built in %.1f s\n",
                s->data, tr->n, tot_pts, (double)tot_pts / (tot_chars ? tot_chars : 1), va->n, gl_now() - t_load);
    if (!resumed) {
        gl_hw_cfg cfg = {0};
        cfg.L = (int)s->L; cfg.H = (int)s->H; cfg.M = (int)s->M; cfg.K = synth ? (int)s->K : 0;
        if (synth) {
            if (!iam) snprintf(cfg.alphabet, sizeof cfg.alphabet, "%s", HW_HERSHEY_ALPHABET);
            else corpus_alphabet(tr, va, cfg.alphabet);
            cfg.C = (int)strlen(cfg.alphabet);
            if (iam && strchr(cfg.alphabet, '#')) snprintf(cfg.marks, sizeof cfg.marks, "#");   // a word not read
        }
        gl_hw_norm_stats(tr, cfg.mean, cfg.std);
        if (!(*mp = gl_hw_new(&cfg, (uint64_t)s->seed))) { gl_hw_corpus_free(tr); gl_hw_corpus_free(va); return -1; }
        // the Hershey texts must fit the built-in alphabet
        int tl = 0, bc = 0;
        if (synth) { drop_unwritable(tr, &(*mp)->cfg, &tl, &bc); drop_unwritable(va, &(*mp)->cfg, &tl, &bc); }
    }
    if (tr->n == 0) {
        gl_seterr("no training line is left");
        if (!resumed) { gl_hw_free(*mp); *mp = NULL; }
        gl_hw_corpus_free(tr); gl_hw_corpus_free(va); return -1;
    }
    if (s->rare > 0 && log) log_rare(s, tr, log);
    gl_hw_corpus_normalise(tr, (*mp)->cfg.mean, (*mp)->cfg.std);
    gl_hw_corpus_normalise(va, (*mp)->cfg.mean, (*mp)->cfg.std);
    if (log)
        fprintf(log, "glimpse: %s network: %d layer(s) x %d cells, M=%d, K=%d, alphabet %d: %zu parameters\n",
                synth ? "synthesis" : "prediction", (*mp)->cfg.L, (*mp)->cfg.H, (*mp)->cfg.M, (*mp)->cfg.K,
                (*mp)->cfg.C, gl_params_count(&(*mp)->ps));
    return 0;
}

void hw_train_meta(const hw_train_spec *s, gl_meta *ex) {
    gl_meta_set(ex, "corpus", "%s", s->data);
    if (!strcmp(s->data, "hershey")) {   // the built-in corpus's settings (IAM-OnDB has none of these)
        gl_meta_set(ex, "corpus_lines", "%ld", s->lines);
        gl_meta_set(ex, "corpus_seed", "%ld", s->corpus_seed); gl_meta_set(ex, "corpus_words", "%ld", s->words);
    }
    const gl_hw_iam_report *r = &s->iam_rep;
    if (r->files) {
        gl_meta_set(ex, "iam_thin", "%d", s->iam.thin);
        if (s->iam.exclude) {
            const char *b = strrchr(s->iam.exclude, '/');
            gl_meta_set(ex, "iam_exclude", "%s", b ? b + 1 : s->iam.exclude);
        }
        gl_meta_set(ex, "iam_heldout", "forms whose FNV-1a hash of the form id is 0 mod %d", GL_HW_IAM_HELDOUT_MOD);
        gl_meta_set(ex, "iam_lines", "%d", r->lines);
        gl_meta_set(ex, "iam_dropped",
                    "excluded %d, unpaired forms %d (%d lines), unreadable %d, outliers %d, pen jumps %d, misfits %d; "
                    "spikes merged %d",
                    r->excluded, r->unpaired_forms, r->unpaired_lines, r->bad_files, r->outliers, r->jumps, r->misfits,
                    r->spikes);
    }
    gl_meta_set(ex, "batch", "%ld", s->batch);
    gl_meta_set(ex, "seed", "%ld", s->seed);
    gl_meta_set(ex, "max_points", "%ld", s->max_points);
    gl_meta_set(ex, "lr", "%.17g", s->lr);
    if (s->lr_final > 0) {
        gl_meta_set(ex, "lr_final", "%.17g", s->lr_final);
        gl_meta_set(ex, "lr_decay_from", "%ld", s->decay_from);
        gl_meta_set(ex, "lr_decay_to", "%ld", s->decay_to);
    }
    if (s->rare > 0) gl_meta_set(ex, "rare", "%ld", s->rare);
    if (s->rare > 0) gl_meta_set(ex, "rare_final", "%d", s->rare_final ? 1 : 0);
    if (s->augment > 0) gl_meta_set(ex, "augment", "%.17g", s->augment);
    if (s->jump_weight > 1) gl_meta_set(ex, "jump_weight", "%.17g", s->jump_weight);
    if (s->init) gl_meta_set(ex, "init_from", "%s", s->init);
}

gl_train *hw_train_session(const hw_train_spec *s, gl_hw_model *m, double prev_seconds, const gl_hw_corpus *tr,
                           const gl_hw_corpus *va) {
    gl_hw_train_opts o = { .batch = s->batch,
                           .max_points = s->max_points,
                           .seed = s->seed,
                           .iters = s->iters,
                           .lr = s->lr,
                           .lr_final = s->lr_final,
                           .decay_from = s->decay_from,
                           .decay_to = s->decay_to,
                           .rare = s->rare,
                           .rare_final = s->rare_final,
                           .augment = s->augment,
                           .jump_weight = s->jump_weight };
    gl_meta ex = {0};
    hw_train_meta(s, &ex);
    gl_train *t = gl_hw_train_new(&o, m, prev_seconds, tr, va, &ex);
    gl_meta_free(&ex);
    return t;
}
