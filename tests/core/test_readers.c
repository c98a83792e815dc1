// Readers fed crafted and broken input (issue 14): each case crashed, was
// undefined behaviour, or loaded something that was not what the file said.
// Every one must now be a clear error (or, for valid input, load exactly).
#include "gl_test.h"
#include "test_tmp.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_json.h"
#include "gl_mnist.h"
#include "gl_params.h"
#include "gl_util.h"
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>


// A safetensors file from a header string and n data bytes (header padded
// with spaces to a multiple of 8, as the format recommends).
static const char *st_file(const char *name, const char *header, const void *data, size_t n) {
    size_t hl = strlen(header), pad = (8 - hl % 8) % 8;
    uint8_t *b = gl_calloc(8 + hl + pad + n, 1);
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)((uint64_t)(hl + pad) >> (8 * i));
    memcpy(b + 8, header, hl);
    memset(b + 8 + hl, ' ', pad);
    if (n) memcpy(b + 8 + hl + pad, data, n);
    const char *p = tmp(name);
    write_bytes(p, b, 8 + hl + pad + n);
    free(b);
    return p;
}
static int st_rejects(const char *path, const char *want) {
    gl_st_file f;
    if (gl_st_load(path, &f) == 0) { gl_st_free(&f); fprintf(stderr, "%s: loaded\n", path); return 0; }
    if (!strstr(gl_err(), want)) { fprintf(stderr, "%s: '%s' lacks '%s'\n", path, gl_err(), want); return 0; }
    return 1;
}

static void test_read_file(void) {
    uint8_t *b; size_t n;
    CHECK(gl_read_file(tmpdir, &b, &n) != 0 && strstr(gl_err(), "is a directory"), "a directory: %s", gl_err());
    CHECK(gl_read_file("/dev/null", &b, &n) != 0 && strstr(gl_err(), "not a regular file"), "a device: %s", gl_err());
    write_str(tmp("ten"), "0123456789");
    CHECK(gl_read_file_max(tmp("ten"), &b, &n, 9) != 0 && strstr(gl_err(), "too large"), "size cap: %s", gl_err());
    CHECK(gl_read_file_max(tmp("ten"), &b, &n, 10) == 0 && n == 10 && b[10] == 0, "at the cap");
    free(b);
    // a weights loader given a directory: one line, no abort
    gl_st_file f;
    CHECK(gl_st_load(tmpdir, &f) != 0 && strstr(gl_err(), "is a directory"), "st_load of a directory: %s", gl_err());
}

static void test_seterr_own_buffer(void) {
    gl_seterr("the real reason");
    gl_seterr("%s: %s", "file.json", gl_err());
    CHECK(!strcmp(gl_err(), "file.json: the real reason"), "formatting gl_err() into itself: '%s'", gl_err());
    // through a reader: the reason survives the path prefix
    const char *p = st_file("badjson.st", "{\"a\":", NULL, 0);
    gl_st_file f;
    CHECK(gl_st_load(p, &f) != 0 && strstr(gl_err(), "bad safetensors header: JSON") && !strstr(gl_err(), "header: /"), "%s", gl_err());
}

static void test_safetensors_crafted(void) {
    float four[4] = { 1, 2, 3, 4 };
    // 65536*65536*32768*32768*4 wraps to 0 in 64 bits: must not pass as 0 bytes
    CHECK(st_rejects(st_file("wrap.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,32768,32768],\"data_offsets\":[0,0]}}", NULL, 0), "bad shape"), "shape product overflow");
    CHECK(st_rejects(st_file("wrap2.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", NULL, 0), "bad shape"), "dimension too large");
    CHECK(st_rejects(st_file("metaarr.st", "{\"__metadata__\":[\"x\"]}", NULL, 0), "__metadata__ is not an object"), "__metadata__ an array");
    CHECK(st_rejects(st_file("metanum.st", "{\"__metadata__\":{\"steps\":10}}", NULL, 0), "not a string"), "metadata value a number");
    CHECK(st_rejects(st_file("frac.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0.5,8.5]}}", four, 16), "whole numbers"), "fractional offsets");
    CHECK(st_rejects(st_file("fracshape.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", four, 8), "bad shape"), "fractional shape");
    CHECK(st_rejects(st_file("overlap.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", four, 12), "overlaps"), "overlapping tensors");
    CHECK(st_rejects(st_file("gap.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", four, 16), "belong to no tensor"), "gap before a tensor");
    CHECK(st_rejects(st_file("tail.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", four, 16), "at the end belong to no tensor"), "bytes after the tensors");
    CHECK(st_rejects(st_file("dup.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", four, 8), "given twice"), "duplicate tensor");
    CHECK(st_rejects(st_file("neg.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", four, 4), "bad shape"), "negative dimension");
    CHECK(st_rejects(st_file("bf16.st", "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", four, 4), "unsupported dtype"), "dtype");
    // in order but listed out of order is fine: the layout is what counts
    gl_st_file f;
    const char *ok = st_file("swapped.st", "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", four, 16);
    CHECK(gl_st_load(ok, &f) == 0 && f.n == 2 && gl_st_find(&f, "b")->data[0] == 3, "tiled out of header order: %s", gl_err());
    gl_st_free(&f);

    // the digest: a saved file loads; the same file with a metadata value
    // changed (DRAW's "steps" is in no tensor shape) does not
    gl_params ps = {0};
    float *w = gl_params_add(&ps, "w", 3, 0, 0, 0);
    w[0] = 1; w[1] = 2; w[2] = 3;
    gl_meta meta = {0};
    gl_meta_set(&meta, "steps", "10");
    CHECK(gl_params_save(&ps, tmp("dg.st"), &meta, 0) == 0, "save");
    uint8_t *b; size_t n;
    gl_read_file(tmp("dg.st"), &b, &n);
    char *s = memmem(b, n, "\"10\"", 4);
    CHECK(s != NULL, "steps in the header");
    if (s) { s[1] = '6'; s[2] = '4'; }
    write_bytes(tmp("dg64.st"), b, n);
    CHECK(gl_params_load(&ps, tmp("dg.st"), NULL, 0) == 0, "saved file loads: %s", gl_err());
    CHECK(gl_params_load(&ps, tmp("dg64.st"), NULL, 0) != 0 && strstr(gl_err(), "digest"), "edited steps: %s", gl_err());
    b[n - 1] ^= 1;   // one data bit
    write_bytes(tmp("dgbit.st"), b, n);
    CHECK(gl_params_load(&ps, tmp("dgbit.st"), NULL, 0) != 0 && strstr(gl_err(), "digest"), "flipped data bit: %s", gl_err());
    free(b);
    // a tensor the model does not have is an error, not ignored
    gl_params two = {0};
    gl_params_add(&two, "w", 3, 0, 0, 0);
    gl_params_add(&two, "extra", 1, 0, 0, 0);
    CHECK(gl_params_save(&two, tmp("extra.st"), NULL, 0) == 0, "save");
    CHECK(gl_params_load(&ps, tmp("extra.st"), NULL, 0) != 0 && strstr(gl_err(), "'extra' is not part of this model"), "extra tensor: %s", gl_err());
    // strict metadata numbers
    gl_meta m2 = {0};
    long v;
    gl_meta_set(&m2, "steps", "10abc");
    CHECK(gl_meta_int_in(&m2, "steps", 1, 64, &v) != 0 && strstr(gl_err(), "steps"), "10abc: %s", gl_err());
    gl_meta_set(&m2, "steps", "64");
    CHECK(gl_meta_int_in(&m2, "steps", 1, 64, &v) == 0 && v == 64, "64");
    gl_meta_free(&m2);
    gl_params_free(&ps); gl_params_free(&two); gl_meta_free(&meta);
}

static void test_images(void) {
    // glimpse draw --frames --grid 100 --scale 32: 8982 x 89802 pixels
    CHECK(!gl_image_size_ok(8982, 89802) && strstr(gl_err(), "outside the limits"), "huge figure: %s", gl_err());
    gl_image im = gl_image_new(8982, 89802, 0, 0, 0);
    CHECK(im.px == NULL && im.w == 0, "gl_image_new refuses");
    gl_image_rect(&im, 0, 0, 10, 10, 1, 2, 3);   // a no-op, not a crash
    CHECK(gl_image_save_png(&im, tmp("none.png")) != 0 && access(tmp("none.png"), F_OK) != 0, "nothing written");
    float *g; int w, h;
    // PGM numbers of 23 and 20 digits: rejected before any overflow
    write_str(tmp("wide.pgm"), "P2\n12345678901234567890123 2\n255\n0 0\n");
    CHECK(gl_image_load_grey(tmp("wide.pgm"), &g, &w, &h) != 0 && strstr(gl_err(), "too large"), "23-digit width: %s", gl_err());
    write_str(tmp("pix.pgm"), "P2\n2 1\n255\n12345678901234567890 0\n");
    CHECK(gl_image_load_grey(tmp("pix.pgm"), &g, &w, &h) != 0 && strstr(gl_err(), "above the maximum"), "20-digit pixel: %s", gl_err());
    write_str(tmp("over.pgm"), "P2\n2 1\n100\n101 0\n");
    CHECK(gl_image_load_grey(tmp("over.pgm"), &g, &w, &h) != 0 && strstr(gl_err(), "above the maximum"), "pixel over maxval: %s", gl_err());
    write_str(tmp("big.pgm"), "P5\n20000 20000\n255\n");
    CHECK(gl_image_load_grey(tmp("big.pgm"), &g, &w, &h) != 0 && strstr(gl_err(), "outside the limits"), "20000 x 20000 PGM: %s", gl_err());
    write_str(tmp("short.pgm"), "P5\n4 4\n255\nab");
    CHECK(gl_image_load_grey(tmp("short.pgm"), &g, &w, &h) != 0 && strstr(gl_err(), "truncated"), "truncated P5: %s", gl_err());
    // a uniform grey image is no digit (it was classified "0 (p = 1.000)")
    float grey[100], d[784];
    for (int i = 0; i < 100; i++) grey[i] = 0.5f;
    CHECK(gl_mnist_normalise(grey, 10, 10, d) != 0 && strstr(gl_err(), "no digit"), "uniform grey: %s", gl_err());
    // the same digit on a grey background normalises as on black
    float a[400] = {0}, b2[400];
    for (int y = 5; y < 15; y++) a[y * 20 + 8] = a[y * 20 + 9] = 1.0f;
    for (int i = 0; i < 400; i++) b2[i] = 0.3f + 0.7f * a[i];
    float da[784], db[784];
    CHECK(gl_mnist_normalise(a, 20, 20, da) == 0 && gl_mnist_normalise(b2, 20, 20, db) == 0, "digits normalise");
    double diff = 0;
    for (int i = 0; i < 784; i++) diff = fmax(diff, fabs(da[i] - db[i]));
    CHECK(diff < 1e-5, "grey background changes the input by %g", diff);
}

static void test_encode_names_characters(void) {
    gl_hw_cfg c = {0};
    snprintf(c.alphabet, sizeof c.alphabet, " abcdefghijklmnopqrstuvwxyz");
    c.C = (int)strlen(c.alphabet);
    CHECK(gl_hw_encode(&c, "caf\xc3\xa9 na\xc3\xafve \xc3\xa9", NULL) != 0, "é refused");
    CHECK(strstr(gl_err(), "'\xc3\xa9', '\xc3\xaf'") && !strstr(gl_err(), "0xc3"), "named as characters, once each: %s", gl_err());
    CHECK(gl_hw_encode(&c, "a\xff" "b\n", NULL) != 0 && strstr(gl_err(), "byte 0xff") && strstr(gl_err(), "U+000A"), "invalid UTF-8 and control: %s", gl_err());
    int out[8];
    CHECK(gl_hw_encode(&c, "ab c", out) == 0 && out[0] == 1 && out[2] == 0, "plain text encodes");
    // a mark (IAM-OnDB's '#', a word not read): encoded for training, refused as typed text
    snprintf(c.alphabet, sizeof c.alphabet, " #abc");
    c.C = (int)strlen(c.alphabet);
    snprintf(c.marks, sizeof c.marks, "#");
    char prep[16];
    CHECK(gl_hw_encode(&c, "a # b", out) == 0 && out[2] == 1, "a line of the corpus with '#' encodes");
    CHECK(gl_hw_text_prepare(&c, "a # b", prep, sizeof prep, NULL, 0) == 0 && gl_hw_text_check(&c, prep) != 0 &&
          strstr(gl_err(), "cannot write '#'") && strstr(gl_err(), "could not be read"),
          "typed, it is refused and said why: %s", gl_err());
    CHECK(gl_hw_text_check(&c, "a cab") == 0, "gl_hw_text_check refuses only it");
    CHECK(gl_hw_encode(&c, "a d", NULL) != 0 && strstr(gl_err(), "(it knows: \" abc\")"), "and leaves it out of what it knows: %s",
          gl_err());
}

static void iam_line(const char *dir, int k, const char *coords) {
    char p[600];
    snprintf(p, sizeof p, "%s/lineStrokes/t01/t01-000u-%02d.xml", dir, k);
    FILE *f = fopen(p, "w");
    fprintf(f, "<WhiteboardCaptureSession><StrokeSet><Stroke>%s</Stroke></StrokeSet></WhiteboardCaptureSession>\n", coords);
    fclose(f);
}

static void test_iam(void) {
    char dir[512], p[600];
    snprintf(dir, sizeof dir, "%s", tmp("iam"));
    mkdir(dir, 0755);
    snprintf(p, sizeof p, "%s/lineStrokes", dir); mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/lineStrokes/t01", dir); mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/ascii", dir); mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/ascii/t01", dir); mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/ascii/t01/t01-000u.txt", dir);
    write_str(p, "CSR:\n\none\ntwo\nthree\nfour\nfive\n");
    // ordinary lines: offsets of about 10 units
    char pts[4096];
    for (int k = 1; k <= 3; k++) {
        int n = 0;
        for (int i = 0; i < 30; i++) n += snprintf(pts + n, sizeof pts - n, "<Point x=\"%d\" y=\"%d\"/>", 1000 + 10 * i, 1000 + (i % 3) * 5);
        iam_line(dir, k, pts);
    }
    // 1e30 coordinates: out of range, skipped
    iam_line(dir, 4, "<Point x=\"1\" y=\"1\"/><Point x=\"1e30\" y=\"1\"/>");
    // within range but 10^5 times the corpus's median offset: dropped, not
    // left to set the normalisation
    iam_line(dir, 5, "<Point x=\"1\" y=\"1\"/><Point x=\"900000\" y=\"1\"/><Point x=\"900010\" y=\"1\"/>");
    // symlinks back to the directory itself (t01/a -> ., t01/b -> ..)
    snprintf(p, sizeof p, "%s/lineStrokes/t01/a", dir); CHECK(symlink(".", p) == 0, "symlink");
    snprintf(p, sizeof p, "%s/lineStrokes/t01/b", dir); CHECK(symlink("..", p) == 0, "symlink");
    gl_hw_corpus c = {0};
    double t0 = gl_now();
    CHECK(gl_hw_iam_load(&c, dir, 1) == 0, "loads: %s", gl_err());
    CHECK(gl_now() - t0 < 5, "symlink loops end (%.1f s)", gl_now() - t0);
    CHECK(c.n == 3 && c.skipped == 2, "3 lines kept, 2 skipped (got %d, %d)", c.n, c.skipped);
    float mean[2], std[2];
    gl_hw_norm_stats(&c, mean, std);
    CHECK(std[0] < 100 && std[1] < 100, "normalisation from good lines only (std %g, %g)", std[0], std[1]);
    gl_hw_corpus_free(&c);
}

int main(void) {
    if (test_tmp_begin("readers")) return 1;
    test_read_file();
    test_seterr_own_buffer();
    test_safetensors_crafted();
    test_images();
    test_encode_names_characters();
    test_iam();
    test_tmp_end();
    TEST_MAIN_END();
}
