/*
 * Preloaded into nsjail by tests/tests/import_vs_nsjail.rs: when nsjail
 * installs its seccomp filter in the jailed child (sandbox.cc
 * prepareAndCommit: prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), or
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog) through syscall() with
 * seccomp_log), this prints the program to standard output, one line
 * `BPF flags code:jt:jf:k ...` in hex, and ends the child instead of
 * installing it. Nothing runs under the filter.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void dump(unsigned long flags, const struct sock_fprog *prog) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "BPF %lx", flags);
  write(1, buf, n);
  for (unsigned i = 0; i < prog->len; i++) {
    const struct sock_filter *x = &prog->filter[i];
    n = snprintf(buf, sizeof buf, " %x:%x:%x:%x", x->code, x->jt, x->jf, x->k);
    write(1, buf, n);
  }
  write(1, "\n", 1);
  _exit(0);
}

int prctl(int option, ...) {
  va_list ap;
  va_start(ap, option);
  unsigned long a2 = va_arg(ap, unsigned long);
  unsigned long a3 = va_arg(ap, unsigned long);
  unsigned long a4 = va_arg(ap, unsigned long);
  unsigned long a5 = va_arg(ap, unsigned long);
  va_end(ap);
  if (option == PR_SET_SECCOMP && a2 == SECCOMP_MODE_FILTER) {
    dump(0, (const struct sock_fprog *)a3);
  }
  int (*next)(int, ...) = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
  return next(option, a2, a3, a4, a5);
}

long syscall(long number, ...) {
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (int i = 0; i < 6; i++) {
    a[i] = va_arg(ap, long);
  }
  va_end(ap);
  if (number == SYS_seccomp && a[0] == SECCOMP_SET_MODE_FILTER) {
    dump((unsigned long)a[1], (const struct sock_fprog *)a[2]);
  }
  long (*next)(long, ...) = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
  return next(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
