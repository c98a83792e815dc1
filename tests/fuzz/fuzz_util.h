// Shared by the libFuzzer harnesses: the readers take paths, so each input
// is put in an in-memory file (memfd) and handed over as /proc/self/fd/N.
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *fuzz_file(const uint8_t *data, size_t size) {
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("glimpse-fuzz", 0);
        if (fd < 0) { perror("memfd_create"); abort(); }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        // readers print nothing on stdout, but --help does: keep the log clean
        if (!freopen("/dev/null", "w", stdout)) abort();
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) { perror("memfd write"); abort(); }
    return path;
}
#endif
