/* mc_render.c: chrony.conf, phcbrokerd.conf, the MachineConfig YAML and the
 * manual steps, as text built from the generator's options (no I/O). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dataurl.h"
#include "mc_check.h"
#include "mc_render.h"
#include "refclock_line.h" /* generated from conf.d/phcbroker.conf */

/* Wrap the YAML's comment of the options at this many columns. */
#define COMMENT_COLUMNS 78

/* ---- checks ------------------------------------------------------------ */

/* Report @reason for option @opt with value @v, if there is a reason. */
static int bad(const char *opt, const char *v, const char *reason, char *err,
	       size_t errlen)
{
	char s[72];

	if (!reason)
		return 0;
	snprintf(err, errlen, "%s '%s' %s", opt, mc_shown(v, s, sizeof(s)),
		 reason);
	return -EINVAL;
}

static const char *server_option(enum mc_server_kind kind)
{
	switch (kind) {
	case MC_POOL:
		return "--pool";
	case MC_NTS_SERVER:
		return "--nts-server";
	default:
		return "--server";
	}
}

int mc_options_check(const struct mc_options *o, char *err, size_t errlen)
{
	if (!o->role) {
		snprintf(err, errlen,
			 "--role POOL is required (the machine "
			 "config pool, e.g. master on a "
			 "single-node DU)");
		return -EINVAL;
	}
	if (bad("--role", o->role, mc_check_role(o->role), err, errlen) ||
	    (o->name &&
	     bad("--name", o->name, mc_check_name(o->name), err, errlen)))
		return -EINVAL;
	if (o->interface && o->device) {
		snprintf(err, errlen,
			 "--interface and --device exclude each "
			 "other: give exactly one");
		return -EINVAL;
	}
	if (!o->interface && !o->device) {
		snprintf(err, errlen,
			 "give --interface IFACE (the NIC whose "
			 "PHC ptp4l disciplines) or --device "
			 "PATH (e.g. /dev/ptp_hyperv, or auto)");
		return -EINVAL;
	}
	if ((o->interface && bad("--interface", o->interface,
				 mc_check_ifname(o->interface), err, errlen)) ||
	    (o->device && bad("--device", o->device, mc_check_device(o->device),
			      err, errlen)) ||
	    (o->ptp4l_socket &&
	     bad("--ptp4l-socket", o->ptp4l_socket,
		 mc_check_socket_path(o->ptp4l_socket), err, errlen)) ||
	    (o->gate_mode &&
	     bad("--gate-mode", o->gate_mode, mc_check_gate_mode(o->gate_mode),
		 err, errlen)) ||
	    (o->timescale &&
	     bad("--timescale", o->timescale, mc_check_timescale(o->timescale),
		 err, errlen)) ||
	    (o->refid &&
	     bad("--refid", o->refid, mc_check_refid(o->refid), err, errlen)))
		return -EINVAL;
	if (o->domain < -1 || o->domain > 255) {
		snprintf(err, errlen, "--domain must be 0 to 255");
		return -EINVAL;
	}
	if (!o->ptp4l_socket && o->domain >= 0) {
		snprintf(err, errlen,
			 "--domain is ptp4l's domainNumber: it "
			 "needs ptp4l (not --no-ptp4l)");
		return -EINVAL;
	}
	if (!o->ptp4l_socket && o->gate_mode &&
	    strcmp(o->gate_mode, "auto") != 0) {
		snprintf(err, errlen,
			 "--gate-mode %s needs ptp4l (not "
			 "--no-ptp4l)",
			 o->gate_mode);
		return -EINVAL;
	}
	if (o->n_servers == 0) {
		snprintf(err, errlen,
			 "no NTP fallback: give at least one "
			 "--server, --pool or --nts-server "
			 "(chronyd uses them whenever PTP is "
			 "unusable)");
		return -EINVAL;
	}
	for (size_t i = 0; i < o->n_servers; i++)
		if (bad(server_option(o->servers[i].kind), o->servers[i].host,
			mc_check_host(o->servers[i].host), err, errlen))
			return -EINVAL;
	for (size_t i = 0; i < o->n_chrony_lines; i++) {
		const char *why = mc_check_chrony_line(o->chrony_lines[i]);
		if (why) {
			snprintf(err, errlen, "--chrony-line number %zu %s",
				 i + 1, why);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- shared pieces ----------------------------------------------------- */

const char *mc_name(const struct mc_options *o, char *buf, size_t len)
{
	if (o->name)
		snprintf(buf, len, "%s", o->name);
	else
		snprintf(buf, len, "99-%s-phcbroker", o->role);
	return buf;
}

static const char *refid_of(const struct mc_options *o)
{
	return o->refid ? o->refid : MC_DEFAULT_REFID;
}

static const char *timescale_of(const struct mc_options *o)
{
	if (o->timescale)
		return o->timescale;
	return o->ptp4l_socket ? "tai" : "utc";
}

void mc_refclock_line(const char *refid, struct strbuf *out)
{
	static const char from[] = MC_DEFAULT_REFID;
	const char *p = MC_REFCLOCK_LINE_PHC0, *q;

	while ((q = strstr(p, from))) {
		strbuf_add(out, p, (size_t)(q - p));
		strbuf_puts(out, refid);
		p = q + strlen(from);
	}
	strbuf_puts(out, p);
}

/* ---- chrony.conf -------------------------------------------------------- */

int mc_render_chrony_conf(const struct mc_options *o, struct strbuf *out)
{
	static const char *const suffix[] = {
	    [MC_SERVER] = "iburst",
	    [MC_POOL] = "iburst",
	    [MC_NTS_SERVER] = "iburst nts",
	};
	const char *refid = refid_of(o);
	char name[300];

	strbuf_printf(out,
		      "# " MC_CHRONY_CONF
		      ": written by phcbroker-machineconfig "
		      "%s for the\n"
		      "# MachineConfig %s; it replaces RHCOS's file.\n"
		      "# chronyd takes time from phcbrokerd's source %s (see\n"
		      "# " MC_BROKER_CONF ") while phcbrokerd feeds it,\n"
		      "# else from the NTP sources below; phcbrokerd switches "
		      "chronyd between\n"
		      "# them without restarting it.\n",
		      o->version, mc_name(o, name, sizeof(name)), refid);
	mc_refclock_line(refid, out);
	strbuf_puts(out, "\n\n# NTP fallback.\n");
	for (size_t i = 0; i < o->n_servers; i++)
		strbuf_printf(out, "%s %s %s\n",
			      o->servers[i].kind == MC_POOL ? "pool" : "server",
			      o->servers[i].host, suffix[o->servers[i].kind]);
	strbuf_puts(out, "\n# RHCOS's defaults.\n"
			 "driftfile /var/lib/chrony/drift\n"
			 "makestep 1.0 3\n"
			 "rtcsync\n"
			 "keyfile /etc/chrony.keys\n"
			 "ntsdumpdir /var/lib/chrony\n"
			 "leapsectz right/UTC\n"
			 "logdir /var/log/chrony\n");
	if (o->n_chrony_lines > 0)
		strbuf_puts(out, "\n# Added with --chrony-line.\n");
	for (size_t i = 0; i < o->n_chrony_lines; i++)
		strbuf_printf(out, "%s\n", o->chrony_lines[i]);
	return strbuf_error(out);
}

/* ---- phcbrokerd.conf ---------------------------------------------------- */

int mc_render_broker_conf(const struct mc_options *o, struct strbuf *out)
{
	const char *refid = refid_of(o);
	char name[300];

	strbuf_printf(
	    out,
	    "# phcbrokerd.conf: written by phcbroker-machineconfig "
	    "%s for the\n"
	    "# MachineConfig %s; see phcbrokerd.conf(5). The source's "
	    "name and sock\n"
	    "# match the refclock SOCK line of " MC_CHRONY_CONF ".\n"
	    "\n"
	    "[global]\n"
	    "control_socket /run/phcbrokerd/control.sock\n"
	    "chronyd_socket /run/chrony/chronyd.sock\n"
	    "log_level notice\n"
	    "summary_interval 60s\n"
	    "metrics_listen systemd\n"
	    "\n"
	    "[source %s]\n",
	    o->version, mc_name(o, name, sizeof(name)), refid);
	if (o->interface)
		strbuf_printf(out, "interface %s\n", o->interface);
	else
		strbuf_printf(out, "device %s\n", o->device);
	strbuf_printf(out,
		      "sock /run/chrony.%s.sock\n"
		      "rate 8Hz\n"
		      "readings 25\n"
		      "timescale %s\n",
		      refid, timescale_of(o));
	if (o->ptp4l_socket) {
		strbuf_puts(out, "# Feed chronyd only while this ptp4l is "
				 "locked.\n");
		strbuf_printf(out, "ptp4l_socket %s\n", o->ptp4l_socket);
	}
	if (o->domain >= 0)
		strbuf_printf(out, "domain %d\n", o->domain);
	if (o->gate_mode)
		strbuf_printf(out, "gate_mode %s\n", o->gate_mode);
	return strbuf_error(out);
}

/* ---- the YAML ----------------------------------------------------------- */

/* Append @s as a YAML double-quoted scalar. */
static void yaml_str(struct strbuf *out, const char *s)
{
	strbuf_putc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_printf(out, "\\%c", c);
		else if (c < ' ' || c == 0x7f)
			strbuf_printf(out, "\\x%02x", c);
		else
			strbuf_putc(out, (char)c);
	}
	strbuf_putc(out, '"');
}

/* A character a POSIX shell takes literally, outside quotes. */
static bool shell_plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c != '\0' && strchr("_./:=@%+,-", c));
}

/* @arg quoted for a POSIX shell, into @word. */
static void shell_word(struct strbuf *word, const char *arg)
{
	bool plain = *arg != '\0';

	for (const char *c = arg; *c; c++)
		plain = plain && shell_plain(*c);
	if (plain) {
		strbuf_puts(word, arg);
		return;
	}
	strbuf_putc(word, '\'');
	for (const char *c = arg; *c; c++) {
		if (*c == '\'')
			strbuf_puts(word, "'\\''");
		else if (*c >= ' ' && *c < 0x7f)
			strbuf_putc(word, *c);
		else
			strbuf_putc(word, '?'); /* keep the comment one line */
	}
	strbuf_putc(word, '\'');
}

/*
 * The options as given, shell-quoted, as comment lines "#   ...", wrapped
 * between options: an option and the value after it stay on one line.
 */
static void options_comment(const struct mc_options *o, struct strbuf *out)
{
	size_t col = 0;

	for (int i = 0; i < o->argc; i++) {
		const char *arg = o->argv[i];
		struct strbuf unit;
		strbuf_init(&unit);
		shell_word(&unit, arg);
		if (arg[0] == '-' && !strchr(arg, '=') && i + 1 < o->argc &&
		    o->argv[i + 1][0] != '-') {
			strbuf_putc(&unit, ' ');
			shell_word(&unit, o->argv[++i]);
		}
		if (unit.failed) {
			strbuf_free(&unit);
			out->failed = true;
			return;
		}
		if (col > 0 && col + 1 + unit.len > COMMENT_COLUMNS) {
			strbuf_putc(out, '\n');
			col = 0;
		}
		if (col == 0) {
			strbuf_puts(out, "#  ");
			col = 3;
		}
		strbuf_putc(out, ' ');
		strbuf_add(out, unit.data, unit.len);
		col += 1 + unit.len;
		strbuf_free(&unit);
	}
	if (col > 0)
		strbuf_putc(out, '\n');
}

/* One entry of storage.files: @path with contents @text, mode 0644. */
static void yaml_file(struct strbuf *out, const char *path,
		      const struct strbuf *text)
{
	strbuf_puts(out, "        - path: ");
	yaml_str(out, path);
	strbuf_puts(out, "\n"
			 "          mode: 420\n"
			 "          overwrite: true\n"
			 "          contents:\n"
			 "            source: \"");
	dataurl_append(out, text->data ? text->data : "", text->len);
	strbuf_puts(out, "\"\n");
}

int mc_render_yaml(const struct mc_options *o, struct strbuf *out)
{
	struct strbuf chrony, broker;
	char name[300];
	int r;

	mc_name(o, name, sizeof(name));
	strbuf_init(&chrony);
	strbuf_init(&broker);
	r = mc_render_chrony_conf(o, &chrony);
	if (r == 0)
		r = mc_render_broker_conf(o, &broker);
	if (r < 0)
		goto out;

	strbuf_printf(out,
		      "# MachineConfig %s, pool %s:\n"
		      "# phcbrokerd feeds chronyd from a PTP hardware clock.\n"
		      "# Generated by phcbroker-machineconfig %s with the "
		      "options:\n",
		      name, o->role, o->version);
	options_comment(o, out);
	strbuf_puts(out,
		    "# Generate it again rather than edit it: the files "
		    "are base64 data URLs.\n"
		    "# It writes " MC_CHRONY_CONF " and " MC_BROKER_CONF
		    " (mode 0644)\n"
		    "# and enables phcbrokerd.service, its /metrics socket "
		    "and chronyd.service,\n"
		    "# nothing else: chronyd is never restarted. phcbroker "
		    "itself must be in the\n"
		    "# node image.\n");
	strbuf_puts(out, "apiVersion: machineconfiguration.openshift.io/v1\n"
			 "kind: MachineConfig\n"
			 "metadata:\n"
			 "  name: ");
	yaml_str(out, name);
	strbuf_puts(out, "\n"
			 "  labels:\n"
			 "    machineconfiguration.openshift.io/role: ");
	yaml_str(out, o->role);
	strbuf_puts(out, "\n"
			 "spec:\n"
			 "  config:\n"
			 "    ignition:\n"
			 "      version: \"3.2.0\"\n"
			 "    storage:\n"
			 "      files:\n");
	yaml_file(out, MC_CHRONY_CONF, &chrony);
	yaml_file(out, MC_BROKER_CONF, &broker);
	strbuf_puts(out, "    systemd:\n"
			 "      units:\n"
			 "        - name: \"phcbrokerd.service\"\n"
			 "          enabled: true\n"
			 "        - name: \"phcbrokerd-metrics.socket\"\n"
			 "          enabled: true\n"
			 "        - name: \"chronyd.service\"\n"
			 "          enabled: true\n");
	r = strbuf_error(out);
out:
	strbuf_free(&chrony);
	strbuf_free(&broker);
	return r;
}

/* ---- the manual steps --------------------------------------------------- */

/* Step 2: linuxptp-daemon's PtpConfig. */
static void ptpconfig_step(const struct mc_options *o, struct strbuf *out)
{
	if (!o->ptp4l_socket) {
		strbuf_puts(
		    out, "2. PtpConfig: phcbrokerd reads no ptp4l here. If a "
			 "PtpConfig of the PTP\n"
			 "   operator runs phc2sys on these nodes, set its "
			 "phc2sysOpts to \"\" (or\n"
			 "   remove the profile): phc2sys and chronyd must "
			 "not both steer the clock.\n\n");
		return;
	}
	strbuf_puts(out, "2. PtpConfig (namespace openshift-ptp): in the "
			 "profile whose ptp4l\n   disciplines ");
	if (o->interface)
		strbuf_puts(out, o->interface);
	else
		strbuf_printf(out, "the PHC %s", o->device);
	strbuf_printf(
	    out,
	    ", set\n"
	    "       phc2sysOpts: \"\"\n"
	    "   else phc2sys and chronyd both steer the system clock. "
	    "Keep ptp4l\n"
	    "   (ptp4lOpts, ptp4lConf): phcbrokerd reads its state at\n"
	    "   %s; linuxptp-daemon's ptp4l instance N\n"
	    "   listens at /var/run/ptp/ptp4l.N.socket on the host.\n",
	    o->ptp4l_socket);
	if (o->domain >= 0)
		strbuf_printf(out,
			      "   ptp4lConf's domainNumber must be %d, the "
			      "domain phcbrokerd asks in.\n",
			      o->domain);
	else
		strbuf_puts(out, "   phcbrokerd asks ptp4l in domain 0: if "
				 "ptp4lConf sets another\n"
				 "   domainNumber (24 to 43 in the G.8275.1 "
				 "telecom profile), generate again\n"
				 "   with --domain N.\n");
	strbuf_puts(out, "   If the profile enables linuxptp-daemon's "
			 "ntpfailover plugin (it stops\n"
			 "   and starts chronyd when ts2phc loses GNSS), "
			 "disable it: phcbrokerd moves\n"
			 "   chronyd to NTP without restarting it.\n\n");
}

int mc_render_instructions(const struct mc_options *o, struct strbuf *out)
{
	char name[300];
	const char *file = o->output;

	mc_name(o, name, sizeof(name));
	strbuf_printf(out,
		      "MachineConfig %s for pool %s.\n"
		      "A MachineConfig cannot make every change phcbroker "
		      "needs. Before applying it:\n\n",
		      name, o->role);
	strbuf_puts(out,
		    "1. Put phcbroker in the nodes' image. The MachineConfig "
		    "configures and\n"
		    "   enables phcbrokerd.service but does not install it: "
		    "the pool must run a\n"
		    "   layered RHCOS image that installs the phcbroker RPM "
		    "(doc/openshift.md).\n\n");
	ptpconfig_step(o, out);
	strbuf_puts(out,
		    "3. Tuned: the DU performance profile's Tuned (e.g. "
		    "performance-patch in\n"
		    "   openshift-cluster-node-tuning-operator) disables "
		    "chronyd with the line\n"
		    "       service.chronyd=stop,disable\n"
		    "   in its [service] section. Remove that line, else tuned "
		    "stops chronyd.\n\n");
	strbuf_printf(
	    out,
	    "4. Delete what stops or restarts chronyd: OpenShift's "
	    "conditional-start\n"
	    "   MachineConfig (05-chrony-dynamic style: the "
	    "ptp-sync-check script, the\n"
	    "   marker /var/run/ptp/insync, a ConditionPathExists "
	    "drop-in on\n"
	    "   chronyd.service, a timer that restarts chronyd), and "
	    "any other timer,\n"
	    "   script or MachineConfig that starts, stops or "
	    "restarts chronyd. Remove\n"
	    "   other MachineConfigs of pool %s that write " MC_CHRONY_CONF
	    ": this\n"
	    "   one replaces the file (the last name in sort order "
	    "wins).\n\n",
	    o->role);
	strbuf_puts(out, "5. Apply it:\n");
	if (file)
		strbuf_printf(out, "       oc apply -f %s\n", file);
	else
		strbuf_printf(out,
			      "       oc apply -f %s.yaml     # the YAML "
			      "written to standard output\n",
			      name);
	strbuf_printf(out,
		      "   The Machine Config Operator updates the pool's nodes "
		      "one at a time,\n"
		      "   normally with a drain and a reboot; follow it with\n"
		      "       oc get mcp %s -w\n"
		      "   Then, on a node:\n"
		      "       oc debug node/NODE -- chroot /host chronyc "
		      "sources\n"
		      "       oc debug node/NODE -- chroot /host phcbrokerctl "
		      "'GET STATUS'\n"
		      "   chronyc lists %s ('#* %s' once selected) beside the "
		      "NTP sources.\n",
		      o->role, refid_of(o), refid_of(o));
	return strbuf_error(out);
}
