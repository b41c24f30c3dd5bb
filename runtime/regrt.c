/* regrt — the Regime runtime command line: a thin shell over libregrt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regrt.h"
#include "core.h"

/* server/serve.c, server/admin.c */
int srv_main(int argc, char **argv);
int srv_admin_main(int argc, char **argv);

#define TR(en, vi) (rt_get_lang() == RT_LANG_VI ? (vi) : (en))

static void usage(FILE *f)
{
    fputs(TR("Usage: regrt <command> LIB [options] DATA...\n"
             "\n"
             "Commands:\n"
             "  validate  check submissions against a compiled regime\n"
             "  compute   every row's computed fields (running totals, changes...) as CSV\n"
             "  rollup    aggregate submissions over tiers and periods\n"
             "  calendar  periods, cut-off windows and deadlines of a year\n"
             "  status    who reported, who is missing, who was late\n"
             "  info      what a compiled regime is, who signed it, and whether it verifies\n"
             "  hierarchy the totals a form's hierarchies compute from its rows\n"
             "\n"
             "LIB is the compiled regime: a .so made by `regc build`, or its output folder.\n"
             "It is loaded only when its folder is signed by a trusted key and every file\n"
             "matches the signed manifest (docs/DISTRIBUTION.md).\n"
             "\n"
             "  regrt validate LIB DATA... [--units U.csv] [--form F] [--rules V1,V2]\n"
             "                 [--format text|csv|json] [--results invalid|all] [-o FILE]\n"
             "  regrt compute  LIB DATA... [--units U.csv] [--form F] [-o FILE]\n"
             "  regrt rollup   LIB --units U.csv DATA... [-o FILE] [--errors FILE]\n"
             "                 [--to LEVEL] [--period month|quarter|half|9m|year|2025-Q1] [--rollup NAME]\n"
             "                 [--layout compact|full]\n"
             "                 [--rules V1,V2] [--rebase MERGES.csv [--apportion SHARES.csv]\n"
             "                 [--rebase-date YYYY-MM-DD] [--left-out LEFT.csv]]\n"
             "  regrt calendar LIB --year Y [--holidays FILE] [--format text|csv|json] [-o FILE]\n"
             "  regrt status   LIB --units U.csv DATA... --as-of YYYY-MM-DD [--period P]\n"
             "                 [--holidays FILE] [--format text|csv|json] [-o FILE]\n"
             "  regrt info     LIB\n"
             "  regrt hierarchy LIB DỮ_LIỆU... [--units U.csv] [--form F] [-o TỆP]\n"
             "  regrt hierarchy LIB DATA... [--units U.csv] [--form F] [-o FILE]\n"
             "  regrt serve    --regimes DIR --units U.csv [--store URL] [--listen [ADDR:]PORT]\n"
             "                 the reporting server (OpenRosa); 'regrt serve --help'\n"
             "  regrt serve-admin [--store URL] add|import|passwd|disable|enable|list|audit ...\n"
             "\n"
             "Common options:\n"
             "  --lang vi|en    language of messages (default en; also REGRT_LANG)\n"
             "  --threads N     worker threads (default: the number of CPUs, at most 8)\n"
             "  -v, --verbose   print a summary on stderr     -q, --quiet  no warnings\n"
             "  --trust DIR     trusted public keys (default $REGIME_TRUST, else\n"
             "                  " RT_TRUST_SYSTEM_DIR ")\n"
             "  --allow-unsigned  load an unsigned library anyway, with a warning\n"
             "                  (development only; also REGIME_ALLOW_UNSIGNED=1)\n"
             "  --strict        a row left out (not rolled up, not counted) is a finding: exit 1\n"
             "  DATA may be '-' for the standard input. 'regrt COMMAND --help' for one command.\n"
             "\n"
             "Exit status: 0 ok, 1 an error-level rule failed (validate) or a unit is late\n"
             "(status), 2 unusable input or usage error.\n",
             "Cách dùng: regrt <lệnh> LIB [tùy chọn] DỮ_LIỆU...\n"
             "\n"
             "Lệnh:\n"
             "  validate  kiểm tra số liệu nộp theo chế độ báo cáo đã biên dịch\n"
             "  compute   các trường tính toán của mọi dòng (lũy kế, chênh lệch...) dạng CSV\n"
             "  rollup    tổng hợp số liệu theo cấp và theo kỳ\n"
             "  calendar  các kỳ, thời gian chốt số liệu và hạn gửi trong năm\n"
             "  status    đơn vị đã nộp, chưa nộp, trễ hạn\n"
             "  info      chế độ báo cáo đã biên dịch là gì, ai ký, có kiểm tra được không\n"
             "  hierarchy các tổng mà phân cấp của biểu tính từ các dòng\n"
             "\n"
             "LIB là chế độ báo cáo đã biên dịch: tệp .so do `regc build` tạo ra, hoặc thư mục đầu ra.\n"
             "Chỉ được nạp khi thư mục được ký bằng khóa tin cậy và mọi tệp khớp với manifest\n"
             "đã ký (docs/DISTRIBUTION.md).\n"
             "\n"
             "  regrt validate LIB DỮ_LIỆU... [--units U.csv] [--form F] [--rules V1,V2]\n"
             "                 [--format text|csv|json] [--results invalid|all] [-o TỆP]\n"
             "  regrt compute  LIB DỮ_LIỆU... [--units U.csv] [--form F] [-o TỆP]\n"
             "  regrt rollup   LIB --units U.csv DỮ_LIỆU... [-o TỆP] [--errors TỆP]\n"
             "                 [--to CẤP] [--period month|quarter|half|9m|year|2025-Q1] [--rollup TÊN]\n"
             "                 [--layout compact|full]\n"
             "                 [--rules V1,V2] [--rebase SÁP_NHẬP.csv [--apportion TỶ_LỆ.csv]\n"
             "                 [--rebase-date YYYY-MM-DD] [--left-out BỊ_LOẠI.csv]]\n"
             "  regrt calendar LIB --year NĂM [--holidays TỆP] [--format text|csv|json] [-o TỆP]\n"
             "  regrt status   LIB --units U.csv DỮ_LIỆU... --as-of YYYY-MM-DD [--period KỲ]\n"
             "                 [--holidays TỆP] [--format text|csv|json] [-o TỆP]\n"
             "  regrt info     LIB\n"
             "  regrt serve    --regimes THƯ_MỤC --units U.csv [--store URL] [--listen [ĐC:]CỔNG]\n"
             "                 máy chủ nhận báo cáo (OpenRosa); 'regrt serve --help'\n"
             "  regrt serve-admin [--store URL] add|import|passwd|disable|enable|list|audit ...\n"
             "\n"
             "Tùy chọn chung:\n"
             "  --lang vi|en    ngôn ngữ thông báo (mặc định en; hoặc biến REGRT_LANG)\n"
             "  --threads N     số luồng xử lý (mặc định: số CPU, tối đa 8)\n"
             "  -v, --verbose   in tóm tắt ra stderr     -q, --quiet  không in cảnh báo\n"
             "  --trust DIR     các khóa công khai tin cậy (mặc định $REGIME_TRUST, nếu không\n"
             "                  thì " RT_TRUST_SYSTEM_DIR ")\n"
             "  --allow-unsigned  vẫn nạp thư viện chưa ký, kèm cảnh báo\n"
             "                  (chỉ khi phát triển; hoặc REGIME_ALLOW_UNSIGNED=1)\n"
             "  --strict        dòng bị bỏ ra (không được tổng hợp, không được đếm) là một phát hiện: mã thoát 1\n"
             "  DỮ_LIỆU có thể là '-' (đầu vào chuẩn). 'regrt LỆNH --help' cho từng lệnh.\n"
             "\n"
             "Mã thoát: 0 thành công, 1 có quy tắc mức lỗi không đạt (validate) hoặc có đơn vị\n"
             "trễ hạn (status), 2 đầu vào không dùng được hoặc sai cú pháp lệnh.\n"),
          f);
}

/* `regrt COMMAND --help`: that command's options only. */
static int usage_cmd(const char *cmd, FILE *f)
{
    const char *en = NULL, *vi = NULL;
    if (!strcmp(cmd, "validate")) {
        en = "Usage: regrt validate LIB DATA... [options]\n"
             "Checks submissions (CSV or XML) against the compiled regime and reports every\n"
             "violation of every row, in row order.\n"
             "\n"
             "  --units FILE      the unit list (runs the rules that check unit codes)\n"
             "  --form F          the form of DATA (default: the first; CSV headers pick other forms)\n"
             "  --rules V1,V2     report and count only these rules\n"
             "  --format text|csv|json   the report's format (columns: docs/RUNTIME.md)\n"
             "  --results invalid|all    results as data (VTL check_datapoint): ruleid, bool_var,\n"
             "                    imbalance, errorcode, errorlevel, message, values; invalid: the\n"
             "                    failures, all: every row and rule (default: the errors.csv layout)\n"
             "  -o FILE           write the report to FILE (never one of the inputs)\n"
             "  --strict          accepted for symmetry: validate leaves no row out\n"
             "\n"
             "Exit status: 0 no error-level violation, 1 some row failed an error-level rule,\n"
             "2 unusable input or usage error.\n";
        vi = "Cách dùng: regrt validate LIB DỮ_LIỆU... [tùy chọn]\n"
             "Kiểm tra số liệu nộp (CSV hoặc XML) theo chế độ đã biên dịch, báo mọi vi phạm\n"
             "của mọi dòng theo thứ tự dòng.\n"
             "\n"
             "  --units TỆP       danh sách đơn vị (chạy các quy tắc đối chiếu mã đơn vị)\n"
             "  --form F          biểu của DỮ_LIỆU (mặc định: biểu đầu tiên)\n"
             "  --rules V1,V2     chỉ báo và đếm các quy tắc này\n"
             "  --format text|csv|json   định dạng báo cáo (các cột: docs/RUNTIME.md)\n"
             "  --results invalid|all    kết quả dạng dữ liệu (VTL check_datapoint): ruleid, bool_var,\n"
             "                    imbalance, errorcode, errorlevel, thông báo, giá trị; invalid: các\n"
             "                    vi phạm, all: mọi dòng và quy tắc (mặc định: dạng errors.csv)\n"
             "  -o TỆP            ghi báo cáo vào TỆP (không bao giờ là một tệp đầu vào)\n"
             "  --strict          chấp nhận cho thống nhất: validate không bỏ dòng nào\n"
             "\n"
             "Mã thoát: 0 không có vi phạm mức lỗi, 1 có dòng không đạt quy tắc mức lỗi,\n"
             "2 đầu vào không dùng được hoặc sai cú pháp lệnh.\n";
    } else if (!strcmp(cmd, "compute")) {
        en = "Usage: regrt compute LIB DATA... [options]\n"
             "Writes every row's computed fields (running totals, changes from the previous\n"
             "period, lags...) as CSV: row_number, the keys, then one column per computed\n"
             "field; empty where a value cannot be computed. The joins over periods are those\n"
             "of `regrt validate`; rules are not run.\n"
             "\n"
             "  --units FILE      the unit list\n"
             "  --form F          the form of DATA (default: the first)\n"
             "  -o FILE           write the CSV to FILE (never one of the inputs)\n"
             "\n"
             "Exit status: 0 written, 1 written but a key repeats (DUP1: the periods after it\n"
             "are not joined), 2 unusable input or usage error.\n";
        vi = "Cách dùng: regrt compute LIB DỮ_LIỆU... [tùy chọn]\n"
             "Ghi các trường tính toán của mọi dòng (lũy kế, chênh lệch so với kỳ trước, giá trị\n"
             "các kỳ trước...) dạng CSV: row_number, các khóa, rồi mỗi trường tính toán một cột;\n"
             "để trống khi không tính được. Ghép các kỳ như `regrt validate`; không chạy quy tắc.\n"
             "\n"
             "  --units TỆP       danh sách đơn vị\n"
             "  --form F          biểu của DỮ_LIỆU (mặc định: biểu đầu tiên)\n"
             "  -o TỆP            ghi CSV vào TỆP (không bao giờ là một tệp đầu vào)\n"
             "\n"
             "Mã thoát: 0 đã ghi, 1 đã ghi nhưng có khóa lặp (DUP1: các kỳ sau nó không được ghép),\n"
             "2 đầu vào không dùng được hoặc sai cú pháp lệnh.\n";
    } else if (!strcmp(cmd, "rollup")) {
        en = "Usage: regrt rollup LIB DATA... [options]\n"
             "Rolls valid rows up the tiers (commune -> province -> national) and over periods.\n"
             "\n"
             "  --units FILE      the unit list (default: the tiers' `units` file of the spec)\n"
             "  -o FILE           the roll-up CSV (default: standard output)\n"
             "  --errors FILE     the rows left out for errors, as a CSV report\n"
             "  --to LEVEL        stop at this level\n"
             "  --period P        a frequency (month, quarter, half, 9m, year) or one period (2025-Q1)\n"
             "  --rollup NAME     which roll-up of the regime\n"
             "  --layout full     add unit_name and parent_code, name the period column `period`\n"
             "                    (default compact: the benchmark's layout)\n"
             "  --rules V1,V2     only these rules decide which rows are valid\n"
             "  --rebase MERGES.csv [--apportion SHARES.csv] [--rebase-date YYYY-MM-DD]\n"
             "                    re-base old units' figures onto the new units\n"
             "  --strict          exit 1 when any row is not rolled up (errors, unknown unit,\n"
             "                    period, dimension value); rows outside --period P do not count\n"
             "\n"
             "A summary (rows read = rolled up + rejected per rule + left out per reason) is\n"
             "printed on stderr whenever a row is not rolled up, and with -v.\n"
             "Two runs writing into the same folder run one after the other (a lock).\n"
             "Exit status: 0 done, 1 --strict and a row was left out, 2 unusable input or usage.\n";
        vi = "Cách dùng: regrt rollup LIB DỮ_LIỆU... [tùy chọn]\n"
             "Tổng hợp các dòng hợp lệ theo cấp (xã -> tỉnh -> toàn quốc) và theo kỳ.\n"
             "\n"
             "  --units TỆP       danh sách đơn vị (mặc định: tệp `units` của các cấp trong chế độ)\n"
             "  -o TỆP            bảng tổng hợp CSV (mặc định: đầu ra chuẩn)\n"
             "  --errors TỆP      các dòng bị loại vì lỗi, dạng báo cáo CSV\n"
             "  --to CẤP          dừng ở cấp này\n"
             "  --period KỲ       tần suất (month, quarter, half, 9m, year) hoặc một kỳ (2025-Q1)\n"
             "  --rollup TÊN      bảng tổng hợp nào của chế độ\n"
             "  --layout full     thêm unit_name và parent_code, cột kỳ luôn tên `period`\n"
             "                    (mặc định compact: dạng của bộ đo hiệu năng)\n"
             "  --rules V1,V2     chỉ các quy tắc này quyết định dòng hợp lệ\n"
             "  --rebase SÁP_NHẬP.csv [--apportion TỶ_LỆ.csv] [--rebase-date YYYY-MM-DD]\n"
             "                    chuyển số liệu của đơn vị cũ sang đơn vị mới\n"
             "  --strict          mã thoát 1 khi có dòng không được tổng hợp (lỗi, đơn vị lạ,\n"
             "                    kỳ, giá trị chiều); dòng ngoài --period KỲ không tính\n"
             "\n"
             "Bản tóm tắt (số dòng đọc = tổng hợp + bị loại theo quy tắc + bị bỏ ra theo lý do)\n"
             "được in ra stderr khi có dòng không được tổng hợp, và khi có -v.\n"
             "Hai lần chạy ghi vào cùng một thư mục sẽ chạy lần lượt (khóa).\n"
             "Mã thoát: 0 xong, 1 --strict và có dòng bị bỏ ra, 2 đầu vào không dùng được hoặc sai lệnh.\n";
    } else if (!strcmp(cmd, "hierarchy")) {
        en = "Usage: regrt hierarchy LIB DATA... [options]\n"
             "The totals the `=` rules of the form's hierarchies compute from its rows (SDMX VTL's\n"
             "hierarchy operator, output `computed`), in the hierarchy's missing-value mode: one CSV\n"
             "row per unit, period, other dimension values and computed code that the mode produces.\n"
             "\n"
             "  --form F          the form of DATA (default: the first)\n"
             "  --units FILE      the unit list\n"
             "  -o FILE           the CSV (default: standard output)\n"
             "\n"
             "Exit status: 0 done, 2 unusable input, usage, or a form without totals.\n";
        vi = "Cách dùng: regrt hierarchy LIB DỮ_LIỆU... [tùy chọn]\n"
             "Các tổng mà quy tắc `=` của phân cấp tính từ các dòng của biểu (toán tử hierarchy của\n"
             "SDMX VTL, đầu ra `computed`), theo chế độ giá trị thiếu của phân cấp: mỗi dòng CSV là\n"
             "một đơn vị, kỳ, giá trị các chiều khác và mã được tính mà chế độ cho ra.\n"
             "\n"
             "  --form F          biểu của DỮ_LIỆU (mặc định: biểu đầu tiên)\n"
             "  --units TỆP       danh sách đơn vị\n"
             "  -o TỆP            tệp CSV (mặc định: đầu ra chuẩn)\n"
             "\n"
             "Mã thoát: 0 xong, 2 đầu vào không dùng được, sai lệnh, hoặc biểu không có tổng.\n";
    } else if (!strcmp(cmd, "calendar")) {
        en = "Usage: regrt calendar LIB --year Y [options]\n"
             "Periods, cut-off windows and each tier's deadline for a year.\n"
             "\n"
             "  --year Y          the year\n"
             "  --form F          the form whose frequency to use\n"
             "  --holidays FILE   the holiday calendar (default: the regime's, from the stdlib)\n"
             "  --allow-unknown-holidays  a working-day deadline past the calendar's years is\n"
             "                    a warning (weekends only), not an error\n"
             "  --format text|csv|json    -o FILE\n"
             "\n"
             "Exit status: 0 done, 2 unusable input, usage, or a deadline outside the holiday data.\n";
        vi = "Cách dùng: regrt calendar LIB --year NĂM [tùy chọn]\n"
             "Các kỳ, thời gian chốt số liệu và hạn gửi của từng cấp trong một năm.\n"
             "\n"
             "  --year NĂM        năm\n"
             "  --form F          biểu có tần suất cần dùng\n"
             "  --holidays TỆP    lịch ngày lễ (mặc định: lịch của chế độ, trong stdlib)\n"
             "  --allow-unknown-holidays  hạn gửi theo ngày làm việc ngoài các năm của lịch chỉ là\n"
             "                    cảnh báo (chỉ bỏ qua cuối tuần), không phải lỗi\n"
             "  --format text|csv|json    -o TỆP\n"
             "\n"
             "Mã thoát: 0 xong, 2 đầu vào không dùng được, sai lệnh, hoặc hạn gửi ngoài lịch ngày lễ.\n";
    } else if (!strcmp(cmd, "status")) {
        en = "Usage: regrt status LIB DATA... --as-of YYYY-MM-DD [options]\n"
             "Who reported, who was rejected, who is missing, who is late, per period and for\n"
             "every tier that submits (each with its own deadline).\n"
             "\n"
             "  --as-of DATE      the day to judge deadlines against\n"
             "  --units FILE      the unit list (default: the tiers' `units` file of the spec)\n"
             "  --period P        only this period (2025-06, 2025-Q2...)\n"
             "  --holidays FILE   the holiday calendar     --allow-unknown-holidays (see calendar)\n"
             "  --format text|csv|json (columns: docs/RUNTIME.md)    -o FILE\n"
             "  --strict          exit 1 also when a row was left out (unknown unit, no period)\n"
             "\n"
             "Exit status: 0 nobody late, 1 a unit is late or rejected, 2 unusable input or usage.\n";
        vi = "Cách dùng: regrt status LIB DỮ_LIỆU... --as-of YYYY-MM-DD [tùy chọn]\n"
             "Đơn vị đã nộp, bị loại, chưa nộp, trễ hạn, theo kỳ và cho mọi cấp phải nộp\n"
             "(mỗi cấp một hạn gửi).\n"
             "\n"
             "  --as-of NGÀY      ngày để đối chiếu hạn gửi\n"
             "  --units TỆP       danh sách đơn vị (mặc định: tệp `units` của các cấp)\n"
             "  --period KỲ       chỉ kỳ này (2025-06, 2025-Q2...)\n"
             "  --holidays TỆP    lịch ngày lễ     --allow-unknown-holidays (xem calendar)\n"
             "  --format text|csv|json (các cột: docs/RUNTIME.md)    -o TỆP\n"
             "  --strict          mã thoát 1 cả khi có dòng bị bỏ ra (đơn vị lạ, không có kỳ)\n"
             "\n"
             "Mã thoát: 0 không ai trễ hạn, 1 có đơn vị trễ hạn hoặc bị loại, 2 đầu vào không dùng\n"
             "được hoặc sai lệnh.\n";
    }
    if (!en) return -1;
    fputs(TR(en, vi), f);
    fputs(TR("\nCommon options: --lang vi|en, --threads N, -v (summary on stderr), -q (no warnings).\n",
             "\nTùy chọn chung: --lang vi|en, --threads N, -v (tóm tắt ra stderr), -q (không cảnh báo).\n"),
          f);
    return 0;
}

/* "--name VALUE" or "--name=VALUE"; advances *i past the value. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **out)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n)) return 0;
    if (a[n] == '=') {
        *out = a + n + 1;
        return 1;
    }
    if (a[n]) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, TR("regrt: option %s needs a value\n", "regrt: tùy chọn %s cần một giá trị\n"), name);
        exit(2);
    }
    *out = argv[++*i];
    return 1;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 1000000) return -1;
    *out = (int)v;
    return 0;
}

static int run_main(int argc, char **argv)
{
    rt_lang lang;
    const char *env = getenv("REGRT_LANG");
    if (env && !rt_lang_parse(env, &lang)) rt_set_lang(lang);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (!strncmp(argv[i], "--lang=", 7)) v = argv[i] + 7;
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc) v = argv[i + 1];
        if (v && !rt_lang_parse(v, &lang)) rt_set_lang(lang);
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("regrt %s (ABI %u)\n", REGIME_VERSION, REGIME_ABI_VERSION);
        return 0;
    }
    /* the reporting server (server/, docs/SERVER.md) */
    if (!strcmp(cmd, "serve")) return srv_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "serve-admin")) return srv_admin_main(argc - 1, argv + 1);
    int (*run)(const rt_opts *, rt_error *) = NULL;
    if (!strcmp(cmd, "validate")) run = rt_cmd_validate;
    else if (!strcmp(cmd, "compute")) run = rt_cmd_compute;
    else if (!strcmp(cmd, "rollup")) run = rt_cmd_rollup;
    else if (!strcmp(cmd, "calendar")) run = rt_cmd_calendar;
    else if (!strcmp(cmd, "status")) run = rt_cmd_status;
    else if (!strcmp(cmd, "info")) run = rt_cmd_info;
    else if (!strcmp(cmd, "hierarchy")) run = rt_cmd_hierarchy;
    if (!run) {
        if (cmd[0] == '-')
            fprintf(stderr, TR("regrt: unknown option '%s'\nTry 'regrt --help'.\n",
                               "regrt: tùy chọn không hợp lệ '%s'\nXem 'regrt --help'.\n"), cmd);
        else
            fprintf(stderr, TR("regrt: unknown command '%s'\nTry 'regrt --help'.\n",
                               "regrt: lệnh không hợp lệ '%s'\nXem 'regrt --help'.\n"), cmd);
        return 2;
    }

    rt_opts o;
    memset(&o, 0, sizeof o);
    o.argv0 = argv[0];
    const char **data = calloc((size_t)argc, sizeof *data);
    if (!data) return 2;
    int year_set = 0, allow_unsigned = -1;
    const char *trust = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (!o.lib) o.lib = a;
            else data[o.n_data++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            for (i++; i < argc; i++) {
                if (!o.lib) o.lib = argv[i];
                else data[o.n_data++] = argv[i];
            }
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (usage_cmd(cmd, stdout)) usage(stdout);
            free(data);
            return 0;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) o.verbose = 1;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) rt_set_quiet(1);
        else if (!strcmp(a, "--allow-unsigned")) allow_unsigned = 1;
        else if (opt_value(argc, argv, &i, "--trust", &trust)) {}
        else if (!strcmp(a, "--strict")) o.strict = 1;
        else if (!strcmp(a, "--allow-unknown-holidays")) o.allow_unknown_holidays = 1;
        else if (opt_value(argc, argv, &i, "--units", &o.units)) {}
        else if (opt_value(argc, argv, &i, "--form", &o.form)) {}
        else if (opt_value(argc, argv, &i, "--rules", &o.rules)) {}
        else if (opt_value(argc, argv, &i, "-o", &o.output)) {}
        else if (opt_value(argc, argv, &i, "--output", &o.output)) {}
        else if (opt_value(argc, argv, &i, "--errors", &o.errors)) {}
        else if (opt_value(argc, argv, &i, "--to", &o.to)) {}
        else if (opt_value(argc, argv, &i, "--period", &o.period)) {}
        else if (opt_value(argc, argv, &i, "--rollup", &o.rollup)) {}
        else if (opt_value(argc, argv, &i, "--holidays", &o.holidays)) {}
        else if (opt_value(argc, argv, &i, "--as-of", &o.as_of)) {}
        else if (opt_value(argc, argv, &i, "--rebase-date", &o.rebase_date)) {}
        else if (opt_value(argc, argv, &i, "--rebase", &o.rebase)) {}
        else if (opt_value(argc, argv, &i, "--apportion", &o.apportion)) {}
        else if (opt_value(argc, argv, &i, "--left-out", &o.left_out)) {}
        else if (opt_value(argc, argv, &i, "--lang", &v)) {
            if (rt_lang_parse(v, &lang)) {
                fprintf(stderr, TR("regrt: --lang %s: use vi or en\n", "regrt: --lang %s: dùng vi hoặc en\n"), v);
                free(data);
                return 2;
            }
        } else if (opt_value(argc, argv, &i, "--format", &v)) {
            if (!strcmp(v, "text")) o.format = RT_FMT_TEXT;
            else if (!strcmp(v, "csv")) o.format = RT_FMT_CSV;
            else if (!strcmp(v, "json")) o.format = RT_FMT_JSON;
            else {
                fprintf(stderr, TR("regrt: --format %s: use text, csv or json\n",
                                   "regrt: --format %s: dùng text, csv hoặc json\n"), v);
                free(data);
                return 2;
            }
        } else if (opt_value(argc, argv, &i, "--layout", &v)) {
            if (!strcmp(v, "compact")) o.layout_full = 0;
            else if (!strcmp(v, "full")) o.layout_full = 1;
            else {
                fprintf(stderr, TR("regrt: --layout %s: use compact or full\n",
                                   "regrt: --layout %s: dùng compact hoặc full\n"), v);
                free(data);
                return 2;
            }
        } else if (opt_value(argc, argv, &i, "--results", &v)) {
            if (!strcmp(v, "invalid")) o.results = RT_RESULTS_INVALID;
            else if (!strcmp(v, "all")) o.results = RT_RESULTS_ALL;
            else {
                fprintf(stderr, TR("regrt: --results %s: use invalid or all\n",
                                   "regrt: --results %s: dùng invalid hoặc all\n"), v);
                free(data);
                return 2;
            }
        } else if (opt_value(argc, argv, &i, "--year", &v)) {
            if (parse_int(v, &o.year)) {
                fprintf(stderr, TR("regrt: --year %s: give a year such as 2025\n",
                                   "regrt: --year %s: hãy cho một năm, ví dụ 2025\n"), v);
                free(data);
                return 2;
            }
            year_set = 1;
        } else if (opt_value(argc, argv, &i, "--threads", &v) || opt_value(argc, argv, &i, "-j", &v)) {
            if (parse_int(v, &o.threads) || o.threads < 1) {
                fprintf(stderr, TR("regrt: --threads %s: give a number of threads >= 1\n",
                                   "regrt: --threads %s: hãy cho số luồng >= 1\n"), v);
                free(data);
                return 2;
            }
        } else {
            fprintf(stderr, TR("regrt: unknown option '%s'\nTry 'regrt --help'.\n",
                               "regrt: tùy chọn không hợp lệ '%s'\nXem 'regrt --help'.\n"), a);
            free(data);
            return 2;
        }
    }
    o.data = data;
    const char *need = NULL;
    if (!o.lib) need = TR("the compiled regime LIB", "chế độ báo cáo đã biên dịch LIB");
    else if (run == rt_cmd_info) {}
    else if (run == rt_cmd_calendar ? !year_set : o.n_data == 0)
        need = run == rt_cmd_calendar ? "--year Y" : TR("at least one DATA file", "ít nhất một tệp DỮ_LIỆU");
    if (need) {
        fprintf(stderr, TR("regrt %s: missing %s\nTry 'regrt --help'.\n", "regrt %s: thiếu %s\nXem 'regrt --help'.\n"),
                cmd, need);
        free(data);
        return 2;
    }
    rt_trust_configure(trust, allow_unsigned);
    rt_error err;
    memset(&err, 0, sizeof err);
    int rc = run(&o, &err);
    if (err.msg[0] && rc == 2) fprintf(stderr, "regrt: %s\n", err.msg);
    free(data);
    return rc;
}

/* Output that did not arrive is a failure, whatever the command said:
 * what went through stdio (help, text reports) is checked here; what went
 * through rt_out is checked by rt_out_close in the command. */
int main(int argc, char **argv)
{
    int rc = run_main(argc, argv);
    rt_error err;
    memset(&err, 0, sizeof err);
    if (rt_stdout_close(&err)) {
        fprintf(stderr, "regrt: %s\n", err.msg);
        return 2;
    }
    return rc;
}
