// resume: what `train ... --resume` does with the options that shape a run.
// A checkpoint records the values it was trained with; on --resume each one
// is either given again on the command line (and must be equal, or the run
// is refused with a message naming the option and both values) or not given
// (and the checkpoint's value is taken, said in one line on stderr).
// Continuing with other values would silently make a different run than the
// one interrupted (another batch order, schedule or data set).
#ifndef GL_RESUME_H
#define GL_RESUME_H
#include "args.h"
#include "gl_st.h"

typedef struct {
    const gl_args *a; const gl_opt *opts; const gl_meta *meta; const char *ckpt;
    char taken[512];   // "--batch 50 --lr 0.002" taken from the checkpoint
    int failed;        // a mismatch was reported
} gl_resume;

void gl_resume_begin(gl_resume *r, const gl_args *a, const gl_opt *opts, const gl_meta *meta, const char *ckpt);
// opt: the option name; key: the metadata key. A checkpoint without the key
// (written before it was recorded) keeps the command line's value.
void gl_resume_int(gl_resume *r, const char *opt, const char *key, long *val);
void gl_resume_num(gl_resume *r, const char *opt, const char *key, double *val);
// A flag (present or not) recorded as 0/1.
void gl_resume_flag(gl_resume *r, const char *opt, const char *key, int *val);
// Prints the taken values; returns -1 when a mismatch was reported.
int gl_resume_end(gl_resume *r);
#endif
