/* test_opener.c: what the privileged parent opens for the worker, from its
 * own configuration only: the PHC of a source (resolved under the
 * configured roots, held across requests, anew each time), a socket
 * connected to a source's chronyd path, the /metrics listener, the client
 * socket of chronyd's command socket, the worker's ptp4l socket connected,
 * the control socket, a VMClock page, the metrics textfile, a PHC of the
 * host by number; what it refuses. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "opener.h"

static char dir[] = "/tmp/test_opener.XXXXXX";
static struct config cfg;
static struct opener op;

/* The fixture: <dir>/dev/ptp3, a regular file (as fakephc's are) whose
 * sysfs clock_name is "KVM virtual PTP"; <dir>/dev/ptp4, a FIFO; three
 * sources on them and on "sim"; their feeds at <dir>/feedN. */
static int setup(void **state)
{
	char path[512], text[2048], err[256];
	FILE *f;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "mkdir -p %s/dev %s/sys/class/ptp/ptp3",
		 dir, dir);
	if (system(path) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/dev/ptp3", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fclose(f);
	snprintf(path, sizeof(path), "%s/sys/class/ptp/ptp3/clock_name", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs("KVM virtual PTP\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/dev/ptp4", dir);
	if (mkfifo(path, 0600) < 0)
		return -1;
	snprintf(text, sizeof(text),
		 "[global]\ndev_root %s/dev\nsysfs_root %s/sys\n"
		 "[source A]\ndevice %s/dev/ptp3\nsock %s/feed0\n"
		 "[source B]\ndevice sim\nsock %s/feed1\n"
		 "[source C]\ndevice %s/dev/ptp4\nsock %s/feed2\n",
		 dir, dir, dir, dir, dir, dir, dir);
	if (config_parse(text, "test.conf", &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	opener_init(&op, &cfg);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	opener_close_all(&op);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The same file: device and inode. */
static bool same_file(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

static void test_phc_opened_and_held(void **state)
{
	struct privsep_msg ans;
	char want[512];
	int fd = -1, held;

	(void)state;
	assert_int_equal(opener_phc(&op, 0, &ans, &fd), 0);
	assert_true(fd >= 0);
	assert_int_equal(ans.type, PRIVSEP_PHC);
	snprintf(want, sizeof(want), "%s/dev/ptp3", dir);
	assert_string_equal(ans.path, want);
	assert_string_equal(ans.name, "KVM virtual PTP");
	assert_int_equal(ans.index, 3);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* the parent holds its own descriptor of the same file */
	held = op.phc[0].fd;
	assert_true(held >= 0 && held != fd);
	assert_true(same_file(held, fd));
	close(fd); /* the worker's copy gone: the parent's stays */
	assert_true(fcntl(held, F_GETFD) >= 0);
	/* asked again: opened anew, the old one closed */
	assert_int_equal(opener_phc(&op, 0, &ans, &fd), 0);
	assert_true(op.phc[0].fd >= 0);
	assert_true(same_file(op.phc[0].fd, fd));
	close(fd);
}

static void test_phc_refused(void **state)
{
	struct privsep_msg ans;
	int fd = 5;

	(void)state;
	/* no such source: nothing is opened, nothing is named by the worker */
	assert_int_equal(opener_phc(&op, 3, &ans, &fd), -ERANGE);
	assert_int_equal(fd, -1);
	assert_int_equal(opener_phc(&op, 1000, &ans, &fd), -ERANGE);
	/* the simulated device needs no open */
	assert_int_equal(opener_phc(&op, 1, &ans, &fd), -EOPNOTSUPP);
	/* a FIFO at the configured path: refused at once, not waited on */
	assert_int_equal(opener_phc(&op, 2, &ans, &fd), -ENODEV);
	assert_int_equal(fd, -1);
	assert_int_equal(op.phc[2].fd, -1);
}

static void test_phc_vanished(void **state)
{
	struct privsep_msg ans;
	char path[512];
	int fd;

	(void)state;
	assert_int_equal(opener_phc(&op, 0, &ans, &fd), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/dev/ptp3", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(opener_phc(&op, 0, &ans, &fd), -ENOENT);
	assert_int_equal(fd, -1);
	assert_int_equal(op.phc[0].fd, -1); /* the stale one let go */
	close(open(path, O_CREAT | O_WRONLY, 0600));
}

static void test_reload_drops_changed(void **state)
{
	struct privsep_msg ans;
	struct config nc = cfg;
	int fd;

	(void)state;
	assert_int_equal(opener_phc(&op, 0, &ans, &fd), 0);
	close(fd);
	opener_set_config(&op, &nc); /* unchanged: kept */
	assert_true(op.phc[0].fd >= 0);
	snprintf(nc.sources[0].device, sizeof(nc.sources[0].device), "auto");
	opener_set_config(&op, &nc); /* changed: let go */
	assert_int_equal(op.phc[0].fd, -1);
	nc.n_sources = 0; /* requests are checked against the new copy */
	opener_set_config(&op, &nc);
	assert_int_equal(opener_phc(&op, 0, &ans, &fd), -ERANGE);
	opener_set_config(&op, &cfg);
}

static void test_feed(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char got[8];
	int srv, fd = -1;

	(void)state;
	/* chronyd not there yet */
	assert_int_equal(opener_feed(&op, 0, &fd), -ENOENT);
	assert_int_equal(fd, -1);
	assert_int_equal(opener_feed(&op, 7, &fd), -ERANGE);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/feed0", dir);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(opener_feed(&op, 0, &fd), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	/* connected: a plain send() reaches the path's socket */
	assert_int_equal(send(fd, "sample", 6, 0), 6);
	assert_int_equal(recv(srv, got, sizeof(got), 0), 6);
	/* the socket at the path replaced (chronyd restarted): the old
	 * connection is refused, a new one works */
	close(srv);
	unlink(sa.sun_path);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(fd, "sample", 6, 0), -1);
	assert_true(errno == ECONNREFUSED || errno == ENOTCONN);
	close(fd);
	assert_int_equal(opener_feed(&op, 0, &fd), 0);
	assert_int_equal(send(fd, "sample", 6, 0), 6);
	close(fd);
	close(srv);
	unlink(sa.sun_path);
}

/* A free TCP port on loopback, for a moment. */
static unsigned free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	close(s);
	return ntohs(sa.sin_port);
}

/* OPEN_METRICS: nothing when metrics are off, ENOENT for systemd's socket
 * when systemd passed none, a listening socket bound to an address. */
static void test_metrics(void **state)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct opener mo;
	struct config mc = cfg;
	unsigned port = free_port();
	int fd = -1, acc = 0;

	(void)state;
	mc.global.metrics_listen[0] = '\0';
	opener_init(&mo, &mc);
	assert_int_equal(opener_metrics(&mo, &fd), -EOPNOTSUPP);
	assert_int_equal(fd, -1);
	snprintf(mc.global.metrics_listen, sizeof(mc.global.metrics_listen),
		 "systemd");
	opener_set_config(&mo, &mc);
	assert_int_equal(opener_metrics(&mo, &fd), -ENOENT);
	snprintf(mc.global.metrics_listen, sizeof(mc.global.metrics_listen),
		 "127.0.0.1:%u", port);
	opener_set_config(&mo, &mc);
	assert_int_equal(opener_metrics(&mo, &fd), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	assert_int_equal(ntohs(sa.sin_port), port);
	len = sizeof(acc);
	assert_int_equal(
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len), 0);
	assert_int_equal(acc, 1);
	close(fd);
	opener_close_all(&mo);
}

/* OPEN_CHRONY: the client socket bound in run_dir and connected to
 * chronyd's; nothing left behind when chronyd is not there; a live socket
 * at the path is not replaced. */
static void test_chrony(void **state)
{
	struct sockaddr_un srv_sa = {.sun_family = AF_UNIX}, from;
	socklen_t len = sizeof(from);
	struct opener co;
	struct config cc = cfg;
	char client[sizeof(cc.global.run_dir) + 32], got[8];
	struct stat st;
	int srv, fd = -1;

	(void)state;
	cc.global.chronyd_socket[0] = '\0';
	opener_init(&co, &cc);
	assert_int_equal(opener_chrony(&co, &fd), -EOPNOTSUPP);
	snprintf(cc.global.run_dir, sizeof(cc.global.run_dir), "%s/run", dir);
	assert_int_equal(mkdir(cc.global.run_dir, 0755), 0);
	snprintf(cc.global.chronyd_socket, sizeof(cc.global.chronyd_socket),
		 "%s/chronyd.sock", dir);
	snprintf(client, sizeof(client), "%s/chronyd-client.sock",
		 cc.global.run_dir);
	opener_set_config(&co, &cc);
	/* chronyd not there: refused, and no file left at the path */
	assert_int_equal(opener_chrony(&co, &fd), -ENOENT);
	assert_int_equal(fd, -1);
	assert_int_equal(lstat(client, &st), -1);
	snprintf(srv_sa.sun_path, sizeof(srv_sa.sun_path), "%s",
		 cc.global.chronyd_socket);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&srv_sa, sizeof(srv_sa)),
			 0);
	assert_int_equal(opener_chrony(&co, &fd), 0);
	/* ours (chronyd's socket is): 0600 */
	assert_int_equal(lstat(client, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	/* connected, and chronyd sees the request come from the path */
	assert_int_equal(send(fd, "req", 3, 0), 3);
	assert_int_equal(recvfrom(srv, got, sizeof(got), 0,
				  (struct sockaddr *)&from, &len),
			 3);
	assert_string_equal(from.sun_path, client);
	/* the socket still held at the path: not taken over */
	assert_int_equal(opener_chrony(&co, &fd), -EADDRINUSE);
	close(fd);
	unlink(client);
	close(srv);
	unlink(cc.global.chronyd_socket);
	rmdir(cc.global.run_dir);
	opener_close_all(&co);
}

/* CONNECT_PTP4L: the worker's own socket connected to the configured
 * ptp4l_socket; anything but a Unix datagram socket refused. */
static void test_ptp4l(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct opener po;
	struct config pc = cfg;
	char got[8];
	int srv, cli, stream, file;

	(void)state;
	pc.sources[1].ptp4l_socket[0] = '\0';
	snprintf(pc.sources[0].ptp4l_socket,
		 sizeof(pc.sources[0].ptp4l_socket), "%s/ptp4l.sock", dir);
	opener_init(&po, &pc);
	cli = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(cli, (struct sockaddr *)&sa, sizeof(sa_family_t)),
			 0); /* autobind: an address to answer to */
	assert_int_equal(opener_ptp4l(&po, 0, cli), -ENOENT);
	assert_int_equal(opener_ptp4l(&po, 9, cli), -ERANGE);
	assert_int_equal(opener_ptp4l(&po, 1, cli), -EOPNOTSUPP);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
		 pc.sources[0].ptp4l_socket);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	stream = socket(AF_UNIX, SOCK_STREAM, 0);
	file = open("/dev/null", O_RDONLY);
	assert_int_equal(opener_ptp4l(&po, 0, stream), -ENOTSOCK);
	assert_int_equal(opener_ptp4l(&po, 0, file), -ENOTSOCK);
	assert_int_equal(opener_ptp4l(&po, 0, -1), -ENOTSOCK);
	assert_int_equal(opener_ptp4l(&po, 0, cli), 0);
	/* connected: a plain send() reaches ptp4l, and ptp4l's answer us */
	assert_int_equal(send(cli, "get", 3, 0), 3);
	assert_int_equal(recv(srv, got, sizeof(got), 0), 3);
	close(file);
	close(stream);
	close(cli);
	close(srv);
	unlink(sa.sun_path);
	opener_close_all(&po);
}

/* OPEN_CONTROL: the control socket bound, in control_group, listening;
 * 0600 when the group does not exist. */
static void test_control(void **state)
{
	struct opener co;
	struct config cc = cfg;
	struct group *gr = getgrgid(getegid());
	struct stat st;
	socklen_t len = sizeof(int);
	int fd = -1, acc = 0;

	(void)state;
	assert_non_null(gr);
	cc.global.control_socket[0] = '\0';
	opener_init(&co, &cc);
	assert_int_equal(opener_control(&co, &fd), -EOPNOTSUPP);
	snprintf(cc.global.control_socket, sizeof(cc.global.control_socket),
		 "%s/ctl.sock", dir);
	snprintf(cc.global.control_group, sizeof(cc.global.control_group),
		 "%s", gr->gr_name);
	opener_set_config(&co, &cc);
	assert_int_equal(opener_control(&co, &fd), 0);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len),
			 0);
	assert_int_equal(acc, 1);
	assert_int_equal(lstat(cc.global.control_socket, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_gid, getegid());
	/* held: not taken over */
	assert_int_equal(opener_control(&co, &acc), -EADDRINUSE);
	close(fd);
	snprintf(cc.global.control_group, sizeof(cc.global.control_group),
		 "no-such-group-phcb");
	opener_set_config(&co, &cc);
	assert_int_equal(opener_control(&co, &fd), 0); /* the stale one goes */
	assert_int_equal(lstat(cc.global.control_socket, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	close(fd);
	unlink(cc.global.control_socket);
	opener_close_all(&co);
}

/* OPEN_VMCLOCK: the configured page opened read-only; auto follows the
 * PHC's clock_name (ptp3 is KVM's: no page); a directory is refused. */
static void test_vmclock(void **state)
{
	struct opener vo;
	struct config vc = cfg;
	char page[sizeof(vc.sources[0].vmclock)];
	int fd = -1;
	FILE *f;

	(void)state;
	vc.sources[0].vmclock[0] = '\0';
	opener_init(&vo, &vc);
	assert_int_equal(opener_vmclock(&vo, 0, &fd), -EOPNOTSUPP);
	assert_int_equal(opener_vmclock(&vo, 9, &fd), -ERANGE);
	snprintf(page, sizeof(page), "%s/vmclock-page", dir);
	f = fopen(page, "w");
	assert_non_null(f);
	fputs("page", f);
	fclose(f);
	snprintf(vc.sources[0].vmclock, sizeof(vc.sources[0].vmclock), "%s",
		 page);
	opener_set_config(&vo, &vc);
	assert_int_equal(opener_vmclock(&vo, 0, &fd), 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(fd);
	snprintf(vc.sources[0].vmclock, sizeof(vc.sources[0].vmclock), "auto");
	opener_set_config(&vo, &vc);
	assert_int_equal(opener_vmclock(&vo, 0, &fd), -ENOENT);
	snprintf(vc.sources[0].vmclock, sizeof(vc.sources[0].vmclock), "%s",
		 dir);
	opener_set_config(&vo, &vc);
	assert_int_equal(opener_vmclock(&vo, 0, &fd), -ENODEV);
	assert_int_equal(fd, -1);
	unlink(page);
	opener_close_all(&vo);
}

/* How many temporary files (".tmp.") the fixture's directory holds. */
static int temporaries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

/* OPEN_TEXTFILE, COMMIT_TEXTFILE: the parent creates the temporary file,
 * the worker writes it, the parent renames it (or removes it; and one
 * left by a worker that died). */
static void test_textfile(void **state)
{
	struct opener to;
	struct config tc = cfg;
	char path[sizeof(tc.global.metrics_textfile)], got[8] = "";
	struct stat st;
	int fd = -1;
	FILE *f;

	(void)state;
	tc.global.metrics_textfile[0] = '\0';
	opener_init(&to, &tc);
	assert_int_equal(opener_textfile(&to, &fd), -EOPNOTSUPP);
	assert_int_equal(opener_textfile_commit(&to, true), -ENOENT);
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	snprintf(tc.global.metrics_textfile,
		 sizeof(tc.global.metrics_textfile), "%s", path);
	opener_set_config(&to, &tc);
	assert_int_equal(opener_textfile(&to, &fd), 0);
	assert_int_equal(write(fd, "one\n", 4), 4);
	close(fd);
	assert_int_equal(lstat(path, &st), -1); /* not in place yet */
	assert_int_equal(opener_textfile_commit(&to, true), 0);
	assert_int_equal(opener_textfile_commit(&to, true), -ENOENT);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "one\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* a worker that died writing: its file goes with the next open */
	assert_int_equal(opener_textfile(&to, &fd), 0);
	close(fd);
	assert_int_equal(opener_textfile(&to, &fd), 0);
	assert_int_equal(write(fd, "two\n", 4), 4);
	close(fd);
	/* discarded: the last good file stays, no temporary one is left */
	assert_int_equal(opener_textfile_commit(&to, false), 0);
	f = fopen(path, "r");
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "one\n");
	assert_int_equal(temporaries(), 0);
	unlink(path);
	opener_close_all(&to);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phc_opened_and_held),
	    cmocka_unit_test(test_phc_refused),
	    cmocka_unit_test(test_phc_vanished),
	    cmocka_unit_test(test_reload_drops_changed),
	    cmocka_unit_test(test_feed),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_chrony),
	    cmocka_unit_test(test_ptp4l),
	    cmocka_unit_test(test_control),
	    cmocka_unit_test(test_vmclock),
	    cmocka_unit_test(test_textfile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
