// gl_progress: a one-line progress bar on stderr (bar, counts, a status text
// such as loss/accuracy, elapsed and ETA). On a terminal it redraws in place;
// otherwise (CI logs) it prints a line every few seconds.
#ifndef GL_PROGRESS_H
#define GL_PROGRESS_H
typedef struct { const char *label; long total, start; double t0, last; int tty, quiet; } gl_progress;
void gl_progress_begin(gl_progress *p, const char *label, long total);
// A resumed run starts at `done`: the ETA is from the rate since then.
void gl_progress_resume_at(gl_progress *p, long done);
void gl_progress_update(gl_progress *p, long done, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void gl_progress_end(gl_progress *p);
#endif
