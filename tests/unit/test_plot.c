/*
 * test_plot.c - the plot module: tick ranges and labels (through the private
 * plot_ticks.h), PNG and SVG output checked byte by byte and pixel by pixel,
 * edge cases of the data, atomic writing, and errors.
 *
 * The PNG is read back with cairo (libampsim links it). The SVG is checked
 * without libxml2, which libampsim does not link yet: a small checker below
 * verifies the prolog, the root element and its size, and that every tag is
 * closed in order.
 *
 * Every case runs with the setup register_cleanup(), which releases cairo's
 * and fontconfig's font caches when the process ends (see there).
 */
#include "test_main.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo/cairo.h>

#include "ampsim/error.h"
#include "ampsim/plot.h"
#include "plot_ticks.h"

/* ------------------------------------------------------------------------ */
/* Fixtures                                                                 */
/* ------------------------------------------------------------------------ */

/* cairo and fontconfig keep process-wide font caches, the same however many
 * plots are drawn, and fontconfig's look lost to valgrind and LeakSanitizer
 * (768 bytes in 3 blocks). Released at exit, before those tools look, so
 * that a sanitizer or valgrind run reports our code only. FcFini is looked
 * up at run time because the test links cairo, not fontconfig itself. */
static void release_font_caches(void)
{
  void *self = dlopen(NULL, RTLD_LAZY);
  void (*fc_fini)(void) = NULL;

  cairo_debug_reset_static_data();
  if (self != NULL) {
    fc_fini = (void (*)(void))(uintptr_t)dlsym(self, "FcFini");
    if (fc_fini != NULL)
      fc_fini();
    dlclose(self);
  }
}

static int register_cleanup(void **state)
{
  static int registered;

  (void)state;
  if (!registered) {
    registered = 1;
    return atexit(release_font_caches) == 0 ? 0 : -1;
  }
  return 0;
}

/* A new empty folder under $TMPDIR (or /tmp); the caller removes it with
 * remove_dir(). */
static char *make_temp_dir(void)
{
  const char *base = getenv("TMPDIR");
  char *path = malloc(4096);

  assert_non_null(path);
  snprintf(path, 4096, "%s/ampsim-test-plot.XXXXXX", base != NULL && base[0] ? base : "/tmp");
  assert_non_null(mkdtemp(path));
  return path;
}

/* Names in a folder other than . and .., as one string "a b c" (sorted by
 * nothing in particular, so tests compare counts or single names). */
static size_t dir_entries(const char *dir, char *names, size_t n)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t count = 0;

  assert_non_null(d);
  names[0] = '\0';
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    count++;
    if (strlen(names) + strlen(e->d_name) + 2 < n) {
      if (names[0] != '\0')
        strcat(names, " ");
      strcat(names, e->d_name);
    }
  }
  closedir(d);
  return count;
}

/* Remove a folder with its files and empty subfolders (one level). */
static void remove_dir(char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[8192];

  if (d != NULL) {
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      if (unlink(path) != 0)
        rmdir(path);
    }
    closedir(d);
  }
  rmdir(dir);
  free(dir);
}

static unsigned char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *data;
  long size;

  if (f == NULL)
    return NULL;
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  size = ftell(f);
  assert_true(size >= 0);
  rewind(f);
  data = malloc((size_t)size + 1);
  assert_non_null(data);
  assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
  data[size] = '\0';
  fclose(f);
  *len = (size_t)size;
  return data;
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");

  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

/* Output impedance against frequency, SE and BTL, on 1/10-decade points from
 * 20 Hz to 20 kHz: the curves a compare report shows. */
static ampsim_plot *zout_plot(void)
{
  double freq_hz[31], zout_se_ohms[31], zout_btl_ohms[31];
  ampsim_plot *p = NULL;
  int i;

  for (i = 0; i < 31; i++) {
    freq_hz[i] = i == 30 ? 20000.0 : 20.0 * pow(10.0, i / 10.0);
    zout_se_ohms[i] = 0.012 * sqrt(1.0 + pow(freq_hz[i] / 3000.0, 2));
    zout_btl_ohms[i] = 2.0 * zout_se_ohms[i];
  }
  assert_int_equal(ampsim_plot_new(&p, "Output impedance, opamp-buffer into 32 Ω"), 0);
  assert_int_equal(ampsim_plot_axis_x(p, "Frequency", "Hz", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "Output impedance", "ohm", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_series(p, "SE", freq_hz, zout_se_ohms, 31), 0);
  assert_int_equal(ampsim_plot_series(p, "BTL", freq_hz, zout_btl_ohms, 31), 0);
  return p;
}

/* THD+N against output power on a log power axis, per topology and load, up
 * to clipping (a noise floor falling as 1/v, then a steep rise). */
static ampsim_plot *thd_plot(void)
{
  static const char *const names[4] = { "SE, 32 Ω", "BTL, 32 Ω", "SE, 300 Ω", "BTL, 300 Ω" };
  static const double clip_w[4] = { 0.14, 0.5, 0.03, 0.12 };
  static const double noise_v[4] = { 4e-6, 5.6e-6, 4e-6, 5.6e-6 };
  static const double load_ohms[4] = { 32.0, 32.0, 300.0, 300.0 };
  ampsim_plot *p = NULL;
  int s;

  assert_int_equal(ampsim_plot_new(&p, "THD+N against output power, 1 kHz"), 0);
  assert_int_equal(ampsim_plot_axis_x(p, "Output power", "W", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "THD+N", "%", AMPSIM_AXIS_LOG), 0);
  for (s = 0; s < 4; s++) {
    double power_w[64], thdn_pct[64], w = 1e-5;
    size_t n = 0;
    while (n < 64) {
      double vout_rms = sqrt(w * load_ohms[s]);
      double floor_ratio = sqrt(pow(noise_v[s] / vout_rms, 2) + 3e-6 * 3e-6);
      power_w[n] = w;
      thdn_pct[n] = 100.0 * (floor_ratio + 0.01 * pow(w / clip_w[s], 10));
      if (thdn_pct[n++] > 10.0)
        break;
      w *= 1.3;
    }
    assert_int_equal(ampsim_plot_series(p, names[s], power_w, thdn_pct, n), 0);
  }
  return p;
}

/* The PNG's width and height from its IHDR chunk, after checking the
 * signature. */
static void png_size(const unsigned char *data, size_t len, unsigned *width, unsigned *height)
{
  static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

  assert_true(len > 33);
  assert_memory_equal(data, signature, 8);
  assert_memory_equal(data + 12, "IHDR", 4);
  *width = (unsigned)data[16] << 24 | (unsigned)data[17] << 16 | (unsigned)data[18] << 8 | data[19];
  *height = (unsigned)data[20] << 24 | (unsigned)data[21] << 16 | (unsigned)data[22] << 8 | data[23];
}

/* Pixels in the rectangle whose colour is within `tolerance` of rgb. */
static size_t count_colour(cairo_surface_t *image, int x0, int y0, int x1, int y1, unsigned rgb,
                           int tolerance)
{
  const unsigned char *data = cairo_image_surface_get_data(image);
  int stride = cairo_image_surface_get_stride(image);
  size_t count = 0;
  int x, y;

  for (y = y0; y < y1; y++) {
    for (x = x0; x < x1; x++) {
      uint32_t px = *(const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride + 4 * (size_t)x);
      int dr = (int)((px >> 16) & 0xFF) - (int)((rgb >> 16) & 0xFF);
      int dg = (int)((px >> 8) & 0xFF) - (int)((rgb >> 8) & 0xFF);
      int db = (int)(px & 0xFF) - (int)(rgb & 0xFF);
      if (abs(dr) <= tolerance && abs(dg) <= tolerance && abs(db) <= tolerance)
        count++;
    }
  }
  return count;
}

/* Read a PNG file back with cairo; the caller destroys the surface. */
static cairo_surface_t *load_png(const char *path)
{
  cairo_surface_t *image = cairo_image_surface_create_from_png(path);

  assert_int_equal(cairo_surface_status(image), CAIRO_STATUS_SUCCESS);
  assert_int_equal(cairo_image_surface_get_width(image), AMPSIM_PLOT_WIDTH_PX);
  assert_int_equal(cairo_image_surface_get_height(image), AMPSIM_PLOT_HEIGHT_PX);
  cairo_surface_flush(image);
  return image;
}

/*
 * A small XML well-formedness check: an optional <?xml ...?> prolog, comments,
 * one root element, start and end tags nested and matching, quoted attribute
 * values, '&' only as an entity. Returns NULL when well-formed, else what is
 * wrong; root gets the root element's name.
 */
static const char *xml_check(const char *s, char *root, size_t root_n)
{
  char stack[64][64];
  int depth = 0, roots = 0;

  root[0] = '\0';
  while (*s != '\0') {
    if (*s == '&') {
      const char *semi = strchr(s, ';');
      if (semi == NULL || semi - s > 10)
        return "bare '&' in text";
      s = semi + 1;
    } else if (*s != '<') {
      if (depth == 0 && *s != ' ' && *s != '\n' && *s != '\r' && *s != '\t')
        return "text outside the root element";
      s++;
    } else if (strncmp(s, "<?", 2) == 0) {
      const char *end = strstr(s, "?>");
      if (end == NULL)
        return "unterminated processing instruction";
      s = end + 2;
    } else if (strncmp(s, "<!--", 4) == 0) {
      const char *end = strstr(s, "-->");
      if (end == NULL)
        return "unterminated comment";
      s = end + 3;
    } else if (s[1] == '/') {
      size_t len = strcspn(s + 2, " \t\n>");
      if (depth == 0 || len != strlen(stack[depth - 1]) ||
          strncmp(s + 2, stack[depth - 1], len) != 0)
        return "end tag does not match the open element";
      depth--;
      s = strchr(s, '>');
      if (s == NULL)
        return "unterminated end tag";
      s++;
    } else {
      size_t len = strcspn(s + 1, " \t\n/>");
      char quote = 0;
      const char *c;
      if (len == 0 || len >= sizeof stack[0])
        return "bad element name";
      if (depth == 0) {
        if (++roots > 1)
          return "more than one root element";
        snprintf(root, root_n, "%.*s", (int)len, s + 1);
      }
      for (c = s + 1 + len; *c != '\0'; c++) {
        if (quote != 0) {
          if (*c == quote)
            quote = 0;
          else if (*c == '<')
            return "'<' in an attribute value";
        } else if (*c == '"' || *c == '\'') {
          quote = *c;
        } else if (*c == '>') {
          break;
        }
      }
      if (*c != '>')
        return "unterminated start tag";
      if (c[-1] != '/') {
        if (depth == (int)(sizeof stack / sizeof stack[0]))
          return "nested too deep for this checker";
        snprintf(stack[depth++], sizeof stack[0], "%.*s", (int)len, s + 1);
      }
      s = c + 1;
    }
  }
  if (depth != 0)
    return "unclosed element";
  if (roots != 1)
    return "no root element";
  return NULL;
}

/* The root element's start tag (up to its '>'), copied into buf. */
static void root_tag(const char *svg, char *buf, size_t n)
{
  const char *start = strstr(svg, "<svg");
  const char *end;

  assert_non_null(start);
  end = strchr(start, '>');
  assert_non_null(end);
  snprintf(buf, n, "%.*s", (int)(end - start + 1), start);
}

/* Drop the digits of cairo's surface ids ("surface85" -> "surface"): cairo
 * numbers surfaces from a counter that runs on across renderings, so that is
 * all that differs between two renderings of one plot. */
static void strip_surface_ids(char *svg)
{
  char *at = svg;

  while ((at = strstr(at, "surface")) != NULL) {
    char *digits = at + strlen("surface");
    char *end = digits;
    while (*end >= '0' && *end <= '9')
      end++;
    memmove(digits, end, strlen(end) + 1);
    at = digits;
  }
}

/* Render to PNG in memory and read it back as an image surface. */
typedef struct png_reader {
  const unsigned char *data;
  size_t len, pos;
} png_reader;

static cairo_status_t read_png_bytes(void *closure, unsigned char *data, unsigned int length)
{
  png_reader *r = closure;

  if (r->len - r->pos < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy(data, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *render_image(const ampsim_plot *p)
{
  unsigned char *png = NULL;
  size_t len = 0;
  png_reader reader;
  cairo_surface_t *image;

  assert_int_equal(ampsim_plot_render_png(p, &png, &len), 0);
  reader.data = png;
  reader.len = len;
  reader.pos = 0;
  image = cairo_image_surface_create_from_png_stream(read_png_bytes, &reader);
  free(png);
  assert_int_equal(cairo_surface_status(image), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(image);
  return image;
}

/* Both renderings succeed and the SVG is well-formed. */
static void assert_renders(const ampsim_plot *p)
{
  cairo_surface_t *image = render_image(p);
  char *svg = NULL;
  size_t len = 0;
  char root[32];
  const char *problem;

  cairo_surface_destroy(image);
  assert_int_equal(ampsim_plot_render_svg(p, &svg, &len), 0);
  assert_int_equal(strlen(svg), len);
  problem = xml_check(svg, root, sizeof root);
  if (problem != NULL)
    print_error("SVG: %s\n", problem);
  assert_null(problem);
  assert_string_equal(root, "svg");
  free(svg);
}

static int labels_equal(const plot_axis_ticks *t, const char *const *expected, size_t n)
{
  size_t i, k = 0;

  for (i = 0; i < t->n; i++) {
    if (t->tick[i].label[0] == '\0')
      continue;
    if (k >= n || strcmp(t->tick[i].label, expected[k]) != 0) {
      print_error("label %zu is '%s', expected '%s'\n", k, t->tick[i].label,
                  k < n ? expected[k] : "(none)");
      return 0;
    }
    k++;
  }
  if (k != n)
    print_error("%zu labels, expected %zu\n", k, n);
  return k == n;
}

static plot_axis_spec spec_for(ampsim_axis_scale scale, const char *unit, double lo, double hi,
                               int vertical, double length_px)
{
  plot_axis_spec spec;

  memset(&spec, 0, sizeof spec);
  spec.scale = scale;
  spec.unit = unit;
  spec.lo = lo;
  spec.hi = hi;
  spec.tight_log = !vertical;
  spec.vertical = vertical;
  spec.length_px = length_px;
  spec.font_px = 13.0;
  return spec;
}

static plot_axis_ticks *new_ticks(void)
{
  plot_axis_ticks *t = malloc(sizeof *t);

  assert_non_null(t);
  return t;
}

/* Whether v is 1, 2 or 5 times a power of ten (to 1e-9). */
static int is_125(double v)
{
  double m = v / pow(10.0, floor(log10(v) + 1e-12));

  return fabs(m - 1.0) < 1e-9 || fabs(m - 2.0) < 1e-9 || fabs(m - 5.0) < 1e-9;
}

/* ------------------------------------------------------------------------ */
/* Ticks and labels                                                         */
/* ------------------------------------------------------------------------ */

static void nice_step(void **state)
{
  (void)state;
  assert_near(plot_nice_step(0.7), 1.0, 1e-15);
  assert_near(plot_nice_step(1.0), 1.0, 1e-15);
  assert_near(plot_nice_step(1.01), 2.0, 1e-15);
  assert_near(plot_nice_step(3.0), 5.0, 1e-15);
  assert_near(plot_nice_step(7.0), 10.0, 1e-15);
  assert_near(plot_nice_step(0.013), 0.02, 1e-17);
  assert_near(plot_nice_step(2e-7), 2e-7, 1e-22);
  assert_near(plot_nice_step(4.2e12), 5e12, 1.0);
}

/* Output impedance 12..161 mohm on a y axis of 420 px: 0..180 in 20s, the
 * prefix in the title. */
static void linear_ticks_125(void **state)
{
  static const char *const expected[] = { "0", "20", "40", "60", "80", "100",
                                          "120", "140", "160", "180" };
  plot_axis_ticks *t = new_ticks();
  plot_axis_spec spec = spec_for(AMPSIM_AXIS_LINEAR, "ohm", 0.012, 0.161, 1, 420.0);
  size_t i;

  (void)state;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(t->lo, 0.0, 1e-15);
  assert_near(t->hi, 0.18, 1e-15);
  assert_true(labels_equal(t, expected, 10));
  assert_string_equal(t->title_unit, "mΩ");

  /* Level in dB across zero on an x axis: whole steps of 1-2-5, no "-0". */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "dB", -3.3, 7.1, 0, 760.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_true(t->lo <= -3.3 && t->hi >= 7.1);
  assert_true(t->n >= 4 && t->n <= 11);
  assert_true(is_125(t->tick[1].value - t->tick[0].value));
  for (i = 0; i < t->n; i++) {
    assert_null(strstr(t->tick[i].label, "-0"));
    assert_near(fmod(t->tick[i].value, t->tick[1].value - t->tick[0].value), 0.0, 1e-9);
  }
  assert_string_equal(t->title_unit, "dB");

  /* Decimals follow the step: 0.0, 0.5, ... for a half step. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "%", 0.1, 2.9, 1, 400.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_string_equal(t->tick[0].label, "0.0");
  assert_string_equal(t->tick[1].label, "0.5");
  assert_string_equal(t->title_unit, "%");

  /* A fixed range keeps its ends; ticks inside it. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "V", -0.25, 1.3, 1, 400.0);
  spec.fixed = 1;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(t->lo, -0.25, 0.0);
  assert_near(t->hi, 1.3, 0.0);
  assert_true(t->tick[0].value >= -0.25 && t->tick[t->n - 1].value <= 1.3);
  assert_string_equal(t->title_unit, "V");
  free(t);
}

/* 20 Hz to 20 kHz: decades and the ends labelled, minor ticks at 2..9. */
static void log_decade_ticks(void **state)
{
  static const char *const audio[] = { "20 Hz", "100 Hz", "1 kHz", "10 kHz", "20 kHz" };
  static const char *const thd[] = { "0.0001 %", "0.001 %", "0.01 %", "0.1 %",
                                     "1 %",      "10 %",    "100 %" };
  plot_axis_ticks *t = new_ticks();
  plot_axis_spec spec = spec_for(AMPSIM_AXIS_LOG, "Hz", 20.0, 20000.0, 0, 760.0);
  size_t i, majors = 0, minors = 0;
  int saw_50 = 0, saw_2k = 0;

  (void)state;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(t->lo, 20.0, 1e-12);
  assert_near(t->hi, 20000.0, 1e-9);
  assert_true(labels_equal(t, audio, 5));
  assert_string_equal(t->title_unit, "");
  for (i = 0; i < t->n; i++) {
    if (t->tick[i].major)
      majors++;
    else
      minors++;
    if (fabs(t->tick[i].value - 50.0) < 1e-9)
      saw_50 = !t->tick[i].major;
    if (fabs(t->tick[i].value - 2000.0) < 1e-9)
      saw_2k = !t->tick[i].major;
  }
  assert_int_equal(majors, 3); /* 100 Hz, 1 kHz, 10 kHz */
  assert_int_equal(minors, 8 + 8 + 8 + 1); /* 20..90, 200..900, 2k..9k, 20k */
  assert_true(saw_50 && saw_2k);

  /* The automatic x range of a 20 Hz .. 20 kHz sweep ends at 1-2-5 values;
   * a y range covers whole decades. */
  spec = spec_for(AMPSIM_AXIS_LOG, "Hz", 21.5, 19000.0, 0, 760.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(t->lo, 20.0, 1e-12);
  assert_near(t->hi, 20000.0, 1e-9);
  spec = spec_for(AMPSIM_AXIS_LOG, "%", 0.00042, 42.0, 1, 420.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(t->lo, 1e-4, 1e-18);
  assert_near(t->hi, 100.0, 1e-12);
  assert_true(labels_equal(t, thd, 7));

  /* Power in watts: prefixes change along the axis. */
  spec = spec_for(AMPSIM_AXIS_LOG, "W", 1e-5, 0.5, 0, 760.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  {
    static const char *const power[] = { "10 µW", "100 µW", "1 mW", "10 mW", "100 mW",
                                         "500 mW" };
    assert_true(labels_equal(t, power, 6));
  }

  /* Inside one decade: 2s and 5s, or every 1..9, get labels. */
  spec = spec_for(AMPSIM_AXIS_LOG, "ohm", 200.0, 500.0, 0, 760.0);
  spec.fixed = 1;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  {
    static const char *const narrow[] = { "200 Ω", "300 Ω", "400 Ω", "500 Ω" };
    assert_true(labels_equal(t, narrow, 4));
  }

  /* Narrower than any 1..9 value: the ends themselves. */
  spec = spec_for(AMPSIM_AXIS_LOG, "Hz", 1000.0, 1001.0, 0, 760.0);
  spec.fixed = 1;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  {
    static const char *const ends[] = { "1 kHz", "1.001 kHz" };
    assert_true(labels_equal(t, ends, 2));
  }
  free(t);
}

/* Thirty decades on a short axis: every few decades labelled, labels never
 * closer than the font allows, the tick list bounded. */
static void log_huge_range(void **state)
{
  plot_axis_ticks *t = new_ticks();
  plot_axis_spec spec = spec_for(AMPSIM_AXIS_LOG, "W", 3e-16, 2e14, 1, 400.0);
  double last_pos = -1e9;
  size_t i, labels = 0;

  (void)state;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(log10(t->lo), -16.0, 1e-9);
  assert_near(log10(t->hi), 15.0, 1e-9);
  assert_true(t->n <= PLOT_TICKS_MAX);
  for (i = 0; i < t->n; i++) {
    double pos = (log10(t->tick[i].value) - log10(t->lo)) / (log10(t->hi) - log10(t->lo)) * 400.0;
    if (t->tick[i].label[0] == '\0')
      continue;
    labels++;
    assert_true(pos - last_pos >= 1.8 * 13.0 - 1e-9);
    last_pos = pos;
  }
  assert_true(labels >= 3 && labels <= 16);

  /* From 1e-300 to 1e300 (the widest the module takes). */
  spec = spec_for(AMPSIM_AXIS_LOG, "V", 1e-300, 1e300, 0, 760.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_true(t->n >= 2 && t->n <= PLOT_TICKS_MAX);
  for (i = 0, labels = 0; i < t->n; i++)
    if (t->tick[i].label[0] != '\0')
      labels++;
  assert_true(labels >= 2);
  free(t);
}

/* Linear extremes: a span of 1e-12 around 1, values up to 1e12, a flat
 * series, values outside the prefix range. */
static void linear_extremes(void **state)
{
  plot_axis_ticks *t = new_ticks();
  plot_axis_spec spec;
  size_t i;

  (void)state;
  spec = spec_for(AMPSIM_AXIS_LINEAR, "V", 1.0, 1.0 + 1e-15, 1, 400.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_true(t->hi > t->lo && t->n >= 2);
  for (i = 1; i < t->n; i++) /* distinct labels */
    assert_string_not_equal(t->tick[i].label, t->tick[i - 1].label);

  spec = spec_for(AMPSIM_AXIS_LINEAR, "Hz", 0.0, 5e9, 0, 760.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_string_equal(t->title_unit, "GHz");
  assert_string_equal(t->tick[t->n - 1].label, "5");

  /* A flat series: +-10 % around it. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "W", 0.5, 0.5, 1, 400.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_true(t->lo <= 0.45 && t->hi >= 0.55 && t->lo < 0.5 && t->hi > 0.5);

  /* Nothing at all: 0..1. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "W", INFINITY, -INFINITY, 1, 400.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(t->lo, 0.0, 0.0);
  assert_near(t->hi, 1.0, 0.0);

  /* Beyond tera: exponent labels, plain unit. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "Hz", 0.0, 3e20, 1, 400.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_string_equal(t->title_unit, "Hz");
  assert_non_null(strchr(t->tick[t->n - 1].label, 'e'));

  /* -1e300 .. 1e300 does not overflow. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "", -1e300, 1e300, 1, 400.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_true(isfinite(t->lo) && isfinite(t->hi) && t->n >= 2);

  /* Unusable fixed ranges. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "V", 2.0, 1.0, 1, 400.0);
  spec.fixed = 1;
  assert_int_equal(plot_ticks_make(t, &spec), AMPSIM_EINVAL);
  spec = spec_for(AMPSIM_AXIS_LOG, "V", 0.0, 1.0, 1, 400.0);
  spec.fixed = 1;
  assert_int_equal(plot_ticks_make(t, &spec), AMPSIM_EINVAL);
  free(t);
}

static void engineering_labels(void **state)
{
  char buf[PLOT_LABEL_MAX];

  (void)state;
  assert_string_equal(plot_label_log(buf, sizeof buf, 20.0, "Hz", 3), "20 Hz");
  assert_string_equal(plot_label_log(buf, sizeof buf, 100.0, "Hz", 3), "100 Hz");
  assert_string_equal(plot_label_log(buf, sizeof buf, 1000.0, "Hz", 3), "1 kHz");
  assert_string_equal(plot_label_log(buf, sizeof buf, 10000.0, "Hz", 3), "10 kHz");
  assert_string_equal(plot_label_log(buf, sizeof buf, 20000.0, "Hz", 3), "20 kHz");
  assert_string_equal(plot_label_log(buf, sizeof buf, 0.1, "ohm", 3), "100 mΩ");
  assert_string_equal(plot_label_log(buf, sizeof buf, 0.012, "ohm", 3), "12 mΩ");
  assert_string_equal(plot_label_log(buf, sizeof buf, 1e-6, "V", 3), "1 µV");
  assert_string_equal(plot_label_log(buf, sizeof buf, 3e-5, "V", 3), "30 µV");
  assert_string_equal(plot_label_log(buf, sizeof buf, 0.001, "W", 3), "1 mW");
  assert_string_equal(plot_label_log(buf, sizeof buf, 0.5, "W", 3), "500 mW");
  assert_string_equal(plot_label_log(buf, sizeof buf, 2.0, "W", 3), "2 W");
  assert_string_equal(plot_label_log(buf, sizeof buf, 0.001, "%", 3), "0.001 %");
  assert_string_equal(plot_label_log(buf, sizeof buf, 10.0, "%", 3), "10 %");
  assert_string_equal(plot_label_log(buf, sizeof buf, 1e-7, "%", 3), "1e-7 %");
  assert_string_equal(plot_label_log(buf, sizeof buf, -20.0, "dB", 3), "-20 dB");
  assert_string_equal(plot_label_log(buf, sizeof buf, 1e-18, "W", 3), "1e-18 W");
  assert_string_equal(plot_label_log(buf, sizeof buf, 999.96, "Hz", 4), "1 kHz");
  assert_string_equal(plot_label_log(buf, sizeof buf, 1001.0, "Hz", 4), "1.001 kHz");
  assert_string_equal(plot_label_log(buf, sizeof buf, 0.02, "", 3), "0.02");
  assert_string_equal(plot_label_log(buf, 4, 20000.0, "Hz", 3), "20 "); /* truncated */

  assert_true(plot_unit_takes_prefix("Hz"));
  assert_true(plot_unit_takes_prefix("ohm"));
  assert_true(plot_unit_takes_prefix("W"));
  assert_false(plot_unit_takes_prefix("dB"));
  assert_false(plot_unit_takes_prefix("dBV"));
  assert_false(plot_unit_takes_prefix("%"));
  assert_false(plot_unit_takes_prefix(""));
  assert_false(plot_unit_takes_prefix(NULL));
  assert_string_equal(plot_unit_display("ohm"), "Ω");
  assert_string_equal(plot_unit_display("V"), "V");
  assert_string_equal(plot_unit_display(NULL), "");
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

static void png_written(void **state)
{
  char *dir = make_temp_dir();
  char path[4200], names[256];
  ampsim_plot *p = zout_plot();
  unsigned char *data;
  size_t len;
  unsigned width, height;
  cairo_surface_t *image;

  (void)state;
  snprintf(path, sizeof path, "%s/zout.png", dir);
  assert_int_equal(ampsim_plot_write(p, path), 0);
  data = read_file(path, &len);
  assert_non_null(data);
  png_size(data, len, &width, &height);
  assert_int_equal(width, 900);
  assert_int_equal(height, 560);
  free(data);

  /* The curves are drawn in the plot area in the palette's first two colours
   * (Okabe-Ito blue and vermillion), and the page is white. */
  image = load_png(path);
  assert_true(count_colour(image, 120, 100, 860, 480, 0x0072B2, 24) > 300);
  assert_true(count_colour(image, 120, 100, 860, 480, 0xD55E00, 24) > 150);
  assert_true(count_colour(image, 0, 0, 900, 560, 0xFFFFFF, 0) > 900 * 560 / 2);
  cairo_surface_destroy(image);

  /* Nothing else in the folder: the temporary file was renamed. */
  assert_int_equal(dir_entries(dir, names, sizeof names), 1);
  assert_string_equal(names, "zout.png");
  ampsim_plot_free(p);
  remove_dir(dir);
}

static void svg_well_formed(void **state)
{
  char *dir = make_temp_dir();
  char path[4200], root[32], tag[1024];
  ampsim_plot *p = thd_plot();
  char *svg = NULL;
  unsigned char *file;
  size_t len = 0, file_len = 0;
  const char *problem;

  (void)state;
  assert_int_equal(ampsim_plot_render_svg(p, &svg, &len), 0);
  assert_non_null(svg);
  assert_int_equal(strlen(svg), len);
  assert_int_equal(strncmp(svg, "<?xml", 5), 0);
  problem = xml_check(svg, root, sizeof root);
  if (problem != NULL)
    print_error("SVG: %s\n", problem);
  assert_null(problem);
  assert_string_equal(root, "svg");
  root_tag(svg, tag, sizeof tag);
  assert_non_null(strstr(tag, "width=\"900px\""));
  assert_non_null(strstr(tag, "height=\"560px\""));
  assert_non_null(strstr(tag, "viewBox=\"0 0 900 560\""));
  assert_non_null(strstr(tag, "xmlns=\"http://www.w3.org/2000/svg\""));
  /* cairo draws text as glyph outlines (no <text>); the title shows up as
   * glyph uses. The four series are stroked in their palette colours. */
  assert_non_null(strstr(svg, "<use xlink:href=\"#glyph"));
  assert_non_null(strstr(svg, "stroke:rgb(0%,44.705882%,69.803922%)"));
  assert_non_null(strstr(svg, "stroke:rgb(83.529412%,36.862745%,0%)"));
  assert_non_null(strstr(svg, "stroke:rgb(0%,61.960784%,45.098039%)"));
  assert_non_null(strstr(svg, "stroke:rgb(80%,47.45098%,65.490196%)"));

  /* Written to a file, the same bytes. */
  snprintf(path, sizeof path, "%s/thd.svg", dir);
  assert_int_equal(ampsim_plot_write(p, path), 0);
  file = read_file(path, &file_len);
  assert_non_null(file);
  strip_surface_ids((char *)file);
  strip_surface_ids(svg);
  assert_string_equal((char *)file, svg);
  free(file);
  free(svg);
  ampsim_plot_free(p);
  remove_dir(dir);
}

/* The file is replaced whole or not at all. */
static void write_atomic(void **state)
{
  char *dir = make_temp_dir();
  char path[4200], missing[4200], as_dir[4200], names[256];
  ampsim_plot *p = zout_plot();
  unsigned char *data;
  size_t len;
  unsigned width, height;
  struct stat st;

  (void)state;
  /* Replacing an older file leaves no temporary file. */
  snprintf(path, sizeof path, "%s/plot.png", dir);
  write_text(path, "old contents");
  assert_int_equal(ampsim_plot_write(p, path), 0);
  assert_int_equal(ampsim_plot_write(p, path), 0);
  data = read_file(path, &len);
  png_size(data, len, &width, &height);
  free(data);
  assert_int_equal(dir_entries(dir, names, sizeof names), 1);

  /* A plot that cannot be rendered leaves the old file as it was. */
  write_text(path, "old contents");
  assert_int_equal(ampsim_plot_axis_y(p, "Output impedance", "ohm", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_range_y(p, -1.0, 1.0), 0);
  assert_int_equal(ampsim_plot_write(p, path), AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "not positive on a log axis"));
  data = read_file(path, &len);
  assert_string_equal((char *)data, "old contents");
  free(data);
  assert_int_equal(ampsim_plot_range_y(p, 0.0, 0.0), 0);

  /* A missing folder: an I/O error naming the path, nothing created. */
  snprintf(missing, sizeof missing, "%s/no-such-folder/plot.svg", dir);
  assert_int_equal(ampsim_plot_write(p, missing), AMPSIM_EIO);
  assert_non_null(strstr(ampsim_error_last(), missing));
  assert_int_equal(stat(missing, &st), -1);

  /* A folder where the file should go: the rename fails, the folder stays,
   * the temporary file is removed. */
  snprintf(as_dir, sizeof as_dir, "%s/taken.png", dir);
  assert_int_equal(mkdir(as_dir, 0755), 0);
  write_text(path, "old contents");
  assert_int_not_equal(ampsim_plot_write(p, as_dir), 0);
  assert_int_equal(stat(as_dir, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(dir_entries(dir, names, sizeof names), 2);
  data = read_file(path, &len);
  assert_string_equal((char *)data, "old contents");
  free(data);

  ampsim_plot_free(p);
  remove_dir(dir);
}

static void unknown_extension(void **state)
{
  char *dir = make_temp_dir();
  char path[4200], names[256];
  ampsim_plot *p = zout_plot();

  (void)state;
  snprintf(path, sizeof path, "%s/plot.pdf", dir);
  assert_int_equal(ampsim_plot_write(p, path), AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "unknown plot format"));
  assert_non_null(strstr(ampsim_error_last(), path));
  snprintf(path, sizeof path, "%s/png", dir);
  assert_int_equal(ampsim_plot_write(p, path), AMPSIM_EINVAL);
  snprintf(path, sizeof path, "%s/.png.bak", dir);
  assert_int_equal(ampsim_plot_write(p, path), AMPSIM_EINVAL);
  assert_int_equal(dir_entries(dir, names, sizeof names), 0);

  /* The extension's letter case does not matter. */
  snprintf(path, sizeof path, "%s/PLOT.PNG", dir);
  assert_int_equal(ampsim_plot_write(p, path), 0);
  snprintf(path, sizeof path, "%s/plot.Svg", dir);
  assert_int_equal(ampsim_plot_write(p, path), 0);
  assert_int_equal(dir_entries(dir, names, sizeof names), 2);
  ampsim_plot_free(p);
  remove_dir(dir);
}

/* ------------------------------------------------------------------------ */
/* Edge cases of the data                                                   */
/* ------------------------------------------------------------------------ */

/* No series, an empty series, an all-NAN series: a page with axes, a "no
 * data" legend entry, nothing drawn in the series colours. */
static void empty_and_nan_series(void **state)
{
  const double nan_x[3] = { NAN, NAN, NAN }, nan_y[3] = { 1.0, NAN, 2.0 };
  ampsim_plot *p = NULL;
  cairo_surface_t *image;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, NULL), 0);
  assert_renders(p); /* nothing at all */
  assert_int_equal(ampsim_plot_axis_x(p, "Frequency", "Hz", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "Level", "dB", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_series(p, "empty", NULL, NULL, 0), 0);
  assert_int_equal(ampsim_plot_series(p, "all NAN", nan_x, nan_y, 3), 0);
  assert_renders(p);

  /* The legend samples are drawn; inside the plot area (below the legend)
   * no series colour. */
  image = render_image(p);
  assert_true(count_colour(image, 0, 0, 900, 90, 0x0072B2, 24) > 10);
  assert_int_equal(count_colour(image, 100, 110, 880, 470, 0x0072B2, 40), 0);
  assert_int_equal(count_colour(image, 100, 110, 880, 470, 0xD55E00, 40), 0);
  cairo_surface_destroy(image);
  ampsim_plot_free(p);
}

/* One point alone, and a point between gaps, are drawn as markers. */
static void single_point(void **state)
{
  const double x[1] = { 1000.0 }, y[1] = { 0.05 };
  ampsim_plot *p = NULL;
  cairo_surface_t *image;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, "One point"), 0);
  assert_int_equal(ampsim_plot_axis_x(p, "Frequency", "Hz", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "Output impedance", "ohm", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_series(p, "Zout", x, y, 1), 0);
  assert_renders(p);
  image = render_image(p);
  /* A marker of about 7 x 7 px around the middle of the page. */
  assert_true(count_colour(image, 300, 150, 700, 450, 0x0072B2, 30) >= 20);
  cairo_surface_destroy(image);
  ampsim_plot_free(p);
}

/* Zero, negative, NAN and infinite values on log axes are skipped (the line
 * breaks there); the rest is drawn. */
static void log_nonpositive(void **state)
{
  const double x[8] = { 0.0, 20.0, 200.0, -5.0, 2000.0, 20000.0, INFINITY, 1e301 };
  const double y[8] = { 1.0, 0.1, -0.2, 0.05, 0.0, 0.02, 1.0, 1.0 };
  const double only_bad[3] = { 0.0, -1.0, NAN };
  ampsim_plot *p = NULL;
  cairo_surface_t *image;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, "Log axes with bad values"), 0);
  assert_int_equal(ampsim_plot_axis_x(p, "Frequency", "Hz", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "THD", "%", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_series(p, "mixed", x, y, 8), 0);
  assert_int_equal(ampsim_plot_series(p, "none usable", only_bad, only_bad, 3), 0);
  assert_renders(p);
  image = render_image(p);
  assert_true(count_colour(image, 100, 90, 880, 480, 0x0072B2, 30) > 10);
  cairo_surface_destroy(image);
  ampsim_plot_free(p);
}

/* Huge and tiny ranges render on both scales; data far outside a fixed range
 * is clipped, not drawn across the page. */
static void huge_and_tiny_ranges(void **state)
{
  const double x[5] = { 1e-12, 1e-3, 1.0, 1e6, 1e12 };
  const double y_huge[5] = { -1e300, -1e12, 0.0, 1e12, 1e300 };
  const double y_tiny[5] = { 1.0, 1.0 + 1e-15, 1.0 - 1e-15, 1.0, 1.0 + 2e-15 };
  const double y_log[5] = { 1e-300, 1e-100, 1.0, 1e100, 1e300 };
  const double far_x[3] = { 1.0, 2.0, 3.0 }, far_y[3] = { -1e299, 0.5, 1e299 };
  ampsim_plot *p = NULL;
  cairo_surface_t *image;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, "Huge"), 0);
  assert_int_equal(ampsim_plot_axis_x(p, "x", "s", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "y", "V", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_series(p, "huge", x, y_huge, 5), 0);
  assert_renders(p);
  assert_int_equal(ampsim_plot_axis_y(p, "y", "V", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_series(p, "log", x, y_log, 5), 0);
  assert_renders(p);
  ampsim_plot_free(p);

  assert_int_equal(ampsim_plot_new(&p, "Tiny"), 0);
  assert_int_equal(ampsim_plot_axis_x(p, "x", "s", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "y", "V", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_series(p, "tiny", x, y_tiny, 5), 0);
  assert_renders(p);
  ampsim_plot_free(p);

  /* A fixed range of 0..1 with points at +-1e299: the steep segments are
   * clipped at the frame; nothing in the series colour outside it. */
  assert_int_equal(ampsim_plot_new(&p, "Clipped"), 0);
  assert_int_equal(ampsim_plot_range_y(p, 0.0, 1.0), 0);
  assert_int_equal(ampsim_plot_range_x(p, 1.0, 3.0), 0);
  assert_int_equal(ampsim_plot_series(p, "far", far_x, far_y, 3), 0);
  assert_renders(p);
  image = render_image(p);
  assert_true(count_colour(image, 100, 90, 880, 480, 0x0072B2, 30) > 50);
  assert_int_equal(count_colour(image, 0, 520, 900, 560, 0x0072B2, 60), 0);
  cairo_surface_destroy(image);
  ampsim_plot_free(p);
}

/* ------------------------------------------------------------------------ */
/* Errors and limits                                                        */
/* ------------------------------------------------------------------------ */

static void errors(void **state)
{
  const double x[2] = { 1.0, 2.0 };
  ampsim_plot *p = NULL;
  unsigned char *png = (unsigned char *)"x";
  char *svg = (char *)"x";
  size_t len = 7;
  int i;

  (void)state;
  ampsim_plot_free(NULL);
  assert_int_equal(ampsim_plot_new(NULL, "x"), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_new(&p, "x"), 0);
  assert_int_equal(ampsim_plot_axis_x(NULL, "x", "Hz", AMPSIM_AXIS_LOG), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_axis_x(p, "x", "Hz", (ampsim_axis_scale)7), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_range_y(p, 2.0, 1.0), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_range_y(p, NAN, 1.0), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_range_y(p, 0.0, INFINITY), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_range_x(p, 1.0, 1e301), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_range_x(NULL, 1.0, 2.0), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_set_size(p, 399, 560), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_set_size(p, 900, 299), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_set_size(p, 900, 5000), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_series(p, "x", NULL, x, 2), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_series(p, "x", x, NULL, 2), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_series(NULL, "x", x, x, 2), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_render_png(NULL, &png, &len), AMPSIM_EINVAL);
  assert_null(png);
  assert_int_equal(len, 0);
  assert_int_equal(ampsim_plot_render_svg(p, NULL, &len), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_render_svg(NULL, &svg, &len), AMPSIM_EINVAL);
  assert_null(svg);
  assert_int_equal(ampsim_plot_write(p, NULL), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_write(p, ""), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_write(NULL, "a.png"), AMPSIM_EINVAL);

  /* At most AMPSIM_PLOT_MAX_SERIES series. */
  for (i = 0; i < AMPSIM_PLOT_MAX_SERIES; i++)
    assert_int_equal(ampsim_plot_series(p, "s", x, x, 2), 0);
  assert_int_equal(ampsim_plot_series(p, "one more", x, x, 2), AMPSIM_ERANGE);
  ampsim_plot_free(p);
}

/* The plot keeps copies: the caller's arrays and strings may change. */
static void copies_input(void **state)
{
  double x[3] = { 1.0, 2.0, 3.0 }, y[3] = { 1.0, 2.0, 3.0 };
  char legend[16] = "before";
  ampsim_plot *p = NULL;
  unsigned char *png_a = NULL, *png_b = NULL;
  size_t len_a = 0, len_b = 0;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, "Copies"), 0);
  assert_int_equal(ampsim_plot_series(p, legend, x, y, 3), 0);
  assert_int_equal(ampsim_plot_render_png(p, &png_a, &len_a), 0);
  x[1] = 100.0;
  y[2] = -50.0;
  strcpy(legend, "after!!");
  assert_int_equal(ampsim_plot_render_png(p, &png_b, &len_b), 0);
  assert_int_equal(len_a, len_b);
  assert_memory_equal(png_a, png_b, len_a);
  free(png_b);
  free(png_a);
  ampsim_plot_free(p);
}

/* Twenty-four series with long names, on the default page and the smallest:
 * the legend wraps, long names are shortened, the page still renders. */
static void crowded_legend(void **state)
{
  ampsim_plot *p = NULL;
  double x[20], y[20];
  int s, i;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, "A very long title that is wider than the small page it is "
                                       "drawn on, so it must be shortened"),
                   0);
  assert_int_equal(ampsim_plot_axis_x(p, "Frequency", "Hz", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "Crosstalk", "dB", AMPSIM_AXIS_LINEAR), 0);
  for (s = 0; s < AMPSIM_PLOT_MAX_SERIES; s++) {
    char name[128];
    for (i = 0; i < 20; i++) {
      x[i] = 20.0 * pow(1000.0, i / 19.0);
      y[i] = -110.0 + 3.0 * s + 20.0 * log10(x[i] / 20.0);
    }
    snprintf(name, sizeof name, "opamp-buffer %s, %d Ω load, ground return %d mΩ",
             s % 2 ? "BTL" : "SE", 16 << (s % 5), s * 10);
    assert_int_equal(ampsim_plot_series(p, name, x, y, 20), 0);
  }
  assert_renders(p);
  assert_int_equal(ampsim_plot_set_size(p, 400, 300), 0);
  assert_renders(p);
  ampsim_plot_free(p);
}

/* The two example curves of the compare report, as PNG and SVG in a
 * temporary folder (or in $AMPSIM_PLOT_EXAMPLE_DIR, kept, for looking at). */
static void example_plots(void **state)
{
  const char *keep = getenv("AMPSIM_PLOT_EXAMPLE_DIR");
  char *dir = keep != NULL && keep[0] != '\0' ? strdup(keep) : make_temp_dir();
  static const char *const files[4] = { "zout.png", "zout.svg", "thd.png", "thd.svg" };
  char path[4200];
  ampsim_plot *zout = zout_plot(), *thd = thd_plot();
  int i;

  (void)state;
  assert_non_null(dir);
  for (i = 0; i < 4; i++) {
    unsigned char *data;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    assert_int_equal(ampsim_plot_write(i < 2 ? zout : thd, path), 0);
    data = read_file(path, &len);
    assert_non_null(data);
    assert_true(len > 10000);
    if (i % 2 == 0) {
      unsigned width, height;
      png_size(data, len, &width, &height);
      assert_int_equal(width, 900);
      assert_int_equal(height, 560);
    } else {
      char root[32];
      assert_null(xml_check((const char *)data, root, sizeof root));
      assert_string_equal(root, "svg");
    }
    free(data);
  }
  ampsim_plot_free(thd);
  ampsim_plot_free(zout);
  if (keep != NULL && keep[0] != '\0')
    free(dir);
  else
    remove_dir(dir);
}


/* ------------------------------------------------------------------------ */
/* Two panels, shared legend entries, draw styles                           */
/* ------------------------------------------------------------------------ */

/* Whether pixel (x, y) is within `tolerance` of rgb. */
static int pixel_is(cairo_surface_t *image, int x, int y, unsigned rgb, int tolerance)
{
  return count_colour(image, x, y, x + 1, y + 1, rgb, tolerance) == 1;
}

/* A Bode plot: series 0 (blue) above, series 1 drawn like it below, and
 * series 2 with its own entry (vermillion) below. */
static ampsim_plot *bode_plot(void)
{
  ampsim_plot_series_options lower = AMPSIM_PLOT_SERIES_OPTIONS_INIT;
  double freq_hz[41], mag_db[41], phase_deg[41], other_deg[41];
  ampsim_plot *p = NULL;
  int i;

  for (i = 0; i < 41; i++) {
    freq_hz[i] = 10.0 * pow(10.0, i / 5.0);
    mag_db[i] = 100.0 - 20.0 * i / 5.0;
    phase_deg[i] = -90.0 - 90.0 * i / 40.0;
    other_deg[i] = -45.0 - 90.0 * i / 40.0;
  }
  assert_int_equal(ampsim_plot_new(&p, "Loop gain"), 0);
  assert_int_equal(ampsim_plot_axis_x(p, "Frequency", "Hz", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_axis_y(p, "|T|", "dB", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_axis_y_lower(p, "arg T", "deg", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_range_y_lower(p, -270.0, 0.0), 0);
  assert_int_equal(ampsim_plot_series(p, "C = 0", freq_hz, mag_db, 41), 0);
  lower.panel = AMPSIM_PLOT_PANEL_LOWER;
  lower.like = 0;
  assert_int_equal(ampsim_plot_series_ext(p, "ignored", freq_hz, phase_deg, 41, &lower), 0);
  lower.like = -1;
  assert_int_equal(ampsim_plot_series_ext(p, "other", freq_hz, other_deg, 41, &lower), 0);
  return p;
}

/* Two panels render as PNG and SVG; each series lands in its own panel, the
 * one drawn like series 0 in series 0's colour, and no third colour is used
 * (two legend entries, not three). */
static void two_panels(void **state)
{
  ampsim_plot *p = bode_plot();
  cairo_surface_t *image;
  unsigned char *png = NULL;
  unsigned width, height;
  size_t len = 0;

  (void)state;
  assert_renders(p);
  assert_int_equal(ampsim_plot_render_png(p, &png, &len), 0);
  png_size(png, len, &width, &height);
  assert_int_equal(width, 900);
  assert_int_equal(height, 560);
  free(png);

  /* The frames lie between about y = 76 and 496, split in the middle: the
   * upper panel is above y 275, the lower below y 297. */
  image = render_image(p);
  assert_true(count_colour(image, 100, 90, 880, 265, 0x0072B2, 30) > 300);
  assert_true(count_colour(image, 100, 310, 880, 490, 0x0072B2, 30) > 300);
  assert_true(count_colour(image, 100, 310, 880, 490, 0xD55E00, 30) > 300);
  assert_int_equal(count_colour(image, 100, 90, 880, 265, 0xD55E00, 60), 0);
  assert_int_equal(count_colour(image, 0, 0, 900, 560, 0x009E73, 60), 0);
  /* Two frames: the frame colour on a column through both, with white
   * (page) between them. */
  assert_true(count_colour(image, 450, 270, 451, 305, 0x4D4D4D, 10) == 2);
  cairo_surface_destroy(image);

  /* The same plot on a taller page, as the CLI draws it. */
  assert_int_equal(ampsim_plot_set_size(p, 900, 760), 0);
  assert_renders(p);
  ampsim_plot_free(p);
}

/* Options out of range are refused and leave the plot as it was; a series
 * in the lower panel of a plot without one cannot be rendered. */
static void lower_panel_errors(void **state)
{
  const double x[3] = { 1.0, 2.0, 3.0 }, y[3] = { -10.0, -100.0, -200.0 };
  ampsim_plot_series_options o = AMPSIM_PLOT_SERIES_OPTIONS_INIT;
  ampsim_plot *p = NULL;
  unsigned char *png = (unsigned char *)"x";
  char *dir = make_temp_dir(), path[4200], names[256];
  size_t len = 7;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, "Phase"), 0);
  o.like = 0;
  assert_int_equal(ampsim_plot_series_ext(p, "like nothing", x, y, 3, &o), AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "like series 0"));
  o.like = -2;
  assert_int_equal(ampsim_plot_series_ext(p, "x", x, y, 3, &o), AMPSIM_EINVAL);
  o.like = -1;
  o.panel = (ampsim_plot_panel)2;
  assert_int_equal(ampsim_plot_series_ext(p, "x", x, y, 3, &o), AMPSIM_EINVAL);
  o.panel = AMPSIM_PLOT_PANEL_UPPER;
  o.draw = (ampsim_plot_draw)9;
  assert_int_equal(ampsim_plot_series_ext(p, "x", x, y, 3, &o), AMPSIM_EINVAL);
  o.draw = AMPSIM_PLOT_DRAW_AUTO;
  assert_int_equal(ampsim_plot_series_ext(NULL, "x", x, y, 3, NULL), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_series_ext(p, "x", NULL, y, 3, NULL), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_axis_y_lower(NULL, "x", "deg", AMPSIM_AXIS_LINEAR),
                   AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_axis_y_lower(p, "x", "deg", (ampsim_axis_scale)5), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_range_y_lower(p, 1.0, -1.0), AMPSIM_EINVAL);
  assert_int_equal(ampsim_plot_range_y_lower(NULL, -1.0, 1.0), AMPSIM_EINVAL);

  /* None of those added a series: the first one is number 0. */
  o.panel = AMPSIM_PLOT_PANEL_LOWER;
  assert_int_equal(ampsim_plot_series_ext(p, "phase", x, y, 3, &o), 0);
  o.like = 0;
  assert_int_equal(ampsim_plot_series_ext(p, NULL, x, y, 3, &o), 0);
  o.like = 2;
  assert_int_equal(ampsim_plot_series_ext(p, NULL, x, y, 3, &o), AMPSIM_EINVAL);

  /* No lower panel described: an error naming the series, nothing written. */
  assert_int_equal(ampsim_plot_render_png(p, &png, &len), AMPSIM_EINVAL);
  assert_null(png);
  assert_int_equal(len, 0);
  assert_non_null(strstr(ampsim_error_last(), "'phase' is in the lower panel"));
  snprintf(path, sizeof path, "%s/phase.svg", dir);
  assert_int_equal(ampsim_plot_write(p, path), AMPSIM_EINVAL);
  assert_int_equal(dir_entries(dir, names, sizeof names), 0);

  /* A range set before the panel is described is kept; a log range that is
   * not positive is an error of the lower axis. */
  assert_int_equal(ampsim_plot_range_y_lower(p, -270.0, 0.0), 0);
  assert_int_equal(ampsim_plot_axis_y_lower(p, "arg T", "deg", AMPSIM_AXIS_LOG), 0);
  assert_int_equal(ampsim_plot_write(p, path), AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "lower y range"));
  assert_int_equal(ampsim_plot_axis_y_lower(p, "arg T", "deg", AMPSIM_AXIS_LINEAR), 0);
  assert_int_equal(ampsim_plot_write(p, path), 0);
  assert_int_equal(dir_entries(dir, names, sizeof names), 1);
  assert_renders(p);
  ampsim_plot_free(p);
  remove_dir(dir);
}

/* A phase axis steps in degrees: -270..0 in 90s (or 45s), not 50s. */
static void degree_ticks(void **state)
{
  static const char *const quadrants[] = { "-270", "-180", "-90", "0" };
  plot_axis_ticks *t = new_ticks();
  plot_axis_spec spec = spec_for(AMPSIM_AXIS_LINEAR, "deg", -270.0, 0.0, 1, 200.0);
  size_t i;

  (void)state;
  spec.fixed = 1;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_true(labels_equal(t, quadrants, 4));
  /* Automatic, on a taller axis: 30s from -240 to 0 (1-2-5 would give 50s
   * from -250). */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "deg", -235.0, -10.0, 1, 420.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_near(t->lo, -240.0, 1e-9);
  assert_near(t->hi, 0.0, 1e-9);
  assert_near(t->tick[1].value - t->tick[0].value, 30.0, 1e-9);
  for (i = 0; i < t->n; i++)
    assert_near(fmod(t->tick[i].value, 30.0), 0.0, 1e-9);
  /* Fixed -270..0 with room for 45s. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "deg", -270.0, 0.0, 1, 300.0);
  spec.fixed = 1;
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_int_equal(t->n, 7);
  assert_near(t->tick[1].value - t->tick[0].value, 45.0, 1e-9);
  /* Small spans keep 1-2-5 steps. */
  spec = spec_for(AMPSIM_AXIS_LINEAR, "deg", 0.0, 20.0, 1, 420.0);
  assert_int_equal(plot_ticks_make(t, &spec), 0);
  assert_true(is_125(t->tick[1].value - t->tick[0].value));
  free(t);
}

/* The pixels of colour rgb in column x from row y0 down: first and last
 * row, or -1. */
static void colour_run(cairo_surface_t *image, int x, int y0, unsigned rgb, int *first,
                       int *last)
{
  int y, height = cairo_image_surface_get_height(image);

  *first = *last = -1;
  for (y = y0; y < height; y++) {
    if (pixel_is(image, x, y, rgb, 40)) {
      if (*first < 0)
        *first = y;
      *last = y;
    }
  }
}

/* Stems: a line from the bottom of the frame up to each point and no
 * further; a point below the frame has none, one above reaches the top. */
static void stems_reach_frame(void **state)
{
  const double x[3] = { 1.0, 2.0, 3.0 }, y[3] = { 0.5, -0.5, 1.5 };
  ampsim_plot_series_options o = AMPSIM_PLOT_SERIES_OPTIONS_INIT;
  ampsim_plot *p = NULL;
  cairo_surface_t *image;
  int col[3] = { -1, -1, -1 }, frame_top = -1, frame_bottom = -1, first, last, c, k, yy;

  (void)state;
  assert_int_equal(ampsim_plot_new(&p, "Stems"), 0);
  assert_int_equal(ampsim_plot_range_x(p, 0.0, 4.0), 0);
  assert_int_equal(ampsim_plot_range_y(p, 0.0, 1.0), 0);
  o.draw = AMPSIM_PLOT_DRAW_STEMS;
  assert_int_equal(ampsim_plot_series_ext(p, "bins", x, y, 3, &o), 0);
  assert_renders(p);
  image = render_image(p);

  /* The stems' columns, left to right (each one pixel wide, with a cap a
   * few pixels wide on top: a column is a stem where its run is long),
   * below the legend (one row, above y = 70). */
  for (c = 0, k = 0; c < 900 && k < 3; c++) {
    colour_run(image, c, 70, 0x0072B2, &first, &last);
    if (first >= 0 && last - first > 10)
      col[k++] = c;
  }
  assert_int_equal(k, 2); /* the point below the frame has no stem */
  /* The frame in the first stem's column: its top and bottom lines. */
  for (yy = 70; yy < 560; yy++) {
    if (pixel_is(image, col[0], yy, 0x4D4D4D, 10)) {
      if (frame_top < 0)
        frame_top = yy;
      frame_bottom = yy;
    }
  }
  assert_true(frame_top > 0 && frame_bottom > frame_top + 200);

  /* 0.5: from the bottom line up to half the frame's height. */
  colour_run(image, col[0], 70, 0x0072B2, &first, &last);
  assert_true(last >= frame_bottom - 2 && last < frame_bottom);
  assert_true(abs(first - (frame_top + frame_bottom) / 2) <= 2);
  assert_false(pixel_is(image, col[0] + 2, (first + last) / 2, 0x0072B2, 60));
  /* Its cap: the stem's colour beside the top, not beside the middle. */
  assert_true(pixel_is(image, col[0] + 2, first, 0x0072B2, 60) ||
              pixel_is(image, col[0] + 2, first + 1, 0x0072B2, 60));
  assert_true(pixel_is(image, col[0] - 2, first, 0x0072B2, 60) ||
              pixel_is(image, col[0] - 2, first + 1, 0x0072B2, 60));
  /* 1.5: clipped at the top of the frame. */
  colour_run(image, col[1], 70, 0x0072B2, &first, &last);
  assert_true(last >= frame_bottom - 2 && last < frame_bottom);
  assert_true(first <= frame_top + 2 && first >= frame_top - 1);
  /* No cap where the frame cuts the stem. */
  assert_false(pixel_is(image, col[1] + 2, first + 1, 0x0072B2, 60));
  /* Stems have no line between the points: nothing between the columns. */
  assert_int_equal(count_colour(image, col[0] + 3, frame_top, col[1] - 2, frame_bottom,
                                0x0072B2, 60), 0);
  cairo_surface_destroy(image);
  ampsim_plot_free(p);
}

/* Markers alone: a marker on each of 40 points (more than a line series
 * marks), no line between them. */
static void markers_only(void **state)
{
  double x[40], y[40];
  ampsim_plot_series_options o = AMPSIM_PLOT_SERIES_OPTIONS_INIT;
  ampsim_plot *p = NULL;
  cairo_surface_t *image;
  size_t with_markers, as_line;
  int i;

  (void)state;
  for (i = 0; i < 40; i++) {
    x[i] = i;
    y[i] = i % 2 ? 1.0 : 0.0; /* a zigzag: a line would cross the middle */
  }
  assert_int_equal(ampsim_plot_new(&p, "Markers"), 0);
  assert_int_equal(ampsim_plot_range_y(p, -1.0, 2.0), 0);
  o.draw = AMPSIM_PLOT_DRAW_MARKERS;
  assert_int_equal(ampsim_plot_series_ext(p, "points", x, y, 40, &o), 0);
  assert_renders(p);
  image = render_image(p);
  with_markers = count_colour(image, 100, 90, 880, 480, 0x0072B2, 30);
  /* The middle band (y = 0.5 lies at about 60 % of the frame height down
   * from its top) holds no line. */
  assert_int_equal(count_colour(image, 100, 300, 880, 310, 0x0072B2, 60), 0);
  cairo_surface_destroy(image);
  ampsim_plot_free(p);

  o.draw = AMPSIM_PLOT_DRAW_LINE;
  assert_int_equal(ampsim_plot_new(&p, "Line"), 0);
  assert_int_equal(ampsim_plot_range_y(p, -1.0, 2.0), 0);
  assert_int_equal(ampsim_plot_series_ext(p, "points", x, y, 40, &o), 0);
  image = render_image(p);
  as_line = count_colour(image, 100, 90, 880, 480, 0x0072B2, 30);
  assert_true(count_colour(image, 100, 300, 880, 310, 0x0072B2, 60) > 40);
  assert_true(with_markers > 40 * 20 && as_line > 0);
  cairo_surface_destroy(image);
  ampsim_plot_free(p);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test_setup(nice_step, register_cleanup),
  cmocka_unit_test_setup(linear_ticks_125, register_cleanup),
  cmocka_unit_test_setup(log_decade_ticks, register_cleanup),
  cmocka_unit_test_setup(log_huge_range, register_cleanup),
  cmocka_unit_test_setup(linear_extremes, register_cleanup),
  cmocka_unit_test_setup(engineering_labels, register_cleanup),
  cmocka_unit_test_setup(png_written, register_cleanup),
  cmocka_unit_test_setup(svg_well_formed, register_cleanup),
  cmocka_unit_test_setup(write_atomic, register_cleanup),
  cmocka_unit_test_setup(unknown_extension, register_cleanup),
  cmocka_unit_test_setup(empty_and_nan_series, register_cleanup),
  cmocka_unit_test_setup(single_point, register_cleanup),
  cmocka_unit_test_setup(log_nonpositive, register_cleanup),
  cmocka_unit_test_setup(huge_and_tiny_ranges, register_cleanup),
  cmocka_unit_test_setup(errors, register_cleanup),
  cmocka_unit_test_setup(copies_input, register_cleanup),
  cmocka_unit_test_setup(crowded_legend, register_cleanup),
  cmocka_unit_test_setup(example_plots, register_cleanup),
  cmocka_unit_test_setup(two_panels, register_cleanup),
  cmocka_unit_test_setup(lower_panel_errors, register_cleanup),
  cmocka_unit_test_setup(degree_ticks, register_cleanup),
  cmocka_unit_test_setup(stems_reach_frame, register_cleanup),
  cmocka_unit_test_setup(markers_only, register_cleanup),
};

AMPSIM_TEST_MAIN(tests)
