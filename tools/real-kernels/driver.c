/*
 * The real-kernel driver: loads seccomp programs compiled by `seccompc`,
 * makes the syscalls a cases file lists under them, and prints what the
 * kernel did, one line per case. The host (`real-kernels check`) compares
 * each line with what the compiler's reference evaluator expects.
 *
 * Built static for every architecture (gcc -static, Debian's cross
 * compilers), so the same file runs as /init of a qemu guest booted on
 * Debian's kernel for that architecture, or directly on the host (x86_64,
 * and x86 through the host kernel's i386 ABI).
 *
 *   driver CASES [NEXT-DRIVER NEXT-CASES]
 *
 * As /init (pid 1, no arguments) it reads /cases, then runs /compat-driver
 * on /compat.cases if the initramfs has them (a second ABI of the same
 * kernel: arm on aarch64, s390 31-bit on s390x), then powers the machine
 * off.
 *
 * A cases line: ID PROGRAM NR A0 A1 A2 A3 A4 A5 (numbers in hex), PROGRAM
 * a file of raw `struct sock_filter` records in the machine's byte order.
 *
 * Each case is made twice: unfiltered (the baseline: what the call really
 * returns here), then under PROGRAM. Each time a fresh worker thread makes
 * the call; under PROGRAM it first installs the filter on itself alone
 * (no TSYNC), so the other threads stay unfiltered. The worker's thread
 * group is a forked child of the driver, the batch, which runs case after
 * case until one kills it (SECCOMP_RET_KILL_PROCESS, or a worker that
 * cannot end otherwise); the driver then forks a new batch at the next
 * case. Between cases the batch's main thread puts back what a call may
 * have changed (no descriptor open, umask 022). Results travel through
 * memory shared with the driver, never through syscalls a filter decides
 * on. Under TCG a fork costs tens of milliseconds, a thread far less.
 *
 * Output, one line per case:
 *
 *   realk ID OBSERVATION | BASELINE
 *
 * where an observation is one of
 *   ret HEX            the call returned this value
 *   errno N            the call failed with errno N
 *   trap NR ARCH DATA  SIGSYS from SECCOMP_RET_TRAP (si_syscall, si_arch in
 *                      hex, si_errno = SECCOMP_RET_DATA)
 *   kill_thread        the worker died, its thread group lived on
 *   kill_process       the thread group died of SIGSYS
 *   signal N / hung / install-failed N / error TEXT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A call that has not returned after this long counts as hung. */
#define CALL_SECONDS 20
#define MAX_CASES 4096
#define MAX_PROGRAMS 64
#define MAX_LINE 512
#define ID_SIZE 48
#define PATH_SIZE 128
#define OBS_SIZE 96

enum state { PENDING, DONE, TRAPPED, INSTALL_FAILED, VANISHED, DIED, NO_PROGRAM };

/* One making of one call, filled in by the worker or the batch, read by
 * the driver; lives in memory shared with every batch. */
struct record {
    int state;
    long ret;
    int err;
    unsigned trap_nr, trap_arch, trap_data, trap_code;
    int status; /* DIED: the batch's wait status */
};

struct program {
    char path[PATH_SIZE];
    struct sock_filter *filter;
    unsigned short len;
};

struct call {
    char id[ID_SIZE];
    const struct program *program;
    unsigned long nr;
    unsigned long args[6];
    char error[OBS_SIZE]; /* a line that could not be run: why */
};

/* Shared with the batches: the records, two per case (baseline, filtered),
 * and the number of the making in flight. */
struct shared {
    int current;
    struct record records[2 * MAX_CASES];
};

static struct shared *shared;
static struct call calls[MAX_CASES];
static int call_count;
static struct program programs[MAX_PROGRAMS];
static int program_count;

/* The worker's record: set by the batch before the worker starts. */
static struct record *rec;
static const struct call *job;
static int job_filtered;

static void publish(struct record *r, int state)
{
    __atomic_store_n(&r->state, state, __ATOMIC_RELEASE);
}

static int state_of(struct record *r)
{
    return __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
}

/* The worker's end. `exit` is itself a syscall the filter decides on:
 * when it does not end the thread, ending the whole batch is the only
 * way left (the driver forks a new one; the result is already recorded). */
static void vanish(void)
{
    syscall(SYS_exit, 0);
    __builtin_trap();
}

static void on_sigsys(int sig, siginfo_t *si, void *context)
{
    (void)sig;
    (void)context;
    /* A trapped `exit` after the call must not overwrite its result. */
    if (state_of(rec) == PENDING) {
        rec->trap_nr = (unsigned)si->si_syscall;
        rec->trap_arch = si->si_arch;
        rec->trap_data = (unsigned)si->si_errno;
        rec->trap_code = (unsigned)si->si_code;
        publish(rec, TRAPPED);
    }
    vanish();
}

static void *worker(void *unused)
{
    (void)unused;
    if (job_filtered) {
        struct sock_fprog prog = {
            .len = job->program->len,
            .filter = job->program->filter,
        };
        /* Root in the guests needs no NO_NEW_PRIVS; the host run may not
         * be root. */
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
            rec->err = errno;
            publish(rec, INSTALL_FAILED);
            vanish();
        }
    }
    errno = 0;
    long ret = syscall((long)job->nr, job->args[0], job->args[1], job->args[2],
                       job->args[3], job->args[4], job->args[5]);
    rec->err = ret == -1 ? errno : 0;
    rec->ret = ret;
    publish(rec, DONE);
    vanish();
    return NULL;
}

/* What a call may have changed, put back: the calls' descriptor arguments
 * then name nothing, so every descriptor call fails with EBADF before it
 * looks at its buffers, and umask returns the same old value every time. */
static void fresh_state(void)
{
    if (syscall(SYS_close_range, 0, ~0U, 0) != 0)
        for (int fd = 0; fd < 1024; fd++)
            close(fd);
    umask(022);
}

/* Making number `making` (case making / 2, filtered if odd), in a worker
 * thread of this batch. */
static void make(int making)
{
    rec = &shared->records[making];
    job = &calls[making / 2];
    job_filtered = making % 2;
    memset(rec, 0, sizeof *rec);
    if (job->error[0] || (job_filtered && !job->program)) {
        publish(rec, NO_PROGRAM);
        return;
    }
    fresh_state();
    alarm(CALL_SECONDS);
    pthread_t thread;
    if (pthread_create(&thread, NULL, worker, NULL) != 0)
        _exit(125);
    pthread_join(thread, NULL);
    if (state_of(rec) == PENDING)
        publish(rec, VANISHED);
}

static void batch(int first)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    /* A killed batch must not spend time writing a core dump. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    for (int m = first; m < 2 * call_count; m++) {
        __atomic_store_n(&shared->current, m, __ATOMIC_RELEASE);
        make(m);
    }
    _exit(0);
}

static void describe(const struct record *r, char *out, size_t size)
{
    switch (r->state) {
    case TRAPPED:
        if (r->trap_code != 1 /* SYS_SECCOMP */)
            snprintf(out, size, "error sigsys-code-%u", r->trap_code);
        else
            snprintf(out, size, "trap %x %x %u", r->trap_nr, r->trap_arch, r->trap_data);
        return;
    case DONE:
        if (r->ret == -1)
            snprintf(out, size, "errno %d", r->err);
        else
            snprintf(out, size, "ret %lx", (unsigned long)r->ret);
        return;
    case INSTALL_FAILED:
        snprintf(out, size, "install-failed %d", r->err);
        return;
    case VANISHED:
        snprintf(out, size, "kill_thread");
        return;
    case DIED:
        if (WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGSYS)
            snprintf(out, size, "kill_process");
        else if (WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGALRM)
            snprintf(out, size, "hung");
        else if (WIFSIGNALED(r->status))
            snprintf(out, size, "signal %d", WTERMSIG(r->status));
        else
            snprintf(out, size, "error batch-exit-%d", WEXITSTATUS(r->status));
        return;
    }
    snprintf(out, size, "error no-result");
}

static void print_case(int i)
{
    char obs[OBS_SIZE], base[OBS_SIZE];
    if (calls[i].error[0]) {
        printf("realk %s %s | -\n", calls[i].id, calls[i].error);
        return;
    }
    describe(&shared->records[2 * i], base, sizeof base);
    describe(&shared->records[2 * i + 1], obs, sizeof obs);
    printf("realk %s %s | %s\n", calls[i].id, obs, base);
}

/* Runs every making, forking a batch again after each one that dies. */
static void run_batches(void)
{
    int next = 0, printed = 0;
    while (next < 2 * call_count) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            printf("realk error fork-%d\n", errno);
            return;
        }
        if (pid == 0)
            batch(next);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        int current = __atomic_load_n(&shared->current, __ATOMIC_ACQUIRE);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            next = 2 * call_count;
        } else {
            /* The batch died during making `current`; a result it had
             * already recorded stands. */
            struct record *r = &shared->records[current];
            if (state_of(r) == PENDING) {
                r->status = status;
                publish(r, DIED);
            }
            next = current + 1;
        }
        for (; printed < next / 2; printed++)
            print_case(printed);
    }
}

static const struct program *load_program(const char *path, char *why, size_t size)
{
    for (int i = 0; i < program_count; i++)
        if (strcmp(programs[i].path, path) == 0)
            return &programs[i];
    if (program_count == MAX_PROGRAMS) {
        snprintf(why, size, "error too-many-programs");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, size, "error open-program-%d", errno);
        return NULL;
    }
    static struct sock_filter buffer[BPF_MAXINSNS + 1];
    size_t n = fread(buffer, sizeof buffer[0], BPF_MAXINSNS + 1, f);
    fclose(f);
    if (n == 0 || n > BPF_MAXINSNS) {
        snprintf(why, size, "error program-length-%zu", n);
        return NULL;
    }
    struct program *p = &programs[program_count];
    p->filter = malloc(n * sizeof buffer[0]);
    if (!p->filter) {
        snprintf(why, size, "error malloc");
        return NULL;
    }
    program_count++;
    snprintf(p->path, sizeof p->path, "%s", path);
    p->len = (unsigned short)n;
    memcpy(p->filter, buffer, n * sizeof buffer[0]);
    return p;
}

/* Parses "ID PROGRAM NR A0..A5" into `c`; returns 0 for a line to skip. */
static int parse_case(const char *line, struct call *c)
{
    unsigned long long v[7];
    char path[PATH_SIZE];
    char fmt[96];
    memset(c, 0, sizeof *c);
    snprintf(fmt, sizeof fmt, "%%%ds %%%ds %%llx %%llx %%llx %%llx %%llx %%llx %%llx",
             ID_SIZE - 1, PATH_SIZE - 1);
    int n = sscanf(line, fmt, c->id, path, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
    if (n < 1)
        return 0;
    if (n != 9) {
        snprintf(c->error, sizeof c->error, "error malformed-line");
        return 1;
    }
    for (int i = 0; i < 7; i++) {
        if (v[i] != (unsigned long)v[i]) {
            snprintf(c->error, sizeof c->error, "error value-wider-than-a-register");
            return 1;
        }
    }
    c->nr = (unsigned long)v[0];
    for (int i = 0; i < 6; i++)
        c->args[i] = (unsigned long)v[i + 1];
    c->program = load_program(path, c->error, sizeof c->error);
    return 1;
}

static int read_cases(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        printf("realk error cannot-open-%s-%d\n", file, errno);
        return -1;
    }
    char line[MAX_LINE];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if (call_count == MAX_CASES) {
            printf("realk error more-than-%d-cases\n", MAX_CASES);
            break;
        }
        call_count += parse_case(line, &calls[call_count]);
    }
    fclose(f);
    return 0;
}

static void run_next(const char *driver, const char *cases)
{
    if (access(driver, X_OK) != 0)
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl(driver, driver, cases, (char *)NULL);
        printf("realk error exec-%s-%d\n", driver, errno);
        _exit(127);
    }
    int status;
    if (pid > 0)
        waitpid(pid, &status, 0);
}

static int run(const char *cases)
{
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        printf("realk error mmap-%d\n", errno);
        return 1;
    }
    if (read_cases(cases) != 0)
        return 1;
    run_batches();
    printf("realk ran %d %s\n", call_count, cases);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2) {
        int failed = run(argv[1]);
        if (argc >= 4)
            run_next(argv[2], argv[3]);
        return failed;
    }
    /* pid 1 of a guest; the console may be mid-line */
    printf("\nrealk booted\n");
    run("/cases");
    run_next("/compat-driver", "/compat.cases");
    printf("realk end\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}
