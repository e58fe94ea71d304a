/* test_privsep_chan.c: messages and descriptors over the parent/worker
 * socketpair, and what the receiving end refuses. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "privsep_chan.h"

static uint8_t buf[PRIVSEP_MSG_MAX + 1];
static int sv[2];

static int setup(void **state)
{
	return privsep_pair(sv);
}

static int teardown(void **state)
{
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return 0;
}

/* Descriptors this process has open now. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Send the raw bytes of @m with @nfd copies of @fd, bypassing the checks
 * of privsep_send(). */
static void send_raw(const struct privsep_msg *m, int fd, int nfd)
{
	uint8_t out[PRIVSEP_MSG_MAX];
	char space[CMSG_SPACE(2 * sizeof(int))];
	int fds[2] = { fd, fd };
	int n = privsep_encode(m, out, sizeof(out));
	struct iovec iov = { .iov_base = out, .iov_len = (size_t)n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	assert_true(n > 0);
	if (nfd) {
		memset(space, 0, sizeof(space));
		mh.msg_control = space;
		mh.msg_controllen = CMSG_SPACE((size_t)nfd * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfd * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfd * sizeof(int));
	}
	assert_true(sendmsg(sv[1], &mh, 0) == n);
}

static void test_message_and_fd(void **state)
{
	struct privsep_msg m = { .type = PRIVSEP_OPEN_PHC, .seq = 3,
				 .source = 1 },
			   r;
	struct stat st;
	int fd, devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	assert_int_equal(privsep_send(sv[1], &m, -1), 0);
	assert_int_equal(privsep_recv(sv[0], buf, sizeof(buf), &r, &fd), 0);
	assert_int_equal(r.type, PRIVSEP_OPEN_PHC);
	assert_int_equal(r.source, 1);
	assert_int_equal(fd, -1);

	m = (struct privsep_msg){ .type = PRIVSEP_PHC, .seq = 3, .index = 0 };
	snprintf(m.path, sizeof(m.path), "/dev/ptp0");
	assert_int_equal(privsep_send(sv[1], &m, devnull), 0);
	assert_int_equal(privsep_recv(sv[0], buf, sizeof(buf), &r, &fd), 0);
	assert_true(fd >= 0 && fd != devnull);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_string_equal(r.path, "/dev/ptp0");
	close(fd);

	/* a descriptor on a type that carries none: refused by the sender */
	m = (struct privsep_msg){ .type = PRIVSEP_HELLO, .version = 1 };
	assert_int_equal(privsep_send(sv[1], &m, devnull), -EINVAL);
	close(devnull);
}

static void test_refused_fds_are_closed(void **state)
{
	struct privsep_msg m = { .type = PRIVSEP_HELLO, .version = 1 }, r;
	int fd, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int before = open_fds();

	send_raw(&m, devnull, 1);
	assert_int_equal(privsep_recv(sv[0], buf, sizeof(buf), &r, &fd),
			 -EBADMSG);
	assert_int_equal(fd, -1);
	assert_int_equal(open_fds(), before);

	m = (struct privsep_msg){ .type = PRIVSEP_OK };
	send_raw(&m, devnull, 2);
	assert_int_equal(privsep_recv(sv[0], buf, sizeof(buf), &r, &fd),
			 -EBADMSG);
	assert_int_equal(open_fds(), before);
	close(devnull);
}

static void test_garbage_big_and_closed(void **state)
{
	struct privsep_msg r;
	uint8_t junk[64];
	int fd;

	memset(junk, 0xa5, sizeof(junk));
	assert_int_equal(write(sv[1], junk, sizeof(junk)), (ssize_t)sizeof(junk));
	assert_int_equal(privsep_recv(sv[0], buf, sizeof(buf), &r, &fd),
			 -EBADMSG);
	/* larger than the receiver's buffer: cut, refused */
	assert_int_equal(write(sv[1], junk, sizeof(junk)), (ssize_t)sizeof(junk));
	assert_int_equal(privsep_recv(sv[0], buf, 33, &r, &fd), -EMSGSIZE);
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(privsep_recv(sv[0], buf, sizeof(buf), &r, &fd),
			 -ECONNRESET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_message_and_fd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_fds_are_closed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_big_and_closed,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
