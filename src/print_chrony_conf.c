/* print_chrony_conf.c: phcbrokerd --print-chrony-conf: read the host's
 * chrony.conf (and what it includes), describe the host, print the lines. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chrony_conf.h"
#include "discover.h"
#include "hostenv_probe.h"
#include "print_chrony_conf.h"

#define CHRONY_FILE_MAX (1 << 20)
#define INCLUDE_DEPTH_MAX 4

/* Where distributions keep chrony.conf: Debian's, then Red Hat's. */
static const char *const default_paths[] = { "/etc/chrony/chrony.conf",
					     "/etc/chrony.conf" };

static int scan_file(const char *path, struct chronyconf_scan *scan,
		     int depth);

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t n;

	if (!f)
		return NULL;
	text = malloc(CHRONY_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return NULL;
	}
	n = fread(text, 1, CHRONY_FILE_MAX, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* Every file a glob pattern names, in order. */
static void scan_glob(const char *pattern, struct chronyconf_scan *scan,
		      int depth)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		scan_file(g.gl_pathv[i], scan, depth);
	globfree(&g);
}

/* Follow the include and confdir lines added from index @from on. */
static void follow(struct chronyconf_scan *scan, int from, int depth)
{
	char pattern[CHRONYCONF_ARG_MAX + 16];
	int end = scan->n;

	for (int k = from; k < end; k++) {
		if (scan->e[k].kind == CHRONYCONF_INCLUDE)
			scan_glob(scan->e[k].arg, scan, depth + 1);
		else if (scan->e[k].kind == CHRONYCONF_CONFDIR) {
			snprintf(pattern, sizeof(pattern), "%s/*.conf",
				 scan->e[k].arg);
			scan_glob(pattern, scan, depth + 1);
		}
	}
}

static int scan_file(const char *path, struct chronyconf_scan *scan,
		     int depth)
{
	char *text;
	int from = scan->n;

	if (depth > INCLUDE_DEPTH_MAX)
		return -ELOOP;
	text = read_text(path);
	if (!text)
		return -errno;
	chronyconf_scan_text(text, path, scan);
	free(text);
	follow(scan, from, depth);
	return 0;
}

void chronyconf_source_indexes(const struct config *cfg, int *phc_index)
{
	struct discover_roots roots = { cfg->global.dev_root,
					cfg->global.sysfs_root };
	char path[CONFIG_PATH_MAX];

	for (int i = 0; i < cfg->n_sources; i++) {
		const struct source_config *s = &cfg->sources[i];
		phc_index[i] = -1;
		if (strcmp(s->device, "sim") != 0 &&
		    discover_resolve(&roots, s->device, s->interface, path,
				     sizeof(path)) == 0)
			phc_index[i] = discover_index(path);
	}
}

int chronyconf_read(const char *chrony_conf, struct chronyconf_scan *scan,
		   const char **read_path)
{
	int r = -ENOENT;

	*read_path = chrony_conf;
	if (chrony_conf)
		return scan_file(chrony_conf, scan, 0);
	for (size_t i = 0; i < 2 && r < 0; i++) {
		*read_path = default_paths[i];
		r = scan_file(default_paths[i], scan, 0);
	}
	return r;
}

void chronyconf_indexes(const struct chronyconf_scan *scan, int *entry_index)
{
	for (int k = 0; k < scan->n; k++)
		entry_index[k] = scan->e[k].kind == CHRONYCONF_REFCLOCK_PHC
					 ? discover_index(scan->e[k].arg)
					 : -1;
}

int print_chrony_conf(const struct config *cfg, const char *chrony_conf,
		      FILE *out)
{
	struct chronyconf_scan *scan = calloc(1, sizeof(*scan));
	struct chronyconf_host host = { 0 };
	struct hostenv *env = malloc(sizeof(*env));
	const char *read_path;
	size_t len = 1 << 16;
	char *buf = malloc(len);
	int r;

	if (!scan || !env || !buf) {
		free(scan);
		free(env);
		free(buf);
		return -ENOMEM;
	}
	r = chronyconf_read(chrony_conf, scan, &read_path);
	hostenv_probe(&cfg->global, env);
	host.hypervisor = env->hypervisor;
	host.detected_by = env->detected_by;
	host.cloud = env->cloud;
	chronyconf_source_indexes(cfg, host.phc_index);
	chronyconf_indexes(scan, host.entry_index);
	chronyconf_render(cfg, &host, scan, buf, len);
	fputs(buf, out);
	if (r < 0 && chrony_conf)
		fprintf(out, "\n# note: %s could not be read (%s): nothing "
			"in it was checked\n", chrony_conf, strerror(-r));
	else if (r < 0)
		fprintf(out, "\n# note: neither %s nor %s could be read: no "
			"chrony.conf was checked\n", default_paths[0],
			default_paths[1]);
	free(scan);
	free(env);
	free(buf);
	return chrony_conf && r < 0 ? r : 0;
}
