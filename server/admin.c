/*
 * admin.c — `regrt serve-admin`: accounts of the reporting server, from the
 * command line of the machine that holds the store.
 *
 * Passwords are read from the standard input (first line), never from the
 * command line (which other users see in ps). Every change is written to the
 * audit log as account "serve-admin".
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "srv.h"

static void usage(FILE *f)
{
    fputs(TR("Usage: regrt serve-admin [--store URL] COMMAND ...\n"
             "\n"
             "  add NAME --role reporter|supervisor|admin --unit CODE [--rate N] [--cost C]\n"
             "                      an account; the password is the first line of stdin.\n"
             "                      reporter: submits for unit CODE only; supervisor: sees\n"
             "                      CODE's subtree (--unit '' = everything); admin: everything\n"
             "  import FILE.csv [--cost C]  accounts from name,role,unit,password[,rate] (header)\n"
             "  passwd NAME         a new password (stdin)\n"
             "  disable NAME | enable NAME\n"
             "  list                the accounts\n"
             "  audit [--limit N]   the latest writes\n"
             "\n"
             "--store as for 'regrt serve' (default serve.db). --rate: requests per minute\n"
             "(default 60, 0 = no limit). --cost: standard (default: Argon2id, 19 MiB, 2 passes),\n"
             "interactive (64 MiB), moderate (256 MiB), or min (tests and load runs only).\n",
             "Cách dùng: regrt serve-admin [--store URL] LỆNH ...\n"
             "\n"
             "  add TÊN --role reporter|supervisor|admin --unit MÃ [--rate N] [--cost C]\n"
             "                      thêm tài khoản; mật khẩu là dòng đầu của stdin.\n"
             "  import TỆP.csv [--cost C]  tài khoản từ name,role,unit,password[,rate] (có tiêu đề)\n"
             "  passwd TÊN          mật khẩu mới (stdin)\n"
             "  disable TÊN | enable TÊN\n"
             "  list                danh sách tài khoản\n"
             "  audit [--limit N]   các thao tác ghi gần nhất\n"),
          f);
}

static int read_password(char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, stdin)) return -1;
    buf[strcspn(buf, "\r\n")] = 0;
    return buf[0] ? 0 : -1;
}

static int parse_cost(const char *v, int *cost)
{
    if (!strcmp(v, "standard")) *cost = 0;
    else if (!strcmp(v, "interactive")) *cost = 1;
    else if (!strcmp(v, "moderate")) *cost = 2;
    else if (!strcmp(v, "min")) *cost = -1;
    else return -1;
    return 0;
}

static int add_account(srv *s, const char *name, const char *role, const char *unit, const char *pw, int rate,
                       int cost, int replace, rt_error *err)
{
    srv_role r;
    if (!*name || strlen(name) >= 64 || strlen(unit) >= 64) {
        rt_err(err, 2, TR("account name and unit must be 1 to 63 bytes", "tên tài khoản và mã đơn vị phải dài 1 đến 63 byte"));
        return -1;
    }
    if (srv_role_parse(role, &r)) {
        rt_err(err, 2, TR("role '%s': use reporter, supervisor or admin", "vai trò '%s': dùng reporter, supervisor hoặc admin"), role);
        return -1;
    }
    char hash[128];
    if (srv_hash_password(pw, cost, hash)) {
        rt_err(err, 2, TR("cannot hash the password (out of memory)", "không băm được mật khẩu (hết bộ nhớ)"));
        return -1;
    }
    char at[32], rs[24];
    srv_now(at);
    snprintf(rs, sizeof rs, "%d", rate);
    srv_param p[6] = {{name, (size_t)-1, 0}, {hash, (size_t)-1, 0}, {role, (size_t)-1, 0},
                      {unit, (size_t)-1, 0}, {rs, (size_t)-1, 0},   {at, (size_t)-1, 0}};
    srv_rows rows;
    if (srv_db_exec(s->db, "SELECT name FROM account WHERE name = $1", p, 1, &rows, err)) return -1;
    int exists = rows.n_rows > 0;
    srv_rows_free(&rows);
    if (exists && !replace) {
        rt_err(err, 1, TR("account '%s' exists already (use passwd to change its password)",
                          "tài khoản '%s' đã có (dùng passwd để đổi mật khẩu)"),
               name);
        return -1;
    }
    if (exists) {
        if (srv_db_exec(s->db, "UPDATE account SET hash = $2, role = $3, unit = $4, rate = $5 WHERE name = $1", p, 5,
                        NULL, err))
            return -1;
    } else if (srv_db_exec(s->db,
                           "INSERT INTO account (name, hash, role, unit, rate, disabled, created) VALUES ($1, $2, $3, "
                           "$4, $5, 0, $6)",
                           p, 6, NULL, err)) {
        return -1;
    }
    char d[200];
    snprintf(d, sizeof d, "%s account %s role %s unit %s rate %d", exists ? "replaced" : "added", name, role, unit, rate);
    return srv_audit(s, "serve-admin", "account", d, err);
}

int srv_admin_main(int argc, char **argv)
{
    const char *store = "serve.db", *role = NULL, *unit = NULL, *limit = "50";
    int rate = 60, cost = 0;
    const char *pos[4] = {0};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--lang")) {
            i++;
            continue;
        }
        if (a[0] == '-' && a[1] == '-' && !v) {
            fprintf(stderr, TR("regrt serve-admin: option %s needs a value\n", "regrt serve-admin: tùy chọn %s cần một giá trị\n"), a);
            return 2;
        }
        if (!strcmp(a, "--store")) store = v, i++;
        else if (!strcmp(a, "--role")) role = v, i++;
        else if (!strcmp(a, "--unit")) unit = v, i++;
        else if (!strcmp(a, "--limit")) limit = v, i++;
        else if (!strcmp(a, "--rate")) rate = atoi(v), i++;
        else if (!strcmp(a, "--cost")) {
            if (parse_cost(v, &cost)) {
                fprintf(stderr, TR("regrt serve-admin: --cost %s: use standard, interactive, moderate or min\n",
                                   "regrt serve-admin: --cost %s: dùng standard, interactive, moderate hoặc min\n"), v);
                return 2;
            }
            i++;
        } else if (a[0] == '-') {
            fprintf(stderr, TR("regrt serve-admin: unknown option '%s'\n", "regrt serve-admin: tùy chọn không hợp lệ '%s'\n"), a);
            return 2;
        } else if (npos < 4) {
            pos[npos++] = a;
        }
    }
    if (!npos) {
        usage(stderr);
        return 2;
    }
    if (sodium_init() < 0) return 2;
    srv s;
    memset(&s, 0, sizeof s);
    rt_error err;
    memset(&err, 0, sizeof err);
    s.db = srv_db_open(store, &err);
    if (!s.db || srv_schema(s.db, &err)) {
        fprintf(stderr, "regrt serve-admin: %s\n", err.msg);
        srv_db_close(s.db);
        return 2;
    }
    int rc = 0;
    const char *cmd = pos[0];
    char pw[512];
    if (!strcmp(cmd, "add") && npos == 2) {
        if (!role || !unit) {
            fprintf(stderr, TR("regrt serve-admin add: give --role and --unit\n", "regrt serve-admin add: hãy cho --role và --unit\n"));
            rc = 2;
        } else if (read_password(pw, sizeof pw)) {
            fprintf(stderr, TR("regrt serve-admin add: give the password on the first line of stdin\n",
                               "regrt serve-admin add: hãy nhập mật khẩu ở dòng đầu của stdin\n"));
            rc = 2;
        } else if (add_account(&s, pos[1], role, unit, pw, rate, cost, 0, &err)) {
            rc = err.status ? err.status : 2;
        }
    } else if (!strcmp(cmd, "import") && npos == 2) {
        rt_csv *c = rt_csv_open(pos[1], &err);
        if (!c) rc = 2;
        int n = 0;
        if (c && srv_db_begin(s.db, &err) == 0) {
            int r;
            while ((r = rt_csv_next(c, &err)) == 1) {
                if (rt_csv_line(c) == 1) continue; /* header */
                uint32_t l;
                const char *rs = rt_csv_field(c, 4, &l);
                if (add_account(&s, rt_csv_field(c, 0, &l), rt_csv_field(c, 1, &l), rt_csv_field(c, 2, &l),
                                rt_csv_field(c, 3, &l), l ? atoi(rs) : rate, cost, 1, &err)) {
                    char m[sizeof err.msg];
                    memcpy(m, err.msg, sizeof m);
                    rt_err(&err, 2, "%s:%llu: %.1800s", pos[1], (unsigned long long)rt_csv_line(c), m);
                    r = -1;
                    break;
                }
                n++;
            }
            if (r < 0 || srv_db_commit(s.db, &err)) {
                srv_db_rollback(s.db);
                rc = 2;
            } else {
                printf(TR("%d account(s) imported\n", "đã nhập %d tài khoản\n"), n);
            }
        }
        rt_csv_close(c);
    } else if (!strcmp(cmd, "passwd") && npos == 2) {
        srv_rows rows;
        srv_param p[1] = {{pos[1], (size_t)-1, 0}};
        if (srv_db_exec(s.db, "SELECT role, unit, rate FROM account WHERE name = $1", p, 1, &rows, &err)) rc = 2;
        else if (!rows.n_rows) {
            rt_err(&err, 1, TR("no account '%s'", "không có tài khoản '%s'"), pos[1]);
            rc = 1;
        } else if (read_password(pw, sizeof pw)) {
            rt_err(&err, 2, TR("give the password on the first line of stdin", "hãy nhập mật khẩu ở dòng đầu của stdin"));
            rc = 2;
        } else if (add_account(&s, pos[1], srv_cell(&rows, 0, 0), srv_cell(&rows, 0, 1), pw,
                               atoi(srv_cell(&rows, 0, 2)), cost, 1, &err)) {
            rc = 2;
        }
        if (!rc || rows.n_rows) srv_rows_free(&rows);
    } else if ((!strcmp(cmd, "disable") || !strcmp(cmd, "enable")) && npos == 2) {
        srv_param p[2] = {{pos[1], (size_t)-1, 0}, {!strcmp(cmd, "disable") ? "1" : "0", 1, 0}};
        srv_rows rows;
        if (srv_db_exec(s.db, "SELECT name FROM account WHERE name = $1", p, 1, &rows, &err)) rc = 2;
        else {
            if (!rows.n_rows) {
                rt_err(&err, 1, TR("no account '%s'", "không có tài khoản '%s'"), pos[1]);
                rc = 1;
            } else if (srv_db_exec(s.db, "UPDATE account SET disabled = $2 WHERE name = $1", p, 2, NULL, &err) ||
                       srv_audit(&s, "serve-admin", "account", cmd, &err)) {
                rc = 2;
            }
            srv_rows_free(&rows);
        }
    } else if (!strcmp(cmd, "list") && npos == 1) {
        srv_rows rows;
        if (srv_db_exec(s.db, "SELECT name, role, unit, rate, disabled FROM account ORDER BY name", NULL, 0, &rows, &err))
            rc = 2;
        else {
            printf("name,role,unit,rate,disabled\n");
            for (uint32_t i = 0; i < rows.n_rows; i++)
                printf("%s,%s,%s,%s,%s\n", srv_cell(&rows, i, 0), srv_cell(&rows, i, 1), srv_cell(&rows, i, 2),
                       srv_cell(&rows, i, 3), srv_cell(&rows, i, 4));
            srv_rows_free(&rows);
        }
    } else if (!strcmp(cmd, "audit") && npos == 1) {
        srv_rows rows;
        srv_param p[1] = {{limit, (size_t)-1, 0}};
        if (srv_db_exec(s.db, "SELECT seq, at, account, action, detail FROM audit ORDER BY seq DESC LIMIT $1", p, 1,
                        &rows, &err))
            rc = 2;
        else {
            for (uint32_t i = rows.n_rows; i-- > 0;)
                printf("%s %s %s %s %s\n", srv_cell(&rows, i, 0), srv_cell(&rows, i, 1), srv_cell(&rows, i, 2),
                       srv_cell(&rows, i, 3), srv_cell(&rows, i, 4));
            srv_rows_free(&rows);
        }
    } else {
        usage(stderr);
        rc = 2;
    }
    if (rc && err.msg[0]) fprintf(stderr, "regrt serve-admin: %s\n", err.msg);
    sodium_memzero(pw, sizeof pw);
    srv_db_close(s.db);
    return rc;
}
