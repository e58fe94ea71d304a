/* fake_systemd1.c: org.freedesktop.systemd1's ListUnitsByPatterns on a
 * private D-Bus bus, for the audit test on machines without systemd as
 * PID 1. The active units are the lines of a file, read at each call, so
 * the test starts and stops "units" by editing it.
 *
 * Usage: fake_systemd1 BUS_ADDRESS UNITS_FILE
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

static const char *units_file;

static bool wanted(char **patterns, const char *name)
{
	if (!patterns || !patterns[0])
		return true;
	for (char **p = patterns; *p; p++)
		if (fnmatch(*p, name, 0) == 0)
			return true;
	return false;
}

static int append_unit(sd_bus_message *reply, const char *name)
{
	return sd_bus_message_append(reply, "(ssssssouso)", name, "fake unit",
				     "loaded", "active", "running", "",
				     "/org/freedesktop/systemd1/unit/fake", 0,
				     "", "/");
}

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static int list_units(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	sd_bus_message *reply = NULL;
	char **states = NULL, **patterns = NULL, line[256];
	FILE *f;
	int r;

	r = sd_bus_message_read_strv(m, &states);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &patterns);
	if (r >= 0)
		r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "(ssssssouso)");
	f = r >= 0 ? fopen(units_file, "re") : NULL;
	while (f && r >= 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && wanted(patterns, line))
			r = append_unit(reply, line);
	}
	if (f)
		fclose(f);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	free_strv(states);
	free_strv(patterns);
	return r;
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("ListUnitsByPatterns", "asas", "a(ssssssouso)",
		      list_units, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: fake_systemd1 BUS_ADDRESS UNITS_FILE\n");
		return 2;
	}
	units_file = argv[2];
	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, argv[1]);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL,
					     "/org/freedesktop/systemd1",
					     "org.freedesktop.systemd1.Manager",
					     manager_vtable, NULL);
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
	if (r < 0) {
		fprintf(stderr, "fake_systemd1: %s\n", strerror(-r));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			break;
		if (r == 0 && sd_bus_wait(bus, (uint64_t)-1) < 0)
			break;
	}
	sd_bus_flush_close_unref(bus);
	return r < 0 ? 1 : 0;
}
