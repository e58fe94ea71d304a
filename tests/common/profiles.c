/* profiles.c: the table of clock model profiles imitating real PHCs. */
#include <string.h>

#include "profiles.h"

/*
 * Offsets stay small (PHC kept in UTC, as phc2sys/ptp_kvm/hyperv/vmw do);
 * set offset=37s to imitate a ptp4l PHC in TAI. Delays: delay is the
 * minimum read time, jitter the mean of the exponential extra, spikes are
 * 1x..10x spike with probability spike_prob per reading, a stall adds stall
 * to one reading of an ioctl with probability stall_prob.
 */
static const struct clockmodel_profile profiles[] = {
    /* KVM guest ptp_kvm: host CLOCK_REALTIME by hypercall, x86 PRECISE */
    {.name = "kvm",
     .imitates = "KVM ptp_kvm (x86 guest, host on TSC): hypercall reads, "
		 "PRECISE cross-timestamp",
     .max_adj_ppb = 0,
     .real_extended = false,
     .params = {.offset_ns = 1500.0,
		.freq_ppm = 0.02,
		.wander_ns = 1.0,
		.delay_ns = 1500.0,
		.jitter_ns = 200.0,
		.spike_prob = 0.001,
		.spike_ns = 5000.0,
		.precise_noise_ns = 5.0,
		.precise = true,
		.seed = 101}},
    /* NIC PHC (igb/ice class) disciplined by ptp4l: PCIe register reads */
    {.name = "nic",
     .imitates = "NIC PHC (igb/ice class) under ptp4l: ~1 us PCIe reads, "
		 "1% IRQ/SMI spikes of 10-100 us",
     .max_adj_ppb = 62499999,
     .real_extended = true,
     .params = {.offset_ns = 250.0,
		.freq_ppm = 1.2,
		.wander_ns = 5.0,
		.delay_ns = 800.0,
		.jitter_ns = 200.0,
		.spike_prob = 0.01,
		.spike_ns = 10000.0,
		.seed = 202}},
    /* Hyper-V guest "hyperv" clock (hv_utils TimeSync): slow reads */
    {.name = "hyperv",
     .imitates = "Hyper-V hv_utils \"hyperv\" clock: several-us reads, "
		 "heavy tails, rare multi-ms stalls",
     .max_adj_ppb = 0,
     .real_extended = false,
     .params = {.offset_ns = -3000.0,
		.freq_ppm = 0.5,
		.wander_ns = 10.0,
		.delay_ns = 4000.0,
		.jitter_ns = 3000.0,
		.spike_prob = 0.02,
		.spike_ns = 20000.0,
		.stall_prob = 0.001,
		.stall_ns = 3e6,
		.seed = 303}},
    /* VMware ptp_vmw precision clock (vSphere 7.0U2+): backdoor I/O */
    {.name = "vmw",
     .imitates = "VMware ptp_vmw precision clock: tens-of-us reads, "
		 "heavy tails, rare multi-ms stalls",
     .max_adj_ppb = 0,
     .real_extended = false,
     .params = {.offset_ns = 2000.0,
		.freq_ppm = -0.8,
		.wander_ns = 10.0,
		.delay_ns = 20000.0,
		.jitter_ns = 15000.0,
		.spike_prob = 0.02,
		.spike_ns = 100000.0,
		.stall_prob = 0.002,
		.stall_ns = 5e6,
		.seed = 404}},
    /* nic whose ptp4l steps the PHC now and then (GM change, first step) */
    {.name = "steps",
     .imitates = "NIC PHC under ptp4l that steps: nic plus 50 us phase "
		 "steps, one per minute on average",
     .max_adj_ppb = 62499999,
     .real_extended = true,
     .params = {.offset_ns = 250.0,
		.freq_ppm = 1.2,
		.wander_ns = 5.0,
		.delay_ns = 800.0,
		.jitter_ns = 200.0,
		.spike_prob = 0.01,
		.spike_ns = 10000.0,
		.step_interval_s = 60.0,
		.step_ns = 50000.0,
		.seed = 505}},
    /*
     * nic on a host whose system clock drifts as a real one does, so the
     * tracker and smoother are judged on a changing frequency. The PHC
     * follows its grandmaster; the system clock runs on an uncompensated
     * crystal. Such a crystal, away from the turnover point of its
     * frequency-temperature curve, moves by 0.1 to 0.5 ppm per kelvin,
     * and a machine room's air conditioning swings the board by about a
     * kelvin in cycles of some minutes: 0.2 ppm amplitude, 10 minute
     * period (38 us peak to peak in offset, the frequency changing by up
     * to 2.1 ppb/s). On top, a random walk of the frequency of 1
     * ppb/sqrt(s) (0.01 ppm rms over 100 s, 0.025 ppm over 10 minutes):
     * airflow, load and aging, the slow drift left once the cycle is
     * known; over a 4 s poll it moves the offset by about 5 ns from a
     * straight line, half as much as the 5 ns/sqrt(s) phase wander.
     */
    {.name = "drift",
     .imitates = "nic with a drifting system clock: random-walk FM of "
		 "1 ppb/sqrt(s), a 0.2 ppm 10-minute temperature cycle",
     .max_adj_ppb = 62499999,
     .real_extended = true,
     .params = {.offset_ns = 250.0,
		.freq_ppm = 1.2,
		.wander_ns = 5.0,
		.freq_wander_ppm = 0.001,
		.temp_amplitude_ppm = 0.2,
		.temp_period_s = 600.0,
		.delay_ns = 800.0,
		.jitter_ns = 200.0,
		.spike_prob = 0.01,
		.spike_ns = 10000.0,
		.seed = 606}},
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

const struct clockmodel_profile *clockmodel_profile_find(const char *name)
{
	for (size_t i = 0; i < N_PROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct clockmodel_params *clockmodel_profile(const char *name)
{
	const struct clockmodel_profile *p = clockmodel_profile_find(name);
	return p ? &p->params : NULL;
}

const struct clockmodel_profile *clockmodel_profile_at(size_t i)
{
	return i < N_PROFILES ? &profiles[i] : NULL;
}
