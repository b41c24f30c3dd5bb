/* lex.c — helpers of the generated lexer (locations, literals, comments)
 * and the parse driver. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
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
    /* whether something other than blanks precedes on the line, for the
     * comments (own_line) without rescanning the line */
    if (line != loc->line)
        c->line_has_token = 0;
    else if (len && text[0] != ' ' && text[0] != '\t' && text[0] != '\r' && text[0] != '#' &&
             !(len >= 2 && (unsigned char)text[0] == 0xC2 && (unsigned char)text[1] == 0xA0))
        c->line_has_token = 1;
}

void lex_comment(parse_ctx *c, const src_loc *loc, const char *text)
{
    ast_comment *cm = arena_alloc(c->arena, sizeof *cm);
    cm->text = arena_strdup(c->arena, text + 1);
    cm->loc = *loc;
    cm->own_line = !c->line_has_token; /* only blanks before the '#' */
    ast_list_push(c->arena, &c->file->comments, cm);
}

const char *lex_strdup(parse_ctx *c, const char *s) { return arena_strdup(c->arena, s); }

/* Numbers and dates are read by the shared core (core.h), as the runtime
 * reads submissions: one definition of what a decimal and a date are. */
int lex_number(parse_ctx *c, void *lval, const src_loc *loc, const char *text, int token)
{
    YYSTYPE *v = lval;
    struct lex_number n = {0, 0, arena_strdup(c->arena, text), 0};
    size_t len = strcspn(text, "%");
    const char *dot = memchr(text, '.', len);
    if (rt_dec_parse_literal(text, len, &n.value, &n.scale)) {
        /* the lexer only hands over digits[.digits]: too many decimals, or
         * too large for 64 bits */
        diag(c->diag, "E0005", *loc, text);
        if (!dot || len - (size_t)(dot - text) - 1 <= 18) {
            n.overflow = 1;
            diag_hint(c->diag, "H0005");
        }
        n.value = 0;
        n.scale = 0;
    }
    v->num = n;
    return token;
}

int lex_date(parse_ctx *c, void *lval, const src_loc *loc, const char *text)
{
    YYSTYPE *v = lval;
    int64_t days = 0;
    if (rt_date_parse(text, strlen(text), &days)) {
        diag(c->diag, "E0006", *loc, text);
        days = 0;
    }
    v->date = (int32_t)days;
    return DATE;
}

void lex_bad_number(parse_ctx *c, const src_loc *loc, const char *text)
{
    diag(c->diag, "E0007", *loc, text);
    diag_hint(c->diag, "H0007");
}

/* Decodes one UTF-8 character at s (valid by the lexer's rules). */
static uint32_t utf8_decode(const unsigned char *s, int *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    int n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    uint32_t cp = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *len = n;
    return cp;
}

/* A run of invalid bytes is one error: extends the previous E0008 when it
 * ends right before `loc`. */
static int extends_invalid(parse_ctx *c, const src_loc *loc)
{
    diag_ctx *d = c->diag;
    if (d->n == 0)
        return 0;
    diag_item *it = &d->items[d->n - 1];
    if (strcmp(it->code, "E0008") || it->loc.file != loc->file || it->loc.end_line != loc->line ||
        it->loc.end_col != loc->col - 1)
        return 0;
    it->loc.end_col = loc->end_col;
    return 1;
}

int lex_stray(parse_ctx *c, const src_loc *loc, const char *text)
{
    unsigned char ch = (unsigned char)text[0];
    if (ch >= 0x80) {
        int len;
        uint32_t cp = utf8_decode((const unsigned char *)text, &len);
        if (len == 1 || cp == 0xFFFD || (size_t)len != strlen(text)) {
            /* a byte that starts no valid UTF-8 character */
            if (!extends_invalid(c, loc)) {
                diag(c->diag, "E0008", *loc);
                diag_hint(c->diag, "H0008");
            }
            return 0;
        }
        /* a well-formed character that has no place outside strings */
        char q[16];
        snprintf(q, sizeof q, "'%s'", text);
        diag(c->diag, "E0002", *loc, q);
        /* look-alikes of operators are read as the operator, so one slip
         * gives one error */
        static const struct { uint32_t cp; const char *ascii; int token; } subst[] = {
            {0x2265, ">=", GE},  {0x2264, "<=", LE},  {0x2260, "!=", NE},  {0x00D7, "*", '*'},
            {0x00F7, "/", '/'},  {0x2212, "-", '-'},  {0x2013, "-", '-'},  {0x2014, "-", '-'},
            {0x2018, "\"", 0},   {0x2019, "\"", 0},   {0x00AB, "\"", 0},   {0x00BB, "\"", 0},
            {0xFF1A, ":", ':'},  {0xFF0C, ",", ','},  {0xFF08, "(", '('},  {0xFF09, ")", ')'},
        };
        for (size_t i = 0; i < sizeof subst / sizeof subst[0]; i++)
            if (subst[i].cp == cp) {
                diag_hint(c->diag, "H0002b", subst[i].ascii);
                return subst[i].token;
            }
        return 0;
    }
    char s[8];
    if (ch < 0x20 || ch == 0x7f)
        snprintf(s, sizeof s, "\\x%02x", ch);
    else
        snprintf(s, sizeof s, "'%c'", ch);
    diag(c->diag, "E0002", *loc, s);
    if (ch == ';')
        diag_hint(c->diag, "H0002");
    else if (ch == '[' || ch == ']')
        diag_hint(c->diag, "H0002c");
    else if (ch == '\'')
        diag_hint(c->diag, "H0002d");
    else if (ch == 0)
        diag_hint(c->diag, "H0002e");
    return 0;
}

void lex_brace(parse_ctx *c, const src_loc *loc, int open)
{
    if (open > 0) {
        if (c->braces < (int)(sizeof c->brace_line / sizeof c->brace_line[0]))
            c->brace_line[c->braces] = loc->line;
        c->braces++;
        c->stray_close = 0;
    } else {
        c->stray_close = c->braces == 0; /* a '}' with no '{' open */
        if (c->braces > 0)
            c->braces--;
    }
}

/* Vietnamese letters without their marks, for the hint of a name written
 * with accents: `trường` -> `truong`. */
static const struct {
    char ascii;
    const char *letters; /* UTF-8 */
} unaccent[] = {
    {'a', "àáảãạăằắẳẵặâầấẩẫậ"}, {'A', "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"}, {'e', "èéẻẽẹêềếểễệ"},
    {'E', "ÈÉẺẼẸÊỀẾỂỄỆ"},       {'i', "ìíỉĩị"},               {'I', "ÌÍỈĨỊ"},
    {'o', "òóỏõọôồốổỗộơờớởỡợ"}, {'O', "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"}, {'u', "ùúủũụưừứửữự"},
    {'U', "ÙÚỦŨỤƯỪỨỬỮỰ"},       {'y', "ỳýỷỹỵ"},               {'Y', "ỲÝỶỸỴ"},
    {'d', "đ"},                 {'D', "Đ"},
};

static char unaccent_cp(uint32_t cp)
{
    for (size_t i = 0; i < sizeof unaccent / sizeof unaccent[0]; i++)
        for (const unsigned char *p = (const unsigned char *)unaccent[i].letters; *p;) {
            int len;
            if (utf8_decode(p, &len) == cp)
                return unaccent[i].ascii;
            p += len;
        }
    return 0;
}

void lex_bad_name(parse_ctx *c, const src_loc *loc, const char *text)
{
    /* the ASCII spelling, when every letter has one */
    size_t n = strlen(text);
    char *plain = arena_alloc(c->arena, n + 1);
    size_t o = 0;
    int ok = 1;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        int len;
        uint32_t cp = utf8_decode(p, &len);
        p += len;
        if (cp < 0x80)
            plain[o++] = (char)cp;
        else if (cp >= 0x300 && cp <= 0x36F)
            continue; /* a combining mark: decomposed text */
        else if ((plain[o] = unaccent_cp(cp)) != 0)
            o++;
        else
            ok = 0;
    }
    plain[o] = '\0';
    diag(c->diag, "E0016", *loc, text);
    if (ok && o > 0)
        diag_hint(c->diag, "H0016", plain);
    else
        diag_hint(c->diag, "H0016b");
}

static void sbuf_put(parse_ctx *c, const char *s, size_t n) { rt_buf_put(&c->sbuf, s, n); }

void lex_str_begin(parse_ctx *c, const src_loc *loc)
{
    c->sbuf.n = 0;
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
    unsigned char e = (unsigned char)text[1];
    char s[8];
    if (e == '\n' || e == ' ')
        snprintf(s, sizeof s, "\\ ");
    else if (e < 0x20 || e >= 0x7f)
        snprintf(s, sizeof s, "\\x%02x", e);
    else
        snprintf(s, sizeof s, "\\%c", e);
    diag(c->diag, "E0004", *loc, s);
    diag_hint(c->diag, "H0004");
    /* keep the character so the string stays whole (and valid UTF-8) */
    if (e)
        sbuf_put(c, text + 1, 1);
}

void lex_str_typographic(parse_ctx *c, const src_loc *loc)
{
    src_loc span = c->sloc;
    span.end_line = loc->end_line;
    span.end_col = loc->end_col;
    diag(c->diag, "E0017", span);
    diag_hint(c->diag, "H0017");
}

void lex_str_unterminated(parse_ctx *c, const src_loc *loc)
{
    (void)loc;
    diag(c->diag, "E0003", c->sloc);
    diag_hint(c->diag, "H0003");
}

/* 1 if [s, s+n) is well-formed UTF-8 (no overlongs, no surrogates): the
 * check of submissions (core.h). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int k = rt_utf8_len(s + i, s + n);
        if (!k)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

const char *lex_str_end(parse_ctx *c, src_loc *loc)
{
    src_loc span = c->sloc;
    span.end_line = loc->end_line;
    span.end_col = loc->end_col;
    *loc = span;
    if (!utf8_valid((const unsigned char *)rt_buf_cstr(&c->sbuf), c->sbuf.n)) {
        diag(c->diag, "E0008", span);
        diag_hint(c->diag, "H0008");
    }
    if (memchr(c->sbuf.p, '\0', c->sbuf.n)) {
        diag(c->diag, "E0002", span, "\\x00");
    }
    return arena_strndup(c->arena, c->sbuf.p, c->sbuf.n);
}

void lex_fatal(const char *msg)
{
    fprintf(stderr, "regc: fatal lexer error: %s\n", msg);
    abort();
}

/* ---- parser support ---- */

/* The words for a token name of the grammar: "identifier" -> "a name",
 * "form" -> "`form`", "'{'" stays. */
static const char *token_words(parse_ctx *c, const char *name)
{
    static const struct { const char *token, *phrase; } cls[] = {
        {"identifier", "P0008"}, {"string", "P0009"}, {"number", "P0010"},
        {"percentage", "P0011"}, {"date", "P0012"},   {"period", "P0013"},
    };
    if (name[0] == '@')
        return diag_format(name + 1, c->diag->lang);
    for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++)
        if (!strcmp(name, cls[i].token))
            return diag_format(cls[i].phrase, c->diag->lang);
    if (name[0] == '\'' || name[0] == '"')
        return arena_strdup(c->arena, name);
    size_t n = strlen(name);
    const char *suffix = " keyword";
    if (n > strlen(suffix) && !strcmp(name + n - strlen(suffix), suffix))
        n -= strlen(suffix);
    return arena_printf(c->arena, "`%.*s`", (int)n, name);
}

/* fmt with its one "%s" replaced by arg (catalog phrases are not literals). */
static const char *subst(parse_ctx *c, const char *fmt, const char *arg)
{
    const char *p = strstr(fmt, "%s");
    if (!p)
        return fmt;
    return arena_printf(c->arena, "%.*s%s%s", (int)(p - fmt), fmt, arg, p + 2);
}

/* The source text of a one-line token, shortened for a message. */
static const char *token_text(parse_ctx *c, src_loc loc)
{
    size_t len;
    const char *line = src_line(c->diag->sm, c->file_id, loc.line, &len);
    if (!line || loc.end_line != loc.line || loc.col < 1 || (size_t)loc.end_col > len || loc.end_col < loc.col)
        return NULL;
    size_t n = (size_t)(loc.end_col - loc.col + 1);
    if (n > 40)
        return NULL;
    return arena_strndup(c->arena, line + loc.col - 1, n);
}

void parse_syntax_error(parse_ctx *c, src_loc loc, const char *got, int got_keyword, const char **expected,
                        int n, const char **kws, int n_kws)
{
    diag_lang lang = c->diag->lang;
    /* what was found: "name `count`", "`form`", "'}'", "end of file" */
    static const struct { const char *token, *phrase; } with_text[] = {
        {"identifier", "P0020"}, {"number", "P0021"}, {"date", "P0023"},
        {"period", "P0024"},     {"percentage", "P0025"},
    };
    const char *what = NULL;
    const char *text = token_text(c, loc);
    for (size_t i = 0; i < sizeof with_text / sizeof with_text[0]; i++)
        if (!strcmp(got, with_text[i].token))
            what = text ? subst(c, diag_format(with_text[i].phrase, lang), text) : token_words(c, got);
    if (!what)
        what = !strcmp(got, "string") ? diag_format("P0022", lang) : token_words(c, got);
    (void)got_keyword;
    /* what was expected: "a name, ':' or `of`" */
    char buf[1024];
    size_t off = 0;
    buf[0] = 0;
    const char *or_word = lang == DIAG_VI ? " hoặc " : " or ";
    for (int i = 0; i < n && off < sizeof buf - 128; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? or_word : ", ";
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", sep, token_words(c, expected[i]));
    }
    if (!strcmp(got, "'}'") && c->stray_close) {
        diag(c->diag, "E0009", loc);
        return;
    }
    diag(c->diag, "E0001", loc, what, n > 0 ? buf : diag_format("P0033", lang));
    int wants_close = 0;
    for (int i = 0; i < n; i++)
        wants_close |= !strcmp(expected[i], "'}'");
    if (!strcmp(got, "'='"))
        diag_hint(c->diag, "H0001");
    else if (!strcmp(got, "@P0014") && wants_close && c->braces > 0 &&
             c->braces <= (int)(sizeof c->brace_line / sizeof c->brace_line[0]))
        diag_hint(c->diag, "H0001c", c->brace_line[c->braces - 1]);
    else if (!strcmp(got, "identifier") && text && n_kws > 0) {
        const char *best = diag_closest(text, kws, n_kws);
        if (best)
            diag_hint(c->diag, "H0200", best);
    }
}

void parse_error_message(parse_ctx *c, src_loc loc, const char *msg)
{
    /* Bison's own messages: only "memory exhausted", when the parser's
     * stack is full */
    (void)msg;
    diag(c->diag, "E0010", loc, PARSE_MAX_DEPTH);
    diag_hint(c->diag, "H0010");
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
    /* a UTF-8 byte order mark (Windows editors) is not part of the text;
     * columns stay byte offsets of the line */
    size_t skip = 0;
    if (src->len >= 3 && !memcmp(src->text, "\xEF\xBB\xBF", 3)) {
        skip = 3;
        ctx.col = 4;
    }
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text + skip, (int)(src->len - skip), scanner);
    yyparse(scanner, &ctx);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    rt_buf_free(&ctx.sbuf);
    return f;
}
