//! UDP时间戳服务器: `ts_udp_server.py` of article 004.
//!
//! No listen, no accept: each datagram carries its sender's address, and the
//! reply, the time alone, goes back to it. One socket serves every client,
//! and a datagram arrives whole or not at all (UDP keeps message boundaries).

use std::io::{self, Write};
use std::net::UdpSocket;
use std::time::{SystemTime, UNIX_EPOCH};

pub const DEFAULT_ADDR: &str = "127.0.0.1:23135";
const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // socket(AF_INET, SOCK_DGRAM) + bind(ADDR): one call in Rust.
    let udp_ser_sock = UdpSocket::bind(addr).map_err(|e| bind_error(addr, e))?;
    log(&format!("Listening on {}", udp_ser_sock.local_addr()?));
    let mut data = [0; BUFSIZ];

    loop {
        log("waiting for message...");
        // A datagram longer than 1024 bytes is cut to 1024, as in Python.
        let addr = match udp_ser_sock.recv_from(&mut data) {
            Ok((_, addr)) => addr,
            Err(e) => {
                // Some systems report an earlier reply's "port unreachable"
                // here; it concerns one client, so keep serving.
                eprintln!("udp-timestamp server: receive failed: {e}");
                continue;
            }
        };
        if let Err(e) = udp_ser_sock.send_to(ctime(now()).as_bytes(), addr) {
            eprintln!("udp-timestamp server: reply to {addr} failed: {e}");
            continue;
        }
        log(&format!("...received from and returned to: {addr}"));
    }
}

/// Seconds since the Unix epoch, like time.time().
fn now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    }
}

/// Python's time.ctime(): `Sat Nov  1 09:05:03 2026`, the day padded to two
/// columns. In UTC: std cannot read the local time zone, and Python's
/// ctime() uses local time, so the two agree where TZ=UTC.
fn ctime(secs: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (days, secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's algorithm): shift the year to
    // start on 1 March so the leap day is the last day of a year, then count
    // 400-year eras of 146097 days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // month, March = 0
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 2 } else { mp - 10 }; // January = 0
    let year = era * 400 + yoe + i64::from(month < 2);
    format!(
        "{} {} {day:>2} {:02}:{:02}:{:02} {year}",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[month as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Prints one line on stdout; a closed stdout must not stop the server.
fn log(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
}

fn bind_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, \
             e.g. `cargo run -p udp-timestamp -- server 127.0.0.1:0`"
        }
        io::ErrorKind::PermissionDenied => "; ports below 1024 need root: pick one above",
        io::ErrorKind::AddrNotAvailable => "; that IP is not on this machine: try 127.0.0.1",
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot bind {addr}: {e}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::ctime;

    #[test]
    fn ctime_matches_python_at_known_instants() {
        // Each expected text is Python's time.ctime(secs) with TZ=UTC.
        let known = [
            (0, "Thu Jan  1 00:00:00 1970"),
            (68_255_999, "Tue Feb 29 23:59:59 1972"),
            (951_782_400, "Tue Feb 29 00:00:00 2000"),
            (978_307_199, "Sun Dec 31 23:59:59 2000"),
            (1_709_208_000, "Thu Feb 29 12:00:00 2024"),
            (1_793_523_903, "Sun Nov  1 09:05:03 2026"),
            (2_147_483_647, "Tue Jan 19 03:14:07 2038"),
            (2_147_483_648, "Tue Jan 19 03:14:08 2038"),
            (4_107_542_399, "Sun Feb 28 23:59:59 2100"),
            (4_107_542_400, "Mon Mar  1 00:00:00 2100"),
            (253_402_300_799, "Fri Dec 31 23:59:59 9999"),
            (-1, "Wed Dec 31 23:59:59 1969"),
        ];
        for (secs, text) in known {
            assert_eq!(ctime(secs), text, "ctime({secs})");
        }
    }
}
