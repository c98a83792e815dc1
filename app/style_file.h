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
#endif
