// test_tmp: a test program's own temporary directory and the files it writes there. test_tmp_begin makes
// it (/tmp/glimpse-NAME-XXXXXX), tmp() names a file in it, test_tmp_end removes it with everything in it.
#ifndef TEST_TMP_H
#define TEST_TMP_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmpdir[256];

// 0, or -1 with the reason on stderr.
static inline int test_tmp_begin(const char *name) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/glimpse-%s-XXXXXX", name);
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return -1; }
    return 0;
}

// 0, or -1 when the directory could not be removed (said on stderr).
static inline int test_tmp_end(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) == 0) return 0;
    fprintf(stderr, "could not remove %s\n", tmpdir);
    return -1;
}

// $tmpdir/name; eight such paths can be held at once.
static inline const char *tmp(const char *name) {
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static inline void write_bytes(const char *path, const void *b, size_t n) {
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

static inline void write_str(const char *path, const char *s) { write_bytes(path, s, strlen(s)); }
#endif
