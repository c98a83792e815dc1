// style_file: loads a primer for `glimpse write --style`: "N" is the Hershey
// writer style N writing a fixed text; anything else is a JSON file as
// written by `glimpse write --json` ({"text":..., "points":[[dx,dy,eos],...]},
// or the first of its "lines"). The file is checked as strictly as weights:
// at most STYLE_FILE_MAX bytes and GL_HW_PRIMER_MAX points, pen values 0 or
// 1, offsets finite and within 1000 standard deviations of cfg's, a text of
// 1..GL_HW_MAXU characters and at least PRIMER_MIN_PER_CHAR points per
// character (10 at least): with one or two points the network would only
// write the primer's text again.
#ifndef GL_STYLE_FILE_H
#define GL_STYLE_FILE_H
#include "gl_hw.h"

#define STYLE_FILE_MAX ((size_t)16 << 20)
#define GL_HW_PRIMER_MAX 20000
#define PRIMER_MIN_PER_CHAR 4
// pc receives one line (raw offsets), *ptext its text (free it). -1 with gl_err.
int gl_style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext);

// A line a model wrote, saved as a style file (`glimpse write --save-style`):
// {"name", "text", "points": [[dx,dy,eos],...], "written_by": {"model",
// "seed", "bias", "alphabet", "mean": [x,y], "std": [x,y]}}. The points
// are raw offsets; the normalisation says which model's units they are in.
// Written to a temporary name and renamed. -1 with gl_err.
int gl_style_save(const char *path, const char *name, const char *text, const float *pts, int n,
                  const gl_hw_cfg *cfg, const char *model, uint64_t seed, float bias);

// The synthesis view's style presets: the style files (*.json, by name) of a
// directory, at most GL_STYLE_PRESETS_MAX. A file is used when it loads as a
// primer (gl_style_load's checks), its text can be written by the model,
// and it was written by a model with this one's normalisation (written_by's
// std within 1%: the same training data's units; a file without written_by,
// such as a person's own line, is taken as it is). The others are counted
// and named in `note` (empty when every file was used).
#define GL_STYLE_PRESETS_MAX 8
typedef struct { char name[24]; char *text; gl_hw_corpus pc; } gl_style_preset;
typedef struct { int n; gl_style_preset p[GL_STYLE_PRESETS_MAX]; char note[400]; } gl_style_presets;
void gl_style_presets_load(gl_style_presets *ps, const char *dir, const gl_hw_cfg *cfg);
void gl_style_presets_free(gl_style_presets *ps);
#endif
