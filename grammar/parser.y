/* parser.y — grammar of the regime language.
 *
 * Thin: every action calls one constructor of ast_build.c with the rule's
 * location; names are resolved and checked later, by the sema passes.
 * Syntax errors are reported through the diagnostics module with the tokens
 * that were expected, folded into words an analyst reads ("an expression",
 * "a form member"); LAC keeps that list exact. Recovery resumes at the next
 * declaration or member so one run reports every error; Bison's own rule
 * (three tokens shifted before the next report) keeps cascades out. */
%define api.pure full
%define api.location.type {src_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {void *scanner}
%parse-param {struct parse_ctx *ctx}
%expect 0

%code requires {
#include "parse.h"
}

%code provides {
int yylex(YYSTYPE *lval, src_loc *lloc, void *scanner);
}

%code {
#include <string.h>

#define YYMAXDEPTH PARSE_MAX_DEPTH

#define YYLLOC_DEFAULT(Cur, Rhs, N) \
    do { \
        if (N) { \
            (Cur) = YYRHSLOC(Rhs, 1); \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line; \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col; \
        } else { \
            (Cur) = YYRHSLOC(Rhs, 0); \
            (Cur).line = (Cur).end_line; \
            (Cur).col = (Cur).end_col + 1; \
        } \
    } while (0)
static void yyerror(src_loc *loc, void *scanner, struct parse_ctx *ctx, const char *msg);
}

%union {
    const char *str;
    struct lex_number num;
    int32_t date;
    int64_t integer;
    ast_name name;
    ast_expr *expr;
    ast_list *list;
    ast_texts *texts;
    ast_text *text;
    ast_decl *decl;
    ast_member *member;
    ast_attr *attr;
    ast_item *item;
    ast_type *type;
    ast_rule *rule;
    ast_level *level;
    ast_code *code;
    ast_data *data;
    ast_expect *expect;
}

%token <str> IDENT "identifier" STRING "string" PERIOD "period"
%token <num> NUMBER "number" PERCENT "percentage"
%token <date> DATE "date"
%token LE "<=" GE ">=" NE "!="
%token KW_IMPORT "import" KW_REGIME "regime" KW_VERSION "version" KW_LABEL "label"
%token KW_HINT "hint" KW_KIND "kind" KW_FREQUENCY "frequency" KW_CUTOFF "cutoff"
%token KW_CONTENT "content" KW_SUBMITTED "submitted" KW_BY "by" KW_METHOD "method"
%token KW_DEADLINE "deadline" KW_WORKING "working" KW_DAYS "days" KW_DAY "day"
%token KW_AFTER "after" KW_OUTLINE "outline" KW_GUIDANCE "guidance" KW_TIERS "tiers"
%token KW_HOLIDAYS "holidays" KW_LEVEL "level" KW_LEVELS "levels" KW_WITHIN "within"
%token KW_COLUMN "column" KW_NAMES "names" KW_UNITS "units" KW_CODELIST "codelist"
%token KW_FROM "from" KW_FORM "form" KW_REPORTED "reported" KW_PERIOD "period keyword"
%token KW_DIMENSION "dimension" KW_FIELD "field" KW_COMPUTED "computed" KW_RATIO "ratio"
%token KW_REQUIRED "required" KW_OPTIONAL "optional" KW_RANGE "range" KW_TO "to"
%token KW_MAX "max" KW_DIGITS "digits" KW_STOCK "stock" KW_FLOW "flow" KW_OVER "over"
%token KW_DECIMALS "decimals" KW_OF "of" KW_RULE "rule" KW_WHEN "when" KW_CHECK "check"
%token KW_TOLERANCE "tolerance" KW_MISSING "missing" KW_MESSAGE "message"
%token KW_ERRORCODE "errorcode" KW_ERRORLEVEL "errorlevel" KW_PER "per"
%token KW_ROLLUP "rollup" KW_FOR "for" KW_COMPLETENESS "completeness" KW_TEST "test"
%token KW_DATA "data" KW_EXPECT "expect" KW_ROW "row" KW_PASSES "passes" KW_FAILS "fails"
%token KW_TYPE "type" KW_CODE "code" KW_IN "in" KW_AND "and" KW_OR "or" KW_NOT "not"
%token KW_TRUE "true" KW_FALSE "false" KW_HIERARCHY "hierarchy" KW_RELEVANT "relevant" KW_RECEIVED "received"

%type <name> word qname rule_code verdict
%type <expr> expr primary literal key
%type <list> args literals word_list texts_list code_list keys
%type <texts> texts
%type <text> text
%type <decl> decl regime_body tiers_body codelist_body form_body rollup_body test_body hierarchy_body
%type <member> member hier_uses
%type <attr> attr
%type <item> regime_item
%type <type> type
%type <rule> rule_items
%type <code> code_item
%type <data> data_rows
%type <expect> expectation
%type <integer> working
%type <str> opt_from

%left KW_OR
%left KW_AND
%precedence KW_NOT
%nonassoc '=' NE '<' LE '>' GE
%precedence KW_IN
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%%

file
    : %empty
    | file decl                 { parse_add_decl(ctx, $2); if ($2) yyerrok; }
    | file error
    ;

decl
    : KW_IMPORT qname                               { $$ = ast_import(ctx, $2, @$); }
    | KW_IMPORT error                               { $$ = NULL; }
    | KW_REGIME word '{' regime_body '}'            { $$ = ast_finish_decl($4, $2, @$); }
    | KW_TIERS word '{' tiers_body '}'              { $$ = ast_finish_decl($4, $2, @$); }
    | KW_CODELIST word opt_from '{' codelist_body '}' { $$ = ast_finish_codelist($5, $2, $3, @3, @$); }
    | KW_FORM word '{' form_body '}'                { $$ = ast_finish_decl($4, $2, @$); }
    | KW_ROLLUP word KW_FOR qname '{' rollup_body '}' { $$ = ast_finish_rollup($6, $2, $4, @$); }
    | KW_TEST STRING '{' test_body '}'              { $$ = ast_finish_test($4, $2, @2, @$); }
    | KW_TYPE word '=' type                         { $$ = ast_type_alias(ctx, $2, $4, @$); }
    | KW_HOLIDAYS word KW_FROM STRING               { $$ = ast_holidays(ctx, $2, $4, @4, @$); }
    | KW_HIERARCHY word IDENT word '{' hierarchy_body '}'
                                { $$ = ast_finish_hierarchy(ctx, $6, $2, $3, @3, $4, @$); }
    ;

opt_from
    : %empty                    { $$ = NULL; }
    | KW_FROM STRING            { $$ = $2; }
    ;

/* After an error, reporting resumes once a whole declaration, member or
 * clause has been read again (yyerrok in the list rules), not only after
 * three tokens: two mistakes a few lines apart are both reported. */

/* Names: identifiers, and the keywords that read naturally as names. */
word
    : IDENT                     { $$ = ast_name_of(ctx, $1, @1); }
    | KW_PERIOD                 { $$ = ast_name_of(ctx, "period", @1); }
    | KW_UNITS                  { $$ = ast_name_of(ctx, "units", @1); }
    | KW_DATA                   { $$ = ast_name_of(ctx, "data", @1); }
    | KW_LEVEL                  { $$ = ast_name_of(ctx, "level", @1); }
    | KW_KIND                   { $$ = ast_name_of(ctx, "kind", @1); }
    | KW_DAY                    { $$ = ast_name_of(ctx, "day", @1); }
    | KW_DAYS                   { $$ = ast_name_of(ctx, "days", @1); }
    | KW_RECEIVED               { $$ = ast_name_of(ctx, "received", @1); }
    | KW_CONTENT                { $$ = ast_name_of(ctx, "content", @1); }
    | KW_VERSION                { $$ = ast_name_of(ctx, "version", @1); }
    | KW_METHOD                 { $$ = ast_name_of(ctx, "method", @1); }
    | KW_COLUMN                 { $$ = ast_name_of(ctx, "column", @1); }
    | KW_NAMES                  { $$ = ast_name_of(ctx, "names", @1); }
    | KW_TEST                   { $$ = ast_name_of(ctx, "test", @1); }
    | KW_MAX                    { $$ = ast_name_of(ctx, "max", @1); }
    | KW_ERRORCODE              { $$ = ast_name_of(ctx, "errorcode", @1); }
    | KW_ERRORLEVEL             { $$ = ast_name_of(ctx, "errorlevel", @1); }
    | KW_HIERARCHY              { $$ = ast_name_of(ctx, "hierarchy", @1); }
    ;

qname
    : word                      { $$ = $1; }
    | qname '.' word            { $$ = ast_name_join(ctx, $1, $3); }
    ;

word_list
    : word                      { $$ = ast_list_new1(ctx, ast_name_box(ctx, $1)); }
    | word_list ',' word        { $$ = ast_list_add(ctx, $1, ast_name_box(ctx, $3)); }
    ;

/* ---- localized texts: vi "..." en "..." ---- */

texts
    : texts_list                { $$ = ast_texts_new(ctx, $1, @$); }
    ;

texts_list
    : text                      { $$ = ast_list_new1(ctx, $1); }
    | texts_list text           { $$ = ast_list_add(ctx, $1, $2); }
    ;

text
    : IDENT STRING              { $$ = ast_text_new(ctx, $1, $2, @$); }
    | STRING                    { $$ = ast_text_new(ctx, NULL, $1, @$); }
    ;

/* ---- regime header ---- */

regime_body
    : %empty                    { $$ = ast_decl_new(ctx, AST_D_REGIME, @$); }
    | regime_body regime_item   { $$ = ast_regime_add($1, ctx, $2); yyerrok; }
    | regime_body error         { $$ = $1; }
    ;

regime_item
    : KW_VERSION STRING         { $$ = ast_item_str(ctx, AST_I_VERSION, $2, @$); }
    | KW_LABEL texts            { $$ = ast_item_texts(ctx, AST_I_LABEL, $2, @$); }
    | KW_CONTENT texts          { $$ = ast_item_texts(ctx, AST_I_CONTENT, $2, @$); }
    | KW_OUTLINE texts          { $$ = ast_item_texts(ctx, AST_I_OUTLINE, $2, @$); }
    | KW_GUIDANCE texts         { $$ = ast_item_texts(ctx, AST_I_GUIDANCE, $2, @$); }
    | KW_KIND word              { $$ = ast_item_word(ctx, AST_I_KIND, $2, @$); }
    | KW_FREQUENCY word         { $$ = ast_item_word(ctx, AST_I_FREQUENCY, $2, @$); }
    | KW_CUTOFF word            { $$ = ast_item_word(ctx, AST_I_CUTOFF, $2, @$); }
    | KW_CUTOFF KW_DAY NUMBER   { $$ = ast_item_cutoff_day(ctx, $3, @3, @$); }
    | KW_TIERS word             { $$ = ast_item_word(ctx, AST_I_TIERS, $2, @$); }
    | KW_HOLIDAYS word          { $$ = ast_item_word(ctx, AST_I_HOLIDAYS, $2, @$); }
    | KW_SUBMITTED KW_BY word_list { $$ = ast_item_words(ctx, AST_I_SUBMITTED, $3, @$); }
    | KW_RECEIVED KW_BY word_list { $$ = ast_item_words(ctx, AST_I_RECEIVED, $3, @$); }
    | KW_METHOD word_list       { $$ = ast_item_words(ctx, AST_I_METHOD, $2, @$); }
    | KW_DEADLINE word NUMBER working KW_DAYS KW_AFTER KW_CUTOFF
                                { $$ = ast_item_deadline(ctx, $2, $3, @3, $4, @$); }
    | KW_DEADLINE word NUMBER working KW_DAY KW_AFTER KW_CUTOFF
                                { $$ = ast_item_deadline(ctx, $2, $3, @3, $4, @$); }
    ;

working
    : %empty                    { $$ = 0; }
    | KW_WORKING                { $$ = 1; }
    ;

/* ---- tiers ---- */

tiers_body
    : %empty                    { $$ = ast_decl_new(ctx, AST_D_TIERS, @$); }
    | tiers_body KW_UNITS STRING { $$ = ast_tiers_units($1, $3, @3); yyerrok; }
    | tiers_body KW_LEVEL word  { $$ = ast_tiers_level($1, ctx, $3, @$); yyerrok; }
    | tiers_body level_attr     { $$ = $1; yyerrok; }
    | tiers_body error          { $$ = $1; }
    ;

/* Attributes of the last level; a `label` before the first level labels
 * the hierarchy itself. */
level_attr
    : KW_LABEL texts            { ast_tiers_label(ctx, $2, @$); }
    | KW_WITHIN word            { ast_level_within(ctx, $2, @$); }
    | KW_COLUMN STRING          { ast_level_column(ctx, $2, @$); }
    | KW_NAMES STRING           { ast_level_names(ctx, $2, @$); }
    | KW_CODE STRING            { ast_level_code(ctx, $2, @$); }
    | KW_OPTIONAL               { ast_level_optional(ctx, @$); }
    ;

/* ---- code lists ---- */

codelist_body
    : %empty                    { $$ = ast_decl_new(ctx, AST_D_CODELIST, @$); }
    | codelist_body KW_LABEL texts { $$ = ast_codelist_label($1, $3); yyerrok; }
    | codelist_body code_item   { $$ = ast_codelist_add($1, ctx, $2); yyerrok; }
    | codelist_body error       { $$ = $1; }
    ;

code_item
    : KW_CODE rule_code texts   { $$ = ast_code_new(ctx, $2, $3, @$); }
    | KW_CODE rule_code         { $$ = ast_code_new(ctx, $2, NULL, @$); }
    ;

/* ---- hierarchies: `hierarchy NAME on CODELIST { rule ... }` ---- */

hierarchy_body
    : %empty                    { $$ = ast_decl_new(ctx, AST_D_HIERARCHY, @$); }
    | hierarchy_body KW_LABEL texts { $$ = ast_hierarchy_label($1, $3); yyerrok; }
    | hierarchy_body KW_RULE rule_code word rule_items
                                { $$ = ast_hierarchy_rule($1, ctx, ast_member_rule(ctx, $3, $4, $5, @2)); yyerrok; }
    | hierarchy_body error      { $$ = $1; }
    ;

/* ---- forms ---- */

form_body
    : %empty                    { $$ = ast_decl_new(ctx, AST_D_FORM, @$); }
    | form_body member          { $$ = ast_form_add($1, ctx, $2); yyerrok; }
    | form_body attr            { $$ = ast_form_attr($1, ctx, $2); yyerrok; }
    | form_body error           { $$ = $1; }
    ;

member
    : KW_REPORTED KW_BY word    { $$ = ast_member_named(ctx, AST_M_REPORTED, $3, @$); }
    | KW_PERIOD word            { $$ = ast_member_named(ctx, AST_M_PERIOD, $2, @$); }
    | KW_FIELD word ':' type    { $$ = ast_member_typed(ctx, AST_M_FIELD, $2, $4, @$); }
    | KW_DIMENSION word ':' type { $$ = ast_member_typed(ctx, AST_M_DIMENSION, $2, $4, @$); }
    | KW_COMPUTED word '=' expr { $$ = ast_member_expr(ctx, AST_M_COMPUTED, $2, $4, @$); }
    | KW_RATIO word '=' expr    { $$ = ast_member_expr(ctx, AST_M_RATIO, $2, $4, @$); }
    | KW_RULE rule_code word rule_items { $$ = ast_member_rule(ctx, $2, $3, $4, @$); }
    | KW_HIERARCHY word IDENT word hier_uses { $$ = ast_member_hierarchy(ctx, $5, $2, $3, @3, $4, @$); }
    ;

/* `hierarchy NAME on DIMENSION [for f, g] [missing MODE]` in a form */
hier_uses
    : %empty                    { $$ = ast_member_new(ctx, AST_M_HIERARCHY, @$); }
    | hier_uses KW_FOR word_list { $$ = ast_hier_fields($1, ctx, $3, @2); }
    | hier_uses KW_MISSING word { $$ = ast_hier_missing($1, ctx, $3, @2); }
    ;

/* Attributes follow the member they describe; a `label` before the first
 * field labels the form itself. */
attr
    : KW_LABEL texts            { $$ = ast_attr_texts(ctx, AST_A_LABEL, $2, @$); }
    | KW_HINT texts             { $$ = ast_attr_texts(ctx, AST_A_HINT, $2, @$); }
    | KW_REQUIRED               { $$ = ast_attr_flag(ctx, AST_A_REQUIRED, @$); }
    | KW_OPTIONAL               { $$ = ast_attr_flag(ctx, AST_A_OPTIONAL, @$); }
    | KW_RANGE expr KW_TO expr  { $$ = ast_attr_range(ctx, $2, $4, @$); }
    | KW_MAX KW_DIGITS NUMBER   { $$ = ast_attr_number(ctx, AST_A_MAX_DIGITS, $3, @3, @$); }
    | KW_DECIMALS NUMBER        { $$ = ast_attr_number(ctx, AST_A_DECIMALS, $2, @2, @$); }
    | KW_STOCK word             { $$ = ast_attr_word(ctx, AST_A_STOCK, $2, @$); }
    | KW_STOCK word IDENT       { $$ = ast_attr_stock(ctx, $2, ast_name_of(ctx, $3, @3), @$); }
    | KW_FLOW                   { $$ = ast_attr_flag(ctx, AST_A_FLOW, @$); }
    | KW_OVER KW_UNITS word     { $$ = ast_attr_word(ctx, AST_A_OVER_UNITS, $3, @$); }
    | KW_OVER KW_UNITS word KW_BY word { $$ = ast_attr_weighted(ctx, $3, $5, @$); }
    | KW_RELEVANT KW_WHEN expr  { $$ = ast_attr_when(ctx, $3, @$); }
    | KW_PER word               { $$ = ast_attr_word(ctx, AST_A_PER, $2, @$); }
    ;

type
    : IDENT                     { $$ = ast_type_new(ctx, $1, @1, -1, NULL, @$); }
    | IDENT '(' NUMBER ')'      { $$ = ast_type_scaled(ctx, $1, @1, $3, @3, @$); }
    | KW_RATIO                  { $$ = ast_type_new(ctx, "ratio", @1, -1, NULL, @$); }
    | KW_RATIO '(' NUMBER ')'   { $$ = ast_type_scaled(ctx, "ratio", @1, $3, @3, @$); }
    | KW_CODE                   { $$ = ast_type_new(ctx, "code", @1, -1, NULL, @$); }
    | type KW_OF word           { $$ = ast_type_unit($1, $3, @$); }
    | KW_CODE KW_IN qname       { $$ = ast_type_code(ctx, $3, @$); }
    ;

rule_code
    : IDENT                     { $$ = ast_name_of(ctx, $1, @1); }
    | STRING                    { $$ = ast_name_of(ctx, $1, @1); }
    | NUMBER                    { $$ = ast_name_of(ctx, $1.text, @1); }
    ;

rule_items
    : %empty                    { $$ = ast_rule_new(ctx); }
    | rule_items KW_WHEN expr   { $$ = ast_rule_when($1, ctx, $3, @2); }
    | rule_items KW_CHECK expr  { $$ = ast_rule_check($1, ctx, $3, @2); }
    | rule_items KW_TOLERANCE expr { $$ = ast_rule_tolerance($1, ctx, $3, NULL, @2); }
    | rule_items KW_TOLERANCE expr KW_OF expr { $$ = ast_rule_tolerance($1, ctx, $3, $5, @2); }
    | rule_items KW_MISSING word { $$ = ast_rule_missing($1, ctx, $3, @2); }
    | rule_items KW_MISSING word ':' word ',' word ':' word { $$ = ast_rule_missing_sides($1, ctx, $3, $5, $7, $9, @2); }
    | rule_items KW_MESSAGE texts { $$ = ast_rule_message($1, ctx, $3, @2); }
    | rule_items KW_ERRORCODE rule_code { $$ = ast_rule_errorcode($1, ctx, $3, @2); }
    | rule_items KW_ERRORLEVEL NUMBER { $$ = ast_rule_errorlevel($1, ctx, $3, @3, @2); }
    ;

/* ---- roll-ups ---- */

rollup_body
    : %empty                    { $$ = ast_decl_new(ctx, AST_D_ROLLUP, @$); }
    | rollup_body KW_LEVELS word_list { $$ = ast_rollup_levels($1, ctx, $3, @2); yyerrok; }
    | rollup_body KW_PERIOD word { $$ = ast_rollup_period($1, ctx, $3, @2); yyerrok; }
    | rollup_body KW_COMPLETENESS word { $$ = ast_rollup_count($1, ctx, $3, @2); yyerrok; }
    | rollup_body KW_MISSING word { $$ = ast_rollup_missing($1, ctx, $3, NULL, @2); yyerrok; }
    | rollup_body KW_MISSING word KW_FOR word_list { $$ = ast_rollup_missing($1, ctx, $3, $5, @2); yyerrok; }
    | rollup_body IDENT word    { $$ = ast_rollup_coverage($1, ctx, ast_name_of(ctx, $2, @2), $3, @2); yyerrok; }
    | rollup_body IDENT KW_OVER word_list { $$ = ast_rollup_totals($1, ctx, ast_name_of(ctx, $2, @2), $4, @2); yyerrok; }
    | rollup_body IDENT KW_OVER word KW_BY word { $$ = ast_rollup_htotals($1, ctx, ast_name_of(ctx, $2, @2), $4, $6, @2); yyerrok; }
    | rollup_body error         { $$ = $1; }
    ;

/* ---- tests ---- */

test_body
    : %empty                    { $$ = ast_decl_new(ctx, AST_D_TEST, @$); }
    | test_body data_rows       { $$ = ast_test_data($1, ctx, $2); yyerrok; }
    | test_body KW_EXPECT expectation { $$ = ast_test_expect($1, ctx, $3); yyerrok; }
    | test_body error           { $$ = $1; }
    ;

data_rows
    : KW_DATA qname '(' word_list ')' { $$ = ast_data_new(ctx, $2, $4, @$); }
    | data_rows '(' literals ')' { $$ = ast_data_row($1, ctx, $3, @$, @2); }
    ;

literals
    : literal                   { $$ = ast_list_new1(ctx, $1); }
    | literals ',' literal      { $$ = ast_list_add(ctx, $1, $3); }
    ;

literal
    : key                       { $$ = $1; }
    | '-' NUMBER                { $$ = ast_number(ctx, AST_E_NUMBER, $2, 1, @$); }
    | PERCENT                   { $$ = ast_number(ctx, AST_E_PERCENT, $1, 0, @$); }
    | KW_TRUE                   { $$ = ast_bool(ctx, 1, @$); }
    | KW_FALSE                  { $$ = ast_bool(ctx, 0, @$); }
    | KW_MISSING                { $$ = ast_missing(ctx, @$); }
    ;

key
    : STRING                    { $$ = ast_string(ctx, $1, @$); }
    | NUMBER                    { $$ = ast_number(ctx, AST_E_NUMBER, $1, 0, @$); }
    | DATE                      { $$ = ast_date(ctx, $1, @$); }
    | PERIOD                    { $$ = ast_period(ctx, $1, @$); }
    | IDENT                     { $$ = ast_name_expr(ctx, ast_name_of(ctx, $1, @1)); }
    ;

keys
    : key                       { $$ = ast_list_new1(ctx, $1); }
    | keys key                  { $$ = ast_list_add(ctx, $1, $2); }
    ;

code_list
    : rule_code                 { $$ = ast_list_new1(ctx, ast_name_box(ctx, $1)); }
    | code_list ',' rule_code   { $$ = ast_list_add(ctx, $1, ast_name_box(ctx, $3)); }
    ;

expectation
    : KW_ROW NUMBER KW_PASSES   { $$ = ast_expect_row(ctx, $2, @2, NULL, @$); }
    | KW_ROW NUMBER KW_FAILS code_list { $$ = ast_expect_row(ctx, $2, @2, $4, @$); }
    | KW_ROW NUMBER KW_MESSAGE texts { $$ = ast_expect_message(ctx, $2, $4, @$); }
    | KW_ROW NUMBER KW_RULE rule_code verdict { $$ = ast_expect_verdict(ctx, $2, $4, $5, @$); }
    | KW_ROW NUMBER word '=' literal { $$ = ast_expect_value(ctx, $2, $3, $5, @$); }
    | word word keys word '=' literal { $$ = ast_expect_rollup(ctx, $1, $2, $3, $4, $6, @$); }
    ;

verdict
    : KW_TRUE                   { $$ = ast_name_of(ctx, "true", @1); }
    | KW_FALSE                  { $$ = ast_name_of(ctx, "false", @1); }
    | IDENT                     { $$ = ast_name_of(ctx, $1, @1); }
    ;

/* ---- expressions ---- */

expr
    : expr KW_OR expr           { $$ = ast_binary(ctx, AST_OP_OR, $1, $3, @$); }
    | expr KW_AND expr          { $$ = ast_binary(ctx, AST_OP_AND, $1, $3, @$); }
    | KW_NOT expr               { $$ = ast_unary(ctx, AST_OP_NOT, $2, @$); }
    | expr '=' expr             { $$ = ast_binary(ctx, AST_OP_EQ, $1, $3, @$); }
    | expr NE expr              { $$ = ast_binary(ctx, AST_OP_NE, $1, $3, @$); }
    | expr '<' expr             { $$ = ast_binary(ctx, AST_OP_LT, $1, $3, @$); }
    | expr LE expr              { $$ = ast_binary(ctx, AST_OP_LE, $1, $3, @$); }
    | expr '>' expr             { $$ = ast_binary(ctx, AST_OP_GT, $1, $3, @$); }
    | expr GE expr              { $$ = ast_binary(ctx, AST_OP_GE, $1, $3, @$); }
    | expr KW_IN qname          { $$ = ast_in_list(ctx, $1, $3, @$); }
    | expr KW_IN '(' literals ')' { $$ = ast_in_codes(ctx, $1, $4, @$); }
    | expr '+' expr             { $$ = ast_binary(ctx, AST_OP_ADD, $1, $3, @$); }
    | expr '-' expr             { $$ = ast_binary(ctx, AST_OP_SUB, $1, $3, @$); }
    | expr '*' expr             { $$ = ast_binary(ctx, AST_OP_MUL, $1, $3, @$); }
    | expr '/' expr             { $$ = ast_binary(ctx, AST_OP_DIV, $1, $3, @$); }
    | '-' expr %prec UMINUS     { $$ = ast_unary(ctx, AST_OP_NEG, $2, @$); }
    | primary                   { $$ = $1; }
    ;

primary
    : NUMBER                    { $$ = ast_number(ctx, AST_E_NUMBER, $1, 0, @$); }
    | PERCENT                   { $$ = ast_number(ctx, AST_E_PERCENT, $1, 0, @$); }
    | STRING                    { $$ = ast_string(ctx, $1, @$); }
    | DATE                      { $$ = ast_date(ctx, $1, @$); }
    | PERIOD                    { $$ = ast_period(ctx, $1, @$); }
    | KW_TRUE                   { $$ = ast_bool(ctx, 1, @$); }
    | KW_FALSE                  { $$ = ast_bool(ctx, 0, @$); }
    | qname                     { $$ = ast_name_expr(ctx, $1); }
    | word '(' args ')'         { $$ = ast_call(ctx, $1, $3, @$); }
    | '(' expr ')'              { $$ = ast_paren($2, @$); }
    ;

args
    : %empty                    { $$ = ast_list_new0(ctx); }
    | expr                      { $$ = ast_list_new1(ctx, $1); }
    | args ',' expr             { $$ = ast_list_add(ctx, $1, $3); }
    ;

%%

static void yyerror(src_loc *loc, void *scanner, struct parse_ctx *ctx, const char *msg)
{
    (void)scanner;
    parse_error_message(ctx, *loc, msg);
}

/* ---- syntax error messages ----
 * The tokens Bison expects are folded into classes when a whole class is
 * expected: `identifier number '(' ...` reads "an expression", `field rule
 * ...` "a form member". What is left is listed one by one. Classes are
 * written with Bison's token names, so they do not depend on numbering. */

static int is_keyword(yysymbol_kind_t k) { return k >= YYSYMBOL_KW_IMPORT && k <= YYSYMBOL_KW_RECEIVED; }

static int sym_of(const char *name)
{
    for (int k = 0; k < YYNTOKENS; k++)
        if (!strcmp(yysymbol_name((yysymbol_kind_t)k), name))
            return k;
    return -1;
}

/* The keywords that also serve as names (rule `word`). */
static const char *const word_kws[] = {"identifier", "period keyword", "units", "data", "level", "kind", "day", "days",
                                       "received", "content", "version", "method", "column", "names",
                                       "test", "max", "errorcode", "errorlevel", "hierarchy", NULL};
static const char *const expr_starts[] = {"number", "percentage", "string", "date", "period", "true",
                                          "false", "identifier", "'('", "'-'", "not", "max",
                                          "period keyword", "units", "data", "level", "kind", "day",
                                          "days", "received", "content", "version", "method", "column",
                                          "names", "test", "errorcode", "errorlevel", "hierarchy", NULL};
static const char *const literal_starts[] = {"number", "percentage", "string", "date", "period", "true",
                                             "false", "identifier", "missing", "'-'", NULL};
static const char *const operators[] = {"'+'", "'-'", "'*'", "'/'", "'='", "\"<=\"", "\">=\"", "\"!=\"",
                                        "<=", ">=", "!=", "'<'", "'>'", "and", "or", "in",
                                        "'.'", "'('", NULL};
static const char *const decl_starts[] = {"import", "regime", "tiers", "codelist", "form", "rollup",
                                          "test", "type", "holidays", "hierarchy", NULL};
static const char *const member_starts[] = {"reported", "period keyword", "field", "dimension", "computed",
                                            "ratio", "rule", "label", "hint", "required", "optional",
                                            "range", "max", "decimals", "stock", "flow", "over",
                                            "relevant", "per", "hierarchy", NULL};
static const char *const rule_clauses[] = {"when", "check", "tolerance", "missing", "message", NULL};
static const char *const regime_items[] = {"version", "label", "content", "outline", "guidance", "kind",
                                           "frequency", "cutoff", "tiers", "holidays", "submitted",
                                           "received", "method", "deadline", NULL};
static const char *const tiers_items[] = {"units", "level", "label", "within", "column", "names", "code",
                                          "optional", NULL};
static const char *const codelist_items[] = {"code", "label", NULL};
static const char *const rollup_items[] = {"levels", "period keyword", "completeness", "missing", NULL};
static const char *const test_items[] = {"data", "expect", NULL};

/* Folds class `cls` into `phrase` when every token of `need` is expected. */
static void fold(char *in, const char *const *need, const char *const *cls, const char *phrase,
                 const char **out, int *n_out)
{
    for (int i = 0; need[i]; i++) {
        int k = sym_of(need[i]);
        if (k < 0 || !in[k])
            return;
    }
    for (int i = 0; cls[i]; i++) {
        int k = sym_of(cls[i]);
        if (k >= 0)
            in[k] = 0;
    }
    out[(*n_out)++] = phrase;
}

/* Reports "unexpected X, expected A, B or C" through the diagnostics. */
static int yyreport_syntax_error(const yypcontext_t *pctx, void *scanner, struct parse_ctx *ctx)
{
    (void)scanner;
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(pctx, expected, YYNTOKENS);
    char in[YYNTOKENS];
    memset(in, 0, sizeof in);
    for (int i = 0; i < n; i++)
        in[expected[i]] = 1;
    /* keywords expected, for "did you mean" on a misspelt one */
    const char *kws[YYNTOKENS];
    int n_kws = 0;
    for (int i = 0; i < n; i++)
        if (is_keyword(expected[i]))
            kws[n_kws++] = yysymbol_name(expected[i]);
    const char *out[YYNTOKENS + 16];
    int n_out = 0;
    static const char *const need_expr[] = {"identifier", "number", "'('", NULL};
    static const char *const need_lit[] = {"string", "number", "missing", NULL};
    static const char *const need_word[] = {"identifier", "units", NULL};
    static const char *const need_ops[] = {"'+'", "'*'", "'='", NULL};
    static const char *const need_decl[] = {"form", "codelist", "regime", NULL};
    static const char *const need_member[] = {"field", "rule", NULL};
    static const char *const need_rule[] = {"check", "message", NULL};
    static const char *const need_regime[] = {"frequency", "deadline", NULL};
    static const char *const need_tiers[] = {"level", "within", NULL};
    static const char *const need_codelist[] = {"code", "label", NULL};
    static const char *const need_rollup[] = {"levels", "completeness", NULL};
    static const char *const need_test[] = {"data", "expect", NULL};
    fold(in, need_expr, expr_starts, "@P0001", out, &n_out);
    int lparen = sym_of("'('");
    if ((lparen < 0 || !in[lparen]) && in[YYSYMBOL_KW_MISSING])
        fold(in, need_lit, literal_starts, "@P0015", out, &n_out);
    fold(in, need_ops, operators, "@P0002", out, &n_out);
    fold(in, need_decl, decl_starts, "@P0003", out, &n_out);
    fold(in, need_rule, rule_clauses, "@P0005", out, &n_out);
    fold(in, need_member, member_starts, "@P0004", out, &n_out);
    fold(in, need_regime, regime_items, "@P0006", out, &n_out);
    fold(in, need_tiers, tiers_items, "@P0007", out, &n_out);
    fold(in, need_codelist, codelist_items, "@P0018", out, &n_out);
    fold(in, need_rollup, rollup_items, "@P0017", out, &n_out);
    fold(in, need_test, test_items, "@P0016", out, &n_out);
    fold(in, need_word, word_kws, "@P0008", out, &n_out);
    if (in[YYSYMBOL_IDENT] && !in[YYSYMBOL_KW_UNITS]) {
        in[YYSYMBOL_IDENT] = 0;
        out[n_out++] = "@P0008";
    }
    /* the rest, in the grammar's order */
    for (int k = 0; k < YYNTOKENS; k++)
        if (in[k] && k != YYSYMBOL_YYerror && k != YYSYMBOL_YYUNDEF)
            out[n_out++] = k == YYSYMBOL_YYEOF ? "@P0014" : yysymbol_name((yysymbol_kind_t)k);
    yysymbol_kind_t got = yypcontext_token(pctx);
    parse_syntax_error(ctx, *yypcontext_location(pctx),
                       got == YYSYMBOL_YYEMPTY || got == YYSYMBOL_YYEOF ? "@P0014" : yysymbol_name(got),
                       is_keyword(got), out, n_out, kws, n_kws);
    return 0;
}
