// gl_hw: handwriting prediction and synthesis (Graves 2013, arXiv 1308.0850,
// §4 and §5). Stroke corpora, the two networks as forward/backward pairs over
// plain float buffers, training, sampling, and a step-by-step writer for the
// GUI that fills a gl_trace.
//
// Points. A line is a sequence of pen points stored as offsets
// (dx, dy, eos): dx, dy from the previous point (the first from the line's
// origin), screen orientation (y grows downwards), eos = 1 when the pen lifts
// after this point (the next offset is a pen-up move).
//
// Networks (sizes in gl_hw_cfg). L stacked LSTM layers of H cells with skip
// connections from the input to every layer and from every layer to the
// output (§4, eq. 1-5, no peepholes). Synthesis (K > 0) adds the soft window
// (eq. 46-51) computed from layer 1: layer 1 reads [x_t, w_{t-1}], layers
// n > 1 read [x_t, h^{n-1}_t, w_t]. The prediction network is the same with
// K = 0: layer 1 reads x_t, layers n > 1 read [x_t, h^{n-1}_t].
// The output y_t = b_y + Σ_n W_y^n h^n_t parameterises the mixture density
// (eq. 18-23): ê (1), π̂ (M), μ̂1 (M), μ̂2 (M), σ̂1 (M), σ̂2 (M), ρ̂ (M).
//
// Conventions for loading these weights elsewhere (checked against the
// PyTorch twin in tests/reference/twins.py):
//   - inputs and targets are offsets normalised per axis, (d − mean)/std with
//     mean_x, mean_y, std_x, std_y from the file's metadata; eos stays 0/1.
//     x_0 = (0, 0, 1); x_t = the target of step t − 1.
//   - every LSTM: gates (i, f, g, o), no peepholes, one bias lstmN.b
//     (PyTorch: bias_ih = b, bias_hh = 0), zero initial state. Layer input
//     rows are [x (3), w (C, synthesis only), h^{n−1} (H, layers n > 1)], in
//     that order; out.W's columns are [h^1 … h^L].
//   - mixture: e = 1/(1 + exp(ê)) = σ(−ê) is the probability that the pen
//     lifts (note the sign); π = softmax(π̂); μ as is; σ = exp(σ̂);
//     ρ = tanh(ρ̂). The loss floors 1 − ρ² at 1e-6.
//   - window: window.W h¹_t + window.b = (α̂ (K), β̂ (K), κ̂ (K)); α = exp α̂,
//     β = exp β̂, κ_t = κ_{t−1} + exp κ̂ with κ_0 = 0; characters sit at
//     positions u = 1..U (1-based), φ(t,u) = Σ_k α_k exp(−β_k (κ_k − u)²)
//     for u = 1..U+1 (U+1: the end-of-text test, not a character); w_t =
//     Σ_{u≤U} φ(t,u) onehot(c_u) over the alphabet of the metadata (its
//     index order); w_0 = 0. Layer 1 reads w_{t−1}, layers above read w_t.
//   - training: loss per point is the mean over real points; derivatives of
//     the outputs are clipped to ±100 and those reaching each h to ±10
//     (gl_hw_backward), then the global norm to 5 before Adam.
#ifndef GL_HW_H
#define GL_HW_H
#include <stdatomic.h>
#include <stdint.h>
#include "gl_params.h"
#include "gl_util.h"
#include "gl_trace.h"
#include "gl_wpack.h"

// ---------------------------------------------------------------- corpora
typedef struct { int n; float *pts; char *text; int style; } gl_hw_line;   // pts (n,3)
typedef struct { int n, cap; gl_hw_line *lines; int skipped; } gl_hw_corpus;

void gl_hw_corpus_free(gl_hw_corpus *c);
void gl_hw_corpus_add(gl_hw_corpus *c, const float *pts, int n, const char *text, int style);

// Hershey JHF font: glyphs for ASCII 32..126 in file order. Each glyph is a
// list of strokes of integer points (font units, y down, cap height ~21).
typedef struct { int left, right, npts; int8_t *xy; uint8_t *up; } gl_hw_glyph;  // up[i]=1: pen lifts after point i
typedef struct { gl_hw_glyph g[95]; } gl_hw_font;
// Parses a .jhf file (continuation lines allowed). Errors name file and line.
int gl_hw_font_load(gl_hw_font *f, const char *path);
void gl_hw_font_free(gl_hw_font *f);

// Directory of the Hershey fonts: $GLIMPSE_HERSHEY_DIR or
// /usr/share/hershey-fonts. Faces used by the corpus builder.
const char *gl_hw_hershey_dir(void);
#define GL_HW_FACES "scripts,cursive"

typedef struct {
    int lines;            // number of lines to build
    uint64_t seed;
    int min_words, max_words;
    const char *faces;    // comma-separated jhf names (without .jhf); NULL = GL_HW_FACES
    const char *words;    // word list path; NULL = /usr/share/dict/words
    float step;           // mean resampling step in font units (pen speed)
} gl_hw_hershey_opts;
void gl_hw_hershey_defaults(gl_hw_hershey_opts *o);
// Builds a corpus of "written" lines: per-line style (face, slant, size,
// letter spacing, baseline drift, pen speed), smooth per-point jitter,
// occasional pen lifts, resampling by arc length. A missing font directory or
// face is an error naming the Debian package hershey-fonts-data.
int gl_hw_hershey_build(gl_hw_corpus *c, const gl_hw_hershey_opts *o);
// Renders one text with a given style index and seed (for tests and priming).
int gl_hw_hershey_line(gl_hw_corpus *c, const char *text, const gl_hw_hershey_opts *o, uint64_t seed);

// IAM-OnDB: DIR holds lineStrokes/**/NAME-NN.xml and ascii/**/NAME.txt.
// Malformed files are reported on stderr (file:line: reason) unless quiet,
// counted in c->skipped, and the rest still loads. Returns -1 only when
// nothing at all could be loaded.
// Directories are walked once each (device and inode: symlink loops end);
// files are at most GL_HW_IAM_MAX_FILE bytes and GL_HW_IAM_MAX_POINTS points
// with coordinates within ±GL_HW_IAM_MAX_COORD; lines with an offset over
// GL_HW_IAM_OUTLIER times the corpus's median offset are dropped (skipped).
#define GL_HW_IAM_MAX_FILE ((size_t)16 << 20)
#define GL_HW_IAM_MAX_POINTS 100000
#define GL_HW_IAM_MAX_COORD 1e6
#define GL_HW_IAM_OUTLIER 1000.0f
int gl_hw_iam_load(gl_hw_corpus *c, const char *dir, int quiet);
// The same with the preparation for training (gl_hw_iam_defaults: prepare
// on, thin 1; prepare 0 reads the files as gl_hw_iam_load does, with style =
// the form's hash):
// - lines whose id (x01-000a-01) or form (x01-000a) is in the exclude file
//   (one id a line, # comments) are skipped; so is every line of a form with
//   more stroke files than transcribed lines (file NN is text line NN);
// - each line starts at its first point (that point's offset is dropped);
// - with the pen down, a point more than `spike` median offsets away whose
//   next point comes back is a sensor spike and is merged into it; a line
//   with a pen-down jump left, or a pen-up move over `max_up` medians, is
//   dropped;
// - thin > 1 keeps every thin-th point of a stroke and its last one (the
//   offsets of the points between add up);
// - a line with more than `misfit` times (or less than 1/misfit) the
//   corpus's median points per character does not fit its text: dropped.
// Line styles are the form's hash (gl_hw_iam_form_hash): the held-out split
// takes the forms whose hash is 0 mod 20. rep (may be NULL) gets the counts.
typedef struct { int prepare; const char *exclude; int thin; float spike, max_up, misfit; int quiet; } gl_hw_iam_opts;
typedef struct {
    int files, lines, excluded, unpaired_forms, unpaired_lines, bad_files, outliers, spikes, jumps, misfits;
    long points_in, points_out;
    float median_step, points_per_char;
} gl_hw_iam_report;
void gl_hw_iam_defaults(gl_hw_iam_opts *o);
int gl_hw_iam_load_ex(gl_hw_corpus *c, const char *dir, const gl_hw_iam_opts *o, gl_hw_iam_report *rep);
uint32_t gl_hw_iam_form_hash(const char *form);
#define GL_HW_IAM_HELDOUT_MOD 20
// One lineStrokes XML file -> points (raw tablet offsets). text may be NULL.
int gl_hw_iam_read_strokes(const char *path, float **pts, int *n);
// Line `index` (1-based) of the CSR section of an ascii transcription file.
int gl_hw_iam_read_text(const char *path, int index, char **text);

// ---------------------------------------------------------------- model
typedef struct {
    int L, H;      // LSTM layers and cells per layer
    int M;         // mixture components
    int K;         // window Gaussians (0: prediction network)
    int C;         // alphabet size (synthesis); alphabet[C]
    char alphabet[128];
    // characters of the alphabet that are transcription marks, not glyphs: in
    // IAM-OnDB's texts '#' stands for a word that could not be read, and the
    // network writes an unreadable word for it. Typed text may not hold them
    // (gl_hw_text_check). Metadata "marks"; a file without it that was
    // trained on IAM-OnDB ("corpus" iam:…) gets "#".
    char marks[8];
    float mean[2], std[2];   // offset normalisation (over the training set)
} gl_hw_cfg;

typedef struct {
    gl_hw_cfg cfg;
    gl_params ps;
    // views into ps (weights): per layer Wx (4H,NI_l), Wh (4H,H), b (4H);
    // Wy (1+6M, L*H), by; window Wp (3K, H), bp (3K)
    float *Wx[4], *Wh[4], *b[4], *Wy, *by, *Wp, *bp;
    int NI[4];
    int NY;        // 1 + 6M
    struct gl_hw_half *half;   // the batch-1 path's half-precision copy (gl_hw_sample.c), made on first use
    gl_meta meta;              // the loaded file's metadata (empty for a new model)
} gl_hw_model;

// The lifecycle every glimpse model shares (gl_attn_*, gl_draw_*, gl_clut_*):
// new / load give NULL with gl_err() on any problem; free takes NULL.
gl_hw_model *gl_hw_new(const gl_hw_cfg *cfg, uint64_t seed);
// Loads config from metadata and the weights (and Adam state when with_opt).
gl_hw_model *gl_hw_load(const char *path, int with_opt);
// Saves weights (and Adam state when with_opt) with the config in metadata;
// extra (may be NULL) adds more metadata. Atomic.
int gl_hw_save(const gl_hw_model *m, const char *path, const gl_meta *extra, int with_opt);
void gl_hw_free(gl_hw_model *m);
const gl_meta *gl_hw_meta(const gl_hw_model *m);   // metadata of the loaded file
// Alphabet index of character ch, or -1 when the model cannot write it.
int gl_hw_char_index(const gl_hw_cfg *cfg, int ch);
// Checks text; on failure the error names every character it cannot write.
int gl_hw_encode(const gl_hw_cfg *cfg, const char *text, int *out);

// Typed text (UTF-8) -> text for the model: the look-alikes of characters it
// knows (curly quotes ‘’“”, dashes –—−, non-breaking and thin spaces, tab,
// the ellipsis …) become those characters. note (may be NULL) gets what was
// replaced ("written ’ as ''", empty when nothing was). Characters it cannot
// write otherwise are left for gl_hw_text_check to name. -1 when out is too small.
int gl_hw_text_prepare(const gl_hw_cfg *cfg, const char *in, char *out, size_t cap, char *note, size_t notecap);
// 0 when typed text (prepared) can be written: every character in the alphabet
// and none of cfg's marks; -1 with gl_err naming them (a mark with what it
// means). A primer's text may hold marks: gl_hw_encode is its check.
int gl_hw_text_check(const gl_hw_cfg *cfg, const char *text);

// ---- layers (exposed for gradient checks)
// MDN loss for B points. y (B,NY) raw outputs, x (B,3) normalised targets,
// mask (B) (0: padding). Returns Σ mask·(−log p) (eq. 26); writes dy (B,NY)
// (= not +=) when dy is not NULL.
double gl_hw_mdn_forward_backward(float *dy, const float *y, const float *x, const float *mask, int B, int M);
// Window: p (B,3K) raw; kprev (B,K) previous κ; chars (B,Umax) indices with
// lengths U (B). Writes kappa (B,K), phi (B,Umax+1) (entry U_b is φ(t,U+1),
// the termination test), w (B,C).
void gl_hw_window_forward(float *kappa, float *phi, float *w, const float *p, const float *kprev,
                          const int *chars, const int *U, int B, int K, int Umax, int C);
// After a primer (§5.5): one row's window moved, all K components by the same
// amount, until its centre Σ α_k κ_k / Σ α_k is at pos (1-based), then by what
// puts the peak of φ within two characters of pos there too; φ (U+1) and w
// (C) recomputed there (eq. 46, 47). p: that row's raw (α̂, β̂, κ̂).
void gl_hw_window_align(float *kappa, float *phi, float *w, const float *p, const int *chars, int K, int U, int C,
                        float pos);
// dw (B,C) incoming; dkappa (B,K) gradient reaching κ_t from later steps
// (in: from t+1, out: gradient for κ_{t-1}, i.e. unchanged plus this step's
// part); dp (B,3K) written.
void gl_hw_window_backward(float *dp, float *dkappa, const float *dw, const float *p, const float *kappa,
                           const float *kprev, const int *chars, const int *U, int B, int K, int Umax, int C);

// ---- unrolled network over a batch (training)
typedef struct {
    int B, T, Umax, cap_T, cap_B, cap_U;
    float *x, *mask;          // (T,B,3) inputs, (T,B) target mask
    float jump_weight;        // gl_hw_backward: a pen-up jump's gradient counts this many times (0 or 1: once)
    float *tgt;               // (T,B,3) targets
    int *chars, *U;           // (B,Umax), (B)
    // per step activations (T,...)
    float *in[4], *h[4], *c[4], *act[4], *tc[4];
    float *hcat, *y, *dy;
    float *p, *kappa, *phi, *w;
    // backward: every step's gate and input gradients per layer (T,B,4H),
    // (T,B,NI_l); output-layer gradient (T,B,L·H); window parameters (T,B,3K)
    float *dpre[4], *din[4], *dhcat, *dp;
    // scratch of one step (B,·)
    float *dw, *dk, *dcur, *dh, *dc, *dhp, *dcp;
    // the weights of the per-step products, packed once per pass: each
    // layer's Wh (forward, backward); layer 1's Wx and the window's Wp
    // (synthesis: layer 1 and the window run step by step)
    gl_wpack whf[4], whb[4], wx0f, wx0b, wpf, wpb;
} gl_hw_ws;
void gl_hw_ws_free(gl_hw_ws *ws);
// Fills a workspace with lines (indices idx[0..B)) of a normalised corpus:
// input x_0 = (0,0,1), x_t = target_{t-1}; targets = the line's points.
// Lines longer than max_T are cut. Returns -1 when a text has characters
// outside the alphabet (synthesis).
int gl_hw_ws_fill(gl_hw_ws *ws, const gl_hw_model *m, const gl_hw_corpus *c, const int *idx, int B, int max_T);
// Forward pass; returns the summed NLL; *npts receives the number of points.
double gl_hw_forward(gl_hw_model *m, gl_hw_ws *ws, int *npts);
// Backward pass after gl_hw_forward; accumulates into m->ps gradients. The
// derivatives of the network outputs are clipped to [−clip_y, clip_y] and
// those reaching the LSTM to [−clip_lstm, clip_lstm] (§4: 100 and 10); pass 0
// for no clipping. scale multiplies the loss (e.g. 1/points).
void gl_hw_backward(gl_hw_model *m, gl_hw_ws *ws, float scale, float clip_y, float clip_lstm);

// On every core (gl_par): lines idx[0..B) of a normalised corpus split over
// the cores, each part on a replica of the model. Returns the summed NLL
// (NaN with gl_err when a text has characters outside the alphabet) and
// the number of points in *npts. grads: also backward with scale 1/points
// and the given clipping (as gl_hw_backward), accumulating into m's
// gradients (zero them first) what one pass over the whole batch would,
// up to float rounding.
typedef struct gl_hw_trainer gl_hw_trainer;
gl_hw_trainer *gl_hw_trainer_new(gl_hw_model *m);
void gl_hw_trainer_free(gl_hw_trainer *t);
double gl_hw_trainer_step(gl_hw_trainer *t, const gl_hw_corpus *c, const int *idx, int B, int max_T, int grads,
                          float clip_y, float clip_lstm, int *npts);
// Jump weighting (train handwriting --jump-weight W): the gradient of each
// pen-up jump -- a point whose input, the point before it, lifted the pen
// (not a line's first point) -- is multiplied by W, so that the network
// models where the pen goes next (the second stroke of an x or a 4, the
// bar of a t) more sharply. The loss returned stays the plain sum of eq. 26;
// the gradient is that of Σ_t w_t · loss_t (w_t = W on jumps, 1 elsewhere).
// W <= 0 or 1: the plain gradient.
void gl_hw_trainer_set_jump_weight(gl_hw_trainer *t, float w);

// Normalisation: computes mean/std of dx, dy over a corpus into cfg;
// gl_hw_corpus_normalise rewrites offsets as (d − mean)/std.
void gl_hw_norm_stats(const gl_hw_corpus *c, float mean[2], float std[2]);
void gl_hw_corpus_normalise(gl_hw_corpus *c, const float mean[2], const float std[2]);

// ---------------------------------------------------------------- sampling
// One frame per generated point: what the GUI draws for that step.
#define GL_HW_MAXM 32
#define GL_HW_MAXK 16
#define GL_HW_MAXU 128
typedef struct {
    float x, y;                 // pen position after this point (raw units, y down)
    float dx, dy; int eos;      // the sampled offset (raw units)
    float e;                    // end-of-stroke probability
    float pi[GL_HW_MAXM], mu[GL_HW_MAXM][2], sigma[GL_HW_MAXM][2], rho[GL_HW_MAXM];  // raw units
    float kappa[GL_HW_MAXK];
    float alpha[GL_HW_MAXK], beta[GL_HW_MAXK];   // the window's importance and width (eq. 49, 50)
    float phi[GL_HW_MAXU + 1];  // φ(t,u), u = 0..U (entry U: φ(t,U+1))
    int U;
} gl_hw_frame;

// The weights the batch-1 path (the app's) multiplies with. It reads every
// weight at every step, so the fewer bytes, the faster: int8 with a scale
// per row (gl_qpack: each weight within half a step, max|row|/254, of its
// value; a quarter of the bytes of floats) is the default; halves
// (gl_hpack) are twice the bytes, floats as trained (the twins' check) four
// times. The arithmetic is in float in all three. A model whose weights a
// copy cannot hold (beyond the half range; non-finite) runs in floats.
typedef enum { GL_HW_INT8 = 0, GL_HW_HALF, GL_HW_FP32 } gl_hw_weights;
const char *gl_hw_weights_name(gl_hw_weights w);   // "int8", "half", "float"

// When a synthesis line ends. The window passes the end of the text (§5.3:
// φ(t,U+1) > φ(t,u) for every u) while the last character is still being
// written; GL_HW_END_FINISH (the default) writes on until that character's
// strokes are done (see GL_HW_TAIL_*); GL_HW_END_WINDOW stops at that step,
// the rule as written, which cuts the last character (for comparison);
// GL_HW_END_NEVER writes on to the step limit (diagnostics: what the network
// writes past the end).
typedef enum { GL_HW_END_FINISH = 0, GL_HW_END_WINDOW, GL_HW_END_NEVER } gl_hw_end_rule;

typedef struct {
    float bias;            // §5.4: π̂(1+b), σ̂−b
    uint64_t seed;
    int max_steps;         // 0: 40 per character (synthesis) or 700 (prediction)
    const gl_hw_line *prime; const char *prime_text;  // §5.5 priming (raw points), or NULL
    atomic_int *cancel;    // checked between steps; may be NULL
    gl_hw_weights weights; // the LSTM and output weights as int8 (0, the default), halves or floats
    gl_hw_end_rule end_rule;   // when a line ends (synthesis); the default finishes the last character
    // 1: the primer read step by step, as the written points are. 0 (the default): layer by layer where the
    // weights are int8 -- the same state to the bit, faster (the layers above the first take their input
    // products for all the primer's points at once, four points a pass).
    int prime_stepwise;
    // The first nforce points of the line are force's (raw offsets (nforce, 3)), not drawn: the network reads
    // them as it reads its own, and its random numbers are drawn and set aside at each of them, so the points
    // after them come from where a free run's stream is at that step (a line continued from another's start:
    // same seed, same prefix). The end test is not made on them. NULL, 0: none.
    const float *force; int nforce;
} gl_hw_sample_opts;
// After the window passes the end a line goes on until the last character's
// strokes are done; a pen still writing after this many characters' worth of
// points (the line's own points per character) is running on, and the line
// stops there without having ended.
#define GL_HW_TAIL_CHARS 3.0f
// ... and it ends at a point of a next character, one that begins a stroke
// more than GL_HW_TAIL_GAP characters' widths right of the ink (a width: the
// mean of the line's characters). A stroke that goes on with the pen down past
// GL_HW_TAIL_REACH widths right of the ink written when the window passed the
// end (a last letter's exit stroke) has its pen lifted there and the line goes
// on (the bar of a t still comes); the second such stroke ends the line.
#define GL_HW_TAIL_GAP 0.3f
#define GL_HW_TAIL_REACH 0.45f
// ... unless such a stroke begins while the window's centre (Σ α_k κ_k / Σ α_k) is still short of U +
// GL_HW_TAIL_NEXT (where a next character would sit) and within GL_HW_TAIL_FAR widths of the ink: then the
// window is still on the last character and the stroke is its own (the upright of a "+", the full stop it
// passed before the pen got there).
#define GL_HW_TAIL_NEXT 1.0f
#define GL_HW_TAIL_FAR 1.0f

typedef struct {
    int n; float *pts;     // (n,3) raw offsets of the generated points
    int U;                 // characters (0 for prediction)
    float *phi;            // (n, U+1) window weights
    float *kappa;          // (n, K)
    int K;
    int ended;             // 1 when the line ended on its own (synthesis): the window passed the last
                           // character (§5.3) and the last character's strokes were finished after it
    int dropped;           // 1 when a point was dropped at the end: it began a stroke after the strokes of
                           // the last character, right of all the ink (a pen move on past the text, not ink)
    int tail;              // points written after the window passed the end (the rest of the last character)
    int lead;              // a primed line: points dropped at its start, a stroke or touch the pen ended before
                           // the window's peak reached the text (a dash or dot set before the line, no character)
} gl_hw_result;
void gl_hw_result_free(gl_hw_result *r);

// Samples handwriting. text == NULL (or a prediction model): unconditional.
// With a trace (may be NULL; kind GL_TRACE_WRITE or GL_TRACE_PREDICT, frame
// size sizeof(gl_hw_frame)) every step is pushed as a frame; the trace is
// finished at the end. The GUI runs this on its engine thread and sets
// *opts->cancel to stop it between steps (then returns 1 with what was
// written so far). res may be NULL when only the trace is wanted.
int gl_hw_sample(gl_hw_model *m, const char *text, const gl_hw_sample_opts *opts, gl_hw_result *res, gl_trace *trace);
// The loss (eq. 26, summed over the points) of one line of normalised points
// through this batch-1 path, in the weights opts->weights picks (bias and
// seed are not used): the app's network beside training's. With
// opts->prime (and prime_text) the line is read after the primer, as
// gl_hw_sample writes after it.
// NAN (with gl_err) when the text cannot be written.
double gl_hw_line_loss(gl_hw_model *m, const gl_hw_line *ln, const gl_hw_sample_opts *opts);

// ---- measures of a synthesis run's ink (gl_hw_ink.c)
// The window's peak at one step: the argmax of φ(t,u) over its U + 1 places
// (0-based; U: past the text).
int gl_hw_peak(const float *phi, int U);
// The step at which the window's peak first reaches character j (0-based;
// j = U: past the text); r->n if never.
int gl_hw_step_onto(const gl_hw_result *r, int j);
// Did a synthesis run write its text? text: the line's own text, the last
// characters of r's (a primer's text and a space may come before it).
// 0 when it did, else why not, the worse the higher (of tries none of which
// is whole, the lowest is kept):
//   GL_HW_STOP: the text ends in a full stop and the line's last stroke is
//     no dot: over GL_HW_STOP_MAX of the line's core height across
//     (gl_hw_core_height). The full stop was not written (the line ended on
//     the last letter's exit stroke) or a stroke came after it (".r", ".ct").
//     At bias 1 on 204 lines of held-out IAM-OnDB texts that end in "." (34
//     texts, six seeds each) 196 last strokes span at most 0.11 of it, the 8
//     others 0.36 to 1.5, each such a line (docs/handwriting.md);
//   GL_HW_LOST: the window lost its place: its peak held one character of
//     the text over GL_HW_HOLD_MAX times the median steps a character (the
//     pen writes on, a scrawl, and the window then runs over the next
//     characters in a step or two each; gl_hw_window_hold). At bias 1 on 200
//     held-out IAM-OnDB texts the five lines over 6 are all misspelt there
//     ("particular" as "partulzr", "days," as "dar,", "to have" as "t abve"),
//     docs/handwriting.md;
//   GL_HW_SKIPPED: the window's peak was never on a character of the text
//     (spaces aside): it jumped over it;
//   GL_HW_NOT_ENDED: it did not end on its own (gl_hw_result.ended).
// A page (gl_hw_page_write), `glimpse write` and the app write such a line again.
enum { GL_HW_WHOLE = 0, GL_HW_STOP, GL_HW_LOST, GL_HW_SKIPPED, GL_HW_NOT_ENDED };
#define GL_HW_HOLD_MAX 6.0f
#define GL_HW_STOP_MAX 0.3f
int gl_hw_line_verdict(const gl_hw_result *r, const char *text);
const char *gl_hw_verdict_name(int verdict);   // "did not end on its own", ...
// The most steps the window's peak spent on one character of the text (from
// character `from` on, 0-based: those before are a primer's) over the median
// a character; *at (may be NULL) gets that character. 0 for no text.
float gl_hw_window_hold(const gl_hw_result *r, int from, int *at);
// The hand of a line of ink (pts (n,3) raw offsets, y down; a whole line or a
// few lines' worth of strokes), for comparing hands: a style's sample and
// what is written with it, the lines of a page, pages in different presets.
//   height: the letters' core height, gl_hw_core_height (raw units);
//   slant_deg: the median angle of the down-strokes from the vertical, in
//     degrees, positive when a stroke's top lies right of its foot (a hand
//     leaning right); a down-stroke is a pen-down run whose every move goes
//     down within 45 degrees of the vertical, over at least half the height
//     (NAN when there is none; downstrokes counts them);
//   char_width, aspect: with nchars > 0 (the characters the ink writes), its
//     width left to right per character and height / char_width, a letter
//     shape free of the units (a mouse's and a tablet's ink compare); else NAN.
// -1 with gl_err for fewer than 2 points or a non-finite one.
typedef struct {
    float height, slant_deg, char_width, aspect;
    int downstrokes;
} gl_hw_ink_stats;
int gl_hw_ink_measure(const float *pts, int n, int nchars, gl_hw_ink_stats *out);
// For the GUI: a trace sized for one run of gl_hw_sample (kind GL_TRACE_WRITE
// for a synthesis model with text, GL_TRACE_PREDICT otherwise; frames are
// gl_hw_frame; cap = the run's step limit). Its header is a gl_hw_trace_header
// (copied text; freed with the trace). Typical engine-thread use:
//   gl_trace *t = gl_hw_trace_new(m, text, &opts);
//   gl_hw_sample(m, text, &opts, NULL, t);   // pushes one frame per step,
//                                            // checks *opts.cancel between steps
// while the GUI reads frames [0, gl_trace_count(t)) and sets *opts.cancel to stop.
typedef struct { char text[GL_HW_MAXU + 1]; int U, K, M; float bias; uint64_t seed; } gl_hw_trace_header;
int gl_hw_max_steps(const gl_hw_model *m, const char *text, const gl_hw_sample_opts *opts);
gl_trace *gl_hw_trace_new(const gl_hw_model *m, const char *text, const gl_hw_sample_opts *opts);

// ---- step by step (the GUI's prediction view)
// A prediction network (K = 0) run one point at a time, so the app can feed
// the points a person draws as they come and show the density of the next
// one. Each call runs one step and leaves in fr the mixture of the *next*
// offset (pi, mu, sigma, rho, e in raw units, bias b applied as in §5.4);
// fr->x, fr->y is the pen position after the fed point.
typedef struct gl_hw_stepper gl_hw_stepper;
// The half-precision copy's owner frees it (gl_hw_free calls this).
void gl_hw_half_free(struct gl_hw_half *h);
// NULL with gl_err() for a synthesis network. The default weights (int8,
// see gl_hw_weights).
gl_hw_stepper *gl_hw_stepper_new(const gl_hw_model *m);
void gl_hw_stepper_free(gl_hw_stepper *s);
// Back to the start of a line (zero state, pen at the origin).
void gl_hw_stepper_reset(gl_hw_stepper *s);
// The first step of a line: input (0,0,1) normalised, as gl_hw_sample starts.
void gl_hw_stepper_start(gl_hw_stepper *s, float bias, gl_hw_frame *fr);
// Feeds one point (raw offset dx, dy and eos: the pen lifts after it).
void gl_hw_stepper_feed(gl_hw_stepper *s, const float pt[3], float bias, gl_hw_frame *fr);
// Number of steps run since the last reset.
int gl_hw_stepper_steps(const gl_hw_stepper *s);
// Draws an offset (dx, dy, eos) from the mixture of fr (M components).
void gl_hw_mixture_sample(const gl_hw_frame *fr, int M, gl_rng *rng, float out[3]);
// Density of the next offset (dx, dy) under the mixture of fr (eq. 23-24,
// per raw unit squared; the end-of-stroke Bernoulli is not included).
double gl_hw_density(const gl_hw_frame *fr, int M, float dx, float dy);
// The same on a grid of gh x gw cells of side `cell` (raw units): cell (i, j)
// is the offset (x0 + (j + 0.5) cell, y0 + (i + 0.5) cell) from the pen.
// Returns the largest value.
float gl_hw_density_grid(const gl_hw_frame *fr, int M, float x0, float y0, float cell, int gw, int gh, float *out);

// ---- possible futures (gl_hw_future.c)
// N continuations of a line sampled at once from one state of the network
// (the "hairs" of Carter et al. 2016): a gl_hw_futures follows a line point
// by point (batch 1; its own state, in float weights), and each
// gl_hw_futures_sample copies that state into N rows and samples P points in
// each, the N rows as one batch through every product (gl_wpack). The
// followed state is left as it was. Future r draws from its own stream,
// seeded with seed + r * GL_HW_FUTURES_SEED_STRIDE, as gl_hw_sample draws
// (component, two normals, end of stroke), so future 0 with seed s is the
// line gl_hw_sample with seed s writes on from the same state (up to float
// rounding: gl_hw_sample's FP32 weights). One thread at a time per object.
#define GL_HW_FUTURES_MAX 64
#define GL_HW_FUTURES_MAXP 400
#define GL_HW_FUTURES_SEED_STRIDE 0x9e3779b97f4a7c15ull
typedef struct gl_hw_futures gl_hw_futures;
// text: the characters a synthesis network's window reads (NULL for a
// prediction network). NULL with gl_err (unknown characters, bad sizes).
// m must outlive it and keep its weights.
gl_hw_futures *gl_hw_futures_new(const gl_hw_model *m, const char *text);
void gl_hw_futures_free(gl_hw_futures *f);
// Back to the start of a line (zero state; nothing fed).
void gl_hw_futures_reset(gl_hw_futures *f);
// Feeds n points of the line (raw offsets dx, dy, eos) as the network's
// inputs; the first input of a line is (0, 0, 1), as gl_hw_sample starts.
// -1 with gl_err on a non-finite point (the points before it are fed).
int gl_hw_futures_feed(gl_hw_futures *f, const float *pts, int n);
int gl_hw_futures_fed(const gl_hw_futures *f);   // points fed since the reset
// Priming (§5.5) as gl_hw_sample primes: from the start of a line, reads the
// primer's n points (raw offsets; the pen lifts after the last) and, for a
// synthesis network, moves the window onto the space after the primer's
// text (prime_len characters; the object's text must be the primer's text,
// a space and the text, as gl_hw_sample joins them). Afterwards the state is
// the one gl_hw_sample writes its first point from. -1 with gl_err.
int gl_hw_futures_prime(gl_hw_futures *f, const float *pts, int n, int prime_len);
typedef struct {
    int n, points;        // futures (1..GL_HW_FUTURES_MAX) of points each (1..GL_HW_FUTURES_MAXP)
    float bias;           // §5.4, as gl_hw_sample_opts.bias
    uint64_t seed;
    const atomic_int *cancel;   // checked between steps; may be NULL
} gl_hw_futures_opts;
// pts (n, points, 3): future r's raw offsets, the first from the pen
// position after the points fed. wpos (n, points) (synthesis; may be NULL):
// the window's centre Σ α_k κ_k / Σ α_k (a character position, 1-based)
// when that point was drawn. 0; 1 when cancelled (pts part-filled); -1 with
// gl_err on bad sizes.
int gl_hw_futures_sample(gl_hw_futures *f, const gl_hw_futures_opts *o, float *pts, float *wpos);

// ---- pages (gl_hw_page.c)
// Word wrap for a page: each line of text (up to a newline) is a paragraph,
// wrapped greedily at spaces to lines of at most width characters (runs of
// spaces and tabs are one space; a blank line of text is an empty line, a
// gap on the page). A word longer than a line is broken with a hyphen at
// the line's end when the model can write '-', else refused (-1, the error
// names the word). Lines are gl_hw_wrapped_free'd.
int gl_hw_wrap(const gl_hw_cfg *cfg, const char *text, int width, char ***lines, int *n);
void gl_hw_wrapped_free(char **lines, int n);

// Characters per line of a page by default: the shipped model writes lines of up to 100 characters whole on the
// first try as often as short ones (docs/handwriting.md, Pages), so the width is the paper's: 45 characters at
// a GL_HW_CORE_MM core height fit an A4 page's width within its margins.
#define GL_HW_PAGE_WIDTH 45
#define GL_HW_PAGE_WIDTH_S "45"
#define GL_HW_PAGE_TRIES 3      // tries per line of a page: a line not written whole is written again
#define GL_HW_PAGE_RESEED 7919  // try k of line i uses seed + i + k * this
#define GL_HW_PAGE_PRIME_CHARS 20   // a line is primed with the last words of the one before: this many characters
typedef struct {
    float bias; uint64_t seed;
    const gl_hw_line *prime; const char *prime_text;   // the first line's style (raw points), or NULL
    int tries;                 // 0: GL_HW_PAGE_TRIES
    int prime_chars;           // 0: GL_HW_PAGE_PRIME_CHARS
    int max_steps;             // points a line at most (0: gl_hw_max_steps)
    gl_hw_weights weights;
    atomic_int *cancel;        // checked between steps; may be NULL
    // The app's page (may be NULL): a trace for each try of each line, into
    // which gl_hw_sample pushes its frames (and finishes it); the callback
    // owns it. so: the try's options (seed, primer), text: the line. When
    // no try is whole and the least bad was not the last, it is written once
    // more (attempt: its own number again), so a line's last trace is the one
    // kept (without line_trace nothing is written twice).
    gl_trace *(*line_trace)(void *user, int line, int attempt, const char *text, const gl_hw_sample_opts *so);
    void *line_user;
} gl_hw_page_opts;
typedef struct {
    int n;                     // lines (an empty text: a gap, no points)
    char **text;
    gl_hw_result *line;        // each line's points (raw offsets from its own origin)
    int *tries;                // the tries it took (1: the first)
    int *done;                 // 1: the try kept counts as written (gl_hw_line_verdict: whole)
    int *why;                  // the try kept's gl_hw_line_verdict (GL_HW_WHOLE when done)
    uint64_t *seed;            // the seed of the try kept
    gl_hw_line *prime;         // the primer each line was written after (its text and raw points; n 0: none)
    int retried, failed;       // lines written whole after more than one try; lines not written whole in any
} gl_hw_page;
// Writes lines one after another in one hand: each line primed (§5.5) with
// the last words of the last line that was written whole -- the words after
// the last space that leaves GL_HW_PAGE_PRIME_CHARS characters or more, and
// their points from the first stroke begun once the window's peak passed
// that space (the whole line when it is shorter) -- the first with o->prime,
// or unprimed; when the primer's text and the line would pass GL_HW_MAXU
// characters the line is written unprimed. A line counts as
// written when gl_hw_line_verdict finds it whole (it ended on its own, the
// window's peak on each of its characters and nowhere held over
// GL_HW_HOLD_MAX times the median); else it is written again with another seed, up to o->tries
// tries; when none counts (pg->failed) the least bad stays (the lowest verdict; the earliest of equals),
// written once more after the others when it is not the last and o->line_trace wants its trace. Returns 0, 1 when
// cancelled, -1 with gl_err.
int gl_hw_page_write(gl_hw_model *m, char **lines, int nlines, const gl_hw_page_opts *o, gl_hw_page *pg);
void gl_hw_page_free(gl_hw_page *pg);
// The letters' core height of a line (raw units): the 10th to 90th
// percentile of its points' heights.
float gl_hw_core_height(const float *pts, int n);
#define GL_HW_CORE_MM 4.0f   // output size: a core height is this many millimetres
#define GL_HW_PITCH 2.6f     // a page's rows are this many core heights apart
// Millimetres per raw unit that give pts a core height of GL_HW_CORE_MM.
float gl_hw_mm_per_unit(const float *pts, int n);
// The page's lines as one sequence of offsets (raw units; the pen lifts at
// each line's end), set one under another; *mm_per_unit gets the page's
// scale (its median line's core height to GL_HW_CORE_MM).
float *gl_hw_page_points(const gl_hw_page *pg, int *n, float *mm_per_unit);

// Renders points as SVG or PNG. SVG: millimetres (width and height in mm,
// the viewBox in mm), one path per stroke, no fills, a GL_HW_PEN_MM pen,
// a GL_HW_MARGIN_MM margin; mm_per_unit <= 0: gl_hw_mm_per_unit. desc (may
// be NULL) goes into the file's <desc>. PNG: gl_hw_save_png fits the
// writing to a height in pixels; gl_hw_save_png_dpi draws the same page as
// the SVG at dpi pixels per inch.
#define GL_HW_PEN_MM 0.4f
#define GL_HW_MARGIN_MM 8.0f
int gl_hw_save_svg(const char *path, const float *pts, int n, float mm_per_unit);
int gl_hw_save_svg_desc(const char *path, const float *pts, int n, float mm_per_unit, const char *desc);
int gl_hw_save_png(const char *path, const float *pts, int n, int height);
int gl_hw_save_png_dpi(const char *path, const float *pts, int n, float mm_per_unit, float dpi);
// The alignment figure: the line on top, φ(t,u) below (rows: characters,
// last row φ(t,U+1); columns: pen points). text labels the rows.
int gl_hw_save_window_png(const char *path, const gl_hw_result *r, const char *text);
// Bounding box of a point sequence (raw) and helper to get absolute points.
void gl_hw_bbox(const float *pts, int n, float *x0, float *y0, float *x1, float *y1);

// ---------------------------------------------------------------- cells (gl_hw_cells.c)
// What the LSTM cells do over one line: the cell state c and the output h of
// every cell of every layer after the network has read each point (column t:
// points 0..t read, the mixture of point t + 1 next), in float weights.
typedef struct {
    int n, L, H;       // points, layers, cells per layer
    float *c, *h;      // (L, n, H)
} gl_hw_cells;
// pts (n, 3) raw offsets; text: the line's text (synthesis; ignored by a
// prediction network). -1 with gl_err (nothing allocated).
int gl_hw_cells_run(gl_hw_model *m, const float *pts, int n, const char *text, gl_hw_cells *out);
void gl_hw_cells_free(gl_hw_cells *c);
// One layer's (n, H) activations: c (which_h 0) or h (1); NULL past the layers.
const float *gl_hw_cells_layer(const gl_hw_cells *c, int layer, int which_h);
// The pen's features at each point (feat (GL_HW_FEAT_N, n), NAN where one is
// not defined): pen lift (1 when the pen lifts after the point); x from the
// line's left (0) to its right (1); y from the line's mean in core heights
// (gl_hw_core_height), down positive; the pen-down move that reached the
// point as a unit vector (rightward, downward; NAN after a lift); the place
// in the word, 0 at its left to 1 at its right, words being runs of strokes
// whose gaps are under half a core height.
enum { GL_HW_FEAT_PENUP, GL_HW_FEAT_X, GL_HW_FEAT_Y, GL_HW_FEAT_RIGHT, GL_HW_FEAT_DOWN, GL_HW_FEAT_WORD,
       GL_HW_FEAT_N };
const char *gl_hw_feature_name(int f);
void gl_hw_cells_features(const float *pts, int n, float *feat);
// Pearson correlation of each cell with each feature, pooled over the points
// of many lines (each line added with its (n, H) activations and features).
typedef struct {
    int H;
    double n[GL_HW_FEAT_N], sf[GL_HW_FEAT_N], sff[GL_HW_FEAT_N];   // points, Σ feature, Σ feature²
    double *sa, *saa, *saf;                                        // (GL_HW_FEAT_N, H): Σ a, Σ a², Σ a·feature
} gl_hw_corr;
void gl_hw_corr_init(gl_hw_corr *c, int H);
void gl_hw_corr_add(gl_hw_corr *c, const float *act, const float *feat, int n);
void gl_hw_corr_result(const gl_hw_corr *c, float *r);   // r (GL_HW_FEAT_N, H); 0 for a cell that does not vary
void gl_hw_corr_free(gl_hw_corr *c);
// An order of the H cells (act (n, H)) with similar ones side by side: a
// greedy nearest-neighbour chain on the correlation distance 1 - r, from the
// cell whose activation varies most.
void gl_hw_cells_order(const float *act, int n, int H, int *order);
#endif
