//! The client process's own CPU time and memory, from `/proc` (Linux only).
//!
//! CPU is `utime + stime` of `/proc/self/stat` (all threads of the process, in clock ticks
//! of `USER_HZ`, which Linux fixes at 100 for user space: a resolution of 10 ms). Memory is
//! `VmHWM` (peak resident set) and `VmRSS` (current) of `/proc/self/status`, in KiB.

use std::fs;

/// Clock ticks per second of `/proc/*/stat` times (`USER_HZ`).
pub const USER_HZ: f64 = 100.0;

/// User plus system CPU seconds from the text of a `/proc/<pid>/stat` file.
pub fn cpu_seconds_from_stat(stat: &str) -> Option<f64> {
    // The command name (field 2) is in parentheses and may hold spaces; fields after the
    // last ')' start with field 3 (state). utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    #[allow(clippy::cast_precision_loss)] // tick counts stay far below 2^52
    Some((utime + stime) as f64 / USER_HZ)
}

/// The value in KiB of field `name` (e.g. `VmHWM`) in the text of a `/proc/<pid>/status`
/// file.
pub fn status_kib(status: &str, name: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(':')?;
        value.split_whitespace().next()?.parse().ok()
    })
}

/// This process's CPU seconds so far (0 where `/proc` is unavailable).
pub fn own_cpu_seconds() -> f64 {
    fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| cpu_seconds_from_stat(&s))
        .unwrap_or(0.0)
}

/// This process's peak resident set in KiB (0 where `/proc` is unavailable).
pub fn own_peak_rss_kib() -> u64 {
    own_status("VmHWM")
}

/// This process's current resident set in KiB (0 where `/proc` is unavailable).
pub fn own_rss_kib() -> u64 {
    own_status("VmRSS")
}

fn own_status(name: &str) -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| status_kib(&s, name))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_skips_a_command_name_with_spaces_and_parentheses() {
        let stat = "4242 (bugle (bench) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 \
                    250 125 0 0 20 0 3 0 100 1000 200 18446744073709551615";
        assert_eq!(cpu_seconds_from_stat(stat), Some(3.75));
        assert_eq!(cpu_seconds_from_stat("garbage"), None);
    }

    #[test]
    fn status_fields_are_read_in_kib() {
        let status =
            "Name:\tbugle-bench\nVmPeak:\t  20000 kB\nVmHWM:\t    8192 kB\nVmRSS:\t    4096 kB\n";
        assert_eq!(status_kib(status, "VmHWM"), Some(8192));
        assert_eq!(status_kib(status, "VmRSS"), Some(4096));
        assert_eq!(status_kib(status, "VmSwap"), None);
    }

    #[test]
    fn this_process_has_a_resident_set() {
        // One snapshot: other test threads may grow the set between two reads.
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let peak = status_kib(&status, "VmHWM").unwrap();
        let now = status_kib(&status, "VmRSS").unwrap();
        assert!(now > 0 && peak >= now, "VmHWM {peak} KiB, VmRSS {now} KiB");
        assert!(own_peak_rss_kib() > 0 && own_cpu_seconds() >= 0.0);
    }
}
