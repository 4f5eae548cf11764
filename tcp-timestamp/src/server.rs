//! TCP时间戳服务器: `ts_tcp_server.py` of article 004.
//!
//! One client at a time, as in the article: while one client is connected,
//! the next one's connection waits in the listen backlog and its messages
//! wait unanswered until the first client leaves. `tcp-hello-server` shows
//! the cure, a thread per client.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use std::{env, thread};

/// BUFSIZ = 1024 #1kb: one recv reads at most this much.
const BUFSIZ: usize = 1024;
/// How long an answer may wait for a client that reads none.
const TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(addr: &str) -> io::Result<()> {
    // tcpSerSock = socket(AF_INET, SOCK_STREAM); bind(ADDR); listen(5): one call in Rust.
    let tcp_ser_sock =
        TcpListener::bind(addr).map_err(|e| crate::context("cannot listen on", addr, e))?;
    crate::print(&format!("Listening on {}", tcp_ser_sock.local_addr()?))?;
    let idle = idle();
    let mut data = [0; BUFSIZ];

    loop {
        // print('waiting for connection...')
        crate::print("waiting for connection...")?;
        // tcpCliSock, addr = tcpSerSock.accept()
        let (mut tcp_cli_sock, addr) = match tcp_ser_sock.accept() {
            Ok(pair) => pair,
            // A failed accept loses that client only (it may have reset first); the
            // pause keeps an error that persists (no descriptors left) from spinning.
            Err(e) => {
                crate::warn("server", &format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // print('...connected from:', addr)
        crate::print(&format!("...connected from: {}", python_addr(addr)))?;
        // Not in the article: a client silent for `idle` is let go, and one
        // that takes no answer (its buffers full) for 10 s, so that neither
        // holds the one-at-a-time server for ever.
        if let Err(e) = tcp_cli_sock.set_read_timeout(Some(idle)) {
            let_go(addr, e); // a client already reset (macOS says so here)
            continue;
        }
        if let Err(e) = tcp_cli_sock.set_write_timeout(Some(TIMEOUT)) {
            let_go(addr, e);
            continue;
        }

        loop {
            // data = tcpCliSock.recv(BUFSIZ): up to 1024 bytes. TCP keeps no message
            // boundaries: a longer line arrives in several reads, each answered.
            let n = match tcp_cli_sock.read(&mut data) {
                Ok(0) => break, // if not data: break
                Ok(n) => n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    let why = format!("{addr} said nothing for {} s: let go", idle.as_secs());
                    crate::warn("server", &why);
                    break;
                }
                Err(e) => {
                    let_go(addr, e);
                    break;
                }
            };
            // tcpCliSock.send(bytes('[%s] %s' % (ctime(), data.decode('utf-8')), 'utf-8'))
            let reply = format!("[{}] {}", ctime(now()), String::from_utf8_lossy(&data[..n]));
            if let Err(e) = tcp_cli_sock.write_all(reply.as_bytes()) {
                let_go(addr, e);
                break;
            }
        }
        // tcpCliSock.close()
        drop(tcp_cli_sock);
    }
}

/// A client's connection failed: one line on stderr; the server goes on
/// with the next client.
fn let_go(addr: SocketAddr, e: io::Error) {
    let why = crate::context("connection from", &addr.to_string(), e);
    crate::warn("server", &why.to_string());
}

/// An address as Python prints it: `('127.0.0.1', 40278)`; for IPv6 its
/// 4-tuple, `('::1', 40278, 0, 0)` (flow info: 0 as Linux gives it).
fn python_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("('{}', {}, 0, {})", a.ip(), a.port(), a.scope_id()),
    }
}

/// How long a client may stay silent before it is let go: 5 minutes, a
/// person typing slowly; IDLE_SECS=N sets N seconds, N above 0 (the tests use 1).
fn idle() -> Duration {
    let secs = env::var("IDLE_SECS").ok().and_then(|s| s.parse().ok());
    Duration::from_secs(secs.filter(|&n| n > 0).unwrap_or(300))
}

/// Seconds since the Unix epoch, like time.time(); 0 for a clock set before 1970.
fn now() -> u64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH);
    since.map_or(0, |d| d.as_secs())
}

/// Python's time.ctime(): `Sat Nov  1 09:05:03 2026`, the day padded to two
/// columns. In UTC: std cannot read the local time zone, and Python's
/// ctime() uses local time, so the two agree where TZ=UTC.
fn ctime(secs: u64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let time = secs % 86_400;
    // Days to a civil date (Howard Hinnant's algorithm): shift the year to
    // start on 1 March so the leap day is the last day of a year, then count
    // 400-year eras of 146097 days from 0000-03-01.
    let era = (days + 719_468) / 146_097;
    let doe = (days + 719_468) % 146_097; // day of era, 0..146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // month, March = 0
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 2 } else { mp - 10 }; // January = 0
    let year = era * 400 + yoe + u64::from(month < 2);
    let weekday = WEEKDAYS[(days % 7) as usize];
    let hms = format!("{:02}:{:02}:{:02}", time / 3600, time / 60 % 60, time % 60);
    format!("{weekday} {} {day:>2} {hms} {year}", MONTHS[month as usize])
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
        ];
        for (secs, text) in known {
            assert_eq!(ctime(secs), text, "ctime({secs})");
        }
    }
}
