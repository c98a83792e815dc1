// style_file: loads a primer for `glimpse write --style`: "N" is the Hershey
// writer style N writing a fixed text; anything else is a JSON file as
// written by `glimpse write --json` ({"text":..., "points":[[dx,dy,eos],...]},
// or the first of its "lines"). The file is checked as strictly as weights:
// at most STYLE_FILE_MAX bytes and APP_HW_PRIMER_MAX points, pen values 0 or
// 1, offsets finite and within 1000 standard deviations of cfg's, a text of
// 1..GL_HW_MAXU characters and at least PRIMER_MIN_PER_CHAR points per
// character (10 at least): with one or two points the network would only
// write the primer's text again.
#ifndef APP_STYLE_FILE_H
#define APP_STYLE_FILE_H
#include "gl_hw.h"

#define STYLE_FILE_MAX ((size_t)16 << 20)
#define APP_HW_PRIMER_MAX 20000
#define PRIMER_MIN_PER_CHAR 4
// pc receives one line (raw offsets), *ptext its text (free it). -1 with gl_err.
int app_style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext);

// A line a model wrote, saved as a style file (`glimpse write --save-style`):
// {"name", "text", "points": [[dx,dy,eos],...], "written_by": {"model",
// "seed", "bias", "alphabet", "mean": [x,y], "std": [x,y]}}. The points
// are raw offsets; the normalisation says which model's units they are in.
// Written to a temporary name and renamed. -1 with gl_err.
int app_style_save(const char *path, const char *name, const char *text, const float *pts, int n,
                  const gl_hw_cfg *cfg, const char *model, uint64_t seed, float bias);

// The synthesis view's style presets: the style files (*.json, by name) of a
// directory, at most APP_STYLE_PRESETS_MAX. A file is used when it loads as a
// primer (app_style_load's checks), its text can be written by the model,
// and it was written by a model with this one's normalisation (written_by's
// std within 1%: the same training data's units; a file without written_by,
// such as a person's own line, is taken as it is). The others are counted
// and named in `note` (empty when every file was used).
#define APP_STYLE_PRESETS_MAX 8
typedef struct { char name[24]; char *text; gl_hw_corpus pc; } app_style_preset;
typedef struct { int n; app_style_preset p[APP_STYLE_PRESETS_MAX]; char note[400]; } app_style_presets;
void app_style_presets_load(app_style_presets *ps, const char *dir, const gl_hw_cfg *cfg);
void app_style_presets_free(app_style_presets *ps);

// ---- your own hand: styles a person wrote, kept by name in the user's data
// directory, $XDG_DATA_HOME/glimpse/styles, else ~/.local/share/glimpse/styles
// (./glimpse-styles without HOME). A style NAME is the file NAME.json there: 1 to
// APP_STYLE_NAME_MAX letters, digits, '-' or '_', at least one letter (so it is
// never taken for a Hershey style number). app_style_load takes a NAME too, when
// no file of that name exists. The points are raw offsets in the units of the
// model the person wrote them for (written_by.std), like the presets.
#define APP_STYLE_NAME_MAX 20
void app_style_user_dir(char *out, size_t cap);
int app_style_name_check(const char *name);                          // -1 with gl_err
int app_style_user_path(const char *name, char *out, size_t cap);    // -1 with gl_err (a bad name)
// Saves (creating the directory; atomic write). An existing NAME is refused
// unless replace. -1 with gl_err.
int app_style_user_save(const char *name, const char *text, const float *pts, int n, const gl_hw_cfg *cfg,
                       int replace);
// Renames FROM to TO (the file and its "name"): TO is written first, then
// FROM removed; an existing TO is refused. -1 with gl_err.
int app_style_user_rename(const char *from, const char *to, const gl_hw_cfg *cfg);
int app_style_user_delete(const char *name);                         // -1 with gl_err

// Whether a sample of one's own hand can serve as a style. ref: the model's
// own writing in its units (from the presets; zeros: no comparison), the
// sample already scaled to it. Refused, with the reason in gl_err: a text of
// fewer than APP_STYLE_MIN_CHARS letters or digits (or over APP_STYLE_TEXT_MAX
// characters), fewer than PRIMER_MIN_PER_CHAR points a character (10 at least)
// or fewer strokes than a third of its words, and text and strokes that
// plainly do not match: ink (pen-down path) or width per character, each
// measured in core heights (gl_hw_core_height: the hand's size aside), more
// than APP_STYLE_MISMATCH times off the model's own.
#define APP_STYLE_MIN_CHARS 4
#define APP_STYLE_TEXT_MAX 40
#define APP_STYLE_MISMATCH 2.5f
typedef struct { float height, core, step, ink_per_char, width_per_char; } app_style_ref;
// Medians over the lines: height (top to bottom), core height (gl_hw_core_height: the letters' body, whatever
// the ascenders and descenders), pen-down step, ink and width per character.
void app_style_ref_of(const gl_hw_line *lines, int n, app_style_ref *ref);
int app_style_sample_check(const char *text, const float *pts, int n, const app_style_ref *ref);
#endif
