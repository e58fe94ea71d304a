/* metrics_kernel.c: the kernel's clock (adjtimex) as Prometheus metrics. */
#include <sys/timex.h>

#include "metrics.h"
#include "metrics_text.h"

void metrics_render_kernel(const struct timex *tx, int state,
			   struct evbuffer *out)
{
	/* offset is in ns with STA_NANO, else us; freq in ppm * 2^16 */
	double unit = tx->status & STA_NANO ? 1e-9 : 1e-6;

	mtx_single(out, "phcbroker_kernel_synchronized",
		   "1 unless the kernel's STA_UNSYNC is set",
		   !(tx->status & STA_UNSYNC));
	mtx_single(out, "phcbroker_kernel_maxerror_seconds",
		   "The kernel's maximum error", (double)tx->maxerror / 1e6);
	mtx_single(out, "phcbroker_kernel_esterror_seconds",
		   "The kernel's estimated error", (double)tx->esterror / 1e6);
	mtx_single(out, "phcbroker_kernel_offset_seconds",
		   "The kernel PLL's remaining offset",
		   (double)tx->offset * unit);
	mtx_single(out, "phcbroker_kernel_frequency_ppm",
		   "The kernel's frequency correction",
		   (double)tx->freq / 65536.0);
	mtx_single(out, "phcbroker_kernel_tai_offset_seconds",
		   "The kernel's TAI - UTC", (double)tx->tai);
	mtx_single(out, "phcbroker_kernel_clock_state",
		   "adjtimex's return: 0 TIME_OK .. 5 TIME_ERROR", state);
}
