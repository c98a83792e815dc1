// train_opts: the option tables of the four training commands, shared by
// `glimpse train ...` (the parsing and --help), resume.h (a checkpoint's
// values read through the same ranges) and the Train view's resume, so that
// a range is written once and holds on every way in.
#ifndef APP_TRAIN_OPTS_H
#define APP_TRAIN_OPTS_H
#include "args.h"
#include <stddef.h>
#include "gl_train.h"

extern const app_opt app_attn_train_table[];
extern const app_opt app_draw_train_table[];
extern const app_opt app_hw_train_table[];
extern const app_opt app_clut_train_table[];

// An option that goes straight into a field of a command's options struct, and the metadata key its checkpoints
// store it under: the field a long ('l'), double ('d'), int ('i') or flag ('f', an int 0/1); 'c': a stored number
// only checked against the option's range, kept nowhere. A table ends with a NULL opt.
typedef struct { const char *opt, *key; char type; size_t off; } app_field;
// Each field of the table (but 'c' rows) from its option: the command line's value or the option's default.
void app_opts_into(const app_args *a, const app_opt *opts, const app_field *f, void *dst);
// The fields of gl_attn_train_opts (all but the key type), gl_clut_train_opts and gl_draw_train_opts (the batch,
// epochs, limit, seed and rate; DRAW's other options have rules of their own).
extern const app_field app_attn_train_fields[];
extern const app_field app_clut_train_fields[];
extern const app_field app_draw_train_fields[];

// The options an attention checkpoint records, each read through its
// option's range, into o (keys the file lacks keep o's values); the key type
// must be the file's. -1 with gl_err naming the file, the key, the value and
// the range. What the Train view's resume and the fuzz harness use; the CLI
// goes through app_resume (which also compares with the command line).
int app_attn_opts_from_meta(const gl_meta *m, const char *file, gl_attn_train_opts *o);
// DRAW: the run's options (the sizes are the model's, checked by its
// loader) and its iteration counter (*iter, 0 when absent).
int app_draw_opts_from_meta(const gl_meta *m, const char *file, gl_draw_train_opts *o, long *iter);
// Cluttered MNIST: the same (the sizes and the attention flag are the
// model's, checked by its loader) and its iteration counter (*iter, 0 when absent).
int app_clut_opts_from_meta(const gl_meta *m, const char *file, gl_clut_train_opts *o, long *iter);
// Handwriting: the corpus and run options a checkpoint records into s (the
// batch, seed, rate, point limit, thinning and the Hershey corpus; the
// network's sizes are its loader's), *seconds (0 when absent); every other
// number of the run it records (schedule, oversampling, augmentation, early
// stopping, the update counter) is checked against its range too.
#include "hw_train_data.h"
int app_hw_spec_from_meta(const gl_meta *m, const char *file, hw_train_spec *s, double *seconds);
#endif
