/* mc_check.h: checks of the MachineConfig generator's option values. */
#ifndef PHCB_MC_CHECK_H
#define PHCB_MC_CHECK_H

#include <stddef.h>

/*
 * Each mc_check_* function takes one value and returns NULL when it is
 * acceptable, else a short reason ("must be 1 to 4 letters or digits")
 * for an error message that names the option.
 */

/**
 * mc_check_role - a machine config pool, the value of the label
 * machineconfiguration.openshift.io/role: a DNS label (RFC 1123), 1 to 63
 * lowercase letters, digits and '-', beginning and ending with a letter or
 * digit.
 */
const char *mc_check_role(const char *v);

/**
 * mc_check_name - a MachineConfig name, a DNS subdomain (RFC 1123): 1 to
 * 253 lowercase letters, digits, '-' and '.', beginning and ending with a
 * letter or digit.
 */
const char *mc_check_name(const char *v);

/**
 * mc_check_refid - a chrony refid and phcbrokerd source name: 1 to 4
 * ASCII letters or digits.
 */
const char *mc_check_refid(const char *v);

/**
 * mc_check_ifname - a Linux network interface name: 1 to 15 printable
 * ASCII characters, none of them blank, '/', ':' or '#', and not "." or
 * "..".
 */
const char *mc_check_ifname(const char *v);

/**
 * mc_check_device - a PHC for phcbrokerd's device key: "auto" or an
 * absolute path of printable ASCII without blanks or '#' (which would
 * start a comment in phcbrokerd.conf), shorter than 256 characters.
 */
const char *mc_check_device(const char *v);

/**
 * mc_check_socket_path - a Unix socket path (ptp4l's): absolute, printable
 * ASCII without blanks or '#', shorter than 108 characters (sun_path).
 */
const char *mc_check_socket_path(const char *v);

/**
 * mc_check_host - an NTP server or pool name or address for a chrony
 * server line: 1 to 255 printable ASCII characters without blanks, quotes,
 * backslashes or '#', not beginning with '-'.
 */
const char *mc_check_host(const char *v);

/**
 * mc_check_chrony_line - a line appended verbatim to chrony.conf: 1 to 1000
 * printable ASCII characters (no line breaks, tabs or other control
 * characters), not only blanks.
 */
const char *mc_check_chrony_line(const char *v);

/** mc_check_gate_mode - phcbrokerd's gate_mode: auto, slave or grandmaster. */
const char *mc_check_gate_mode(const char *v);

/** mc_check_timescale - the PHC's timescale: utc or tai. */
const char *mc_check_timescale(const char *v);

/**
 * mc_parse_domain - a PTP domainNumber, 0 to 255, in decimal.
 * @out: the number, on success.
 * Returns NULL or the reason.
 */
const char *mc_parse_domain(const char *v, int *out);

/**
 * mc_shown - @v made fit for a one-line error message, in @buf of @len
 * (at least 4) bytes: at most 64 characters (then "..."), each one that
 * is not printable ASCII shown as '?'. Returns @buf.
 */
const char *mc_shown(const char *v, char *buf, size_t len);

#endif
