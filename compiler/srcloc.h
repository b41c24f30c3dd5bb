/* srcloc.h — source files and locations.
 *
 * Every file read by the compiler is registered with the source manager and
 * gets an id; a location is (file id, first line/col, last line/col), 1-based,
 * columns counted in bytes. The manager keeps the text so diagnostics can
 * print the offending line. */
#ifndef SRCLOC_H
#define SRCLOC_H

#include <stddef.h>

typedef struct src_loc {
    int file;
    int line, col;          /* first character */
    int end_line, end_col;  /* last character (inclusive) */
} src_loc;

typedef struct src_file {
    char *path;
    char *text;   /* NUL-terminated contents */
    size_t len;
    size_t *line; /* line[k]: offset of line k + 1 (so a line is found in
                     constant time: big specs have 100,000 lines) */
    int n_lines;
} src_file;

typedef struct src_manager {
    src_file *files;
    int n, cap;
} src_manager;

void src_init(src_manager *sm);
void src_free(src_manager *sm);
/* Reads a file; returns its id, or -1 with errno set. */
int src_load(src_manager *sm, const char *path);
/* Registers text held in memory (tests, fuzzing); the text is copied. */
int src_add(src_manager *sm, const char *path, const char *text, size_t len);
const src_file *src_get(const src_manager *sm, int id);
/* The start of line `line` in the file's text, or NULL. */
const char *src_line_start(const src_manager *sm, int id, int line);
/* The text of line `line` (without its newline) and its length. */
const char *src_line(const src_manager *sm, int id, int line, size_t *len);

src_loc src_span(src_loc a, src_loc b); /* from the start of a to the end of b */

#endif
