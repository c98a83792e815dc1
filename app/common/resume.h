// resume: what `train ... --resume` does with the options that shape a run,
// and the one place where a number stored in a checkpoint or a weights file
// is read with its range.
//
// A checkpoint records the values it was trained with; on --resume each one
// is either given again on the command line (and must be equal, or the run
// is refused with a message naming the option and both values) or not given
// (and the checkpoint's value is taken, said in one line on stderr).
// Continuing with other values would silently make a different run than the
// one interrupted (another batch order, schedule or data set).
//
// A stored value goes through the same range as the option that sets it
// (app_opt_value): a file is data, and a batch of 0, a negative step counter
// or a learning rate of 1e30 that no command line could give must not come
// in through one either. Out of range is one line naming the file, the key,
// the value and the range (exit status 1).
#ifndef APP_RESUME_H
#define APP_RESUME_H
#include "args.h"
#include "gl_params.h"

// The value of key in m read as option opt of opts reads its value: 1 and
// *out set; 0 when m lacks the key; -1 with gl_err ("FILE: metadata 'batch'
// is '0', not an integer in [1, 4096] (the range of --batch)").
int app_stored_opt(const gl_meta *m, const char *file, const char *key, const app_opt *opts, const char *opt,
                  double *out);
// The same with a range of its own (a step counter, a time): 1, 0 or -1 as above.
int app_stored_int(const gl_meta *m, const char *file, const char *key, long lo, long hi, long *out);
int app_stored_num(const gl_meta *m, const char *file, const char *key, double lo, double hi, double *out);

// The ranges a run's own counters take in a file (no option sets them).
#define APP_STEP_MAX 1000000000L   // steps, iterations, updates
#define APP_SECONDS_MAX 1e10       // training seconds (wall or CPU)

// The counters a run carries on from a checkpoint or --init weights
// (train_seconds, train_cpu_seconds, train_cpu_seconds_from_step, and
// adam_step, the optimiser's step), checked before gl_train_resume_times,
// gl_train_init_times and the optimiser take them. -1 with gl_err.
int app_stored_counters_ok(const gl_meta *m, const char *file);

typedef struct {
    const app_args *a; const app_opt *opts; const gl_meta *meta; const char *ckpt;
    char taken[512];   // "--batch 50 --lr 0.002" taken from the checkpoint
    int failed;        // a mismatch or a value out of range was reported
} app_resume;

void app_resume_begin(app_resume *r, const app_args *a, const app_opt *opts, const gl_meta *meta, const char *ckpt);
// opt: the option name; key: the metadata key. A checkpoint without the key
// (written before it was recorded) keeps the command line's value.
void app_resume_int(app_resume *r, const char *opt, const char *key, long *val);
void app_resume_num(app_resume *r, const char *opt, const char *key, double *val);
// A flag (present or not) recorded as 0/1.
void app_resume_flag(app_resume *r, const char *opt, const char *key, int *val);
// A value the run takes from the checkpoint unless the option is given
// (the corpus, the early-stopping cadence): no mismatch, the range checked.
void app_resume_default(app_resume *r, const char *opt, const char *key, long *val);
// Prints the taken values; returns -1 when a mismatch or a bad value was reported.
int app_resume_end(app_resume *r);
// The same without the print: the values taken (r->taken) are said by
// app_resume_say once the rest of the file has been checked too, so that a
// refused run says one line: why.
int app_resume_check(const app_resume *r);
void app_resume_say(const char *taken);
#endif
