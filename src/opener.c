/* opener.c: what the privileged parent opens for the worker: the PHC of a
 * configured source, a socket connected to a source's chronyd SOCK path.
 * Nothing here reads bytes from a peer; every path comes from the
 * parent's own configuration. */
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "discover.h"
#include "chrony_client.h"
#include "control.h"
#include "metrics_socket.h"
#include "opener.h"
#include "ptp4l_client.h"
#include "textfile.h"
#include "uds.h"
#include "vmclock_map.h"

static void drop_phc(struct opener_phc *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

void opener_init(struct opener *o, const struct config *cfg)
{
	o->cfg = *cfg;
	for (int i = 0; i < CONFIG_MAX_SOURCES; i++)
		o->phc[i].fd = -1;
	o->textfile_tmp[0] = '\0';
}

/* Whether source @i names the same PHC in @a and @b. */
static bool same_phc(const struct config *a, const struct config *b, int i)
{
	if (i >= a->n_sources || i >= b->n_sources)
		return false;
	return !strcmp(a->sources[i].device, b->sources[i].device) &&
	       !strcmp(a->sources[i].interface, b->sources[i].interface) &&
	       !strcmp(a->global.dev_root, b->global.dev_root) &&
	       !strcmp(a->global.sysfs_root, b->global.sysfs_root);
}

void opener_set_config(struct opener *o, const struct config *cfg)
{
	for (int i = 0; i < CONFIG_MAX_SOURCES; i++)
		if (!same_phc(&o->cfg, cfg, i))
			drop_phc(&o->phc[i]);
	o->cfg = *cfg;
}

int opener_chrony(const struct opener *o, int *fd)
{
	const struct global_config *g = &o->cfg.global;
	char client[sizeof(g->run_dir) + sizeof(CHRONYCMD_CLIENT_NAME) + 1];
	int r;

	*fd = -1;
	if (!g->chronyd_socket[0])
		return -EOPNOTSUPP;
	snprintf(client, sizeof(client), "%s/%s", g->run_dir,
		 CHRONYCMD_CLIENT_NAME);
	r = chronycmd_connect_new(g->chronyd_socket, client);
	if (r < 0)
		return r;
	*fd = r;
	return 0;
}

int opener_ptp4l(const struct opener *o, unsigned src, int sock)
{
	struct sockaddr_un sa;
	socklen_t len, olen = sizeof(int);
	int dom = 0, type = 0, r;

	if (src >= (unsigned)o->cfg.n_sources)
		return -ERANGE;
	if (!o->cfg.sources[src].ptp4l_socket[0])
		return -EOPNOTSUPP;
	/* only what the request is for: a Unix datagram socket */
	if (sock < 0 ||
	    getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &dom, &olen) < 0 ||
	    getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &olen) < 0 ||
	    dom != AF_UNIX || type != SOCK_DGRAM)
		return -ENOTSOCK;
	r = uds_addr(&sa, &len, o->cfg.sources[src].ptp4l_socket);
	if (r < 0)
		return r;
	return connect(sock, (struct sockaddr *)&sa, len) < 0 ? -errno : 0;
}

int opener_ptp4l_bind(const struct opener *o, unsigned src,
		      unsigned generation, int *fd)
{
	const struct source_config *sc;
	char path[CONFIG_PATH_MAX + 64];

	*fd = -1;
	if (src >= (unsigned)o->cfg.n_sources)
		return -ERANGE;
	sc = &o->cfg.sources[src];
	if (!sc->ptp4l_socket[0])
		return -EOPNOTSUPP;
	/* the path from the parent's copy: run_dir, the name, a number */
	ptpmgmt_client_path(path, sizeof(path), o->cfg.global.run_dir,
			    sc->name, generation);
	*fd = uds_bind(SOCK_DGRAM, path, 0600, (gid_t)-1, NULL);
	return *fd < 0 ? *fd : 0;
}

int opener_control(const struct opener *o, int *fd)
{
	const struct global_config *g = &o->cfg.global;
	struct control_access acc = {0};
	struct group *gr;
	int r;

	*fd = -1;
	if (!g->control_socket[0])
		return -EOPNOTSUPP;
	/* a missing group: 0600, as the worker logs it */
	if (g->control_group[0] && (gr = getgrnam(g->control_group))) {
		acc.have_read_group = true;
		acc.read_group = gr->gr_gid;
	}
	r = control_bind(g->control_socket, &acc, NULL);
	if (r < 0)
		return r;
	*fd = r;
	return 0;
}

int opener_vmclock(const struct opener *o, unsigned src, int *fd)
{
	const struct source_config *sc;
	struct discover_roots roots = {o->cfg.global.dev_root,
				       o->cfg.global.sysfs_root};
	char phc[CONFIG_PATH_MAX], name[64] = "", path[CONFIG_PATH_MAX];
	struct stat st;
	int r, f;

	*fd = -1;
	if (src >= (unsigned)o->cfg.n_sources)
		return -ERANGE;
	sc = &o->cfg.sources[src];
	if (!sc->vmclock[0])
		return -EOPNOTSUPP;
	/* auto: the page of the source's PHC, by its clock_name */
	if (!strcmp(sc->vmclock, "auto") &&
	    ((r = discover_resolve(&roots, sc->device, sc->interface, phc,
				   sizeof(phc))) < 0 ||
	     (r = discover_clock_name(&roots, phc, name, sizeof(name))) < 0))
		return r;
	r = vmclock_map_path(sc->vmclock, o->cfg.global.dev_root, name, path,
			     sizeof(path));
	if (r < 0)
		return r;
	f = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f < 0)
		return -errno;
	/* a character device, or a test's page in a file: nothing else */
	if (fstat(f, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISREG(st.st_mode))) {
		close(f);
		return -ENODEV;
	}
	*fd = f;
	return 0;
}

int opener_metrics(const struct opener *o, int *fd)
{
	const char *listen = o->cfg.global.metrics_listen;
	int r;

	*fd = -1;
	if (!listen[0])
		return -EOPNOTSUPP;
	r = metrics_socket_open(listen);
	if (r < 0)
		return r;
	*fd = r;
	return 0;
}

int opener_textfile(struct opener *o, int *fd)
{
	const char *path = o->cfg.global.metrics_textfile;
	int r;

	*fd = -1;
	if (o->textfile_tmp[0]) /* the last worker died writing it */
		opener_textfile_commit(o, false);
	if (!path[0])
		return -EOPNOTSUPP;
	r = textfile_create(path, o->textfile_tmp, sizeof(o->textfile_tmp));
	if (r < 0) {
		o->textfile_tmp[0] = '\0';
		return r;
	}
	snprintf(o->textfile, sizeof(o->textfile), "%s", path);
	*fd = r;
	return 0;
}

int opener_textfile_commit(struct opener *o, bool ok)
{
	int r;

	if (!o->textfile_tmp[0])
		return -ENOENT;
	r = textfile_commit(o->textfile_tmp, o->textfile, ok);
	o->textfile_tmp[0] = '\0';
	return r;
}

void opener_close_all(struct opener *o)
{
	for (int i = 0; i < CONFIG_MAX_SOURCES; i++)
		drop_phc(&o->phc[i]);
	if (o->textfile_tmp[0])
		opener_textfile_commit(o, false);
}

/* A PHC is a character device; an emulated one (fakephc, FUSE) a
 * regular file answering the same ioctls. Nothing else is opened. */
static bool phc_like(const struct stat *st)
{
	return S_ISCHR(st->st_mode) || S_ISREG(st->st_mode);
}

/* Open @path as source @p's PHC, read-only; O_NONBLOCK so that a FIFO
 * put at a configured path cannot hang the parent (cleared after). */
static int hold(struct opener_phc *p, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !phc_like(&st) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		close(fd);
		return -ENODEV;
	}
	drop_phc(p);
	p->fd = fd;
	return 0;
}

int opener_phc(struct opener *o, unsigned src, struct privsep_msg *ans, int *fd)
{
	const struct source_config *sc;
	struct discover_roots roots = {o->cfg.global.dev_root,
				       o->cfg.global.sysfs_root};
	struct opener_phc *p;
	char path[CONFIG_PATH_MAX];
	int r;

	*fd = -1;
	if (src >= (unsigned)o->cfg.n_sources)
		return -ERANGE;
	sc = &o->cfg.sources[src];
	p = &o->phc[src];
	if (!strcmp(sc->device, "sim"))
		return -EOPNOTSUPP;
	r = discover_resolve(&roots, sc->device, sc->interface, path,
			     sizeof(path));
	if (r < 0) {
		drop_phc(p);
		return r;
	}
	/* opened anew every time: a PHC that vanished and came back under
	 * the same name and device number is a new clock, and the worker
	 * asks again only at its start, on reload and after such a loss */
	if ((r = hold(p, path)) < 0) {
		drop_phc(p);
		return r;
	}
	*fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 3);
	if (*fd < 0)
		return -errno;
	memset(ans, 0, sizeof(*ans));
	ans->type = PRIVSEP_PHC;
	ans->index = discover_index(path);
	if (ans->index < 0)
		ans->index = -1;
	snprintf(ans->path, sizeof(ans->path), "%s", path);
	if (discover_clock_name(&roots, path, ans->name, sizeof(ans->name)) < 0)
		ans->name[0] = '\0';
	return 0;
}

int opener_feed(const struct opener *o, unsigned src, int *fd)
{
	struct sockaddr_un sa;
	socklen_t len;
	int r, s;

	*fd = -1;
	if (src >= (unsigned)o->cfg.n_sources)
		return -ERANGE;
	r = uds_addr(&sa, &len, o->cfg.sources[src].sock);
	if (r < 0)
		return r;
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, len) < 0) {
		r = -errno;
		close(s);
		return r;
	}
	*fd = s;
	return 0;
}
