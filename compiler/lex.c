/* lex.c — helpers of the generated lexer (locations, literals, comments)
 * and the parse driver. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parser.h"
#include "lexer.h"

void lex_advance(parse_ctx *c, src_loc *loc, const char *text, size_t len)
{
    loc->file = c->file_id;
    loc->line = c->line;
    loc->col = c->col;
    int line = c->line, col = c->col;
    int last_line = line, last_col = col;
    for (size_t i = 0; i < len; i++) {
        last_line = line;
        last_col = col;
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    loc->end_line = last_line;
    loc->end_col = last_col;
    c->line = line;
    c->col = col;
}

void lex_comment(parse_ctx *c, const src_loc *loc, const char *text)
{
    ast_comment *cm = arena_alloc(c->arena, sizeof *cm);
    cm->text = arena_strdup(c->arena, text + 1);
    cm->loc = *loc;
    /* own line: only blanks before the '#' */
    size_t n;
    const char *line = src_line(c->diag->sm, c->file_id, loc->line, &n);
    cm->own_line = 1;
    for (int i = 0; line && i < loc->col - 1 && (size_t)i < n; i++)
        if (line[i] != ' ' && line[i] != '\t')
            cm->own_line = 0;
    ast_list_push(c->arena, &c->file->comments, cm);
}

const char *lex_strdup(parse_ctx *c, const char *s) { return arena_strdup(c->arena, s); }

int lex_number(parse_ctx *c, void *lval, const src_loc *loc, const char *text, int token)
{
    YYSTYPE *v = lval;
    struct lex_number n = {0, 0, arena_strdup(c->arena, text), 0};
    int after_point = 0;
    for (const char *p = text; *p && *p != '%'; p++) {
        if (*p == '.') {
            after_point = 1;
            continue;
        }
        int d = *p - '0';
        if (n.value > (INT64_MAX - d) / 10) {
            n.overflow = 1;
            break;
        }
        n.value = n.value * 10 + d;
        if (after_point)
            n.scale++;
    }
    if (n.overflow) {
        diag(c->diag, "E0005", *loc, text);
        diag_hint(c->diag, "H0005");
        n.value = 0;
        n.scale = 0;
    } else if (n.scale > 18) {
        diag(c->diag, "E0005", *loc, text);
        n.value = 0;
        n.scale = 0;
    }
    v->num = n;
    return token;
}

int32_t ast_days_from_civil(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return -1;
    /* Howard Hinnant's days_from_civil */
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

int lex_date(parse_ctx *c, void *lval, const src_loc *loc, const char *text)
{
    YYSTYPE *v = lval;
    int y = atoi(text), m = atoi(text + 5), d = atoi(text + 8);
    int32_t days = ast_days_from_civil(y, m, d);
    if (days < 0 && !(y == 1969 && m == 12 && d == 31)) {
        diag(c->diag, "E0006", *loc, text);
        days = 0;
    }
    v->date = days;
    return DATE;
}

void lex_bad_number(parse_ctx *c, const src_loc *loc, const char *text)
{
    diag(c->diag, "E0007", *loc, text);
    diag_hint(c->diag, "H0007");
}

void lex_stray(parse_ctx *c, const src_loc *loc, const char *text)
{
    unsigned char ch = (unsigned char)text[0];
    if (ch >= 0x80) {
        diag(c->diag, "E0008", *loc);
        diag_hint(c->diag, "H0008");
    } else {
        char s[8];
        if (ch < 0x20 || ch == 0x7f)
            snprintf(s, sizeof s, "\\x%02x", ch);
        else
            snprintf(s, sizeof s, "'%c'", ch);
        diag(c->diag, "E0002", *loc, s);
        if (ch == ';')
            diag_hint(c->diag, "H0002");
    }
}

static void sbuf_put(parse_ctx *c, const char *s, size_t n)
{
    if (c->slen + n + 1 > c->scap) {
        size_t cap = c->scap ? c->scap * 2 : 256;
        while (cap < c->slen + n + 1)
            cap *= 2;
        char *b = realloc(c->sbuf, cap);
        if (!b)
            lex_fatal("out of memory");
        c->sbuf = b;
        c->scap = cap;
    }
    memcpy(c->sbuf + c->slen, s, n);
    c->slen += n;
}

void lex_str_begin(parse_ctx *c, const src_loc *loc)
{
    c->slen = 0;
    c->sloc = *loc;
}

void lex_str_append(parse_ctx *c, const char *text, size_t len) { sbuf_put(c, text, len); }

void lex_str_escape(parse_ctx *c, char e)
{
    char ch = e == 'n' ? '\n' : e == 't' ? '\t' : e;
    /* \{ and \} keep the backslash so message templates can tell a literal
     * brace from a placeholder. */
    if (e == '{' || e == '}')
        sbuf_put(c, "\\", 1);
    sbuf_put(c, &ch, 1);
}

void lex_str_bad_escape(parse_ctx *c, const src_loc *loc, const char *text)
{
    char s[3] = {text[0], text[1] == '\n' ? ' ' : text[1], 0};
    diag(c->diag, "E0004", *loc, s);
    diag_hint(c->diag, "H0004");
    if (text[1] == '\n')
        sbuf_put(c, "\n", 1);
}

void lex_str_unterminated(parse_ctx *c, const src_loc *loc)
{
    (void)loc;
    diag(c->diag, "E0003", c->sloc);
    diag_hint(c->diag, "H0003");
}

/* 1 if [s, s+n) is well-formed UTF-8 (no overlongs, no surrogates). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        int len;
        uint32_t cp;
        if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1F; }
        else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0F; }
        else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07; }
        else return 0;
        if (i + (size_t)len > n)
            return 0;
        for (int k = 1; k < len; k++) {
            if ((s[i + (size_t)k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + (size_t)k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += (size_t)len;
    }
    return 1;
}

const char *lex_str_end(parse_ctx *c, src_loc *loc)
{
    src_loc span = c->sloc;
    span.end_line = loc->end_line;
    span.end_col = loc->end_col;
    *loc = span;
    if (!utf8_valid((const unsigned char *)c->sbuf, c->slen)) {
        diag(c->diag, "E0008", span);
        diag_hint(c->diag, "H0008");
    }
    if (memchr(c->sbuf ? c->sbuf : "", '\0', c->slen)) {
        diag(c->diag, "E0002", span, "\\x00");
    }
    return arena_strndup(c->arena, c->sbuf ? c->sbuf : "", c->slen);
}

void lex_fatal(const char *msg)
{
    fprintf(stderr, "regc: fatal lexer error: %s\n", msg);
    abort();
}

/* ---- parser support ---- */

static const char *pretty_token(const char *name)
{
    /* Bison names literal tokens "'{'"; keep them, drop nothing else. */
    return name;
}

void parse_syntax_error(parse_ctx *c, src_loc loc, const char *got, const char **expected, int n)
{
    char buf[512];
    size_t off = 0;
    buf[0] = 0;
    for (int i = 0; i < n && off < sizeof buf - 64; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? (c->diag->lang == DIAG_VI ? " hoặc " : " or ") : ", ";
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", sep, pretty_token(expected[i]));
    }
    if (n > 0)
        diag(c->diag, "E0001", loc, pretty_token(got), buf);
    else
        diag(c->diag, "E0009", loc, pretty_token(got));
    if (!strcmp(got, "\"=\"") || !strcmp(got, "'='"))
        diag_hint(c->diag, "H0001");
}

void parse_error_message(parse_ctx *c, src_loc loc, const char *msg)
{
    /* Bison's own messages: only "memory exhausted" reaches here. */
    diag(c->diag, "E0010", loc, msg);
}

void parse_add_decl(parse_ctx *c, ast_decl *d)
{
    if (d)
        ast_list_push(c->arena, &c->file->decls, d);
}

int yyparse(void *scanner, struct parse_ctx *ctx);

ast_file *parse_file(arena *a, diag_ctx *d, int file_id)
{
    const src_file *src = src_get(d->sm, file_id);
    ast_file *f = arena_alloc(a, sizeof *f);
    f->path = src ? arena_strdup(a, src->path) : "";
    f->file_id = file_id;
    if (!src)
        return f;
    parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = a;
    ctx.diag = d;
    ctx.src = src;
    ctx.file_id = file_id;
    ctx.file = f;
    ctx.line = 1;
    ctx.col = 1;
    yyscan_t scanner;
    if (yylex_init_extra(&ctx, &scanner))
        lex_fatal("cannot create scanner");
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
    yyparse(scanner, &ctx);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    free(ctx.sbuf);
    return f;
}
