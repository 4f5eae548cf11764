//! TCP时间戳服务器: `ts_tcp_server.py` of article 004.
//!
//! One client at a time, as in the article: while one client is connected,
//! the next one's connection waits in the listen backlog and its messages
//! wait unanswered until the first client leaves. `tcp-hello-server` shows
//! the cure, a thread per client.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // socket(AF_INET, SOCK_STREAM), bind(ADDR), listen(5): one call in Rust.
    let tcp_ser_sock =
        TcpListener::bind(addr).map_err(|e| crate::context("cannot listen on", addr, e))?;
    log(&format!("Listening on {}", tcp_ser_sock.local_addr()?));

    loop {
        log("waiting for connection...");
        let (mut tcp_cli_sock, addr) = match tcp_ser_sock.accept() {
            Ok(pair) => pair,
            // A failed accept loses that client only (it may have reset first); the
            // pause keeps an error that persists (no descriptors left) from spinning.
            Err(e) => {
                let _ = writeln!(io::stderr(), "tcp-timestamp server: accept: {e}");
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        log(&format!("...connected from: {}", python_addr(addr)));
        if let Err(e) = serve(&mut tcp_cli_sock) {
            // A reset or a timeout ends this client only; the next one is served.
            let why = crate::context("connection from", addr, e);
            let _ = writeln!(io::stderr(), "tcp-timestamp server: {why}"); // a closed stderr must not stop it
        }
        // tcpCliSock.close(): the stream is closed here, where it goes out of scope.
    }
}

/// Answers each read with `[<ctime>] <data>` until the client closes.
fn serve(tcp_cli_sock: &mut TcpStream) -> io::Result<()> {
    // Not in the article: a client that reads none of its answers fills the
    // socket buffers, and the server's send would wait for ever with every
    // other client queued behind it. Ten seconds without progress end it.
    tcp_cli_sock.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut data = [0; BUFSIZ];
    loop {
        // Up to 1024 bytes. TCP keeps no message boundaries: a longer line
        // arrives in several reads, and each read gets a reply of its own.
        let n = tcp_cli_sock.read(&mut data)?;
        if n == 0 {
            return Ok(()); // if not data: break
        }
        let reply = format!("[{}] {}", ctime(now()), String::from_utf8_lossy(&data[..n]));
        tcp_cli_sock.write_all(reply.as_bytes())?; // one write: one segment, not one per piece
    }
}

/// An address as Python prints it: `('127.0.0.1', 40278)`; for IPv6 its
/// 4-tuple with flow info and scope id, `('::1', 40278, 0, 0)`.
fn python_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => format!(
            "('{}', {}, {}, {})",
            a.ip(),
            a.port(),
            a.flowinfo(),
            a.scope_id()
        ),
    }
}

/// Seconds since the Unix epoch, like time.time().
fn now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH);
    since.map_or_else(
        |before| -(before.duration().as_secs() as i64),
        |d| d.as_secs() as i64,
    )
}

/// Python's time.ctime(): `Sat Nov  1 09:05:03 2026`, the day padded to two
/// columns. In UTC: std cannot read the local time zone, and Python's
/// ctime() uses local time, so the two agree where TZ=UTC.
fn ctime(secs: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's algorithm): shift the year to
    // start on 1 March so the leap day is the last day of a year, then count
    // 400-year eras of 146097 days.
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097)); // doe: day of era, 0..146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // month, March = 0
    let (day, month) = (
        doy - (153 * mp + 2) / 5 + 1,
        if mp < 10 { mp + 2 } else { mp - 10 },
    ); // January = 0
    let year = era * 400 + yoe + i64::from(month < 2);
    let (weekday, month) = (
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[month as usize],
    );
    format!(
        "{weekday} {month} {day:>2} {:02}:{:02}:{:02} {year}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Prints one line on stdout; a closed stdout must not stop the server.
fn log(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
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
