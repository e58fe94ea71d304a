/* test_mc_render.c: the generator's texts: the refclock line against the
 * shipped drop-in, chrony.conf, phcbrokerd.conf, the YAML and its data
 * URLs, the manual steps, and the option checks' messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dataurl.h"
#include "mc_render.h"
#include "strbuf.h"

static const struct mc_server nic_servers[] = {
    {MC_SERVER, "192.0.2.10"},
    {MC_POOL, "2.rhel.pool.ntp.org"},
    {MC_NTS_SERVER, "time.cloudflare.com"},
};
static const char *const nic_lines[] = {"minsources 1", "log tracking"};
static const char *const nic_argv[] = {
    "--role",	     "master",	     "--interface",
    "ens1f0",	     "--gate-mode",  "grandmaster",
    "--chrony-line", "minsources 1", "--chrony-line",
    "it's",	     "-o",	     "mc.yaml",
};

/* A DU node: NIC PHC, ptp4l at the default path, a grandmaster. */
static struct mc_options nic(void)
{
	return (struct mc_options){
	    .role = "master",
	    .interface = "ens1f0",
	    .ptp4l_socket = MC_DEFAULT_PTP4L_SOCKET,
	    .domain = 24,
	    .gate_mode = "grandmaster",
	    .servers = nic_servers,
	    .n_servers = 3,
	    .chrony_lines = nic_lines,
	    .n_chrony_lines = 2,
	    .version = "9.8.7",
	    .argv = nic_argv,
	    .argc = sizeof(nic_argv) / sizeof(nic_argv[0]),
	    .output = "mc.yaml",
	};
}

static const struct mc_server hv_servers[] = {{MC_SERVER, "ntp.example"}};

/* A VM on Hyper-V: no ptp4l, its own refid and name. */
static struct mc_options hyperv(void)
{
	return (struct mc_options){
	    .role = "worker",
	    .name = "50-worker-phcb",
	    .device = "/dev/ptp_hyperv",
	    .domain = -1,
	    .refid = "HV0",
	    .servers = hv_servers,
	    .n_servers = 1,
	    .version = "9.8.7",
	};
}

/* The lines of @text that are neither comments nor blank, one string. */
static char *content_lines(const char *text)
{
	struct strbuf b;

	strbuf_init(&b);
	while (*text) {
		size_t n = strcspn(text, "\n");
		if (n > 0 && text[0] != '#') {
			strbuf_add(&b, text, n);
			strbuf_putc(&b, '\n');
		}
		text += n + (text[n] == '\n');
	}
	assert_int_equal(strbuf_error(&b), 0);
	return b.data ? b.data : strdup("");
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* The refclock line is the shipped drop-in's, byte for byte, for PHC0. */
static void test_refclock_line_is_the_dropins(void **state)
{
	char *dropin = read_file(PHCB_TOP_SRCDIR "/conf.d/phcbroker.conf");
	char *want = content_lines(dropin);
	struct strbuf b;

	strbuf_init(&b);
	mc_refclock_line("PHC0", &b);
	strbuf_putc(&b, '\n');
	assert_string_equal(strbuf_str(&b), want);
	strbuf_free(&b);

	mc_refclock_line("HV0", &b);
	assert_string_equal(strbuf_str(&b),
			    "refclock SOCK /run/chrony.HV0.sock refid HV0 poll "
			    "0 precision 1e-8 prefer trust");
	strbuf_free(&b);
	free(want);
	free(dropin);
}

static void test_chrony_conf(void **state)
{
	struct mc_options o = nic();
	struct strbuf b;
	char *lines;

	strbuf_init(&b);
	assert_int_equal(mc_render_chrony_conf(&o, &b), 0);
	lines = content_lines(strbuf_str(&b));
	assert_string_equal(lines,
			    "refclock SOCK /run/chrony.PHC0.sock refid PHC0 "
			    "poll 0 precision 1e-8 prefer trust\n"
			    "server 192.0.2.10 iburst\n"
			    "pool 2.rhel.pool.ntp.org iburst\n"
			    "server time.cloudflare.com iburst nts\n"
			    "driftfile /var/lib/chrony/drift\n"
			    "makestep 1.0 3\n"
			    "rtcsync\n"
			    "keyfile /etc/chrony.keys\n"
			    "ntsdumpdir /var/lib/chrony\n"
			    "leapsectz right/UTC\n"
			    "logdir /var/log/chrony\n"
			    "minsources 1\n"
			    "log tracking\n");
	/* a header comment first, naming the generator and the MC */
	assert_memory_equal(strbuf_str(&b),
			    "# /etc/chrony.conf: written by "
			    "phcbroker-machineconfig 9.8.7",
			    strlen("# /etc/chrony.conf: written by "
				   "phcbroker-machineconfig 9.8.7"));
	assert_non_null(strstr(strbuf_str(&b), "99-master-phcbroker"));
	free(lines);
	strbuf_free(&b);

	o = hyperv();
	assert_int_equal(mc_render_chrony_conf(&o, &b), 0);
	lines = content_lines(strbuf_str(&b));
	assert_memory_equal(lines,
			    "refclock SOCK /run/chrony.HV0.sock refid HV0 poll "
			    "0 precision 1e-8 prefer trust\n"
			    "server ntp.example iburst\n"
			    "driftfile ",
			    strlen("refclock SOCK /run/chrony.HV0.sock refid "
				   "HV0 poll 0 precision 1e-8 prefer trust\n"
				   "server ntp.example iburst\ndriftfile "));
	assert_null(strstr(strbuf_str(&b), "--chrony-line"));
	free(lines);
	strbuf_free(&b);
}

static void test_broker_conf(void **state)
{
	struct mc_options o = nic();
	struct strbuf b;
	char *lines;

	strbuf_init(&b);
	assert_int_equal(mc_render_broker_conf(&o, &b), 0);
	lines = content_lines(strbuf_str(&b));
	assert_string_equal(lines,
			    "[global]\n"
			    "control_socket /run/phcbrokerd/control.sock\n"
			    "chronyd_socket /run/chrony/chronyd.sock\n"
			    "log_level notice\n"
			    "summary_interval 60s\n"
			    "metrics_listen systemd\n"
			    "[source PHC0]\n"
			    "interface ens1f0\n"
			    "sock /run/chrony.PHC0.sock\n"
			    "rate 8Hz\n"
			    "readings 25\n"
			    "timescale tai\n"
			    "ptp4l_socket /var/run/ptp/ptp4l.0.socket\n"
			    "domain 24\n"
			    "gate_mode grandmaster\n");
	free(lines);
	strbuf_free(&b);

	o = hyperv();
	assert_int_equal(mc_render_broker_conf(&o, &b), 0);
	lines = content_lines(strbuf_str(&b));
	assert_non_null(strstr(lines, "[source HV0]\n"
				      "device /dev/ptp_hyperv\n"
				      "sock /run/chrony.HV0.sock\n"
				      "rate 8Hz\n"
				      "readings 25\n"
				      "timescale utc\n"));
	assert_null(strstr(lines, "ptp4l_socket"));
	assert_null(strstr(lines, "gate_mode"));
	assert_null(strstr(lines, "domain"));
	free(lines);
	strbuf_free(&b);

	/* --timescale wins over the default */
	o.timescale = "tai";
	assert_int_equal(mc_render_broker_conf(&o, &b), 0);
	assert_non_null(strstr(strbuf_str(&b), "\ntimescale tai\n"));
	strbuf_free(&b);
}

/*
 * The data URL of the file entry @path in @yaml, decoded into a new
 * string; fails the test if it is not there.
 */
static char *file_contents(const char *yaml, const char *path)
{
	char key[128], *out;
	const char *p, *src, *end;
	size_t n;

	snprintf(key, sizeof(key), "- path: \"%s\"\n", path);
	p = strstr(yaml, key);
	assert_non_null(p);
	src = strstr(p, "source: \"" DATAURL_PREFIX);
	assert_non_null(src);
	/* the first source after the path belongs to it */
	assert_true(!strstr(p + 1, "- path: ") ||
		    src < strstr(p + 1, "- path: "));
	src += strlen("source: \"" DATAURL_PREFIX);
	end = strchr(src, '"');
	assert_non_null(end);
	out = malloc((size_t)(end - src) + 1);
	assert_non_null(out);
	assert_int_equal(
	    b64_decode(src, (size_t)(end - src), out, (size_t)(end - src), &n),
	    0);
	out[n] = '\0';
	return out;
}

static void test_yaml(void **state)
{
	struct mc_options o = nic();
	struct strbuf y, c, k, again;
	char *got;

	strbuf_init(&y);
	strbuf_init(&c);
	strbuf_init(&k);
	strbuf_init(&again);
	assert_int_equal(mc_render_yaml(&o, &y), 0);
	assert_int_equal(mc_render_chrony_conf(&o, &c), 0);
	assert_int_equal(mc_render_broker_conf(&o, &k), 0);

	/* the body, around the data URLs */
	assert_non_null(
	    strstr(strbuf_str(&y),
		   "\napiVersion: machineconfiguration.openshift.io/v1\n"
		   "kind: MachineConfig\n"
		   "metadata:\n"
		   "  name: \"99-master-phcbroker\"\n"
		   "  labels:\n"
		   "    machineconfiguration.openshift.io/role: "
		   "\"master\"\n"
		   "spec:\n"
		   "  config:\n"
		   "    ignition:\n"
		   "      version: \"3.2.0\"\n"
		   "    storage:\n"
		   "      files:\n"
		   "        - path: \"/etc/chrony.conf\"\n"
		   "          mode: 420\n"
		   "          overwrite: true\n"
		   "          contents:\n"
		   "            source: \"data:"));
	assert_non_null(
	    strstr(strbuf_str(&y),
		   "\"\n"
		   "        - path: \"/etc/phcbroker/phcbrokerd.conf\"\n"
		   "          mode: 420\n"
		   "          overwrite: true\n"
		   "          contents:\n"
		   "            source: \"data:"));
	assert_non_null(strstr(strbuf_str(&y),
			       "\"\n"
			       "    systemd:\n"
			       "      units:\n"
			       "        - name: \"phcbrokerd.service\"\n"
			       "          enabled: true\n"
			       "        - name: \"phcbrokerd-metrics.socket\"\n"
			       "          enabled: true\n"
			       "        - name: \"chronyd.service\"\n"
			       "          enabled: true\n"));
	/* the units section ends the document */
	assert_string_equal(strstr(strbuf_str(&y), "        - name: "
						   "\"chronyd.service\"\n"),
			    "        - name: \"chronyd.service\"\n"
			    "          enabled: true\n");

	/* the data URLs hold exactly the two files */
	got = file_contents(strbuf_str(&y), "/etc/chrony.conf");
	assert_string_equal(got, strbuf_str(&c));
	free(got);
	got = file_contents(strbuf_str(&y), "/etc/phcbroker/phcbrokerd.conf");
	assert_string_equal(got, strbuf_str(&k));
	free(got);

	/* header: version and the options, shell-quoted */
	assert_non_null(
	    strstr(strbuf_str(&y), "phcbroker-machineconfig 9.8.7"));
	assert_non_null(strstr(strbuf_str(&y), "--chrony-line 'minsources 1'"));
	assert_non_null(strstr(strbuf_str(&y), "'it'\\''s'"));
	assert_non_null(strstr(strbuf_str(&y), "--role master --interface "
					       "ens1f0"));
	/* no timers, no tabs, comment lines within 78 columns */
	assert_null(strstr(strbuf_str(&y), "timer"));
	assert_null(strchr(strbuf_str(&y), '\t'));
	for (const char *p = strbuf_str(&y); *p;) {
		size_t n = strcspn(p, "\n");
		if (p[0] == '#')
			assert_true(n <= 78);
		p += n + (p[n] == '\n');
	}

	/* deterministic */
	assert_int_equal(mc_render_yaml(&o, &again), 0);
	assert_string_equal(strbuf_str(&again), strbuf_str(&y));

	strbuf_free(&y);
	strbuf_free(&c);
	strbuf_free(&k);
	strbuf_free(&again);

	o = hyperv();
	assert_int_equal(mc_render_yaml(&o, &y), 0);
	assert_non_null(strstr(strbuf_str(&y), "  name: \"50-worker-phcb\"\n"));
	assert_non_null(strstr(strbuf_str(&y), "openshift.io/role: "
					       "\"worker\"\n"));
	strbuf_free(&y);
}

static void test_instructions(void **state)
{
	struct mc_options o = nic();
	struct strbuf b;
	const char *s;

	strbuf_init(&b);
	assert_int_equal(mc_render_instructions(&o, &b), 0);
	s = strbuf_str(&b);
	assert_non_null(strstr(s, "phc2sysOpts: \"\""));
	assert_non_null(strstr(s, "service.chronyd=stop,disable"));
	assert_non_null(strstr(s, "05-chrony-dynamic"));
	assert_non_null(strstr(s, "RPM"));
	assert_non_null(strstr(s, "ens1f0"));
	assert_non_null(strstr(s, "domainNumber must be 24"));
	assert_non_null(strstr(s, "oc apply -f mc.yaml\n"));
	assert_non_null(strstr(s, "oc get mcp master"));
	strbuf_free(&b);

	o = hyperv();
	assert_int_equal(mc_render_instructions(&o, &b), 0);
	s = strbuf_str(&b);
	assert_non_null(strstr(s, "phcbrokerd reads no ptp4l here"));
	assert_non_null(strstr(s, "service.chronyd=stop,disable"));
	assert_non_null(strstr(s, "oc apply -f 50-worker-phcb.yaml"));
	assert_non_null(strstr(s, "'#* HV0'"));
	strbuf_free(&b);
}

/* Check @o, expecting a refusal whose message contains @what. */
static void refused(const struct mc_options *o, const char *what)
{
	char err[512] = "";

	assert_int_equal(mc_options_check(o, err, sizeof(err)), -EINVAL);
	if (!strstr(err, what))
		fail_msg("'%s' lacks '%s'", err, what);
	assert_null(strchr(err, '\n'));
}

static void test_options_check(void **state)
{
	static const struct mc_server bad_host[] = {
	    {MC_POOL, "pool.ntp.org\nserver evil"},
	};
	static const char *const bad_line[] = {"ok", "two\nlines"};
	struct mc_options o = nic();
	char err[512];

	assert_int_equal(mc_options_check(&o, err, sizeof(err)), 0);
	o = hyperv();
	assert_int_equal(mc_options_check(&o, err, sizeof(err)), 0);

	o = nic();
	o.role = NULL;
	refused(&o, "--role POOL is required");
	o.role = "Master";
	refused(&o, "--role 'Master' must be");
	o = nic();
	o.name = "99_master";
	refused(&o, "--name '99_master'");
	o = nic();
	o.device = "/dev/ptp0";
	refused(&o, "--interface and --device exclude each other");
	o.interface = o.device = NULL;
	refused(&o, "give --interface IFACE");
	o = nic();
	o.n_servers = 0;
	refused(&o, "no NTP fallback");
	o = nic();
	o.refid = "PHC00";
	refused(&o, "--refid 'PHC00' must be 1 to 4 letters or digits");
	o = nic();
	o.servers = bad_host;
	o.n_servers = 1;
	refused(&o, "--pool 'pool.ntp.org?server evil' must be");
	o = nic();
	o.chrony_lines = bad_line;
	refused(&o, "--chrony-line number 2 must be one line");
	o = nic();
	o.gate_mode = "boundary";
	refused(&o, "--gate-mode 'boundary' must be auto, slave or "
		    "grandmaster");
	o = hyperv();
	o.gate_mode = "slave";
	refused(&o, "--gate-mode slave needs ptp4l");
	o.gate_mode = "auto";
	assert_int_equal(mc_options_check(&o, err, sizeof(err)), 0);
	o.domain = 24;
	refused(&o, "--domain is ptp4l's domainNumber");
	o = hyperv();
	o.device = "sim";
	refused(&o, "--device 'sim' must be auto or an absolute path");
	o = nic();
	o.interface = "eth0:1";
	refused(&o, "--interface 'eth0:1' is not an interface name");
	o = nic();
	o.ptp4l_socket = "ptp4l";
	refused(&o, "--ptp4l-socket 'ptp4l' must be an absolute path");
	o = nic();
	o.timescale = "gps";
	refused(&o, "--timescale 'gps' must be utc or tai");
	/* a long value is cut in the message */
	o = nic();
	o.role = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	refused(&o, "aaaa...' must be");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refclock_line_is_the_dropins),
	    cmocka_unit_test(test_chrony_conf),
	    cmocka_unit_test(test_broker_conf),
	    cmocka_unit_test(test_yaml),
	    cmocka_unit_test(test_instructions),
	    cmocka_unit_test(test_options_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
