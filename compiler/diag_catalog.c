/* diag_catalog.c — the text of every diagnostic and hint, in English and
 * Vietnamese. Codes are stable: CI scripts and docs refer to them.
 *   E00xx  lexical and syntax errors
 *   E01xx  declarations and names          W01xx  unused or incomplete
 *   E02xx  types and units
 *   E03xx  rules and expressions           W03xx  suspicious rules
 *   E04xx  tiers, calendar, roll-ups
 *   E05xx  imports and files
 *   E06xx  tests                            W09xx  Decree 09 completeness
 *   Hxxxx  hints
 * Each entry's formats take the same arguments in the same order. */
#include <string.h>

#include "diag.h"

typedef struct entry {
    const char *code;
    const char *en;
    const char *vi;
} entry;

static const entry catalog[] = {
    /* lexical and syntax */
    {"E0001", "unexpected %s, expected %s", "gặp %s, cần %s"},
    {"E0002", "unexpected character %s", "ký tự không hợp lệ %s"},
    {"E0003", "unterminated string", "chuỗi chưa được đóng"},
    {"E0004", "unknown escape '%s' in a string", "chuỗi có ký tự thoát không hợp lệ '%s'"},
    {"E0005", "number '%s' is too large", "số '%s' quá lớn"},
    {"E0006", "'%s' is not a valid date", "'%s' không phải là ngày hợp lệ"},
    {"E0007", "malformed number '%s'", "số không hợp lệ '%s'"},
    {"E0008", "invalid UTF-8 text", "văn bản UTF-8 không hợp lệ"},
    {"E0009", "this '}' closes nothing: every '{' before it is already closed",
     "dấu '}' này không đóng gì: mọi dấu '{' trước nó đã được đóng"},
    {"E0010", "the spec is nested too deeply to read (more than %d levels)",
     "đặc tả lồng nhau quá sâu, không đọc được (hơn %d cấp)"},
    {"E0011", "this attribute needs a `level` before it", "thuộc tính này cần một `level` đứng trước"},
    {"E0012", "this attribute does not follow a field", "thuộc tính này không đứng sau một trường"},
    {"E0013", "decimal places must be a whole number from 0 to 18, not '%s'",
     "số chữ số thập phân phải là số nguyên từ 0 đến 18, không phải '%s'"},
    {"E0014", "`%s` is given twice", "`%s` được khai báo hai lần"},
    {"E0015", "this expression is nested too deeply (more than %d levels)",
     "biểu thức lồng nhau quá sâu (hơn %d cấp)"},
    {"E0016", "names are written without accents: `%s`", "tên phải viết không dấu: `%s`"},
    {"E0017", "this string is written with typographic quotes", "chuỗi này dùng dấu nháy kiểu văn bản"},
    /* imports and files */
    {"E0500", "cannot find module `%s`", "không tìm thấy mô-đun `%s`"},
    {"E0501", "cannot read '%s': %s", "không đọc được '%s': %s"},
    {"E0502", "import cycle: '%s' imports itself, directly or through other modules",
     "vòng lặp import: '%s' tự import chính nó, trực tiếp hoặc qua mô-đun khác"},
    {"E0503", "imports are nested too deeply (more than 32 levels)", "các import lồng nhau quá sâu (hơn 32 cấp)"},
    /* hints */
    {"H0500", "looked for '%s' beside the file, beside the files being checked, in -I directories, REGIME_PATH and the stdlib",
     "đã tìm '%s' cạnh tệp, cạnh các tệp được kiểm tra, trong các thư mục -I, REGIME_PATH và thư viện chuẩn"},
    {"H0502", "move the shared declarations into a third module that both import",
     "chuyển các khai báo dùng chung sang một mô-đun thứ ba để cả hai cùng import"},
    {"H0001", "comparison is written `=`; a computed field is written `computed NAME = EXPR`",
     "phép so sánh viết là `=`; trường tính toán viết là `computed TÊN = BIỂU_THỨC`"},
    {"H0001c", "the '{' on line %d is never closed", "dấu '{' ở dòng %d chưa được đóng"},
    {"H0002", "statements end at the end of the line; remove the ';'",
     "câu lệnh kết thúc ở cuối dòng; hãy bỏ dấu ';'"},
    {"H0003", "close the string with '\"' on the same line; write \\n for a line break",
     "đóng chuỗi bằng '\"' trên cùng dòng; dùng \\n để xuống dòng"},
    {"H0004", "the escapes are \\\" \\\\ \\n \\t \\{ and \\}", "các ký tự thoát là \\\" \\\\ \\n \\t \\{ và \\}"},
    {"H0005", "numbers must fit in 18 digits", "số phải có tối đa 18 chữ số"},
    {"H0002b", "write `%s` instead", "hãy viết `%s`"},
    {"H0002c", "a list of codes is written in parentheses: `domain in (D01, D02)`",
     "danh sách mã viết trong ngoặc tròn: `domain in (D01, D02)`"},
    {"H0002d", "strings are written in double quotes: \"...\"", "chuỗi viết trong dấu nháy kép: \"...\""},
    {"H0002e", "the file holds NUL bytes: is it a text file saved as UTF-8?",
     "tệp có byte NUL: đây có phải tệp văn bản lưu dạng UTF-8 không?"},
    {"H0010", "close the parentheses and blocks that are left open, or split the expression",
     "hãy đóng các ngoặc và khối đang mở, hoặc tách biểu thức"},
    {"H0015", "split it into computed fields, or write a long total as sum(a, b, c, ...)",
     "hãy tách thành các trường tính toán, hoặc viết tổng dài dạng sum(a, b, c, ...)"},
    {"H0016", "write `%s`, and put the Vietnamese text in a `label`",
     "hãy viết `%s`, và đặt chữ tiếng Việt trong `label`"},
    {"H0016b", "names use the letters a-z, digits and '_'; text goes in \"strings\"",
     "tên chỉ dùng chữ a-z, chữ số và '_'; văn bản đặt trong \"chuỗi\""},
    {"H0017", "write straight double quotes: \"...\"", "hãy dùng dấu nháy kép thẳng: \"...\""},
    /* phrases of syntax errors (not diagnostics) */
    {"P0001", "an expression", "một biểu thức"},
    {"P0002", "an operator", "một phép toán"},
    {"P0003", "a declaration (`form`, `codelist`, `regime`, ...)", "một khai báo (`form`, `codelist`, `regime`, ...)"},
    {"P0004", "a form member (`field`, `rule`, `label`, ...)", "một thành phần của biểu (`field`, `rule`, `label`, ...)"},
    {"P0005", "a rule clause (`when`, `check`, `message`, ...)", "một mệnh đề của quy tắc (`when`, `check`, `message`, ...)"},
    {"P0006", "a regime element (`label`, `frequency`, `deadline`, ...)",
     "một yếu tố của chế độ báo cáo (`label`, `frequency`, `deadline`, ...)"},
    {"P0007", "a `level` or one of its attributes", "một `level` hoặc thuộc tính của nó"},
    {"P0008", "a name", "một tên"},
    {"P0009", "a string", "một chuỗi"},
    {"P0010", "a number", "một số"},
    {"P0011", "a percentage", "một tỷ lệ phần trăm"},
    {"P0012", "a date", "một ngày"},
    {"P0013", "a period such as 2025-01", "một kỳ, ví dụ 2025-01"},
    {"P0014", "end of file", "cuối tệp"},
    {"P0015", "a value", "một giá trị"},
    {"P0016", "a test line (`data`, `expect`)", "một dòng của phép thử (`data`, `expect`)"},
    {"P0017", "a roll-up line (`levels`, `period`, `completeness`)", "một dòng của tổng hợp (`levels`, `period`, `completeness`)"},
    {"P0018", "a `code` or a `label`", "một `code` hoặc một `label`"},
    {"P0020", "name `%s`", "tên `%s`"},
    {"P0021", "number %s", "số %s"},
    {"P0022", "string", "chuỗi"},
    {"P0023", "date %s", "ngày %s"},
    {"P0024", "period %s", "kỳ %s"},
    {"P0025", "percentage %s", "tỷ lệ %s"},
    {"P0030", "the file is empty", "tệp rỗng"},
    {"P0031", "a quote is not closed", "dấu nháy chưa được đóng"},
    {"P0032", "no code in this row", "dòng này không có mã"},
    {"P0033", "nothing more", "không cần gì thêm"},
    {"H0007", "names start with a letter; put codes such as 01A in quotes",
     "tên bắt đầu bằng chữ cái; đặt các mã như 01A trong dấu nháy kép"},
    {"H0008", "save the file as UTF-8; Vietnamese text belongs in \"strings\"",
     "hãy lưu tệp dưới dạng UTF-8; chữ tiếng Việt đặt trong \"chuỗi\""},
#include "diag_catalog_sema.inc"
#include "diag_catalog_tools.inc"
#include "diag_catalog_xml.inc"
};

const char *diag_format(const char *code, diag_lang lang)
{
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++)
        if (!strcmp(catalog[i].code, code))
            return lang == DIAG_VI ? catalog[i].vi : catalog[i].en;
    return NULL;
}

const char *diag_catalog_code(int i)
{
    if (i < 0 || (size_t)i >= sizeof catalog / sizeof catalog[0])
        return NULL;
    return catalog[i].code;
}
