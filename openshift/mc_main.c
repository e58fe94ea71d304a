/* mc_main.c: phcbroker-machineconfig: options, then the MachineConfig and
 * the manual steps written out whole or not at all. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_check.h"
#include "mc_render.h"
#include "strbuf.h"

#define PROG "phcbroker-machineconfig"
#define MAX_SERVERS 32
#define MAX_CHRONY_LINES 64

/* Exit status. */
enum { EXIT_OK = 0, EXIT_IO = 1, EXIT_USAGE = 2 };

/* clang-format off */
static const char usage_text[] =
	"Usage: " PROG " --role POOL (--interface IFACE | --device "
	"PATH)\n"
	"         (--server HOST | --pool HOST | --nts-server HOST)... "
	"[OPTION]...\n"
	"Write an OpenShift MachineConfig that configures phcbrokerd "
	"and a complete\n"
	"/etc/chrony.conf on the nodes of a pool and enables both "
	"daemons; print the\n"
	"changes a MachineConfig cannot make (PtpConfig, Tuned).\n"
	"\n"
	"  --role POOL            machine config pool (label "
	"machineconfiguration.\n"
	"                         openshift.io/role); single-node DU "
	"clusters: master\n"
	"  --name NAME            MachineConfig name (default "
	"99-POOL-phcbroker)\n"
	"  --interface IFACE      use the PHC of this NIC, the one ptp4l "
	"disciplines\n"
	"  --device PATH          use this PHC, e.g. /dev/ptp_hyperv, or "
	"auto\n"
	"  --ptp4l-socket PATH    gate on the ptp4l at PATH (default "
	"with --interface:\n"
	"                         " MC_DEFAULT_PTP4L_SOCKET ")\n"
	"  --no-ptp4l             no ptp4l: gate on the PHC's health "
	"alone\n"
	"  --domain N             ptp4l's domainNumber, 0 to 255 "
	"(default 0)\n"
	"  --gate-mode MODE       auto, slave or grandmaster (default: "
	"phcbrokerd's)\n"
	"  --timescale SCALE      the PHC's timescale, utc or tai "
	"(default tai with\n"
	"                         ptp4l, utc without)\n"
	"  --refid NAME           source name and chrony refid, 1 to 4 "
	"letters or\n"
	"                         digits (default " MC_DEFAULT_REFID ")\n"
	"  --server HOST          NTP fallback: server HOST iburst "
	"(repeatable)\n"
	"  --pool HOST            NTP fallback: pool HOST iburst "
	"(repeatable)\n"
	"  --nts-server HOST      NTS fallback: server HOST iburst nts "
	"(repeatable)\n"
	"  --chrony-line LINE     append LINE to chrony.conf "
	"(repeatable)\n"
	"  -o, --output FILE      write the YAML to FILE (default "
	"standard output)\n"
	"  --instructions FILE    write the manual steps to FILE "
	"(default standard\n"
	"                         error)\n"
	"  -V, --version          print the version and exit\n"
	"  -h, --help             print this help and exit\n"
	"\n"
	"Exit status: 0 written, 1 a file could not be written, 2 "
	"usage error.\n";
/* clang-format on */

static void usage(FILE *out)
{
	fputs(usage_text, out);
}

/* One line on standard error; returns @code. */
static int fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* A file being written: data goes to @tmp, renamed to @path when all is. */
struct outfile {
	const char *path; /* NULL or "-": a standard stream instead */
	char *tmp;	  /* temporary beside @path, or NULL */
};

/* Write all of @len bytes of @data to @fd. Returns 0 or -errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write @text to a new temporary file beside @f->path, with the mode a
 * newly created file gets (0666 less the umask). Returns 0, or EXIT_IO
 * after reporting why.
 */
static int stage(struct outfile *f, const struct strbuf *text, mode_t mode)
{
	size_t n = strlen(f->path);
	int fd, r;

	f->tmp = malloc(n + sizeof(".XXXXXX"));
	if (!f->tmp)
		return fail(EXIT_IO, "out of memory");
	memcpy(f->tmp, f->path, n);
	memcpy(f->tmp + n, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(f->tmp);
	if (fd < 0) {
		r = errno;
		free(f->tmp);
		f->tmp = NULL;
		return fail(EXIT_IO, "%s: cannot create: %s", f->path,
			    strerror(r));
	}
	r = write_all(fd, strbuf_str(text), text->len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlink(f->tmp);
		free(f->tmp);
		f->tmp = NULL;
		return fail(EXIT_IO, "%s: cannot write: %s", f->path,
			    strerror(-r));
	}
	return 0;
}

/* Remove the temporary file of @f, if any. */
static void discard(struct outfile *f)
{
	if (f->tmp) {
		unlink(f->tmp);
		free(f->tmp);
		f->tmp = NULL;
	}
}

/* Move the temporary file of @f into place. Returns 0 or EXIT_IO. */
static int commit(struct outfile *f)
{
	int r = 0;

	if (!f->tmp)
		return 0;
	if (rename(f->tmp, f->path) < 0)
		r = fail(EXIT_IO, "%s: cannot rename %s to it: %s", f->path,
			 f->tmp, strerror(errno));
	discard(f);
	return r;
}

/* Write @text to standard output or error. Returns 0 or EXIT_IO. */
static int put_stream(FILE *s, const char *name, const struct strbuf *text)
{
	if (fwrite(strbuf_str(text), 1, text->len, s) != text->len ||
	    fflush(s) != 0)
		return fail(EXIT_IO, "cannot write to %s: %s", name,
			    strerror(errno));
	return 0;
}

static bool is_stream(const char *path)
{
	return !path || strcmp(path, "-") == 0;
}

/*
 * Write the YAML to @out_path and the instructions to @ins_path (NULL or
 * "-": standard output and standard error): both files are staged first,
 * so that an error leaves neither half-written.
 */
static int write_outputs(const char *out_path, const struct strbuf *yaml,
			 const char *ins_path, const struct strbuf *ins)
{
	struct outfile out = {out_path, NULL}, in = {ins_path, NULL};
	mode_t mask = umask(0);
	int r = 0;

	umask(mask);
	if (!is_stream(out_path))
		r = stage(&out, yaml, 0666 & ~mask);
	if (r == 0 && !is_stream(ins_path))
		r = stage(&in, ins, 0666 & ~mask);
	if (r == 0)
		r = commit(&out);
	if (r == 0)
		r = commit(&in);
	discard(&out);
	discard(&in);
	if (r == 0 && is_stream(out_path))
		r = put_stream(stdout, "standard output", yaml);
	if (r == 0 && is_stream(ins_path))
		r = put_stream(stderr, "standard error", ins);
	return r;
}

/* Long-only options. */
enum {
	OPT_ROLE = 256,
	OPT_NAME,
	OPT_INTERFACE,
	OPT_DEVICE,
	OPT_PTP4L_SOCKET,
	OPT_NO_PTP4L,
	OPT_DOMAIN,
	OPT_GATE_MODE,
	OPT_TIMESCALE,
	OPT_REFID,
	OPT_SERVER,
	OPT_POOL,
	OPT_NTS_SERVER,
	OPT_CHRONY_LINE,
	OPT_INSTRUCTIONS,
};

/* clang-format off */
static const struct option long_opts[] = {
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "interface", required_argument, NULL, OPT_INTERFACE },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "ptp4l-socket", required_argument, NULL, OPT_PTP4L_SOCKET },
	{ "no-ptp4l", no_argument, NULL, OPT_NO_PTP4L },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "gate-mode", required_argument, NULL, OPT_GATE_MODE },
	{ "timescale", required_argument, NULL, OPT_TIMESCALE },
	{ "refid", required_argument, NULL, OPT_REFID },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "pool", required_argument, NULL, OPT_POOL },
	{ "nts-server", required_argument, NULL, OPT_NTS_SERVER },
	{ "chrony-line", required_argument, NULL, OPT_CHRONY_LINE },
	{ "output", required_argument, NULL, 'o' },
	{ "instructions", required_argument, NULL, OPT_INSTRUCTIONS },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

/* The long name of option @val. */
static const char *opt_name(int val)
{
	for (const struct option *o = long_opts; o->name; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

/* What the command line says, before the checks of mc_options_check(). */
struct cmdline {
	struct mc_options mc;
	struct mc_server servers[MAX_SERVERS];
	const char *chrony_lines[MAX_CHRONY_LINES];
	bool no_ptp4l;
	const char *ptp4l_socket; /* as given, or NULL */
	const char *instructions;
};

/* Set single-valued option @val to @arg, once. Returns 0 or EXIT_USAGE. */
static int set_once(const char **dst, int val, const char *arg)
{
	if (*dst)
		return fail(EXIT_USAGE, "--%s given twice", opt_name(val));
	*dst = arg;
	return 0;
}

/*
 * Parse the command line into @cl. Returns 0, EXIT_USAGE after reporting
 * the error, or -1 when --help or --version was answered.
 */
static int parse_args(int argc, char **argv, struct cmdline *cl)
{
	const char *domain = NULL;
	char s[72];
	int c;

	opterr = 0; /* errors are reported here, in one line */
	while ((c = getopt_long(argc, argv, ":o:Vh", long_opts, NULL)) != -1) {
		const char **single = NULL;
		switch (c) {
		case OPT_ROLE:
			single = &cl->mc.role;
			break;
		case OPT_NAME:
			single = &cl->mc.name;
			break;
		case OPT_INTERFACE:
			single = &cl->mc.interface;
			break;
		case OPT_DEVICE:
			single = &cl->mc.device;
			break;
		case OPT_PTP4L_SOCKET:
			single = &cl->ptp4l_socket;
			break;
		case OPT_NO_PTP4L:
			cl->no_ptp4l = true;
			break;
		case OPT_DOMAIN:
			single = &domain;
			break;
		case OPT_GATE_MODE:
			single = &cl->mc.gate_mode;
			break;
		case OPT_TIMESCALE:
			single = &cl->mc.timescale;
			break;
		case OPT_REFID:
			single = &cl->mc.refid;
			break;
		case OPT_SERVER:
		case OPT_POOL:
		case OPT_NTS_SERVER:
			if (cl->mc.n_servers == MAX_SERVERS)
				return fail(EXIT_USAGE,
					    "more than %d --server, --pool "
					    "and --nts-server options",
					    MAX_SERVERS);
			cl->servers[cl->mc.n_servers].kind =
			    c == OPT_POOL	  ? MC_POOL
			    : c == OPT_NTS_SERVER ? MC_NTS_SERVER
						  : MC_SERVER;
			cl->servers[cl->mc.n_servers++].host = optarg;
			break;
		case OPT_CHRONY_LINE:
			if (cl->mc.n_chrony_lines == MAX_CHRONY_LINES)
				return fail(
				    EXIT_USAGE,
				    "more than %d --chrony-line options",
				    MAX_CHRONY_LINES);
			cl->chrony_lines[cl->mc.n_chrony_lines++] = optarg;
			break;
		case 'o':
			single = &cl->mc.output;
			break;
		case OPT_INSTRUCTIONS:
			single = &cl->instructions;
			break;
		case 'V':
			printf(PROG " %s\n", PACKAGE_VERSION);
			return -1;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			return fail(EXIT_USAGE, "option '%s' needs a value",
				    mc_shown(argv[optind - 1], s, sizeof(s)));
		default:
			if (optopt)
				return fail(EXIT_USAGE,
					    "unknown option '-%c' (see --help)",
					    optopt);
			return fail(EXIT_USAGE,
				    "unknown option '%s' (see --help)",
				    mc_shown(argv[optind - 1], s, sizeof(s)));
		}
		if (single && set_once(single, c, optarg))
			return EXIT_USAGE;
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "unexpected argument '%s' (see --help)",
			    mc_shown(argv[optind], s, sizeof(s)));
	if (cl->no_ptp4l && cl->ptp4l_socket)
		return fail(EXIT_USAGE, "--no-ptp4l and --ptp4l-socket exclude "
					"each other");
	/* ptp4l: as given; by default only for a NIC's PHC */
	if (cl->ptp4l_socket)
		cl->mc.ptp4l_socket = cl->ptp4l_socket;
	else if (cl->mc.interface && !cl->no_ptp4l)
		cl->mc.ptp4l_socket = MC_DEFAULT_PTP4L_SOCKET;
	cl->mc.domain = -1;
	if (domain) {
		const char *why = mc_parse_domain(domain, &cl->mc.domain);
		if (why)
			return fail(EXIT_USAGE, "--domain '%s' %s",
				    mc_shown(domain, s, sizeof(s)), why);
	}
	if (is_stream(cl->mc.output))
		cl->mc.output = NULL;
	if (cl->mc.output && cl->instructions &&
	    strcmp(cl->mc.output, cl->instructions) == 0)
		return fail(EXIT_USAGE, "--output and --instructions name the "
					"same file");
	return 0;
}

int main(int argc, char **argv)
{
	static struct cmdline cl;
	struct strbuf yaml, ins;
	char err[512];
	int r;

	cl.mc.servers = cl.servers;
	cl.mc.chrony_lines = cl.chrony_lines;
	cl.mc.version = PACKAGE_VERSION;
	cl.mc.argv = (const char *const *)argv + 1;
	cl.mc.argc = argc - 1;
	r = parse_args(argc, argv, &cl);
	if (r != 0)
		return r < 0 ? EXIT_OK : r;
	if (mc_options_check(&cl.mc, err, sizeof(err)) < 0)
		return fail(EXIT_USAGE, "%s", err);
	strbuf_init(&yaml);
	strbuf_init(&ins);
	if (mc_render_yaml(&cl.mc, &yaml) < 0 ||
	    mc_render_instructions(&cl.mc, &ins) < 0)
		r = fail(EXIT_IO, "out of memory");
	else
		r = write_outputs(cl.mc.output, &yaml, cl.instructions, &ins);
	strbuf_free(&yaml);
	strbuf_free(&ins);
	return r;
}
