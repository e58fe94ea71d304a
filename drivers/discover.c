/* discover.c: find PHC devices and their names through /dev and sysfs. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"

/* Hypervisor clocks, best first, by their sysfs clock_name. VMClock
 * ("vmclockN", any N) comes first: it alone says when a live migration
 * disrupted the clock. */
static const char *const preferred_names[] = {
	"vmclock",
	"hyperv",
	"KVM virtual PTP",
	"ptp_vmw",
};

int discover_ptp_index(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "ptp", 3) != 0 || name[3] < '0' || name[3] > '9')
		return -1;
	n = strtol(name + 3, &end, 10);
	if (*end != '\0' || n < 0 || n > 65535)
		return -1;
	return (int)n;
}

int discover_read_attr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		buf[0] = '\0';
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int name_of_index(const struct discover_roots *roots, int idx,
			 char *name, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/class/ptp/ptp%d/clock_name",
		 roots->sysfs, idx);
	return discover_read_attr(path, name, len);
}

static int index_of_basename(const char *path)
{
	const char *base = strrchr(path, '/');
	return discover_ptp_index(base ? base + 1 : path);
}

int discover_index(const char *devpath)
{
	char target[PATH_MAX];
	ssize_t n;
	int idx = -1;

	/* /dev/ptp_hyperv -> ptp3; else the path's own name */
	n = readlink(devpath, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		idx = index_of_basename(target);
	}
	if (idx < 0)
		idx = index_of_basename(devpath);
	return idx < 0 ? -ENOENT : idx;
}

int discover_clock_name(const struct discover_roots *roots,
			const char *devpath, char *name, size_t len)
{
	int idx = discover_index(devpath);

	name[0] = '\0';
	if (idx < 0)
		return idx;
	return name_of_index(roots, idx, name, len);
}

int discover_by_interface(const struct discover_roots *roots,
			  const char *ifname, char *out, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	int idx = -1;
	DIR *dir;

	if (strchr(ifname, '/') || strcmp(ifname, "..") == 0 ||
	    strcmp(ifname, ".") == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/class/net/%s/device/ptp",
		 roots->sysfs, ifname);
	dir = opendir(path);
	if (!dir)
		return -ENOENT;
	while ((e = readdir(dir)) != NULL) {
		int i = discover_ptp_index(e->d_name);
		if (i >= 0 && (idx < 0 || i < idx))
			idx = i;
	}
	closedir(dir);
	if (idx < 0)
		return -ENOENT;
	snprintf(out, len, "%s/ptp%d", roots->dev, idx);
	return 0;
}

/* Rank of a clock name: lower is better. */
static int rank_of(const char *name)
{
	size_t n = sizeof(preferred_names) / sizeof(preferred_names[0]);
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, preferred_names[i]) == 0)
			return (int)i;
	if (discover_vmclock_index(name) >= 0)
		return 0;
	return (int)n;
}

int discover_vmclock_index(const char *clock_name)
{
	char *end;
	long n;

	if (strncmp(clock_name, "vmclock", 7) != 0 || clock_name[7] < '0' ||
	    clock_name[7] > '9')
		return -1;
	n = strtol(clock_name + 7, &end, 10);
	return *end == '\0' && n <= 65535 ? (int)n : -1;
}

int discover_auto(const struct discover_roots *roots, char *out, size_t len)
{
	char path[PATH_MAX], name[128];
	int best_idx = -1, best_rank = INT_MAX;
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/class/ptp", roots->sysfs);
	dir = opendir(path);
	if (!dir)
		return -ENOENT;
	while ((e = readdir(dir)) != NULL) {
		int idx = discover_ptp_index(e->d_name);
		if (idx < 0)
			continue;
		if (name_of_index(roots, idx, name, sizeof(name)) < 0)
			name[0] = '\0';
		int rank = rank_of(name);
		if (rank < best_rank || (rank == best_rank && idx < best_idx)) {
			best_rank = rank;
			best_idx = idx;
		}
	}
	closedir(dir);
	if (best_idx < 0)
		return -ENOENT;
	snprintf(out, len, "%s/ptp%d", roots->dev, best_idx);
	return 0;
}

int discover_resolve(const struct discover_roots *roots, const char *device,
		     const char *interface, char *out, size_t len)
{
	if (interface[0])
		return discover_by_interface(roots, interface, out, len);
	if (strcmp(device, "auto") == 0)
		return discover_auto(roots, out, len);
	snprintf(out, len, "%s", device);
	return 0;
}
