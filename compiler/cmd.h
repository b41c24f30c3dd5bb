/* Subcommands of regc; each returns the process exit status
 * (0 ok, 1 findings or failures, 2 usage or input error). */
#ifndef CMD_H
#define CMD_H

int cmd_check(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);

#endif
