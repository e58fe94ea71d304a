/* test_uds.c: safe socket creation in a directory of ours, and the lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "rundir.h"
#include "uds.h"

struct fixture {
	char dir[64];
	char path[96];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_uds.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s.sock", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static mode_t file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* The file gets its mode at creation, whatever the process umask. */
static void test_mode_from_creation(void **state)
{
	struct fixture *f = *state;
	mode_t old = umask(0);
	struct stat st;
	int fd = uds_bind(SOCK_DGRAM, f->path, 0600, (gid_t)-1, &st);

	umask(old);
	assert_true(fd >= 0);
	assert_int_equal(file_mode(f->path), 0600);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(umask(old), old); /* umask restored */
	close(fd);
	unlink(f->path);
	fd = uds_bind(SOCK_STREAM, f->path, 0660, getegid(), NULL);
	assert_true(fd >= 0);
	assert_int_equal(file_mode(f->path), 0660);
	close(fd);
}

/* A directory that others can write, or another user owns, is refused and
 * nothing is created in it. */
static void test_unsafe_directory(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(chmod(f->dir, 0777), 0);
	assert_int_equal(uds_bind(SOCK_DGRAM, f->path, 0600, (gid_t)-1, NULL),
			 -EPERM);
	assert_int_equal(chmod(f->dir, 0770), 0);
	assert_int_equal(uds_bind(SOCK_DGRAM, f->path, 0600, (gid_t)-1, NULL),
			 -EPERM);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(chmod(f->dir, 0700), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(f->dir, 65534, (gid_t)-1), 0);
		assert_int_equal(uds_bind(SOCK_DGRAM, f->path, 0600,
					  (gid_t)-1, NULL), -EPERM);
		assert_int_equal(chown(f->dir, 0, (gid_t)-1), 0);
	}
	assert_int_equal(access(f->path, F_OK), -1);
}

/* A stale socket is replaced, a live one and any other file are not. */
static void test_stale_live_other(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat before, after;
	int live, fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	/* stale: bound, then closed */
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(uds_in_use(f->path), 0);
	fd = uds_bind(SOCK_STREAM, f->path, 0600, (gid_t)-1, NULL);
	assert_true(fd >= 0);
	close(fd);
	unlink(f->path);
	/* live, of either kind */
	for (int type = SOCK_STREAM; type <= SOCK_DGRAM; type++) {
		live = socket(AF_UNIX, type, 0);
		assert_int_equal(bind(live, (struct sockaddr *)&sa, sizeof(sa)), 0);
		if (type == SOCK_STREAM)
			assert_int_equal(listen(live, 1), 0);
		assert_int_equal(uds_in_use(f->path), 1);
		assert_int_equal(lstat(f->path, &before), 0);
		assert_int_equal(uds_bind(SOCK_DGRAM, f->path, 0600,
					  (gid_t)-1, NULL), -EADDRINUSE);
		assert_int_equal(uds_unlink_stale(f->path), -EADDRINUSE);
		assert_int_equal(lstat(f->path, &after), 0);
		assert_int_equal(before.st_ino, after.st_ino);
		close(live);
		unlink(f->path);
	}
	/* not a socket */
	fd = creat(f->path, 0600);
	close(fd);
	assert_int_equal(uds_bind(SOCK_DGRAM, f->path, 0600, (gid_t)-1, NULL),
			 -EEXIST);
	assert_int_equal(access(f->path, F_OK), 0);
	unlink(f->path);
	/* a symlink is not followed, whatever it points at */
	assert_int_equal(symlink("/etc/passwd", f->path), 0);
	assert_int_equal(uds_bind(SOCK_DGRAM, f->path, 0666, (gid_t)-1, NULL),
			 -EEXIST);
	unlink(f->path);
	assert_int_equal(uds_in_use(f->path), -ENOENT);
}

/* Only our own file is removed, not a successor's at the same path. */
static void test_unlink_own(void **state)
{
	struct fixture *f = *state;
	struct stat mine, theirs;
	int a, b;

	a = uds_bind(SOCK_DGRAM, f->path, 0600, (gid_t)-1, &mine);
	assert_true(a >= 0);
	close(a); /* now stale */
	b = uds_bind(SOCK_DGRAM, f->path, 0600, (gid_t)-1, &theirs);
	assert_true(b >= 0);
	uds_unlink_own(f->path, &mine);
	assert_int_equal(access(f->path, F_OK), 0);
	uds_unlink_own(f->path, &theirs);
	assert_int_equal(access(f->path, F_OK), -1);
	close(b);
}

static void test_rundir(void **state)
{
	struct fixture *f = *state;
	char run[96], err[256], link[96];
	pid_t holder = 0;
	int fd1 = -1, fd2 = -1;

	snprintf(run, sizeof(run), "%s/run", f->dir);
	assert_int_equal(rundir_prepare(run, err, sizeof(err)), 0);
	assert_int_equal(file_mode(run), 0755);
	assert_int_equal(rundir_prepare(run, err, sizeof(err)), 0);
	/* the PID written is the one given: under --privsep the parent's */
	assert_int_equal(rundir_lock(run, 4242, &fd1, &holder), 0);
	/* a second lock from another open file description is refused and
	 * names the holder */
	assert_int_equal(rundir_lock(run, getpid(), &fd2, &holder), -EBUSY);
	assert_int_equal(holder, 4242);
	close(fd1);
	assert_int_equal(rundir_lock(run, getpid(), &fd2, &holder), 0);
	close(fd2);
	/* writable by others, or a symlink: refused with the reason */
	assert_int_equal(chmod(run, 0777), 0);
	assert_int_equal(rundir_prepare(run, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "writable by no one else"));
	assert_int_equal(chmod(run, 0755), 0);
	snprintf(link, sizeof(link), "%s/link", f->dir);
	assert_int_equal(symlink(run, link), 0);
	assert_int_equal(rundir_prepare(link, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "not a directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mode_from_creation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_live_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlink_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rundir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
