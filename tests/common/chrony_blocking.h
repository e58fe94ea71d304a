/* chrony_blocking.h: blocking calls on chronyd's command socket (tests). */
#ifndef PHCB_CHRONY_BLOCKING_H
#define PHCB_CHRONY_BLOCKING_H

#include "chrony_client.h"

/*
 * Blocking request/reply over a chronycmd client, with resends (first
 * after 250 ms, then doubling) until the client's timeout. For the probes
 * and the benchmark; the daemon uses the asynchronous calls only.
 */

/*
 * chronycmd_call - send a request and wait for its reply (blocking).
 * @cmd: the client.
 * @req: the request.
 * @reply: the reply.
 * @timeout_ms: total wait; the request is resent with the same sequence
 *     after 250 ms, then after doubling intervals, until then.
 * Returns as chronycmd_recv(), -ETIMEDOUT, or a chronycmd_send() error.
 */
int chronycmd_call(struct chronycmd *cmd, const struct candm_request *req,
		   struct candm_reply *reply, int timeout_ms);

/*
 * chronycmd_tracking - read chronyd's tracking report (chronyc tracking).
 * @cmd: the client.
 * @out: the report.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_tracking(struct chronycmd *cmd, struct candm_tracking *out);

/*
 * chronycmd_sources - read all sources (chronyc sources): N_SOURCES, then
 * SOURCE_DATA for each index.
 * @cmd: the client.
 * @out: array for the reports; @max: its length (0 to count only).
 * Returns the number of sources chronyd has (reports beyond @max are not
 * read), or a chronycmd_call() error (-EPROTO with status NOSUCHSOURCE if
 * a source went away meanwhile: call again).
 */
int chronycmd_sources(struct chronycmd *cmd, struct candm_source_data *out,
		      size_t max);

/*
 * chronycmd_sourcestats - read one source's statistics (chronyc sourcestats).
 * @cmd: the client.
 * @index: source index as in chronycmd_sources().
 * @out: the report.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_sourcestats(struct chronycmd *cmd, int index,
			  struct candm_sourcestats *out);

/*
 * chronycmd_activity - count NTP sources online/offline (chronyc activity).
 * @cmd: the client.
 * @out: the report.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_activity(struct chronycmd *cmd, struct candm_activity *out);

/*
 * chronycmd_reset_sources - drop all sources' measurements (chronyc reset
 * sources), so a refclock whose samples stopped loses its selection.
 * @cmd: the client.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_reset_sources(struct chronycmd *cmd);

/*
 * chronycmd_burst - make NTP sources take a burst of samples (chronyc burst).
 * @cmd: the client.
 * @sel: the sources, NULL for all NTP sources.
 * @n_good: good samples wanted; @n_total: samples at most.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_burst(struct chronycmd *cmd, const struct candm_req_select *sel,
		    int n_good, int n_total);

/*
 * chronycmd_online_all - mark all NTP sources online (chronyc online).
 * @cmd: the client.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_online_all(struct chronycmd *cmd);

/*
 * chronycmd_offline_all - mark all NTP sources offline (chronyc offline).
 * @cmd: the client.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_offline_all(struct chronycmd *cmd);

/*
 * chronycmd_supports_selectopts - whether chronyd has the SELECTOPTS
 * command (chrony 4.4+). Probes once with a request that changes nothing
 * and caches the answer until the client reconnects.
 * @cmd: the client.
 * Returns 1 if supported, 0 if not (chrony 4.3 and older), or a
 * chronycmd_call() error if chronyd did not answer.
 */
int chronycmd_supports_selectopts(struct chronycmd *cmd);

/*
 * chronycmd_selectopts - change a source's selection options at run time
 * (chronyc selectopts, chrony 4.4+).
 * @cmd: the client.
 * @address: NTP source address, or NULL to name a refclock by @ref_id.
 * @ref_id: refclock refid when @address is NULL (candm_refid_from_str()).
 * @mask: enum candm_select_opt bits to change; @options: their new values.
 * Returns 0, -EOPNOTSUPP if chronyd is too old (without sending when the
 * probe already said so), -EPROTO with status NOSUCHSOURCE if no source
 * matched, or a chronycmd_call() error.
 */
int chronycmd_selectopts(struct chronycmd *cmd, const struct candm_ip *address,
			 uint32_t ref_id, uint32_t mask, uint32_t options);

#endif
