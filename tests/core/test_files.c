// Files read and written (issue 32): a FIFO, a device or a socket given as an
// input is refused before the open that would block on it; a write goes
// through a symbolic link, never replaces what is not a regular file, keeps
// the file's mode, and leaves no temporary behind when it fails; a PNG's
// alpha channel is composited onto white. Each check failed before the fix.
#include "gl_test.h"
#include "test_tmp.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_mnist.h"
#include "gl_params.h"
#include "gl_util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int has(const char *path, const char *want) {
    uint8_t *b; size_t n;
    if (gl_read_file(path, &b, &n)) return 0;
    int same = n == strlen(want) && !memcmp(b, want, n);
    free(b);
    return same;
}
// Files in tmpdir whose name holds ".tmp." (temporaries of writes).
static int temporaries(void) {
    DIR *d = opendir(tmpdir);
    int k = 0;
    for (struct dirent *de; (de = readdir(d));) k += strstr(de->d_name, ".tmp.") != NULL;
    closedir(d);
    return k;
}

// A read that blocked would hang the test: the alarm ends it (a failure).
static void on_alarm(int sig) {
    (void)sig;
    static const char m[] = "blocked in a read\n";
    ssize_t w = write(2, m, sizeof m - 1);
    (void)w;
    _exit(3);
}

static void test_inputs_not_regular(void) {
    signal(SIGALRM, on_alarm);
    alarm(20);
    const char *fifo = tmp("weights.safetensors");
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo: %s", strerror(errno));
    uint8_t *b; size_t n;
    CHECK(gl_read_file(fifo, &b, &n) != 0 && strstr(gl_err(), "is a named pipe (FIFO), not a regular file"),
          "a FIFO: %s", gl_err());
    gl_st_file f;
    CHECK(gl_st_load(fifo, &f) != 0 && strstr(gl_err(), "weights.safetensors: is a named pipe"),
          "weights from a FIFO: %s", gl_err());
    float *g; int w, h;
    CHECK(gl_image_load_grey(fifo, &g, &w, &h) != 0 && strstr(gl_err(), "not a regular file"), "image: %s", gl_err());
    gl_image im;
    CHECK(gl_image_load_png(fifo, &im) != 0 && strstr(gl_err(), "not a regular file"), "PNG: %s", gl_err());
    // MNIST's files as FIFOs
    mkdir(tmp("mnist"), 0700);
    CHECK(mkfifo(tmp("mnist/t10k-images-idx3-ubyte"), 0600) == 0, "mkfifo");
    CHECK(mkfifo(tmp("mnist/t10k-labels-idx1-ubyte"), 0600) == 0, "mkfifo");
    gl_mnist m;
    CHECK(gl_mnist_load(tmp("mnist"), "t10k", &m) != 0 && strstr(gl_err(), "not a regular file"),
          "MNIST: %s", gl_err());
    // an IAM transcription
    char *text;
    CHECK(gl_hw_iam_read_text(fifo, 1, &text) != 0 && strstr(gl_err(), "not a regular file"), "IAM: %s", gl_err());
    // a socket and a device: the same words as a directory
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", tmp("sock"));
    CHECK(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0, "bind: %s", strerror(errno));
    CHECK(gl_read_file(tmp("sock"), &b, &n) != 0 && strstr(gl_err(), "is a socket, not a regular file"),
          "%s", gl_err());
    close(s);
    CHECK(gl_read_file("/dev/zero", &b, &n) != 0 && strstr(gl_err(), "is a character device, not a regular file"),
          "a device: %s", gl_err());
    CHECK(gl_read_file(tmpdir, &b, &n) != 0 && strstr(gl_err(), "is a directory, not a regular file"), "%s", gl_err());
    // a link to a FIFO is the FIFO
    CHECK(symlink(fifo, tmp("link-to-fifo")) == 0, "symlink");
    CHECK(gl_read_file(tmp("link-to-fifo"), &b, &n) != 0 && strstr(gl_err(), "named pipe"), "%s", gl_err());
    alarm(0);
}

static void test_write_through_links(void) {
    // an absolute link, a relative one, and a chain: the link stays a link
    mkdir(tmp("real"), 0700);
    write_str(tmp("real/out.txt"), "old");
    CHECK(symlink(tmp("real/out.txt"), tmp("abs-link")) == 0, "symlink");
    CHECK(gl_write_atomic(tmp("abs-link"), "new1", 4) == 0, "write through a link: %s", gl_err());
    struct stat st;
    CHECK(lstat(tmp("abs-link"), &st) == 0 && S_ISLNK(st.st_mode), "the link is still a link");
    CHECK(has(tmp("real/out.txt"), "new1"), "the file it names has the new contents");
    CHECK(symlink("real/out.txt", tmp("rel-link")) == 0 && symlink("rel-link", tmp("chain")) == 0, "symlinks");
    CHECK(gl_write_atomic(tmp("chain"), "new2", 4) == 0, "write through two links: %s", gl_err());
    int chain_link = lstat(tmp("chain"), &st) == 0 && S_ISLNK(st.st_mode);
    CHECK(chain_link && lstat(tmp("rel-link"), &st) == 0 && S_ISLNK(st.st_mode), "both links stay");
    CHECK(has(tmp("real/out.txt"), "new2"), "the file at the end of the chain has the new contents");
    // a dangling link: the file it names is made
    CHECK(symlink("real/made.txt", tmp("dangling")) == 0, "symlink");
    CHECK(gl_write_atomic(tmp("dangling"), "made", 4) == 0 && has(tmp("real/made.txt"), "made"), "%s", gl_err());
    // a loop is an error, not a hang
    CHECK(symlink("loop-b", tmp("loop-a")) == 0 && symlink("loop-a", tmp("loop-b")) == 0, "symlinks");
    CHECK(gl_write_atomic(tmp("loop-a"), "x", 1) != 0 && strstr(gl_err(), "loop-a"), "a loop: %s", gl_err());
    CHECK(temporaries() == 0, "no temporaries left");
}

static void test_write_not_regular(void) {
    // a FIFO (any user can make one, and the rename would replace it)
    const char *fifo = tmp("out.fifo");
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    CHECK(gl_write_atomic(fifo, "x", 1) != 0
          && strstr(gl_err(), "is a named pipe (FIFO), not a regular file: not replaced"),
          "a FIFO output: %s", gl_err());
    struct stat st;
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is still there");
    CHECK(symlink(fifo, tmp("link-to-out.fifo")) == 0, "symlink");
    CHECK(gl_write_atomic(tmp("link-to-out.fifo"), "x", 1) != 0 && strstr(gl_err(), "names")
          && strstr(gl_err(), "not replaced"), "a link to a FIFO: %s", gl_err());
    CHECK(gl_write_atomic(tmpdir, "x", 1) != 0 && strstr(gl_err(), "is a directory"), "a directory: %s", gl_err());
    // a device node: as root the rename would replace it (as /dev/null would be)
    if (geteuid() == 0) {
        const char *dev = tmp("null");
        CHECK(mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod: %s", strerror(errno));
        CHECK(gl_write_atomic(dev, "x", 1) != 0 && strstr(gl_err(), "is a character device, not a regular file"),
              "a device output: %s", gl_err());
        CHECK(lstat(dev, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
              "the device node is still there");
    }
    CHECK(temporaries() == 0, "no temporaries left");
}

static void test_write_keeps_mode(void) {
    const char *p = tmp("private.txt");
    write_str(p, "old");
    chmod(p, 0600);
    CHECK(gl_write_atomic(p, "new", 3) == 0, "%s", gl_err());
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0600, "mode 0600 kept: %o", (unsigned)(st.st_mode & 07777));
    chmod(p, 0751);
    CHECK(gl_write_atomic(p, "newer", 5) == 0 && stat(p, &st) == 0 && (st.st_mode & 07777) == 0751,
          "mode 0751 kept: %o", (unsigned)(st.st_mode & 07777));
    // set-user-ID is not carried onto new contents
    chmod(p, 04755);
    CHECK(gl_write_atomic(p, "x", 1) == 0 && stat(p, &st) == 0 && (st.st_mode & 07777) == 0755,
          "set-ID dropped: %o", (unsigned)(st.st_mode & 07777));
    // a hard link: this name gets the new contents, the other keeps the old
    const char *a = tmp("hard-a"), *b = tmp("hard-b");
    write_str(a, "old");
    CHECK(link(a, b) == 0, "link");
    CHECK(gl_write_atomic(a, "new", 3) == 0 && has(a, "new") && has(b, "old"),
          "hard link: the other name keeps the old");
}

static void test_write_failures_leave_nothing(void) {
    // a write that fails half-way (the file-size limit: EFBIG): the old file
    // stays and the temporary is removed
    const char *p = tmp("big.bin");
    write_str(p, "old");
    size_t n = 1 << 20;
    char *buf = gl_calloc(n, 1);
    struct rlimit old, lim = { 4096, RLIM_INFINITY };
    getrlimit(RLIMIT_FSIZE, &old);
    lim.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0, "setrlimit");
    CHECK(gl_write_atomic(p, buf, n) != 0 && strstr(gl_err(), "write failed"), "a failed write: %s", gl_err());
    setrlimit(RLIMIT_FSIZE, &old);
    free(buf);
    CHECK(has(p, "old"), "the old file is intact");
    CHECK(temporaries() == 0, "the temporary is removed (%d left)", temporaries());
    // a link planted at the temporary's name is not followed
    const char *victim = tmp("victim.txt");
    write_str(victim, "mine");
    char planted[600];
    snprintf(planted, sizeof planted, "%s.tmp.%d", tmp("target.txt"), (int)getpid());
    CHECK(symlink(victim, planted) == 0, "symlink");
    CHECK(gl_write_atomic(tmp("target.txt"), "written", 7) == 0, "%s", gl_err());
    CHECK(has(victim, "mine") && has(tmp("target.txt"), "written"), "the planted link's file is untouched");
    // stale temporaries of dead processes beside the file a link names go;
    // a live process's stays
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, NULL, 0);
    char stale[600], live[600];
    snprintf(stale, sizeof stale, "%s.tmp.%d", tmp("real/out.txt"), (int)dead);
    snprintf(live, sizeof live, "%s.tmp.%d", tmp("real/out.txt"), (int)getppid());
    write_str(stale, "partial"); write_str(live, "live");
    CHECK(gl_write_atomic(tmp("abs-link"), "new3", 4) == 0, "%s", gl_err());
    CHECK(!gl_file_exists(stale) && gl_file_exists(live), "stale temporary removed, a live one kept");
    unlink(live);
}

// A w x h RGBA PNG from pixel values; returns its path.
static const char *rgba_png(const char *name, const uint8_t *px, int w, int h, png_uint_32 format) {
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)w; pi.height = (png_uint_32)h;
    pi.format = format;
    const char *p = tmp(name);
    CHECK(png_image_write_to_file(&pi, p, 0, px, 0, NULL), "write %s: %s", p, pi.message);
    return p;
}

static void test_alpha_on_white(void) {
    // dark ink on a transparent background, as an HTML canvas exports it:
    // transparent pixels are (0,0,0,0), the stroke opaque black
    enum { W = 40, H = 30 };
    uint8_t rgba[W * H * 4] = { 0 }, ga[W * H * 2] = { 0 };
    for (int y = 10; y < 20; y++)
        for (int x = 15; x < 25; x++) { rgba[(y * W + x) * 4 + 3] = 255; ga[(y * W + x) * 2 + 1] = 255; }
    const char *files[2] = { rgba_png("canvas.png", rgba, W, H, PNG_FORMAT_RGBA),
                             rgba_png("grey-alpha.png", ga, W, H, PNG_FORMAT_GA) };
    for (int k = 0; k < 2; k++) {
        float *g; int w, h;
        CHECK(gl_image_load_grey(files[k], &g, &w, &h) == 0 && w == W && h == H, "%s: %s", files[k], gl_err());
        if (w != W || h != H) continue;
        // as MNIST: the ink light (1), the paper dark (0)
        CHECK(g[15 * W + 20] > 0.99f && g[0] < 0.01f && g[29 * W + 39] < 0.01f,
              "%s: ink %.2f, paper %.2f", files[k], g[15 * W + 20], g[0]);
        free(g);
        gl_image im;
        CHECK(gl_image_load_png(files[k], &im) == 0, "%s", gl_err());
        CHECK(im.px[0] == 255 && im.px[(15 * W + 20) * 3] == 0, "%s as RGB: paper %d, ink %d",
              files[k], im.px[0], im.px[(15 * W + 20) * 3]);
        gl_image_free(&im);
    }
    // half-transparent black is grey on white
    uint8_t half[4 * 4 * 4] = { 0 };
    for (int i = 0; i < 16; i++) half[i * 4 + 3] = 128;
    gl_image im;
    CHECK(gl_image_load_png(rgba_png("half.png", half, 4, 4, PNG_FORMAT_RGBA), &im) == 0
          && im.px[0] > 100 && im.px[0] < 200,
          "half-transparent black on white: %d", im.px[0]);
    gl_image_free(&im);
}

static void test_size_messages(void) {
    // refused for its total: the message says the total, not the sides
    CHECK(!gl_image_input_ok(8192, 8192) && strstr(gl_err(), "67108864 pixels in all") && !strstr(gl_err(), "a side"),
          "total: %s", gl_err());
    CHECK(!gl_image_input_ok(9000, 10) && strstr(gl_err(), "1 to 8192 pixels a side"), "side: %s", gl_err());
    CHECK(!gl_image_size_ok(30000, 30000) && strstr(gl_err(), "900000000 pixels in all"), "output total: %s", gl_err());
    CHECK(gl_image_input_ok(4096, 4096) && gl_image_size_ok(32768, 2048), "within the limits");
}

int main(void) {
    if (test_tmp_begin("files")) return 1;
    test_inputs_not_regular();
    test_write_through_links();
    test_write_not_regular();
    test_write_keeps_mode();
    test_write_failures_leave_nothing();
    test_alpha_on_white();
    test_size_messages();
    test_tmp_end();
    TEST_MAIN_END();
}
